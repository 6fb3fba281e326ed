//! Integration tests: one binary, one module per command, so the suite links once.

mod add;
mod docs;
mod features;
mod fixtures;
mod install_source;
mod lint;
mod mcp;
mod new;
mod release;
mod render;
#[cfg(unix)]
mod robustness;
mod support;
mod upgrade;
