//! The protocol resources: `catalog`, `meta` and `stream`.

use super::user_config::RequestConfig;
use crate::{
    error::ApiError,
    protocol::{
        request::{RequestError, ResourcePath, VideoId},
        response::{CachePolicy, Cached, Metas, Streams},
    },
    state::AppState,
};
use actix_web::{HttpRequest, web};

impl From<RequestError> for ApiError {
    fn from(error: RequestError) -> Self {
        match error {
            RequestError::Malformed(message) => ApiError::bad_request(message),
            RequestError::Unsupported(message) => ApiError::not_found(message),
        }
    }
}

/// `stream/{type}/{id}`: the ranked streams of a movie or an episode.
pub async fn stream(
    request: HttpRequest,
    config: RequestConfig,
) -> Result<Cached<Streams>, ApiError> {
    let path = ResourcePath::from_request(&request)?;
    let _video = VideoId::parse(&path.media_type, &path.id)?;
    let _config = config.or_default();
    Ok(Cached::new(
        Streams {
            streams: Vec::new(),
        },
        CachePolicy::EMPTY,
    ))
}

/// `catalog/{type}/{id}`: one page of a catalog declared in the manifest.
pub async fn catalog(
    request: HttpRequest,
    state: web::Data<AppState>,
    config: RequestConfig,
) -> Result<Cached<Metas>, ApiError> {
    let path = ResourcePath::from_request(&request)?;
    let declared = state
        .manifest
        .catalogs
        .iter()
        .find(|catalog| catalog.id == path.id && catalog.media_type == path.media_type)
        .ok_or_else(|| ApiError::not_found("no such catalog"))?;
    if declared
        .extra
        .iter()
        .any(|prop| prop.is_required && prop.name == "search")
        && path.extra.search.is_none()
    {
        return Err(ApiError::bad_request("this catalog needs a search term"));
    }
    let _config = config.or_default();
    Ok(Cached::new(Metas { metas: Vec::new() }, CachePolicy::EMPTY))
}

/// `meta/{type}/{id}`: no metadata is served yet, so every id is one Ferrio does not handle.
pub async fn meta(request: HttpRequest, config: RequestConfig) -> Result<Cached<Metas>, ApiError> {
    let path = ResourcePath::from_request(&request)?;
    let _config = config.or_default();
    let _ = path;
    Err(ApiError::not_found("no metadata is served for this id"))
}
