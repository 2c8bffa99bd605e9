//! `GET|HEAD /{config}/resolve/realdebrid/{hash}/{file}/{filename}`: one tap, one redirect.
//!
//! The answer is a 302 to the Real-Debrid download link, or to a short video saying why the
//! stream cannot play now. When the torrent itself is dead (refused as infringing, magnet
//! failed, no video), other likely-cached torrents of the same title are tried first, within
//! the request's time.

use super::{client::viewer_address, user_config::RequestConfig};
use crate::{
    debrid::{
        resolve::{Resolution, Target, Viewer},
        select::FileSelector,
        status::StatusVideo,
    },
    error::ApiError,
    pipeline,
    protocol::{config::UserConfig, request::VideoId, stream::InfoHash},
    state::AppState,
};
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Deserialize;
use std::time::Duration;
use tokio::time::Instant;

/// How many other torrents are tried when the chosen one is dead.
const FAILOVER_CANDIDATES: usize = 3;
/// Fail-over stops starting new attempts after this long, so the player is answered in time.
const FAILOVER_BUDGET: Duration = Duration::from_secs(15);

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
    let config = config.or_default();
    let token = config
        .realdebrid
        .clone()
        .ok_or_else(|| ApiError::bad_request("this config has no Real-Debrid token"))?;
    let target = target(&request)?;
    let video = query.video.as_deref().map(parse_video).transpose()?;
    let viewer = Viewer {
        token: &token,
        address: viewer_address(&request, state.settings.client_ip_header.as_deref()),
    };
    let started = Instant::now();
    let mut resolution = state.debrid.resolver.resolve(viewer, &target).await;
    if let (Resolution::Status(status), Some(video)) = (&resolution, &video)
        && status.torrent_is_dead()
        && let Some(link) = fail_over(&state, viewer, &config, video, &target, started).await
    {
        resolution = Resolution::Link(link);
    }
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

/// Tries the next likely-cached torrents of the same video, best first.
async fn fail_over(
    state: &AppState,
    viewer: Viewer<'_>,
    config: &UserConfig,
    video: &VideoId,
    failed: &Target,
    started: Instant,
) -> Option<String> {
    let candidates = pipeline::cached_targets(state, viewer.token, config, video).await;
    for target in candidates
        .into_iter()
        .filter(|target| target.hash != failed.hash)
        .take(FAILOVER_CANDIDATES)
    {
        if started.elapsed() > FAILOVER_BUDGET {
            break;
        }
        if let Resolution::Link(link) = state.debrid.resolver.resolve(viewer, &target).await {
            tracing::info!(from = %failed.hash, to = %target.hash, "fell over to another torrent");
            return Some(link);
        }
    }
    None
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

fn status_url(base_url: &str, video: StatusVideo) -> String {
    format!("{base_url}/static/{}", video.file())
}
