//! Logging and request tracing.
//!
//! The request path carries the user's config segment, and with it their Real-Debrid token, so
//! the request span records the *route pattern* (`/{config}/stream/{type}/{id}.json`), never
//! the path, and no middleware here logs a URL.

use crate::settings::LogFormat;
use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
};
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

/// The label for a request's route: its matched pattern, or `unmatched`.
///
/// Finding the pattern re-matches the path against every route, so it is done once per
/// request: the root span computes it and leaves it in the request's extensions, where the
/// metrics middleware finds it.
pub fn route_label(request: &actix_web::HttpRequest) -> RouteLabel {
    if let Some(label) = request.extensions().get::<RouteLabel>() {
        return label.clone();
    }
    let label = RouteLabel(std::sync::Arc::from(
        request.match_pattern().as_deref().unwrap_or("unmatched"),
    ));
    request.extensions_mut().insert(label.clone());
    label
}

/// A request's route pattern, shared between the span and the metrics.
#[derive(Clone)]
pub struct RouteLabel(std::sync::Arc<str>);

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
        let route = route_label(request.request());
        tracing::info_span!(
            "http_request",
            http.method = %request.method(),
            http.route = &*route,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
