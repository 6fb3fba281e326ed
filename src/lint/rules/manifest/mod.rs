//! MCP5xx: manifests, lockfiles and deployment files, read as text or with toml_edit.

mod committed_env_file;
mod container_runs_as_root;
mod known_vulnerable_rmcp;
mod platform_file_modified;
mod wildcard_dependency;

pub use committed_env_file::{COMMITTED_ENV_FILE, committed_env_file};
pub use container_runs_as_root::{CONTAINER_RUNS_AS_ROOT, container_runs_as_root};
pub use known_vulnerable_rmcp::{KNOWN_VULNERABLE_RMCP, known_vulnerable_rmcp};
pub use platform_file_modified::{PLATFORM_FILE_MODIFIED, platform_file_modified};
pub use wildcard_dependency::{WILDCARD_DEPENDENCY, wildcard_dependency};

/// The 1-based line of the first line of `text` containing `needle` (1 if none).
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}
