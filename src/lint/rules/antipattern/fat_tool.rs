//! MCP102 fat-tool.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{item_fns, params_type, struct_fields};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static FAT_TOOL: RuleMeta = RuleMeta {
    code: "MCP102",
    name: "fat-tool",
    family: Family::AntiPattern,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A tool whose parameters struct has more than 8 fields (`[lint.options]` `max-tool-params`), or an `action`/`mode`/`operation` field that switches between jobs.",
    why: "The research's \"fat tool\" anti-pattern: one tool doing many things forces the model to learn a mini-language, bloats every request's schema, and makes permissions and annotations meaningless (is it read-only? it depends on `action`).",
    example: "pub struct ManageParams { action: String, id: String, name: Option<String>, .. }",
    fix: "Split it into one tool per job (`create_invoice`, `void_invoice`), each with few, well-described parameters.",
};

const DISPATCH: &[&str] = &["action", "mode", "operation", "op", "command"];

pub fn fat_tool(file: &SourceFile, ctx: &CrateContext, out: &mut Vec<Diagnostic>) {
    let max_fields = ctx.options.max_tool_params;
    for tool in item_fns(file, "tool") {
        let Some(params) = params_type(&tool.func.sig) else {
            continue;
        };
        let Some(fields) = struct_fields(file, &params) else {
            continue;
        };
        let fields: Vec<String> = fields.into_iter().map(|(name, _, _)| name).collect();
        let dispatch = fields.iter().find(|f| DISPATCH.contains(&f.as_str()));
        let problem = match dispatch {
            Some(field) => format!("its `{field}` parameter switches between jobs"),
            None if fields.len() > max_fields => format!(
                "`{params}` has {} parameters (more than {max_fields})",
                fields.len()
            ),
            None => continue,
        };
        out.push(file.diagnostic(
            &FAT_TOOL,
            tool.name_span,
            format!("tool `{}` does too much: {problem}", tool.name),
        ));
    }
}
