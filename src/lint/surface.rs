//! Surface mode: what a running server really advertises. mcpforge starts the server command
//! over stdio (no shell: the command line is split with shell quoting rules), connects an rmcp
//! client, and reads `tools/list`, `resources/list`, `resources/templates/list` and
//! `prompts/list`. Rules with a surface check then judge what clients will see, which covers
//! macro-generated and dynamically registered items that source analysis cannot.

use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;
use rmcp::ServiceExt;
use rmcp::model::{Prompt, Resource, ResourceTemplate, Tool};
use rmcp::transport::TokioChildProcess;
use serde::Serialize;

use super::diagnostic::{Diagnostic, Position};
use super::rules::RuleMeta;
use crate::error::CliError;

/// Everything a server advertises.
#[derive(Debug, Default, Serialize)]
pub struct Surface {
    pub name: String,
    pub version: String,
    pub protocol_version: String,
    pub instructions: Option<String>,
    pub tools: Vec<Tool>,
    pub resources: Vec<Resource>,
    pub resource_templates: Vec<ResourceTemplate>,
    pub prompts: Vec<Prompt>,
    /// What a second start of the same server advertised, when the rules that compare two
    /// starts run (MCP013, MCP606): a tool order or a description that differs between them was
    /// computed at run time.
    #[serde(skip)]
    pub again: Option<Box<Surface>>,
}

/// The rules that judge a server by comparing two of its starts.
pub const COMPARING_TWO_STARTS: &[&str] = &["MCP013", "MCP606"];

/// Starts `command`, reads its surface within `timeout`, and stops it.
pub fn fetch(command: &str, timeout: Duration) -> anyhow::Result<Surface> {
    let words = shlex::split(command)
        .filter(|w| !w.is_empty())
        .ok_or_else(|| {
            CliError::usage(format!("cannot split the server command `{command}`"))
                .with_help("quote it like a shell command line")
        })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // The server's process group, killed however this ends (rmcp's own clean-up needs the
    // runtime, which is gone by then).
    let group = std::sync::Mutex::new(None);
    runtime.block_on(async {
        tokio::time::timeout(timeout, read(&words, &group))
            .await
            .map_err(|_| {
                CliError::failure(format!(
                    "the server `{command}` did not answer within {} s",
                    timeout.as_secs()
                ))
            })?
    })
}

async fn read(
    words: &[String],
    group: &std::sync::Mutex<Option<crate::interrupt::ChildGroup>>,
) -> anyhow::Result<Surface> {
    let mut cmd = tokio::process::Command::new(&words[0]);
    cmd.args(&words[1..]);
    #[cfg(unix)]
    cmd.process_group(0);
    let (transport, _stderr) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start `{}`", words[0]))?;
    if let Some(pid) = transport.id() {
        *group
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(crate::interrupt::ChildGroup::new(pid));
    }
    let client = ()
        .serve(transport)
        .await
        .context("the server did not complete the MCP initialize handshake")?;
    let info = client.peer_info();
    let mut surface = Surface::default();
    if let Some(info) = &info {
        if let Some(server) = &info.server_info {
            surface.name = server.name.clone();
            surface.version = server.version.clone();
        }
        surface.protocol_version = info.protocol_version.to_string();
        surface.instructions = info.instructions.clone();
    }
    let capabilities = info.map(|i| i.capabilities.clone()).unwrap_or_default();
    if capabilities.tools.is_some() {
        surface.tools = client.list_all_tools().await.context("tools/list failed")?;
    }
    if capabilities.resources.is_some() {
        surface.resources = client
            .list_all_resources()
            .await
            .context("resources/list failed")?;
        surface.resource_templates = client
            .list_all_resource_templates()
            .await
            .context("resources/templates/list failed")?;
    }
    if capabilities.prompts.is_some() {
        surface.prompts = client
            .list_all_prompts()
            .await
            .context("prompts/list failed")?;
    }
    let _ = client.cancel().await;
    Ok(surface)
}

/// A diagnostic about an advertised item (`kind` is `tool`, `prompt`, …).
pub fn diagnostic(
    rule: &'static RuleMeta,
    kind: &str,
    name: &str,
    message: impl Into<String>,
) -> Diagnostic {
    let at = Position { line: 1, column: 1 };
    Diagnostic::new(rule, format!("<server>/{kind}/{name}"), at, at, message)
}

impl Surface {
    /// Texts a model reads: tool, prompt and resource descriptions and titles, parameter
    /// descriptions, and the server instructions — with a label for messages.
    pub fn metadata(&self) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        if let Some(i) = &self.instructions {
            out.push(("server".into(), "instructions".into(), i.clone()));
        }
        for tool in &self.tools {
            let name = tool.name.to_string();
            if let Some(d) = &tool.description {
                out.push(("tool".into(), name.clone(), d.to_string()));
            }
            if let Some(props) = tool
                .input_schema
                .get("properties")
                .and_then(|p| p.as_object())
            {
                for (param, schema) in props {
                    if let Some(d) = schema.get("description").and_then(|d| d.as_str()) {
                        out.push(("tool".into(), format!("{name}.{param}"), d.to_string()));
                    }
                }
            }
        }
        for prompt in &self.prompts {
            if let Some(d) = &prompt.description {
                out.push(("prompt".into(), prompt.name.to_string(), d.to_string()));
            }
        }
        for resource in &self.resources {
            if let Some(d) = &resource.description {
                out.push(("resource".into(), resource.name.to_string(), d.to_string()));
            }
        }
        out
    }
}

/// The file `lint --server --update-lock` writes: a hash of each advertised tool.
pub const LOCK_FILE: &str = "mcp-tools.lock";

/// What clients were shown of each tool when the lock was written: a SHA-256 of its name,
/// title, description, input and output schemas and annotations, as canonical JSON (object keys
/// sorted), by tool name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ToolsLock {
    pub version: u32,
    pub tools: std::collections::BTreeMap<String, String>,
}

impl ToolsLock {
    /// The lock of what `surface` advertises.
    pub fn of(surface: &Surface) -> Self {
        let tools = surface
            .tools
            .iter()
            .map(|tool| {
                let value = serde_json::to_value(tool).unwrap_or_default();
                let mut seen = serde_json::Map::new();
                for key in [
                    "name",
                    "title",
                    "description",
                    "inputSchema",
                    "outputSchema",
                    "annotations",
                ] {
                    if let Some(v) = value.get(key) {
                        seen.insert(key.to_string(), v.clone());
                    }
                }
                let mut text = String::new();
                canonical(&serde_json::Value::Object(seen), &mut text);
                let digest = <sha2::Sha256 as sha2::Digest>::digest(text.as_bytes());
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                (tool.name.to_string(), hex)
            })
            .collect();
        Self { version: 1, tools }
    }

    /// The lock at `path`, if there is one.
    pub fn load(path: &std::path::Path) -> anyhow::Result<Option<Self>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("failed to read {}", path.display())),
        };
        let lock: Self = serde_json::from_str(&text).map_err(|e| {
            CliError::usage(format!("{} is not a tools lock: {e}", path.display()))
                .with_help("write it again with `mcpforge lint --server COMMAND --update-lock`")
        })?;
        Ok(Some(lock))
    }

    /// Writes the lock to `path` (sorted, one tool a line, so diffs show which tool changed).
    pub fn save(&self, path: &std::path::Path) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        crate::edit::write_atomic(path, text.as_bytes())
    }

    /// MCP608 findings: tools that changed, appeared or disappeared since `self` was written.
    pub fn drift(&self, now: &ToolsLock) -> Vec<Diagnostic> {
        let rule = &super::rules::metadata::TOOL_SURFACE_DRIFT;
        let mut out = Vec::new();
        for (name, hash) in &now.tools {
            let message = match self.tools.get(name) {
                Some(locked) if locked == hash => continue,
                Some(_) => format!(
                    "tool `{name}` changed since {LOCK_FILE} was written (name, description, schemas or annotations)"
                ),
                None => format!(
                    "tool `{name}` is not in {LOCK_FILE}: it appeared since the lock was written"
                ),
            };
            out.push(diagnostic(rule, "tool", name, message));
        }
        for name in self.tools.keys().filter(|n| !now.tools.contains_key(*n)) {
            out.push(diagnostic(
                rule,
                "tool",
                name,
                format!("tool `{name}` is in {LOCK_FILE} but the server no longer lists it"),
            ));
        }
        out
    }
}

/// `value` as JSON with object keys sorted, whatever order the map keeps.
fn canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                canonical(&map[key], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}
