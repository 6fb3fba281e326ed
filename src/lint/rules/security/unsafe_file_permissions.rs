//! MCP412 unsafe-file-permissions.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::literal;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static UNSAFE_FILE_PERMISSIONS: RuleMeta = RuleMeta {
    code: "MCP412",
    name: "unsafe-file-permissions",
    family: Family::Security,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Modes are read only from integer literals written at the call (`from_mode(0o777)`, `.mode(0o666)`, `set_mode(..)`; for the generic `.mode(..)`/`set_mode(..)` methods only octal literals, as other builders have modes too); a mode in a constant or variable is not followed. Predictable temporary names are literal paths under `/tmp/` or `/var/tmp/`, or `temp_dir().join(\"literal\")`, passed straight to `File::create`, `std::fs::write`/`tokio::fs::write`, `create_dir`/`create_dir_all` or `OpenOptions::open`.",
    summary: "Files or directories made world-writable (`Permissions::from_mode(0o777)`, `OpenOptionsExt::mode(0o666)`, `DirBuilderExt::mode(..)` with the others-write bit), or created under a fixed name in a shared temporary directory (`/tmp/cache.json`, `temp_dir().join(\"x\")`).",
    why: "A world-writable file is anyone's to rewrite: another user or process on the machine replaces the server's cache, config or script and the server trusts it. A fixed name in `/tmp` can be created first by someone else — as a symlink to a file the server can write, or with their content — and the server then writes through it or reads it back.",
    example: "std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777))?;\nstd::fs::write(\"/tmp/mcp-cache.json\", body)?;",
    fix: "Use modes without the others-write bit (`0o600` for files, `0o700` for directories, `0o644`/`0o755` when others must read); create temporary files with the `tempfile` crate (unique names, opened with `O_EXCL`) or under a directory the server owns. The platform's `FileOps` keeps a file's mode when it overwrites it.",
};

const CREATE_FNS: &[&str] = &[
    "std::fs::File::create",
    "std::fs::write",
    "std::fs::create_dir",
    "std::fs::create_dir_all",
    "tokio::fs::File::create",
    "tokio::fs::write",
    "tokio::fs::create_dir",
    "tokio::fs::create_dir_all",
];

pub fn unsafe_file_permissions(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !["mode", "/tmp/", "temp_dir"]
        .iter()
        .any(|w| file.text.contains(w))
    {
        return;
    }
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Visitor<'_, '_> {
        /// `octal_only`: a generic `.mode(..)` method counts only with an octal literal, the way
        /// permissions are written (`.mode(2)` is some other builder's mode).
        fn mode(&mut self, arg: Option<&syn::Expr>, octal_only: bool) {
            let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(int),
                ..
            })) = arg
            else {
                return;
            };
            if let Ok(mode) = int.base10_parse::<u32>()
                && mode & 0o002 != 0
                && (!octal_only || int.to_string().starts_with("0o"))
            {
                self.out.push(
                    self.file
                        .diagnostic(
                            &UNSAFE_FILE_PERMISSIONS,
                            int.span(),
                            format!("mode {mode:#o} lets every user on the machine write here"),
                        )
                        .with_help("drop the others-write bit: 0o600/0o700, or 0o644/0o755 when others must read"),
                );
            }
        }

        fn temp_path(&mut self, arg: Option<&syn::Expr>) {
            let Some(arg) = arg else {
                return;
            };
            let predictable = match literal(arg) {
                Some(path) => path.starts_with("/tmp/") || path.starts_with("/var/tmp/"),
                None => temp_dir_join(self.file, arg),
            };
            if predictable {
                self.out.push(
                    self.file
                        .diagnostic(
                            &UNSAFE_FILE_PERMISSIONS,
                            arg.span(),
                            "a fixed name in a shared temporary directory: another user can create it first (or a symlink in its place)",
                        )
                        .with_help("use the tempfile crate for a unique, exclusively created file, or a directory the server owns"),
                );
            }
        }
    }
    impl<'a> Visit<'a> for Visitor<'_, '_> {
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                let name = self.file.resolve(&p.path);
                if name.ends_with("Permissions::from_mode") {
                    self.mode(call.args.first(), false);
                } else if CREATE_FNS.contains(&name.as_str()) {
                    self.temp_path(call.args.first());
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            match m.method.to_string().as_str() {
                "mode" | "set_mode" if m.args.len() == 1 => self.mode(m.args.first(), true),
                "open"
                    if m.args.len() == 1
                        && super::flow::root_call(&m.receiver).is_some_and(|p| {
                            self.file.resolve(p).ends_with("fs::OpenOptions::new")
                        }) =>
                {
                    self.temp_path(m.args.first())
                }
                _ => {}
            }
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            if let Some(args) = super::flow::macro_args(mac) {
                args.iter().for_each(|a| self.visit_expr(a));
            }
        }
    }
    Visitor { file, out }.visit_file(&file.ast);
}

/// `std::env::temp_dir().join("name")` with a literal name.
fn temp_dir_join(file: &SourceFile, expr: &syn::Expr) -> bool {
    let expr = match expr {
        syn::Expr::Reference(r) => &*r.expr,
        other => other,
    };
    let syn::Expr::MethodCall(m) = expr else {
        return false;
    };
    m.method == "join"
        && m.args.first().and_then(literal).is_some()
        && matches!(&*m.receiver, syn::Expr::Call(c)
            if matches!(&*c.func, syn::Expr::Path(p) if file.resolve(&p.path).ends_with("env::temp_dir")))
}
