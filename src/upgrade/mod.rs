//! The engine of `mcpforge upgrade`, which moves generated projects to newer template versions
//! without losing a team's edits. This module owns the line-level three-way merge; the per-file
//! plan (replace, keep, merge, create, remove), embedded previous template versions and
//! migrations build on it, and the command is not exposed until they exist.

pub mod merge;

pub use merge::{Labels, Merged, merge3};
