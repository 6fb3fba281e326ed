//! MCP1xx: the anti-patterns of the platform research (fat tools, god servers, sync I/O in
//! async code, hard-coded config and secrets, ...).

mod blocking_call_in_async;
mod hardcoded_secret;

pub use blocking_call_in_async::{BLOCKING_CALL_IN_ASYNC, blocking_call_in_async};
pub use hardcoded_secret::{HARDCODED_SECRET, hardcoded_secret};
