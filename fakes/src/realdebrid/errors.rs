//! Real-Debrid's error answers, as the fake's endpoints give them.

use wiremock::ResponseTemplate;

use crate::common::json;
use serde_json::json;

/// RD's error shape: `{"error": "<snake_case>", "error_code": <int>}`.
pub(crate) fn rd_error(status: u16, error: &str, code: i32) -> ResponseTemplate {
    json(status, &json!({ "error": error, "error_code": code }))
}

/// An RD error with `error_details`, keys in the order seen on the wire.
#[derive(serde::Serialize)]
struct DetailedError<'a> {
    error: &'a str,
    error_details: String,
    error_code: i32,
}

/// `parameter_missing`/1 with the `error_details` RD adds.
pub(crate) fn missing(param: &str) -> ResponseTemplate {
    let body = DetailedError {
        error: "parameter_missing",
        error_details: format!("{{{param}}} is missing"),
        error_code: 1,
    };
    json(400, &body)
}

/// 404 `unknown_ressource`/7 (RD's spelling).
pub(crate) fn unknown_resource() -> ResponseTemplate {
    rd_error(404, "unknown_ressource", 7)
}
