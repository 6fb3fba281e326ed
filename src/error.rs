//! Errors that carry an exit code and a hint.
//!
//! Most failures are plain `anyhow` errors with context (exit code 1). Where the user can fix the
//! problem by changing the command line, return a [`CliError::usage`] (exit code 2); where a hint
//! helps, attach it with `.with_help(..)`. `ui` prints them cargo-style as `error:` / `help:`.

use std::fmt;

/// What kind of failure, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line is wrong: exit code 2.
    Usage,
    /// The command could not do its job: exit code 1.
    Failure,
}

/// An error with a one-line message, an optional `help:` line and an exit code.
#[derive(Debug)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
    pub help: Option<String>,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Usage,
            message: message.into(),
            help: None,
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Failure,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Usage => 2,
            ErrorKind::Failure => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}
