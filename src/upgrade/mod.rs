//! The engine of `mcpforge upgrade`, which moves generated projects to newer template versions
//! without losing a team's edits. It owns the line-level three-way merge ([`merge`]) and the
//! per-file decision ([`plan`]); embedded previous template versions, migrations and the command
//! itself build on them, and the command is not exposed until they exist.

pub mod merge;
pub mod plan;

pub use merge::{Labels, Merged, merge3};
pub use plan::{Action, plan_file};
