//! MCP2xx: transport and deployment security (stdout hygiene for stdio servers, host and
//! origin validation, binding, auth, limits).

mod stdout_write;
mod tracing_to_stdout;

pub use stdout_write::{STDOUT_WRITE, stdout_write};
pub use tracing_to_stdout::{TRACING_TO_STDOUT, tracing_to_stdout};
