// Owned by your team: edit freely.
//! `read_file` and `list_files`: example tools that give the model read access to the
//! directories in `FILES_ROOTS` through the platform's `FileOps` (never `std::fs`: the paths
//! come from the model). Refusals say why, so the model can correct the path.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{schemars, tool, tool_router};
use serde::Deserialize;

use crate::server::Server;
use platform::errors::ToolError;
use platform::files::{FileError, Listing};

/// Parameters of `read_file`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ReadFileParams {
    /// The root's name (see `list_files` with no root for the names).
    pub root: String,
    /// The file's path relative to the root, `/`-separated.
    pub path: String,
}

/// Parameters of `list_files`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ListFilesParams {
    /// The root's name.
    pub root: String,
    /// A directory relative to the root; empty for the root itself.
    #[serde(default)]
    pub path: String,
    /// Levels to descend (1: the directory's own entries).
    #[serde(default)]
    pub depth: Option<u8>,
}

fn refusal(error: FileError) -> ToolError {
    match error {
        FileError::Io(details) => ToolError::Internal(anyhow::anyhow!(details)),
        other => ToolError::invalid_input(other.to_string()),
    }
}

#[tool_router(router = files_router, vis = "pub(crate)")]
impl Server {
    /// Read a UTF-8 text file from one of the server's file roots.
    #[tool(annotations(
        title = "Read a file",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn read_file(
        &self,
        Parameters(params): Parameters<ReadFileParams>,
    ) -> Result<String, ToolError> {
        let files = self.services().files().map_err(refusal)?;
        let bytes = files
            .read(&params.root, &params.path)
            .await
            .map_err(refusal)?;
        String::from_utf8(bytes).map_err(|_| ToolError::invalid_input("the file is not UTF-8 text"))
    }

    /// List a directory of one of the server's file roots (names, kinds, sizes).
    #[tool(annotations(
        title = "List files",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn list_files(
        &self,
        Parameters(params): Parameters<ListFilesParams>,
    ) -> Result<Json<Listing>, ToolError> {
        let files = self.services().files().map_err(refusal)?;
        if !files.roots().contains(&params.root) {
            return Err(ToolError::invalid_input(format!(
                "no root named `{}`; roots: {}",
                params.root,
                files.roots().join(", ")
            )));
        }
        let depth = usize::from(params.depth.unwrap_or(1));
        let listing = files
            .list(&params.root, &params.path, depth)
            .await
            .map_err(refusal)?;
        Ok(Json(listing))
    }
}

/// These tools' router, merged into the registry in `src/tools/mod.rs`.
pub(crate) fn router() -> ToolRouter<Server> {
    Server::files_router()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::{Harness, test_app};
    use platform::config::Settings;

    #[tokio::test]
    async fn reads_and_lists_inside_the_root_and_refuses_escapes() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("notes.txt"), "remember the milk").unwrap();
        let roots = format!("docs={}", root.path().display());
        let h = Harness::with_app(test_app(
            Settings::with(&[("FILES_ROOTS", &roots)]).unwrap(),
        ))
        .await;

        let read = h
            .call_tool("read_file", json!({"root": "docs", "path": "notes.txt"}))
            .await;
        assert_eq!(read.is_error, Some(false), "{read:?}");
        assert!(format!("{:?}", read.content).contains("remember the milk"));

        let listed = h.call_tool("list_files", json!({"root": "docs"})).await;
        let listing = listed.structured_content.expect("structured output");
        assert_eq!(listing["entries"][0]["path"], "notes.txt");

        for path in ["../etc/passwd", "/etc/passwd", "notes.txt\u{0}"] {
            let refused = h
                .call_tool("read_file", json!({"root": "docs", "path": path}))
                .await;
            assert_eq!(refused.is_error, Some(true), "{path}");
            assert!(
                format!("{:?}", refused.content).contains("path rejected"),
                "{path}"
            );
        }
    }
}
