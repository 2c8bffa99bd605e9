//! Protocol answers as HTTP: the body with its cache policy, which also goes in
//! `Cache-Control`, and the path of a resource request decoded.

use crate::protocol::{
    request::{RequestError, ResourcePath},
    response::{Cached, Rendered},
};
use actix_web::{HttpRequest, HttpResponse, Responder, body::BoxBody, http::header};
use serde::Serialize;

impl<T: Serialize> Responder for Cached<T> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        rendered(self.render())
    }
}

/// The 200 answer of a rendered body, with its policy in `Cache-Control`.
pub fn rendered(rendered: Rendered) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, rendered.policy.header_value()))
        .body(rendered.body)
}

/// The type, id and extra of a resource request. The route says whether an extra segment is
/// present (it matched `{extra}`).
pub fn resource_path(request: &HttpRequest) -> Result<ResourcePath, RequestError> {
    let has_extra = request.match_info().get("extra").is_some();
    ResourcePath::decode(request.uri().path(), has_extra)
}
