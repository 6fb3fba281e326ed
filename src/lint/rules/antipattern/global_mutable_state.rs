//! MCP105 global-mutable-state.

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::is_item_module;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static GLOBAL_MUTABLE_STATE: RuleMeta = RuleMeta {
    code: "MCP105",
    name: "global-mutable-state",
    family: Family::AntiPattern,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A `static` with interior mutability, `static mut`, `lazy_static!` or `thread_local!` in tool, resource or prompt code.",
    why: "The research's \"state leakage\" anti-pattern: global state is shared by every client and session, survives across requests, and breaks when the server runs as several replicas (the 2026-07-28 protocol era is stateless). Thread-locals are worse: tokio moves tasks between threads.",
    example: "static CACHE: Mutex<HashMap<String, String>> = Mutex::new(HashMap::new());",
    fix: "Keep shared resources in the server state built at startup, keyed by principal where it is per-user; put cross-replica state in Redis.",
};

const INTERIOR: &[&str] = &[
    "Mutex",
    "RwLock",
    "Atomic",
    "RefCell",
    "Cell",
    "OnceCell",
    "UnsafeCell",
];

pub fn global_mutable_state(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !is_item_module(file) {
        return;
    }
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'a> Visit<'a> for Visitor<'_, '_> {
        fn visit_item_static(&mut self, item: &'a syn::ItemStatic) {
            let ty = item.ty.to_token_stream().to_string();
            let mutable = matches!(item.mutability, syn::StaticMutability::Mut(_));
            if mutable || INTERIOR.iter().any(|m| ty.contains(m)) {
                self.out.push(self.file.diagnostic(
                    &GLOBAL_MUTABLE_STATE,
                    item.ident.span(),
                    format!(
                        "`static {}` is mutable state shared by every request and session",
                        item.ident
                    ),
                ));
            }
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            let name = crate::lint::rules::tools::macro_name(mac);
            if matches!(name.as_str(), "lazy_static" | "thread_local") {
                self.out.push(self.file.diagnostic(
                    &GLOBAL_MUTABLE_STATE,
                    mac.span(),
                    format!("`{name}!` holds state outside the server"),
                ));
            }
        }
    }
    Visitor { file, out }.visit_file(&file.ast);
}
