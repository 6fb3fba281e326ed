//! MCP411 unbounded-read.

use std::collections::HashSet;

use quote::ToTokens;
use syn::visit::Visit;

use super::flow::{macro_args, root_call, root_local};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::item_fns;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static UNBOUNDED_READ: RuleMeta = RuleMeta {
    code: "MCP411",
    name: "unbounded-read",
    family: Family::Security,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Only `#[tool]` functions are read, where the model chooses what is fetched; platform code reading a configured upstream is left alone. A response is a chain through `.send()` or `reqwest::get`/`reqwest::blocking::get`, or a local bound from one. Any mention of a cap in the same tool function (`content_length`, `chunk`, `bytes_stream`, `take(`, `Limited`, `limit`) counts as bounded, whether or not it guards this read. Files read whole are not reported here: a tool reading a path it was given is MCP406's finding.",
    summary: "A tool reads a whole HTTP response body into memory (`.text()`, `.bytes()`, `.json()`) with no size cap.",
    why: "The model picks the URL, so the server at the other end picks the size: one multi-gigabyte body (or an endless stream) exhausts the server's memory for every client, and an oversized text result floods the model's context too. The platform's `UrlFetcher` stops reading at a configured budget.",
    example: "#[tool]\nasync fn fetch(&self, Parameters(p): Parameters<FetchParams>) -> Result<String, ToolError> {\n    Ok(self.http.get(API).send().await?.text().await?)\n}",
    fix: "Fetch through the platform's `UrlFetcher` (bounded body), or read with `response.chunk()` in a loop that stops at a budget, after checking `content_length()`.",
};

const FETCH_FNS: &[&str] = &["reqwest::get", "reqwest::blocking::get"];

pub fn unbounded_read(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if ![".text()", ".bytes()", ".json()"]
        .iter()
        .any(|w| file.text.contains(w))
    {
        return;
    }
    for tool in item_fns(file, "tool") {
        let body = tool.func.block.to_token_stream().to_string();
        let capped = [
            "content_length",
            "chunk",
            "bytes_stream",
            "take (",
            "Limited",
            "limit",
        ]
        .iter()
        .any(|cap| body.contains(cap));
        if capped {
            continue;
        }
        let mut reads = Reads {
            file,
            responses: HashSet::new(),
            found: Vec::new(),
        };
        reads.visit_block(&tool.func.block);
        for (span, method) in reads.found {
            out.push(
                file.diagnostic(
                    &UNBOUNDED_READ,
                    span,
                    format!("`.{method}()` reads the whole response, however large the other end makes it"),
                )
                .with_help("fetch through the platform's UrlFetcher, or read `chunk()`s up to a budget"),
            );
        }
    }
}

struct Reads<'f> {
    file: &'f SourceFile,
    responses: HashSet<String>,
    found: Vec<(proc_macro2::Span, String)>,
}

impl Reads<'_> {
    /// A response: a chain through `.send()`, from `reqwest::get`, or a local holding one.
    fn response(&self, expr: &syn::Expr) -> bool {
        let mut e = expr;
        loop {
            match e {
                syn::Expr::MethodCall(m) if m.method == "send" => return true,
                syn::Expr::MethodCall(m) => e = &m.receiver,
                syn::Expr::Try(t) => e = &t.expr,
                syn::Expr::Await(a) => e = &a.base,
                syn::Expr::Paren(p) => e = &p.expr,
                _ => break,
            }
        }
        root_call(expr).is_some_and(|p| FETCH_FNS.contains(&self.file.resolve(p).as_str()))
            || root_local(expr).is_some_and(|l| self.responses.contains(&l))
    }
}

impl<'a> Visit<'a> for Reads<'_> {
    fn visit_local(&mut self, local: &'a syn::Local) {
        syn::visit::visit_local(self, local);
        if let (syn::Pat::Ident(name), Some(init)) = (&local.pat, &local.init) {
            let name = name.ident.to_string();
            if self.response(&init.expr) {
                self.responses.insert(name);
            } else {
                self.responses.remove(&name);
            }
        }
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        let method = m.method.to_string();
        if matches!(method.as_str(), "text" | "bytes" | "json")
            && m.args.is_empty()
            && self.response(&m.receiver)
        {
            self.found.push((m.method.span(), method));
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        if let Some(args) = macro_args(mac) {
            args.iter().for_each(|a| self.visit_expr(a));
        }
    }

    fn visit_item(&mut self, _: &'a syn::Item) {}
}
