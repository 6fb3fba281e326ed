//! The engine of `mcpforge upgrade`, which moves generated projects to newer template versions
//! without losing a team's edits: the line-level three-way merge ([`merge`]), the per-file
//! decision ([`plan`]), the structured merge of item registries ([`registry_merge`]), the moves
//! templates declare ([`moves`]), code and path migrations keyed by template version
//! ([`migrations`]), the refusal to drop a choice team code still uses ([`dropped`]) and the
//! planning of a whole project ([`engine`]). The base of every merge is the exact render of the
//! version the project came from, re-rendered from the embedded template history.

pub mod dropped;
pub mod engine;
pub mod merge;
pub mod migrations;
pub mod moves;
pub mod plan;
pub mod registry_merge;

pub use engine::{FileReport, MigrationReport, Outcome, Request, UpgradePlan};
pub use merge::{Labels, Merged, merge3};
pub use plan::{Action, plan_file};
