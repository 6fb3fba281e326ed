//! mcpforge: generate, extend, lint and upgrade Rust MCP servers built on `rmcp`.
//!
//! The binary (`src/main.rs`) only parses arguments and dispatches to [`commands`]. Commands are
//! thin: they call the engines beside them ([`template`] renders, [`project`] reads and writes
//! `.mcpforge.toml`, [`edit`] writes files atomically) and print through [`ui`].

pub mod cli;
pub mod commands;
pub mod edit;
pub mod error;
pub mod interrupt;
pub mod lint;
pub mod mcp;
pub mod project;
pub mod template;
pub mod ui;
pub mod upgrade;
