// Owned by your team: edit freely.
//! The server: what its tools, resources and prompts share, and how it plugs into the platform.
//!
//! Requests reach the items through the platform's handler and middleware stack (which also
//! masks errors; see the `platform` crate): this file only says what the server is. Shared
//! resources of your own (clients for upstream APIs, pools) belong in [`Server`], built once
//! in [`catalog`].

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

use platform::prelude::*;

use crate::settings::Settings;

/// The server. Cloning is cheap: everything is shared.
#[derive(Debug, Clone)]
pub struct Server {
    services: Services,
    settings: Arc<Settings>,
    /// The revision of `test://watched-resource`: state a tool changes and a resource shows,
    /// shared by every session (the full-protocol examples).
    watched: Arc<AtomicU64>,
    /// The notes `write_note` wrote (a database in a real server; the full-protocol examples).
    notes: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// The platform's services: settings, `UrlFetcher`, `FileOps`, `CodeExecutor`, the
    /// upstream HTTP client.
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// This server's own settings (`src/settings.rs`).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The watched resource's revision (`src/resources/conformance.rs`).
    pub(crate) fn watched(&self) -> &AtomicU64 {
        &self.watched
    }

    /// The notes `write_note` wrote, oldest first (`src/tools/conformance.rs`).
    pub(crate) fn notes(&self) -> &Mutex<Vec<String>> {
        &self.notes
    }
}

/// Builds the server and its catalog once at startup: every tool, resource and prompt in the
/// registries (`src/tools`, `src/resources`, `src/prompts`) and the team's middleware.
pub fn catalog(services: &Services) -> Result<Catalog, ConfigError> {
    let settings = Settings::from_vars(services.vars())?;
    let server = Server {
        services: services.clone(),
        settings: Arc::new(settings),
        watched: Arc::default(),
        notes: Arc::default(),
    };
    let middleware = crate::middleware::team_middleware(services.settings());
    Ok(Catalog::new(
        server,
        crate::tools::router(),
        crate::prompts::router(),
        crate::resources::router(),
    )
    .with_completions(crate::prompts::completions())
    .with_middleware(middleware))
}
