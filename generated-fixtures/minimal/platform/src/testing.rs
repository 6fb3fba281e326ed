//! The platform's own test server: a few test-only items, so that the platform's tests never
//! depend on a team's tools (a team may delete every example it owns).

/// The crate's private modules that the tests in tests/ drive directly (`http.rs`: the listener,
/// the stack's parts, authentication and its test issuer).
#[cfg(feature = "http")]
pub mod auth {
    pub use crate::auth::*;
}
#[cfg(feature = "http")]
pub mod http {
    pub use crate::http::*;
}
pub mod layers {
    pub use crate::layers::*;
}

use rmcp::handler::server::common::Extension;
use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::model::Resource;
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Settings};
use crate::errors::ToolError;
use crate::harness::Harness;
use crate::middleware::RequestInfo;
use crate::resources::{ResourceRequest, ResourceRouter};
use crate::{App, Catalog, Project, Services};

/// The test server.
#[derive(Clone)]
pub struct Probe {
    services: Services,
}

/// Parameters of `greet`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct GreetParams {
    /// Who to greet.
    pub name: String,
    /// End with an exclamation mark.
    #[serde(default)]
    pub excited: bool,
}

/// Who the server thinks is calling.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Caller {
    pub principal: String,
    pub scopes: Vec<String>,
    pub tenant: Option<String>,
    pub request_id: String,
}

#[tool_router(router = tools)]
impl Probe {
    /// Greet someone by name.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn greet(
        &self,
        Parameters(params): Parameters<GreetParams>,
    ) -> Result<String, ToolError> {
        if params.name.trim().is_empty() {
            return Err(ToolError::invalid_input("`name` must not be blank"));
        }
        let end = if params.excited { '!' } else { '.' };
        Ok(format!("Hello, {}{end}", params.name.trim()))
    }

    /// Describe the caller as the middleware saw them.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn whoami(
        &self,
        Extension(info): Extension<RequestInfo>,
    ) -> Result<Json<Caller>, ToolError> {
        Ok(Json(Caller {
            principal: info.identity.principal,
            scopes: info.identity.scopes.into_iter().collect(),
            tenant: info.identity.tenant,
            request_id: info.request_id,
        }))
    }
}

async fn about(probe: Probe, _request: ResourceRequest) -> Result<String, ToolError> {
    Ok(format!(
        "transport: {:?}",
        probe.services.settings().transport
    ))
}

fn catalog_with(services: &Services, extra: ToolRouter<Probe>) -> Catalog {
    let resource = Resource::new("about://server", "about").with_mime_type("text/plain");
    Catalog::new(
        Probe {
            services: services.clone(),
        },
        Probe::tools() + extra,
        PromptRouter::new(),
        ResourceRouter::fixed(resource, about),
    )
}

fn catalog(services: &Services) -> Result<Catalog, ConfigError> {
    Ok(catalog_with(services, ToolRouter::new()))
}

/// The test server as a project.
pub const PROJECT: Project = Project {
    name: "platform-tests",
    version: "0.0.0",
    description: "The platform's test server",
    settings: &[],
    catalog,
};

/// The test server with `settings`, in the standard stack.
pub fn test_app(settings: Settings) -> App {
    App::for_settings(&PROJECT, settings).expect("valid settings")
}

/// The test server with extra test tools.
pub fn app_with_tools(settings: Settings, tools: ToolRouter<Probe>) -> App {
    app_with_catalog(settings, |services| catalog_with(services, tools))
}

/// A server of any catalog (a test's own server type and items), in the standard stack.
pub fn app_with_catalog(settings: Settings, catalog: impl FnOnce(&Services) -> Catalog) -> App {
    let services = Services::new(settings, Default::default());
    let catalog = catalog(&services);
    #[cfg(feature = "http")]
    let app = App::assemble(
        &PROJECT,
        services.clone(),
        catalog,
        crate::auth::Authenticator::new(
            crate::auth::AuthConfig::from_settings(services.settings()).expect("valid auth"),
        ),
    );
    #[cfg(not(feature = "http"))]
    let app = App::assemble(&PROJECT, services, catalog);
    app.expect("valid settings")
}

/// The bare handler (no middleware stack), to compare answers with.
pub fn bare_handler() -> crate::catalog::Handler {
    let services = Services::new(Settings::defaults(), Default::default());
    let catalog = catalog_with(&services, ToolRouter::new());
    crate::catalog::Handler::new(
        &PROJECT,
        &catalog,
        services.settings(),
        services.changes().clone(),
    )
    .expect("the default settings are valid")
}

/// A client connected to the test server with default settings.
pub async fn start() -> Harness {
    Harness::with_app(test_app(Settings::defaults())).await
}
