//! MCP406 untrusted-path-join.

use syn::spanned::Spanned;

use super::flow::{Flow, Seeds, each_call, root_call, root_local};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static UNTRUSTED_PATH_JOIN: RuleMeta = RuleMeta {
    code: "MCP406",
    name: "untrusted-path-join",
    family: Family::Security,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Input is followed within the `#[tool]` function and through direct calls to the crate's own functions, up to 3 calls deep: free functions and associated functions of inherent `impl` blocks, called by path (`helper(x)`, `crate::net::helper(x)`, `Self::helper(x)`, `Server::helper(x)`) or on `self` (`self.helper(x)`); the finding is reported at the sink, with the chain of calls and the tool it started from. Not followed: trait methods, closures, functions called through macros or function pointers, other crates (a library called from its binary by the crate's name included), glob-imported names, and methods of receivers other than `self`; calls into the platform's `UrlFetcher`, `FileOps` and `CodeExecutor`, or into a `platform` module, are where the checks happen and are not followed either. A path stored in `self` or a global, or built inside a macro other than `format!`-like ones, is not seen, nor are `Path` methods that touch the file system themselves (`path.read_dir()`, `path.exists()`). A path passed to a function or method named `validate*`, `sanitize*`, `check*`, `ensure*`, `verify*`, `confine*` or `is_safe*`, or tested in an `if` that returns (`Path::starts_with` on a path, a look at its `components()` or `file_name()`, a validator), counts as confined — the linter trusts the check, and MCP408 reports the canonicalize-then-open race such checks usually have. Only `file_name()` of the input makes a value safe by itself (it cannot hold `..` or `/`).",
    summary: "A tool parameter reaches a path opened with `std::fs` or `tokio::fs` (`read`, `write`, `File::open`, `OpenOptions::open`, `remove_file`, `copy`, …), joined onto a base directory or not, instead of going through the platform's `FileOps`.",
    why: "A model asked to read `notes.txt` can be talked into `../../home/user/.ssh/id_rsa`; `Path::join` with an absolute path (`/etc/passwd`) drops the base altogether, and a symlink inside the directory leads anywhere. Path traversal in MCP filesystem servers is a known vulnerability class (CVE-2025-53110, CVE-2025-53109). `FileOps` opens beneath its root through capability handles, so `..`, absolute paths and symlinks out of the root are refused.\n\nThe catalogue named this rule for the join (`base.join(p)`, `format!(\"{base}/{p}\")`) and for parameters named `path`, `file`, `dir`…; it reports any tool input that reaches a file-system call, because an unjoined input path is the same escape (worse: no base at all), and a parameter's name says nothing about where it ends up.",
    example: "#[tool]\nasync fn read_note(&self, Parameters(p): Parameters<ReadParams>) -> Result<String, ToolError> {\n    let path = self.root.join(&p.name);\n    Ok(tokio::fs::read_to_string(path).await?)\n}",
    fix: "Read and write through the platform: `self.state().files()?.read(root, &p.name)`. Without the platform, open a `cap_std::fs::Dir` for the root and open the input beneath it; for a flat folder, keep only `Path::new(&p.name).file_name()`.",
};

/// `std::fs`/`tokio::fs` functions (last segments) taking a path first.
pub(super) const PATH_FNS: &[&str] = &[
    "read",
    "read_to_string",
    "write",
    "File::open",
    "File::create",
    "File::create_new",
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "create_dir",
    "create_dir_all",
    "read_dir",
    "metadata",
    "symlink_metadata",
    "read_link",
    "set_permissions",
    "try_exists",
];

/// Those taking two paths.
pub(super) const TWO_PATH_FNS: &[&str] = &["copy", "rename", "hard_link", "soft_link"];

pub fn untrusted_path_join(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    flow_sinks(file, &Seeds::Tools, out);
}

/// The file-system calls input reaches, walking from `seeds`.
pub(super) fn flow_sinks(file: &SourceFile, seeds: &Seeds, out: &mut Vec<Diagnostic>) {
    // Cheap first: `std::fs`/`tokio::fs` paths are spelled out in the file or its `use` items.
    if !file.text.contains("fs::") && !file.text.contains("OpenOptions") {
        return;
    }
    each_call(file, seeds, file_name_only, |flow, expr| {
        let (paths, what): (Vec<&syn::Expr>, String) = match expr {
            syn::Expr::Call(call) => {
                let syn::Expr::Path(p) = &*call.func else {
                    return;
                };
                let name = file.resolve(&p.path);
                let Some(function) = name
                    .strip_prefix("std::fs::")
                    .or_else(|| name.strip_prefix("tokio::fs::"))
                else {
                    return;
                };
                let count = if PATH_FNS.contains(&function) {
                    1
                } else if TWO_PATH_FNS.contains(&function) {
                    2
                } else {
                    return;
                };
                (call.args.iter().take(count).collect(), name)
            }
            syn::Expr::MethodCall(m) if m.method == "open" && m.args.len() == 1 => {
                if !is_open_options(flow, &m.receiver) {
                    return;
                }
                (m.args.iter().collect(), "OpenOptions::open".to_string())
            }
            _ => return,
        };
        for path in paths {
            if let Some(input) = flow.taint(path) {
                out.push(
                    file.diagnostic(
                        &UNTRUSTED_PATH_JOIN,
                        path.span(),
                        format!("tool input `{input}` reaches `{what}` unconfined"),
                    )
                    .with_help(
                        "open it through the platform's FileOps (`self.state().files()?.read(root, path)`), which refuses `..`, absolute paths and symlinks out of the root",
                    ),
                );
            }
        }
    });
}

/// `OpenOptions::new()…` of `std::fs` or `tokio::fs`, directly or through a local.
fn is_open_options(flow: &Flow, receiver: &syn::Expr) -> bool {
    let origin = root_call(receiver)
        .map(|p| flow.file.resolve(p))
        .or_else(|| root_local(receiver).and_then(|l| flow.origin(&l).map(str::to_string)));
    origin.is_some_and(|o| {
        (o.starts_with("std::fs::") || o.starts_with("tokio::fs::"))
            && o.ends_with("OpenOptions::new")
    })
}

/// `Path::new(&p.name).file_name()`: one normal component, no `..`, no `/`.
fn file_name_only(_: &Flow, expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::MethodCall(m) if m.method == "file_name")
}
