//! Operations: liveness, readiness, metrics, and the middleware that feeds the HTTP metrics.

use crate::{cache::CacheStatus, state::AppState, telemetry::route_label};
use actix_web::{
    Error, HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    web,
};
use secrecy::ExposeSecret;
use serde_json::json;
use std::time::Instant;
use subtle::ConstantTimeEq;

/// `GET /healthz`: the process is up. Touches nothing, so it stays cheap under load.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({"status": "ok"}))
}

/// `GET /readyz`: the process can serve.
///
/// A Redis outage does not make Ferrio unready: requests are still answered from the
/// in-process tier and the upstreams. Answering 503 would make a load balancer drop every
/// instance at once when the shared Redis goes down — a single point of failure made by the
/// health check itself. So it stays 200 and says `"cache":"degraded"` with the reason, for
/// dashboards and alerts. `cache` is `memory` (no `REDIS_URL`), `redis`, or `degraded`.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let body = match state.cache.status().await {
        CacheStatus::Memory => json!({"status": "ok", "cache": "memory"}),
        CacheStatus::Redis => json!({"status": "ok", "cache": "redis"}),
        CacheStatus::Degraded(outage) => {
            json!({"status": "ok", "cache": "degraded", "reason": outage.reason()})
        }
    };
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// `GET /metrics`: Prometheus text format. With `METRICS_TOKEN` set, only for a request that
/// carries it as a bearer token (compared in constant time); others get a JSON 401.
pub async fn metrics(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Some(expected) = &state.settings.server.metrics_token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        let matches: bool = given
            .as_bytes()
            .ct_eq(expected.expose_secret().as_bytes())
            .into();
        if !matches {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                .json(json!({"error": "a metrics token is required"}));
        }
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(state.metrics.render())
}

/// Middleware (for `from_fn`) adding the headers links depend on to `Vary` (after what CORS
/// put there).
pub async fn vary_by_link_headers(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let headers = request
        .app_data::<web::Data<AppState>>()
        .and_then(|state| state.link_headers());
    let mut response = next.call(request).await?;
    if let Some(headers) = headers {
        response
            .headers_mut()
            .append(header::VARY, header::HeaderValue::from_static(headers));
    }
    Ok(response)
}

/// Middleware (for `from_fn`) counting every request by route pattern, method and status.
pub async fn record_metrics(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = request.method().clone();
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(request).await?;
    if let Some(state) = state {
        state.metrics.http_request(
            &route_label(response.request()),
            method.as_str(),
            response.status().as_u16(),
            started.elapsed(),
        );
    }
    Ok(response)
}
