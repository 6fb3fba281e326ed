//! What a team's tools, resources and prompts usually need, in one `use`:
//! `use platform::prelude::*;`.

pub use crate::catalog::{Catalog, Project};
pub use crate::completions::{CompletionRequest, Completions};
pub use crate::config::{ConfigError, Setting, TeamSettings, Vars};
pub use crate::context::{Context, LogLevel};
pub use crate::errors::ToolError;
#[cfg(feature = "exec")]
pub use crate::exec::{CodeExecutor, ExecError};
#[cfg(feature = "fetch")]
pub use crate::fetch::{FetchError, UrlFetcher};
#[cfg(feature = "files")]
pub use crate::files::{FileError, FileOps};
pub use crate::input::Elicited;
pub use crate::middleware::{Call, Middleware, RequestInfo};
pub use crate::notify::Changes;
pub use crate::resources::{ResourceBody, ResourceRequest, ResourceRouter};
pub use crate::services::Services;
