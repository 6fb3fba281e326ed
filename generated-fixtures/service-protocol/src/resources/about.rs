// Owned by your team: edit freely.
//! `about`: an example resource at a fixed URI, built from server state.

use rmcp::model::Resource;

use crate::server::Server;
use platform::resources::{ResourceRequest, ResourceRouter};

/// This resource's router, merged into the registry in `src/resources/mod.rs`.
pub(crate) fn router() -> ResourceRouter<Server> {
    let resource = Resource::new("about://server", "about")
        .with_title("About this server")
        .with_description("What this server is, its version, and how it greets.")
        .with_mime_type("text/markdown");
    ResourceRouter::fixed(resource, read)
}

async fn read(
    server: Server,
    _request: ResourceRequest,
) -> Result<String, platform::errors::ToolError> {
    Ok(format!(
        "# {}\n\n{}\n\nVersion {}. Greets with \"{}\".\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_DESCRIPTION"),
        env!("CARGO_PKG_VERSION"),
        server.settings().greeting,
    ))
}

#[cfg(test)]
mod tests {
    use crate::testing::Harness;

    #[tokio::test]
    async fn reads_as_markdown() {
        let h = Harness::start().await;
        let text = h.read_resource("about://server").await.expect("readable");
        assert!(
            text.starts_with(&format!("# {}", env!("CARGO_PKG_NAME"))),
            "{text}"
        );
        assert!(text.contains("Greets with \"Hello\""), "{text}");
    }

    #[tokio::test]
    async fn is_listed_and_unknown_uris_are_not_found() {
        let h = Harness::start().await;
        let resources = h.peer().list_all_resources().await.unwrap();
        let about = resources
            .iter()
            .find(|r| r.uri == "about://server")
            .expect("listed");
        assert_eq!(about.mime_type.as_deref(), Some("text/markdown"));
        let err = h.read_resource("about://nothing-here").await.unwrap_err();
        assert!(err.contains("no resource at"), "{err}");
    }
}
