//! MCP2xx: transport and deployment security (stdout hygiene for stdio servers, host and
//! origin validation, binding, CORS, socket options).

mod bind_all_interfaces;
mod host_validation_disabled;
mod permissive_cors;
mod stdout_write;
mod tcp_nodelay_missing;
mod tracing_to_stdout;

pub use bind_all_interfaces::{BIND_ALL_INTERFACES, bind_all_interfaces};
pub use host_validation_disabled::{HOST_VALIDATION_DISABLED, host_validation_disabled};
pub use permissive_cors::{PERMISSIVE_CORS, permissive_cors};
pub use stdout_write::{STDOUT_WRITE, stdout_write};
pub use tcp_nodelay_missing::{TCP_NODELAY_MISSING, tcp_nodelay_missing};
pub use tracing_to_stdout::{TRACING_TO_STDOUT, tracing_to_stdout};
