//! OpenTelemetry: a span per MCP request, exported to a collector over OTLP/HTTP.
//!
//! Compiled only with the Cargo feature `otel` and switched on by `OTLP_ENDPOINT`; without
//! either, no span is opened and no exporter exists, so it costs nothing
//! per request. Spans carry the method, tool, principal, request id and outcome, and are
//! batched on their own thread (the HTTP client there is blocking, off the async runtime);
//! [`shutdown`] flushes what is left when the server stops.

use rmcp::ErrorData;

#[cfg(feature = "otel")]
use crate::config::{ConfigError, Setting, Vars};

use super::middleware::Call;

/// The span around one request (opened only when exporting).
pub fn span(call: &Call) -> tracing::Span {
    tracing::info_span!(
        target: "mcp",
        "mcp.request",
        otel.name = %format!("{} {}", call.method, call.target.as_deref().unwrap_or("")).trim_end(),
        rpc.method = call.method,
        mcp.tool = call.target.as_deref().unwrap_or(""),
        mcp.request_id = %call.info.request_id,
        enduser.id = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
        error.code = tracing::field::Empty,
    )
}

/// Records what was learnt while the request ran: the caller (authentication ran inside the
/// span) and the outcome.
pub fn close(span: &tracing::Span, call: &Call, error: Option<&ErrorData>) {
    span.record("enduser.id", call.info.identity.principal.as_str());
    match error {
        None => span.record("otel.status_code", "OK"),
        Some(error) => span
            .record("otel.status_code", "ERROR")
            .record("error.code", error.code.0),
    };
}

#[cfg(feature = "otel")]
mod export {
    use std::sync::OnceLock;
    use std::time::Duration;

    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
    use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
    use opentelemetry_sdk::Resource;
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use tracing_subscriber::Layer;
    use tracing_subscriber::registry::LookupSpan;

    static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

    /// OTLP over HTTP with the blocking reqwest client: exports run on the batch processor's
    /// own thread, never on the async runtime.
    #[derive(Debug)]
    struct Blocking(reqwest::blocking::Client);

    #[async_trait::async_trait]
    impl HttpClient for Blocking {
        async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
            let (parts, body) = request.into_parts();
            let url = parts.uri.to_string();
            let response = self
                .0
                .request(parts.method, url)
                .headers(parts.headers)
                .body(body.to_vec())
                .send()?;
            let mut builder = Response::builder().status(response.status().as_u16());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            Ok(builder.body(response.bytes()?)?)
        }
    }

    /// The tracing layer that exports `mcp` spans to `endpoint` (`…/v1/traces` is appended).
    pub fn layer<S>(endpoint: &str) -> anyhow::Result<impl Layer<S>>
    where
        S: tracing::Subscriber + for<'span> LookupSpan<'span>,
    {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .build()?;
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(Blocking(client))
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
            .build()?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                Resource::builder()
                    .with_service_name(crate::SERVICE_NAME)
                    .build(),
            )
            .build();
        let tracer = provider.tracer(crate::SERVICE_NAME);
        let _ = PROVIDER.set(provider);
        let only_requests = tracing_subscriber::filter::filter_fn(|meta| meta.target() == "mcp");
        Ok(tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(only_requests))
    }

    /// Flushes and stops the exporter. Call outside the async runtime, once serving has ended.
    pub fn shutdown() {
        if let Some(provider) = PROVIDER.get()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("warning: OpenTelemetry export did not finish: {e}");
        }
    }
}

#[cfg(feature = "otel")]
pub use export::{layer, shutdown};

/// Nothing to flush in a build without the `otel` feature.
#[cfg(not(feature = "otel"))]
pub fn shutdown() {}

/// The OTLP/HTTP endpoint request spans go to, when set (`OTLP_ENDPOINT`).
#[cfg(feature = "otel")]
pub fn endpoint_from_vars(vars: &Vars) -> Result<Option<String>, ConfigError> {
    let otlp_endpoint = vars
        .get("OTLP_ENDPOINT")
        .trim()
        .trim_end_matches('/')
        .to_string();
    if !otlp_endpoint.is_empty()
        && !otlp_endpoint.starts_with("http://")
        && !otlp_endpoint.starts_with("https://")
    {
        return Err(vars.invalid(
            "OTLP_ENDPOINT",
            format!("`{otlp_endpoint}` must start with http:// or https://"),
        ));
    }
    Ok((!otlp_endpoint.is_empty()).then_some(otlp_endpoint))
}

/// This subsystem's settings (keys without the prefix).
#[cfg(feature = "otel")]
pub const SETTINGS: &[Setting] = &[Setting {
    key: "OTLP_ENDPOINT",
    default: "",
    help: "OpenTelemetry collector (OTLP/HTTP, e.g. http://collector:4318) for request spans; needs the `otel` build feature.",
}];
