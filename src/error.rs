//! The one JSON error shape: `{"error": "<what is wrong>"}`, for Ferrio's own errors and for
//! actix's extractor rejections alike.
//!
//! Messages are written for the person who sent the request and never repeat the request's
//! path or config segment: those carry the user's Real-Debrid token.

use actix_web::{
    HttpResponse, ResponseError,
    dev::ServiceResponse,
    http::{StatusCode, header},
    middleware::ErrorHandlerResponse,
};
use serde::Serialize;

/// An error answered to the client.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
}

impl ApiError {
    /// 400: the request is malformed; the message says how.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// 404: Ferrio does not serve this resource, type or id prefix.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    /// 408: the client did not send its request body in time.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::REQUEST_TIMEOUT,
            message: message.into(),
        }
    }

    /// 413: the request body is larger than Ferrio reads.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: message.into(),
        }
    }

    /// 500: a bug. Used only where no better answer exists; the cause is logged, not shown.
    pub fn internal() -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error".into(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        json_error(self.status, &self.message)
    }
}

/// A JSON error response; errors are never cached by Stremio or a CDN.
pub fn json_error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ErrorBody { error: message })
}

/// Turns actix's own extractor rejections (bad query string, bad form, bad JSON body) into the
/// same JSON shape instead of actix's plain-text default.
pub fn rejection(error: impl std::fmt::Display) -> actix_web::Error {
    actix_web::error::InternalError::from_response(
        error.to_string(),
        json_error(StatusCode::BAD_REQUEST, &error.to_string()),
    )
    .into()
}

/// The answer for every path no route matches.
pub async fn not_found() -> HttpResponse {
    json_error(StatusCode::NOT_FOUND, "not found")
}

/// actix answers a method a route does not take (`POST /manifest.json`) with an empty 405;
/// this gives that answer the JSON shape too, keeping actix's headers (`Allow`).
pub fn method_not_allowed<B>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (request, original) = response.into_parts();
    let mut answer = json_error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, answer).map_into_right_body(),
    ))
}
