//! `GET|HEAD /{config}/resolve/realdebrid/{hash}/{file}/{filename}`: one tap, one redirect.
//!
//! The answer is a 302 to the Real-Debrid download link, or to a short video saying why the
//! stream cannot play now. What the tap leads to, fail-over included, is the stream layer's
//! ([`crate::streams::Pipeline::resolve`]); this route reads the request and writes the 302.

use super::{
    client::{request_client, viewer_address},
    user_config::RequestConfig,
};
use crate::{
    debrid::{
        resolve::{AccountCare, Resolution, Viewer},
        select::FileSelector,
        target::Target,
    },
    error::ApiError,
    protocol::{request::VideoId, stream::InfoHash},
    state::AppState,
    streams::present::status_url,
};
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Deserialize;

/// The query of a resolve URL.
#[derive(Deserialize)]
pub struct ResolveQuery {
    /// The Stremio video id the stream was listed for (`tt…` or `tt…:s:e`).
    video: Option<String>,
}

/// Resolves and redirects.
pub async fn resolve(
    request: HttpRequest,
    state: web::Data<AppState>,
    config: RequestConfig,
    query: web::Query<ResolveQuery>,
) -> Result<HttpResponse, ApiError> {
    let (config, token) = config.with_token()?;
    let target = target(&request)?;
    let video = query.video.as_deref().map(parse_video).transpose()?;
    let header = state.settings.server.client_ip_header.as_deref();
    let viewer = Viewer {
        token: &token,
        address: viewer_address(&request, header),
        client: request_client(&request, &state),
        care: AccountCare {
            clean_failed: config.clean_failed,
            free_slots: config.free_slots,
        },
        trackers: None,
    };
    let resolution = state
        .pipeline
        .resolve(viewer, &config, &target, video.as_ref())
        .await;
    Ok(redirect(&state.base_url(&request), resolution))
}

/// The hash and file from the path; a malformed one is the client's mistake.
fn target(request: &HttpRequest) -> Result<Target, ApiError> {
    let segment = |name| request.match_info().get(name).unwrap_or_default();
    let hash = InfoHash::parse(segment("hash"))
        .ok_or_else(|| ApiError::bad_request("the info hash must be 40 hex digits"))?;
    let selector = FileSelector::parse(segment("file")).ok_or_else(|| {
        ApiError::bad_request("the file must be an index, s<season>e<episode> or -")
    })?;
    Ok(Target { hash, selector })
}

fn parse_video(id: &str) -> Result<VideoId, ApiError> {
    let media_type = if id.contains(':') { "series" } else { "movie" };
    Ok(VideoId::parse(media_type, id)?)
}

/// A 302 to the link (players re-request it, so it may be kept a while) or to the status video
/// (never kept: the next tap should try again).
fn redirect(base_url: &str, resolution: Resolution) -> HttpResponse {
    let (location, cache) = match resolution {
        Resolution::Link(link) => (link, "private, max-age=3600"),
        Resolution::Status(video) => (status_url(base_url, video), "no-store"),
    };
    HttpResponse::Found()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, cache))
        .finish()
}
