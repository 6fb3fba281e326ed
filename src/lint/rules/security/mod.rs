//! MCP4xx: bypasses of the platform's security abstractions (SSRF-safe fetching, path-safe file
//! access, sandboxed execution).

mod flow;
mod handwritten_ip_check;
mod shell_injection;
mod string_prefix_containment;
mod unguarded_outbound_url;
mod unsandboxed_code_exec;
mod untrusted_path_join;

pub use handwritten_ip_check::{HANDWRITTEN_IP_CHECK, handwritten_ip_check};
pub use shell_injection::{SHELL_INJECTION, shell_injection};
pub use string_prefix_containment::{STRING_PREFIX_CONTAINMENT, string_prefix_containment};
pub use unguarded_outbound_url::{UNGUARDED_OUTBOUND_URL, unguarded_outbound_url};
pub use unsandboxed_code_exec::{UNSANDBOXED_CODE_EXEC, unsandboxed_code_exec};
pub use untrusted_path_join::{UNTRUSTED_PATH_JOIN, untrusted_path_join};
