//! MCP5xx: manifests, lockfiles and deployment files, read as text or with toml_edit.

mod committed_env_file;
mod container_runs_as_root;
mod deprecated_yaml_backend;
mod duplicate_http_stack;
mod known_vulnerable_rmcp;
mod lint_policy_missing;
mod missing_lockfile;
mod no_dependency_audit;
mod platform_file_modified;
mod published_port_all_interfaces;
mod wildcard_dependency;

pub use committed_env_file::{COMMITTED_ENV_FILE, committed_env_file};
pub use container_runs_as_root::{CONTAINER_RUNS_AS_ROOT, container_runs_as_root};
pub use deprecated_yaml_backend::{DEPRECATED_YAML_BACKEND, deprecated_yaml_backend};
pub use duplicate_http_stack::{DUPLICATE_HTTP_STACK, duplicate_http_stack};
pub use known_vulnerable_rmcp::{KNOWN_VULNERABLE_RMCP, known_vulnerable_rmcp};
pub use lint_policy_missing::{LINT_POLICY_MISSING, lint_policy_missing};
pub use missing_lockfile::{MISSING_LOCKFILE, missing_lockfile};
pub use no_dependency_audit::{NO_DEPENDENCY_AUDIT, no_dependency_audit};
pub use platform_file_modified::{PLATFORM_FILE_MODIFIED, platform_file_modified};
pub use published_port_all_interfaces::{
    PUBLISHED_PORT_ALL_INTERFACES, published_port_all_interfaces,
};
pub use wildcard_dependency::{WILDCARD_DEPENDENCY, wildcard_dependency};

/// The 1-based line of the first line of `text` containing `needle` (1 if none).
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}
