// Owned by your team: edit freely.
//! The full-protocol example set's resources (`--examples full`), at the URIs the official MCP
//! conformance suite reads: a text resource, a binary one (served as a base64 `blob`), a URI
//! template whose variable the reader gets, and a resource clients subscribe to
//! (`resources/subscribe`), which the `update_watched_resource` tool changes and notifies.

use std::sync::atomic::Ordering;

use platform::errors::ToolError;
use platform::resources::{ResourceRequest, ResourceRouter};
use rmcp::model::{Resource, ResourceTemplate};

use crate::server::Server;

/// A resource that changes while the server runs: clients subscribe to it, and
/// `update_watched_resource` (`src/tools/conformance.rs`) tells them when it changed.
pub(crate) const WATCHED_RESOURCE: &str = "test://watched-resource";

/// This set's resources, merged into the registry in `src/resources/mod.rs`.
pub(crate) fn router() -> ResourceRouter<Server> {
    let text = Resource::new("test://static-text", "static-text")
        .with_description("A fixed text resource.")
        .with_mime_type("text/plain");
    let binary = Resource::new("test://static-binary", "static-binary")
        .with_description("A fixed binary resource: a PNG image.")
        .with_mime_type("image/png");
    let template = ResourceTemplate::new("test://template/{id}/data", "template-data")
        .with_description("Data about the item `id`, as JSON.")
        .with_mime_type("application/json");
    let watched = Resource::new(WATCHED_RESOURCE, "watched-resource")
        .with_description("A resource that changes: subscribe to hear when.")
        .with_mime_type("text/plain");
    let mut router = ResourceRouter::fixed(text, read_text);
    router += ResourceRouter::fixed(binary, read_binary);
    router += ResourceRouter::template(template, read_item);
    router += ResourceRouter::fixed(watched, read_watched);
    router
}

async fn read_text(_: Server, _: ResourceRequest) -> Result<String, ToolError> {
    Ok("This is the content of the static text resource.".to_string())
}

async fn read_binary(_: Server, _: ResourceRequest) -> Result<Vec<u8>, ToolError> {
    Ok(crate::tools::RED_PIXEL_PNG.to_vec())
}

async fn read_watched(server: Server, _: ResourceRequest) -> Result<String, ToolError> {
    let revision = server.watched().load(Ordering::SeqCst);
    Ok(format!("The watched resource, revision {revision}."))
}

async fn read_item(_: Server, request: ResourceRequest) -> Result<String, ToolError> {
    let id = request.var("id").unwrap_or_default();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ToolError::invalid_input("`id` is letters and digits"));
    }
    Ok(
        serde_json::json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") })
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use crate::testing::Harness;

    #[tokio::test]
    async fn text_binary_and_templated_resources_read() {
        let h = Harness::start().await;
        let text = h.read_resource("test://static-text").await.unwrap();
        assert!(text.contains("static text"));
        let data = h.read_resource("test://template/123/data").await.unwrap();
        assert!(data.contains("\"id\":\"123\""), "{data}");
        let binary = h
            .peer()
            .read_resource(rmcp::model::ReadResourceRequestParams::new(
                "test://static-binary",
            ))
            .await
            .unwrap();
        assert!(matches!(
            &binary.contents[..],
            [rmcp::model::ResourceContents::BlobResourceContents { mime_type: Some(m), .. }] if m == "image/png"
        ));
        let bad = h
            .read_resource("test://template/a%20b/data")
            .await
            .unwrap_err();
        assert!(bad.contains("letters and digits"), "{bad}");
    }

    #[tokio::test]
    async fn subscribers_hear_when_the_watched_resource_changes() {
        let h = Harness::start().await;
        let uri = super::WATCHED_RESOURCE;
        assert!(h.read_resource(uri).await.unwrap().contains("revision 0"));
        h.subscribe(uri).await.unwrap();
        let result = h
            .call_tool("update_watched_resource", serde_json::json!({}))
            .await;
        assert!(Harness::text(&result).contains("1 subscribed client"));
        h.wait_for_updates(1).await;
        assert_eq!(h.updates(), [uri]);
        assert!(h.read_resource(uri).await.unwrap().contains("revision 1"));
        // Unsubscribed: no more updates. Resources the server does not serve are refused.
        h.unsubscribe(uri).await.unwrap();
        h.call_tool("update_watched_resource", serde_json::json!({}))
            .await;
        assert_eq!(h.updates().len(), 1);
        let error = h.subscribe("test://nowhere").await.unwrap_err();
        assert!(error.contains("no resource"), "{error}");
    }
}
