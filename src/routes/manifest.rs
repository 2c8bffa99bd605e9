//! `GET /manifest.json` and `GET /{config}/manifest.json`.

use super::user_config::RequestConfig;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, http::header, web};

/// The user's manifest. Cached briefly: it changes only when Ferrio is upgraded.
pub async fn manifest(
    request: HttpRequest,
    state: web::Data<AppState>,
    config: RequestConfig,
) -> HttpResponse {
    let manifest = state
        .manifest
        .for_user(config.0.as_ref(), &state.base_url(&request));
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "max-age=3600, public"))
        .json(manifest)
}
