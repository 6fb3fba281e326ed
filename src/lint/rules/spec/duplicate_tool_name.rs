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
    limits: "One server is one type: the `#[tool]` functions of every `#[tool_router]` impl of that type (rmcp's routers are typed by the server, so only routers of the same type can be combined into what one `ServerHandler` serves), within one program of the package (a binary and the library it links). Two servers of one crate may share tool names. A type is known by its path in the crate: two types of one name defined in different modules are different servers, and an `impl` of a type imported with `use` counts for the type it imports; a type reached only through a glob import, or an `impl` naming a type the file neither defines nor imports, is known by its name alone. Routers of one type that are never combined are still counted together.",
    summary: "Two `#[tool]` functions of one server type that clients would see under the same name.",
    why: "Tool names should be unique within a server (the specification's word is SHOULD; clients index tools by name). When routers are combined, one tool silently replaces the other, so a call reaches code its author never meant.",
    example: "// src/tools/search.rs\n#[tool_router(router = search_router)]\nimpl Server { #[tool(name = \"search\")] async fn search_docs(..) }\n// src/tools/find.rs\n#[tool_router(router = find_router)]\nimpl Server { #[tool(name = \"search\")] async fn search_tickets(..) }",
    fix: "Rename one of them; prefix names by domain (`docs_search`, `tickets_search`) when several teams share a server.",
};

pub fn duplicate_tool_name(files: &[&FileFacts], _: &CrateContext, out: &mut Vec<Diagnostic>) {
    // (server type, tool name) → the file that named it first.
    let mut first: HashMap<(&str, &str), &str> = HashMap::new();
    for file in files {
        for tool in &file.tools {
            match first.get(&(tool.server.as_str(), tool.name.as_str())) {
                Some(where_) => out.push(Diagnostic::new(
                    &DUPLICATE_TOOL_NAME,
                    file.path.clone(),
                    tool.start,
                    tool.end,
                    format!(
                        "tool name `{}` is already used by server `{}` in {where_}",
                        tool.name, tool.server
                    ),
                )),
                None => {
                    first.insert((&tool.server, &tool.name), &file.path);
                }
            }
        }
    }
}
