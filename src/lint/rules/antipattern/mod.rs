//! MCP1xx: the anti-patterns of the platform research (AI precision, fat tools, god servers,
//! platform bypass, state leakage, sync I/O in async code, missing cleanup, hard-coded config
//! and secrets).

mod blocking_call_in_async;
mod client_per_call;
mod fat_tool;
mod global_mutable_state;
mod god_server;
mod hardcoded_endpoint;
mod hardcoded_secret;
mod llm_for_deterministic_task;
mod lock_held_across_await;
mod missing_graceful_shutdown;
mod platform_bypass;
mod predictable_state_handle;
mod secret_not_wrapped;

pub use blocking_call_in_async::{BLOCKING_CALL_IN_ASYNC, blocking_call_in_async};
pub use client_per_call::{CLIENT_PER_CALL, client_per_call};
pub use fat_tool::{FAT_TOOL, fat_tool};
pub use global_mutable_state::{GLOBAL_MUTABLE_STATE, global_mutable_state};
pub use god_server::{GOD_SERVER, god_server};
pub use hardcoded_endpoint::{HARDCODED_ENDPOINT, hardcoded_endpoint};
pub use hardcoded_secret::{HARDCODED_SECRET, hardcoded_secret, hardcoded_secret_in_files};
pub use llm_for_deterministic_task::{LLM_FOR_DETERMINISTIC_TASK, llm_for_deterministic_task};
pub use lock_held_across_await::{LOCK_HELD_ACROSS_AWAIT, lock_held_across_await};
pub use missing_graceful_shutdown::{MISSING_GRACEFUL_SHUTDOWN, missing_graceful_shutdown};
pub use platform_bypass::{PLATFORM_BYPASS, platform_bypass};
pub use predictable_state_handle::{PREDICTABLE_STATE_HANDLE, predictable_state_handle};
pub use secret_not_wrapped::{SECRET_NOT_WRAPPED, secret_not_wrapped};
