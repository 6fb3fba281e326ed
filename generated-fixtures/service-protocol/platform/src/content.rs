//! Tool result contents from bytes: images, audio and embedded binary resources, base64-encoded
//! as the protocol carries them, so team code never encodes by hand.
//!
//! ```ignore
//! Ok(CallToolResult::success(vec![
//!     ContentBlock::text("the chart, and the data it was drawn from"),
//!     content::image(&png, "image/png"),
//!     content::blob_resource("reports://q3/data.parquet", &parquet, "application/vnd.apache.parquet"),
//! ]))
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rmcp::model::{ContentBlock, ResourceContents};

/// An image (`mime_type` such as `image/png`).
pub fn image(bytes: &[u8], mime_type: &str) -> ContentBlock {
    ContentBlock::image(BASE64.encode(bytes), mime_type)
}

/// An audio clip (`mime_type` such as `audio/wav`).
pub fn audio(bytes: &[u8], mime_type: &str) -> ContentBlock {
    ContentBlock::audio(BASE64.encode(bytes), mime_type)
}

/// A binary resource embedded in the result, with its URI.
pub fn blob_resource(uri: &str, bytes: &[u8], mime_type: &str) -> ContentBlock {
    ContentBlock::resource(
        ResourceContents::blob(BASE64.encode(bytes), uri).with_mime_type(mime_type),
    )
}

/// A text resource embedded in the result, with its URI.
pub fn text_resource(uri: &str, text: &str, mime_type: &str) -> ContentBlock {
    ContentBlock::resource(ResourceContents::text(text, uri).with_mime_type(mime_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_travel_base64_with_their_type() {
        let bytes = [0_u8, 159, 146, 150, 255];
        let decode = |data: &str| BASE64.decode(data).unwrap();
        match &image(&bytes, "image/png") {
            ContentBlock::Image(image) => {
                assert_eq!(
                    (decode(&image.data), image.mime_type.as_str()),
                    (bytes.to_vec(), "image/png")
                );
            }
            other => panic!("{other:?}"),
        }
        match &audio(&bytes, "audio/wav") {
            ContentBlock::Audio(audio) => {
                assert_eq!(
                    (decode(&audio.data), audio.mime_type.as_str()),
                    (bytes.to_vec(), "audio/wav")
                );
            }
            other => panic!("{other:?}"),
        }
        match &blob_resource("test://b", &bytes, "application/octet-stream") {
            ContentBlock::Resource(embedded) => match &embedded.resource {
                ResourceContents::BlobResourceContents {
                    uri,
                    mime_type,
                    blob,
                    ..
                } => {
                    assert_eq!(
                        (uri.as_str(), mime_type.as_deref()),
                        ("test://b", Some("application/octet-stream"))
                    );
                    assert_eq!(decode(blob), bytes);
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
        match &text_resource("test://t", "hello", "text/plain") {
            ContentBlock::Resource(embedded) => assert!(matches!(
                &embedded.resource,
                ResourceContents::TextResourceContents { text, .. } if text == "hello"
            )),
            other => panic!("{other:?}"),
        }
    }
}
