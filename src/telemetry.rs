//! Logging and request tracing.
//!
//! The request path carries the user's config segment, and with it their Real-Debrid token, so
//! the request span records the *route pattern* (`/{config}/stream/{type}/{id}.json`), never
//! the path, and no middleware here logs a URL.

use crate::settings::LogFormat;
use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
};
use std::sync::Arc;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};
use tracing_subscriber::{EnvFilter, fmt::format::FmtSpan};

/// Installs the global subscriber. `RUST_LOG` filters (default `info`); a second call, as in
/// tests that start several servers, keeps the first subscriber.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The label for a request's route: the pattern of the resource that served it (set by
/// `routes::resource`), or `unmatched`. Known once the request has been routed.
pub fn route_label(request: &actix_web::HttpRequest) -> RouteLabel {
    request
        .app_data::<RouteLabel>()
        .cloned()
        .unwrap_or_else(|| RouteLabel::new("unmatched"))
}

/// A route pattern, as a label.
#[derive(Clone)]
pub struct RouteLabel(Arc<str>);

impl RouteLabel {
    /// The label of a pattern.
    pub fn new(pattern: &str) -> Self {
        Self(Arc::from(pattern))
    }
}

impl std::ops::Deref for RouteLabel {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// Root span of every request, with method and route pattern but no path, query or headers.
pub struct RedactedRootSpan;

impl RootSpanBuilder for RedactedRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        tracing::info_span!(
            "http_request",
            http.method = %request.method(),
            http.route = tracing::field::Empty,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        if let Ok(response) = outcome {
            span.record("http.route", &*route_label(response.request()));
        }
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
