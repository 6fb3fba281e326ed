//! Code execution on systems other than Linux: the sandbox's layers (namespaces, landlock,
//! seccomp, rlimits) do not exist there, so the executor refuses every run with a clear error
//! instead of running code unconfined.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use super::{ExecConfig, ExecError, Output};
use crate::config::Settings;

/// Refuses every run: see the module documentation.
#[derive(Debug, Clone)]
pub struct CodeExecutor {
    config: Arc<ExecConfig>,
}

impl CodeExecutor {
    /// An executor that refuses every run (`helper` is unused here).
    pub fn new(config: ExecConfig, _helper: PathBuf) -> Self {
        Self {
            config: Arc::new(config),
        }
    }

    /// The settings' executor.
    pub fn from_settings(settings: &Settings) -> std::io::Result<Self> {
        Ok(Self::new(settings.exec.clone(), PathBuf::new()))
    }

    /// The allowed program names.
    pub fn programs(&self) -> Vec<String> {
        self.config
            .programs
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Refuses: code execution needs the Linux sandbox.
    pub async fn run(
        &self,
        _program: &str,
        _args: &[String],
        _stdin: Option<Vec<u8>>,
    ) -> Result<Output, ExecError> {
        Err(ExecError::IsolationUnavailable(format!(
            "code execution is not supported on {}: the sandbox needs Linux (namespaces, \
             landlock, seccomp); run the server on Linux, as its container image does",
            std::env::consts::OS
        )))
    }
}

/// The sandbox helper command: not available here.
pub fn sandbox_exec(_args: &[String]) -> ExitCode {
    eprintln!(
        "sandbox setup failed: not supported on {}",
        std::env::consts::OS
    );
    ExitCode::from(125)
}
