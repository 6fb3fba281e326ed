//! MCP4xx: bypasses of the platform's security abstractions (SSRF-safe fetching, path-safe file
//! access, sandboxed execution).

pub(crate) mod calls;
mod canonicalize_then_open;
mod check_then_fetch;
mod fetch_client;
pub(crate) mod flow;
mod handwritten_ip_check;
mod proxy_bypasses_resolver;
mod shell_injection;
mod string_prefix_containment;
mod unbounded_read;
mod unguarded_outbound_url;
mod unsafe_file_permissions;
mod unsandboxed_code_exec;
mod untrusted_path_join;
mod unvalidated_redirects;
mod windows_batch_args;

pub use canonicalize_then_open::{CANONICALIZE_THEN_OPEN, canonicalize_then_open};
pub use check_then_fetch::{CHECK_THEN_FETCH, check_then_fetch};
pub use handwritten_ip_check::{HANDWRITTEN_IP_CHECK, handwritten_ip_check};
pub use proxy_bypasses_resolver::{PROXY_BYPASSES_RESOLVER, proxy_bypasses_resolver};
pub use shell_injection::{SHELL_INJECTION, shell_injection};
pub use string_prefix_containment::{STRING_PREFIX_CONTAINMENT, string_prefix_containment};
pub use unbounded_read::{UNBOUNDED_READ, unbounded_read};
pub use unguarded_outbound_url::{UNGUARDED_OUTBOUND_URL, unguarded_outbound_url};
pub use unsafe_file_permissions::{UNSAFE_FILE_PERMISSIONS, unsafe_file_permissions};
pub use unsandboxed_code_exec::{UNSANDBOXED_CODE_EXEC, unsandboxed_code_exec};
pub use untrusted_path_join::{UNTRUSTED_PATH_JOIN, untrusted_path_join};
pub use unvalidated_redirects::{UNVALIDATED_REDIRECTS, unvalidated_redirects};
pub use windows_batch_args::{WINDOWS_BATCH_ARGS, windows_batch_args};

use super::RuleMeta;

/// The rules that follow tool input to a sink, with their walks: [`calls`] follows the input
/// through calls to the crate's own functions with them.
pub(crate) static FLOW_RULES: &[(&RuleMeta, calls::FlowCheck)] = &[
    (&UNGUARDED_OUTBOUND_URL, unguarded_outbound_url::flow_sinks),
    (&UNTRUSTED_PATH_JOIN, untrusted_path_join::flow_sinks),
    (&UNSANDBOXED_CODE_EXEC, unsandboxed_code_exec::flow_sinks),
];
