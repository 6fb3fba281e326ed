//! MCP003 duplicate-tool-name.

use std::collections::HashMap;

use crate::lint::FileFacts;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::CrateContext;

pub static DUPLICATE_TOOL_NAME: RuleMeta = RuleMeta {
    code: "MCP003",
    name: "duplicate-tool-name",
    family: Family::Spec,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "Two `#[tool]` functions in one crate that clients would see under the same name.",
    why: "Tool names should be unique within a server (the specification's word is SHOULD; clients index tools by name). When routers are combined, one tool silently replaces the other, so a call reaches code its author never meant.",
    example: "// src/tools/search.rs\n#[tool(name = \"search\")] async fn search_docs(..)\n// src/tools/find.rs\n#[tool(name = \"search\")] async fn search_tickets(..)",
    fix: "Rename one of them; prefix names by domain (`docs_search`, `tickets_search`) when several teams share a server.",
};

pub fn duplicate_tool_name(files: &[&FileFacts], _: &CrateContext, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for file in files {
        for (name, start, end) in &file.tools {
            match first.get(name.as_str()) {
                Some(where_) => out.push(Diagnostic::new(
                    &DUPLICATE_TOOL_NAME,
                    file.path.clone(),
                    *start,
                    *end,
                    format!("tool name `{name}` is already used in {where_}"),
                )),
                None => {
                    first.insert(name, &file.path);
                }
            }
        }
    }
}
