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
}

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
