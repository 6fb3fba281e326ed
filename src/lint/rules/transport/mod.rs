//! MCP2xx: transport and deployment security (stdout hygiene for stdio servers, host and
//! origin validation, binding, authentication, CORS, timeouts, rate limits, body limits,
//! static credentials, session ids, socket options).

mod bind_all_interfaces;
mod host_validation_disabled;
pub(crate) mod http;
mod http_without_auth;
mod missing_rate_limit;
mod missing_timeouts;
mod origin_validation_off;
mod permissive_cors;
mod session_id_misuse;
mod spoofable_rate_limit_key;
mod static_bearer_layer;
mod stdout_write;
mod tcp_nodelay_missing;
mod tracing_to_stdout;
mod unbounded_body;

pub use bind_all_interfaces::{BIND_ALL_INTERFACES, bind_all_interfaces};
pub use host_validation_disabled::{HOST_VALIDATION_DISABLED, host_validation_disabled};
pub use http_without_auth::{HTTP_WITHOUT_AUTH, http_without_auth};
pub use missing_rate_limit::{MISSING_RATE_LIMIT, missing_rate_limit};
pub use missing_timeouts::{MISSING_TIMEOUTS, missing_timeouts};
pub use origin_validation_off::{ORIGIN_VALIDATION_OFF, origin_validation_off};
pub use permissive_cors::{PERMISSIVE_CORS, permissive_cors};
pub use session_id_misuse::{SESSION_ID_MISUSE, session_id_misuse};
pub use spoofable_rate_limit_key::{SPOOFABLE_RATE_LIMIT_KEY, spoofable_rate_limit_key};
pub use static_bearer_layer::{STATIC_BEARER_LAYER, static_bearer_layer};
pub use stdout_write::{STDOUT_WRITE, stdout_write};
pub use tcp_nodelay_missing::{TCP_NODELAY_MISSING, tcp_nodelay_missing};
pub use tracing_to_stdout::{TRACING_TO_STDOUT, tracing_to_stdout};
pub use unbounded_body::{UNBOUNDED_BODY, unbounded_body};
