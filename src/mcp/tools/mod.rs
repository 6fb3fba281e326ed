//! The tools, one file per concern, each with its own router merged here. Inputs are typed and
//! refuse unknown fields; outputs are structured with a schema; annotations say what a tool
//! changes. Each tool confines its paths, then runs the CLI command's operation on a blocking
//! thread.

mod add_item;
mod lint;
mod new_project;
mod templates;
mod upgrade;

use std::path::Path;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Json;

use super::{McpServer, Roots, error_text};
use crate::project::Project;
pub use templates::template_info;

/// Every tool.
pub(super) fn router() -> ToolRouter<McpServer> {
    let mut router = McpServer::templates_router();
    router += McpServer::new_project_router();
    router += McpServer::add_item_router();
    router += McpServer::lint_router();
    router += McpServer::upgrade_router();
    router
}

/// Runs a blocking operation off the async runtime; its error becomes the tool error text.
/// (Tools spell out `Result<Json<T>, String>`: the macro finds output schemas by that shape.)
async fn blocking<T: Send + 'static>(
    op: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<Json<T>, String> {
    match tokio::task::spawn_blocking(op).await {
        Ok(Ok(value)) => Ok(Json(value)),
        Ok(Err(err)) => Err(error_text(&err)),
        Err(join) => Err(format!("the operation stopped unexpectedly: {join}")),
    }
}

/// The project at `raw` (or the nearest one above it, not leaving the roots), with its tree
/// checked for symlinks that lead out.
fn confined_project(roots: &Roots, raw: &str) -> anyhow::Result<Project> {
    let dir = roots.resolve(raw)?;
    let project = Project::discover_within(&dir, |d| roots.check(d).is_ok())?;
    roots.check_tree(&project.root)?;
    Ok(project)
}

/// Refuses a write outside the roots (a registry or manifest reached through a link, say).
fn check_writes(roots: &Roots, tx: &crate::edit::Transaction) -> anyhow::Result<()> {
    for change in tx.changes() {
        roots.check(&change.path)?;
    }
    Ok(())
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}
