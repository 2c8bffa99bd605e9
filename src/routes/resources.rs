//! The protocol resources: `catalog`, `meta` and `stream`.

use super::{
    library,
    user_config::{RequestConfig, config_segment},
};
use crate::{
    debrid::{catalog as rd_catalog, present::LinkBase},
    error::ApiError,
    pipeline,
    protocol::{
        config::CatalogId,
        request::{RequestError, ResourcePath, VideoId},
        response::{CachePolicy, Cached, MetaItem, Metas, Streams},
    },
    state::AppState,
};
use actix_web::{HttpRequest, HttpResponse, web};

impl From<RequestError> for ApiError {
    fn from(error: RequestError) -> Self {
        match error {
            RequestError::Malformed(message) => ApiError::bad_request(message),
            RequestError::Unsupported(message) => ApiError::not_found(message),
        }
    }
}

/// `stream/{type}/{id}`: the ranked streams of a movie or an episode from the sources the user
/// enabled (sources that fail or miss the deadline are left out), or of a video of the user's
/// Real-Debrid library.
pub async fn stream(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let base_url = state.base_url(&request);
    let key = format!("{base_url}{}", request.uri());
    if let Some(rendered) = state.hot.get(&key).await {
        return Ok(rendered.into_response());
    }
    let config = RequestConfig::of(&request)?.or_default();
    let path = ResourcePath::from_request(&request)?;
    let library = path.media_type == rd_catalog::MEDIA_TYPE;
    let video = if library {
        None
    } else {
        Some(VideoId::parse(&path.media_type, &path.id)?)
    };
    let links = LinkBase {
        base_url: &base_url,
        config_segment: config_segment(&request).unwrap_or_default(),
    };
    // Boxed: the pipeline's future is large, and moving it around costs every request.
    let render = Box::pin(async {
        let listing = match &video {
            Some(video) => pipeline::streams(&state, video, &config, links).await,
            None => library::streams(&state, &config, &path.id, &links)
                .await
                .into(),
        };
        let streams = listing.streams;
        let policy = match (streams.is_empty(), config.has_debrid()) {
            _ if listing.token_refused => CachePolicy::NONE,
            (true, _) => CachePolicy::EMPTY,
            // Cached markers change as torrents are resolved: a debrid list is kept minutes.
            (false, true) => CachePolicy::DEBRID_STREAMS,
            (false, false) => CachePolicy::STREAMS,
        };
        Cached::new(Streams { streams }, policy).render()
    });
    Ok(state.hot.render(&key, render).await.into_response())
}

/// `catalog/{type}/{id}`: one page of a catalog of the user's manifest.
pub async fn catalog(
    request: HttpRequest,
    state: web::Data<AppState>,
    config: RequestConfig,
) -> Result<Cached<Metas>, ApiError> {
    let path = ResourcePath::from_request(&request)?;
    let config = config.or_default();
    if path.id == rd_catalog::CATALOG_ID && path.media_type == rd_catalog::MEDIA_TYPE {
        return library::catalog(&state, &config, &path.extra).await;
    }
    let declared = state
        .manifest
        .catalogs
        .iter()
        .find(|catalog| catalog.id == path.id && catalog.media_type == path.media_type)
        .ok_or_else(|| ApiError::not_found("no such catalog"))?;
    let needs_search = declared
        .extra
        .iter()
        .any(|prop| prop.is_required && prop.name == "search");
    if needs_search && path.extra.search.is_none() {
        return Err(ApiError::bad_request("this catalog needs a search term"));
    }
    let id =
        CatalogId::from_id(&declared.id).ok_or_else(|| ApiError::not_found("no such catalog"))?;
    if !config.catalogs.contains(&id) {
        return Err(ApiError::not_found(
            "this catalog is turned off in the config",
        ));
    }
    let metas = state.catalogs.page(id, &path.extra).await;
    let policy = if metas.is_empty() {
        CachePolicy::EMPTY
    } else {
        CachePolicy::CATALOG
    };
    Ok(Cached::new(Metas { metas }, policy))
}

/// `meta/{type}/{id}`: metadata of the user's Real-Debrid library items; Ferrio serves no
/// other metadata (Stremio's own Cinemeta covers `tt` ids).
pub async fn meta(
    request: HttpRequest,
    state: web::Data<AppState>,
    config: RequestConfig,
) -> Result<Cached<MetaItem>, ApiError> {
    let path = ResourcePath::from_request(&request)?;
    if path.media_type != rd_catalog::MEDIA_TYPE || !path.id.starts_with(rd_catalog::ID_PREFIX) {
        return Err(ApiError::not_found("no metadata is served for this id"));
    }
    library::meta(&state, &config.or_default(), &path.id).await
}
