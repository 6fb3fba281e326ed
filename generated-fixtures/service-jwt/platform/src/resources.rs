//! Resources: what the server offers for reading, one item per file in `src/resources/`.
//!
//! Guarantees: `resources/list` lists every fixed resource and `resources/templates/list` every
//! URI template; `resources/read` serves the fixed resource with exactly that URI, else the first
//! template that matches it, else answers "resource not found" (-32002). A reader returns text
//! (a `String`) or bytes (a `Vec<u8>`, sent base64-encoded as a `blob`). A reader's failure is
//! masked like a tool's (see `errors`): `ToolError::Invalid` text reaches the client, anything
//! else — a panic included — only as an incident id.

use std::collections::BTreeMap;
use std::future::Future;
use std::ops::AddAssign;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures::FutureExt;
use futures::future::BoxFuture;
use rmcp::ErrorData;
use rmcp::model::{ReadResourceResult, Resource, ResourceContents, ResourceTemplate};

use super::errors::{self, ToolError};
use crate::catalog::ResourceList;

type ReadFn<S> = Arc<
    dyn Fn(S, ResourceRequest) -> BoxFuture<'static, Result<ResourceBody, ToolError>> + Send + Sync,
>;

/// What a reader returns: text, or bytes (sent base64-encoded as a `blob`). Readers return a
/// `String` or a `Vec<u8>`, which convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceBody {
    Text(String),
    Blob(Vec<u8>),
}

impl From<String> for ResourceBody {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for ResourceBody {
    fn from(text: &str) -> Self {
        Self::Text(text.to_string())
    }
}

impl From<Vec<u8>> for ResourceBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Blob(bytes)
    }
}

/// A read request: the URI asked for and, for templates, the values of its `{variables}`.
#[derive(Debug, Clone)]
pub struct ResourceRequest {
    pub uri: String,
    pub vars: BTreeMap<String, String>,
}

impl ResourceRequest {
    /// The value of a template variable.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

enum Listing {
    Fixed(Resource),
    Template(ResourceTemplate, UriTemplate),
}

struct Entry<S> {
    listing: Listing,
    read: ReadFn<S>,
}

/// The server's resources, read with the server `S`. Each resource file contributes one; `+=`
/// combines them.
pub struct ResourceRouter<S> {
    entries: Vec<Arc<Entry<S>>>,
}

impl<S> Clone for ResourceRouter<S> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
        }
    }
}

impl<S> Default for ResourceRouter<S> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<S: Clone + Send + Sync + 'static> ResourceRouter<S> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A resource at one fixed URI.
    pub fn fixed<F, Fut, B>(resource: Resource, read: F) -> Self
    where
        F: Fn(S, ResourceRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<B, ToolError>> + Send + 'static,
        B: Into<ResourceBody>,
    {
        Self::entry(Listing::Fixed(resource), read)
    }

    /// Resources whose URIs match a template such as `weather://{city}/current`.
    pub fn template<F, Fut, B>(template: ResourceTemplate, read: F) -> Self
    where
        F: Fn(S, ResourceRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<B, ToolError>> + Send + 'static,
        B: Into<ResourceBody>,
    {
        let matcher = UriTemplate::parse(&template.uri_template);
        Self::entry(Listing::Template(template, matcher), read)
    }

    fn entry<F, Fut, B>(listing: Listing, read: F) -> Self
    where
        F: Fn(S, ResourceRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<B, ToolError>> + Send + 'static,
        B: Into<ResourceBody>,
    {
        let read: ReadFn<S> = Arc::new(move |server, request| {
            read(server, request)
                .map(|body| body.map(Into::into))
                .boxed()
        });
        Self {
            entries: vec![Arc::new(Entry { listing, read })],
        }
    }

    /// Every fixed resource.
    pub fn list(&self) -> Vec<Resource> {
        self.entries
            .iter()
            .filter_map(|e| match &e.listing {
                Listing::Fixed(r) => Some(r.clone()),
                Listing::Template(..) => None,
            })
            .collect()
    }

    /// Every URI template.
    pub fn templates(&self) -> Vec<ResourceTemplate> {
        self.entries
            .iter()
            .filter_map(|e| match &e.listing {
                Listing::Template(t, _) => Some(t.clone()),
                Listing::Fixed(_) => None,
            })
            .collect()
    }

    /// Whether `uri` is a fixed resource's or matches a template.
    pub fn serves(&self, uri: &str) -> bool {
        self.entries.iter().any(|e| match &e.listing {
            Listing::Fixed(r) => r.uri == uri,
            Listing::Template(_, m) => m.matches(uri).is_some(),
        })
    }

    /// Reads `uri`, masking failures.
    pub async fn read(&self, server: &S, uri: &str) -> Result<ReadResourceResult, ErrorData> {
        let found = self.entries.iter().find_map(|e| match &e.listing {
            Listing::Fixed(r) if r.uri == uri => Some((e, BTreeMap::new(), r.mime_type.clone())),
            Listing::Template(t, m) => m.matches(uri).map(|vars| (e, vars, t.mime_type.clone())),
            Listing::Fixed(_) => None,
        });
        let Some((entry, vars, mime)) = found else {
            return Err(ErrorData::resource_not_found(
                format!("no resource at `{uri}`"),
                None,
            ));
        };
        let request = ResourceRequest {
            uri: uri.to_string(),
            vars,
        };
        let body = match errors::catch_panic(uri, (entry.read)(server.clone(), request)).await {
            Ok(Ok(body)) => body,
            Ok(Err(error)) => return Err(error.into_error_data()),
            Err(incident) => return Err(incident.into_error_data()),
        };
        let mut contents = match body {
            ResourceBody::Text(text) => ResourceContents::text(text, uri),
            ResourceBody::Blob(bytes) => ResourceContents::blob(BASE64.encode(bytes), uri),
        };
        if let Some(mime) = mime {
            contents = contents.with_mime_type(mime);
        }
        Ok(ReadResourceResult::new(vec![contents]))
    }
}

impl<S: Clone + Send + Sync + 'static> ResourceList for ResourceRouter<S> {
    fn list(&self) -> Vec<Resource> {
        ResourceRouter::list(self)
    }

    fn templates(&self) -> Vec<ResourceTemplate> {
        ResourceRouter::templates(self)
    }

    fn serves(&self, uri: &str) -> bool {
        ResourceRouter::serves(self, uri)
    }
}

impl<S> AddAssign for ResourceRouter<S> {
    fn add_assign(&mut self, other: Self) {
        self.entries.extend(other.entries);
    }
}

/// A level-1 URI template (RFC 6570 `{var}` expansions): each variable matches one or more
/// characters up to the next literal, never a `/`.
#[derive(Debug, Clone)]
struct UriTemplate {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Literal(String),
    Var(String),
}

impl UriTemplate {
    fn parse(template: &str) -> Self {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            parts.push(Part::Var(rest[open + 1..close].to_string()));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        Self { parts }
    }

    fn matches(&self, uri: &str) -> Option<BTreeMap<String, String>> {
        let mut vars = BTreeMap::new();
        let mut rest = uri;
        for (i, part) in self.parts.iter().enumerate() {
            match part {
                Part::Literal(lit) => rest = rest.strip_prefix(lit.as_str())?,
                Part::Var(name) => {
                    let end = match self.parts.get(i + 1) {
                        Some(Part::Literal(next)) => rest.find(next.as_str())?,
                        _ => rest.len(),
                    };
                    let value = &rest[..end];
                    if value.is_empty() || value.contains('/') {
                        return None;
                    }
                    vars.insert(name.clone(), value.to_string());
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(vars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_variables_between_literals() {
        let t = UriTemplate::parse("weather://{city}/days/{n}");
        let vars = t.matches("weather://paris/days/3").unwrap();
        assert_eq!(vars["city"], "paris");
        assert_eq!(vars["n"], "3");
        assert!(t.matches("weather://paris/days/").is_none());
        assert!(t.matches("weather://a/b/days/3").is_none());
        assert!(t.matches("other://paris/days/3").is_none());
        assert!(t.matches("weather://paris/days/3/extra").is_none());
    }
}
