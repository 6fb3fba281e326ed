//! Resources and the prompt of `mcpforge mcp`: every lint rule's documentation (the same text
//! `--explain` prints and `docs/rules/` holds), every template's description and questions, a
//! project's `.mcpforge.toml` (confined like tool paths), and a prompt that walks an agent
//! through adding a tool with a test.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    PromptMessage, ReadResourceResult, Resource, ResourceContents, ResourceTemplate, Role,
};
use rmcp::{ErrorData, prompt, prompt_router, schemars};
use serde::Deserialize;

use super::{McpServer, Roots};
use crate::lint::{docs, rules};
use crate::project::MANIFEST_FILE;
use crate::template;

const RULES_URI: &str = "mcpforge://rules";
const TEMPLATES_URI: &str = "mcpforge://templates/";
const PROJECT_URI: &str = "mcpforge://project/";

/// Every fixed resource: the rule index, each rule, each template.
pub fn list() -> Vec<Resource> {
    let mut out = vec![
        Resource::new(RULES_URI, "rules")
            .with_title("mcpforge lint rules")
            .with_description("Every lint rule with its code, severity and one-line summary.")
            .with_mime_type("text/markdown"),
    ];
    for rule in rules::RULES {
        let m = rule.meta;
        out.push(
            Resource::new(format!("{RULES_URI}/{}", m.code), m.code)
                .with_title(format!("{} {}", m.code, m.name))
                // Not the summary: some rules' summaries quote the very texts they flag.
                .with_description(format!(
                    "Documentation of lint rule {} ({}): what it reports, why it matters, an example and the fix.",
                    m.code, m.name
                ))
                .with_mime_type("text/markdown"),
        );
    }
    for tpl in template::all() {
        out.push(
            Resource::new(format!("{TEMPLATES_URI}{}", tpl.name()), tpl.name())
                .with_title(format!("Template {} {}", tpl.name(), tpl.version()))
                .with_description(format!(
                    "The {} template's description and questions (JSON, as list_templates returns it).",
                    tpl.name()
                ))
                .with_mime_type("application/json"),
        );
    }
    out
}

/// The resource templates: a project's `.mcpforge.toml`.
pub fn templates() -> Vec<ResourceTemplate> {
    vec![
        ResourceTemplate::new(format!("{PROJECT_URI}{{+path}}"), "project-manifest")
            .with_title("A project's .mcpforge.toml")
            .with_description(
                "The .mcpforge.toml of the project at path (relative to the first root, or absolute \
                 after a second slash): its template, version, answers and file ownership.",
            )
            .with_mime_type("application/toml"),
    ]
}

/// Reads `uri`. Unknown URIs are "resource not found"; paths outside the roots are refused.
pub fn read(uri: &str, roots: &Roots) -> Result<ReadResourceResult, ErrorData> {
    let (text, mime) = if uri == RULES_URI {
        (docs::index_markdown(), "text/markdown")
    } else if let Some(code) = uri.strip_prefix(&format!("{RULES_URI}/")) {
        let rule = rules::find(code)
            .filter(|r| r.meta.code == code)
            .ok_or_else(|| not_found(uri))?;
        (docs::rule_markdown(rule.meta), "text/markdown")
    } else if let Some(name) = uri.strip_prefix(TEMPLATES_URI) {
        let tpl = template::find(name).ok_or_else(|| not_found(uri))?;
        let info = super::tools::template_info(tpl);
        let json = serde_json::to_string_pretty(&info)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        (json, "application/json")
    } else if let Some(path) = uri.strip_prefix(PROJECT_URI) {
        (project_manifest(path, roots)?, "application/toml")
    } else {
        return Err(not_found(uri));
    };
    Ok(ReadResourceResult::new(vec![
        ResourceContents::text(text, uri).with_mime_type(mime),
    ]))
}

fn not_found(uri: &str) -> ErrorData {
    ErrorData::resource_not_found(
        format!("no resource at `{uri}`; resources/list and resources/templates/list show them"),
        None,
    )
}

fn project_manifest(raw: &str, roots: &Roots) -> Result<String, ErrorData> {
    // The path is percent-decoded; `mcpforge://project//abs/path` names an absolute path.
    let absolute = raw.starts_with('/');
    let decoded = super::roots::file_uri_path(&format!("file:///{}", raw.trim_start_matches('/')))
        .ok_or_else(|| ErrorData::invalid_params(format!("`{raw}` is not a valid path"), None))?;
    let decoded = if absolute {
        decoded.display().to_string()
    } else {
        decoded
            .display()
            .to_string()
            .trim_start_matches('/')
            .to_string()
    };
    let refuse = |err: crate::error::CliError| {
        let help = err.help.map(|h| format!("\nhelp: {h}")).unwrap_or_default();
        ErrorData::invalid_params(format!("{}{help}", err.message), None)
    };
    let dir = roots.resolve(&decoded).map_err(refuse)?;
    let file = dir.join(MANIFEST_FILE);
    roots.check(&file).map_err(refuse)?;
    std::fs::read_to_string(&file).map_err(|_| {
        ErrorData::resource_not_found(
            format!(
                "{} is not a project generated by mcpforge (no {MANIFEST_FILE} in it)",
                dir.display()
            ),
            None,
        )
    })
}

/// Arguments of the `add_tool_with_test` prompt.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct AddToolArgs {
    /// The project directory, relative to the first root or absolute.
    pub project: String,
    /// The new tool's name, such as get_forecast.
    pub name: String,
    /// What the tool should do, in a sentence.
    #[serde(default)]
    pub purpose: Option<String>,
}

#[prompt_router(vis = "pub(super)")]
impl McpServer {
    /// Step-by-step plan for adding a tool to a generated project together with its tests, then
    /// checking the project with lint.
    #[prompt(name = "add_tool_with_test")]
    async fn add_tool_with_test(
        &self,
        Parameters(args): Parameters<AddToolArgs>,
    ) -> Vec<PromptMessage> {
        let purpose = args
            .purpose
            .as_deref()
            .map(|p| format!(" It should: {p}"))
            .unwrap_or_default();
        let ident =
            crate::template::items::tool_ident(&args.name).unwrap_or_else(|_| "<name>".to_string());
        let text = format!(
            "Add a tool named `{name}` to the MCP server project at `{project}`, with tests.{purpose}\n\n\
             1. Decide its parameters (name:type, name:type? for optional, name:type:description) and \
             its hints: read_only if it changes nothing, destructive if it can overwrite or delete, \
             idempotent if repeating a call changes nothing more, open_world if it reaches other systems.\n\
             2. Call add_item with project=\"{project}\", kind=\"tool\", name=\"{name}\", a description \
             that says what it does, when to use it and what it returns, the params and hints, and \
             dry_run=true. Read the diff: a new file src/tools/{ident}.rs and its registration.\n\
             3. Call add_item again without dry_run to write it.\n\
             4. Implement the handler in src/tools/{ident}.rs. Return a clear error the model can act on \
             for bad input instead of panicking.\n\
             5. Extend the tests module at the bottom of that file (it uses the in-memory harness, \
             a real MCP client): one test of the expected answer for typical input, one that bad input \
             gives an isError result, and keep the generated schema and wrong-type tests.\n\
             6. Run `cargo test` in the project until it passes.\n\
             7. Call lint with project=\"{project}\" and fix every finding (explain_rule tells what a rule \
             wants; its page is mcpforge://rules/<CODE>). Done when lint reports passed=true with no \
             diagnostics.",
            name = args.name,
            project = args.project,
        );
        vec![PromptMessage::new_text(Role::User, text)]
    }
}
