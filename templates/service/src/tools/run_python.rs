// Owned by your team: edit freely.
//! `run_python`: an example tool that runs a Python snippet for the model through the
//! platform's `CodeExecutor` (never `Command`: the code comes from the model). The sandbox has
//! no network, sees only its scratch directory and the system's libraries, and is cut off by
//! time, CPU, memory, process and output limits. Off unless `EXEC_PROGRAMS` names `python3`.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{schemars, tool, tool_router};
use serde::Deserialize;

use crate::server::Server;
use platform::errors::ToolError;
use platform::exec::{ExecError, Output};

/// Parameters of `run_python`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RunPythonParams {
    /// Python 3 source. Print what you want back; there is no network and no access to files
    /// outside the run's own empty working directory.
    pub code: String,
}

#[tool_router(router = run_python_router, vis = "pub(crate)")]
impl Server {
    /// Run a short Python 3 program in a sandbox and return its output and how it ended
    /// (exit code, a limit hit, or the time limit).
    #[tool(annotations(
        title = "Run Python",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn run_python(
        &self,
        Parameters(params): Parameters<RunPythonParams>,
    ) -> Result<Json<Output>, ToolError> {
        let executor = self.services().executor().map_err(anyhow::Error::from)?;
        if !executor.programs().iter().any(|p| p == "python3") {
            return Err(ToolError::invalid_input(
                "code execution is not enabled on this server",
            ));
        }
        let args = ["-I", "-S", "-c", params.code.as_str()].map(String::from);
        match executor.run("python3", &args, None).await {
            Ok(output) => Ok(Json(output)),
            Err(error @ ExecError::IsolationUnavailable(_)) => Err(ToolError::invalid_input(
                format!("code execution is unavailable here: {error}"),
            )),
            // Every slot taken: the model can try again shortly; not an internal error.
            Err(error @ ExecError::Busy(_)) => Err(ToolError::invalid_input(format!(
                "code execution is busy, try again shortly: {error}"
            ))),
            Err(error) => Err(anyhow::Error::from(error).into()),
        }
    }
}

/// This tool's router, merged into the registry in `src/tools/mod.rs`.
pub(crate) fn router() -> ToolRouter<Server> {
    Server::run_python_router()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::Harness;

    // Runs through the real sandbox are in tests/run_python.rs (they need the server binary).
    #[tokio::test]
    async fn is_refused_when_python_is_not_enabled() {
        let h = Harness::start().await;
        let result = h.call_tool("run_python", json!({"code": "print(1)"})).await;
        assert_eq!(result.is_error, Some(true));
        assert!(format!("{:?}", result.content).contains("not enabled"));
    }
}
