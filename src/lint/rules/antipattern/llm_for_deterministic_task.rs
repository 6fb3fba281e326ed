//! MCP101 llm-for-deterministic-task (preview).

use std::sync::OnceLock;

use regex::Regex;

use crate::lint::diagnostic::{Diagnostic, Severity};
use syn::visit::Visit;

use crate::lint::rules::tools::item_fns;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static LLM_FOR_DETERMINISTIC_TASK: RuleMeta = RuleMeta {
    code: "MCP101",
    name: "llm-for-deterministic-task",
    family: Family::AntiPattern,
    severity: Severity::Info,
    status: Status::Preview,
    autofix: None,
    limits: "",
    summary: "A tool whose job is deterministic (calculate, convert, parse, validate, sort, hash, …) that asks a language model to do it.",
    why: "The research's \"AI precision\" anti-pattern: models are slow, costly and occasionally wrong at arithmetic, parsing and formatting. Deterministic work belongs in code; the model should call the tool, not be the tool.",
    example: "/// Calculates the invoice total.\n#[tool]\nasync fn calculate_total(&self, ..) {\n    let reply = self.peer.create_message(..).await?;\n}",
    fix: "Compute the result in Rust and return it; keep sampling for judgement calls.",
};

fn deterministic() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(calc|calculate|convert|format|parse|validate|sort|count|sum|hash|encode|decode|compare|date)").expect("valid pattern")
    })
}

pub fn llm_for_deterministic_task(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for tool in item_fns(file, "tool") {
        if deterministic().is_match(&tool.name) && asks_a_model(&tool.func.block) {
            out.push(file.diagnostic(
                &LLM_FOR_DETERMINISTIC_TASK,
                tool.name_span,
                format!(
                    "tool `{}` looks deterministic but asks a language model",
                    tool.name
                ),
            ));
        }
    }
}

/// Whether a function body samples the client's model or calls a hosted LLM API.
fn asks_a_model(block: &syn::Block) -> bool {
    #[derive(Default)]
    struct Finder(bool);
    impl<'a> Visit<'a> for Finder {
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            self.0 |= call.method == "create_message";
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_lit_str(&mut self, lit: &'a syn::LitStr) {
            let v = lit.value();
            self.0 |= v.contains("api.openai.com") || v.contains("api.anthropic.com");
        }
        fn visit_path(&mut self, path: &'a syn::Path) {
            self.0 |= path
                .segments
                .first()
                .is_some_and(|s| s.ident == "async_openai");
            syn::visit::visit_path(self, path);
        }
    }
    let mut finder = Finder::default();
    finder.visit_block(block);
    finder.0
}
