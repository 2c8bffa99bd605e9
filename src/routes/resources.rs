//! The protocol resources: `catalog`, `meta` and `stream`.

use super::{
    client::request_client,
    respond::{rendered, resource_path},
    user_config::{RequestConfig, config_segment},
};
use crate::{
    discovery::model::Kind,
    error::ApiError,
    protocol::{
        config::{CatalogId, DebridToken, UserConfig},
        library_id,
        request::{RequestError, ResourcePath, VideoId},
        response::{CachePolicy, Cached, MetaItem, Metas, Streams},
    },
    state::AppState,
    streams::{Listing, present::LinkBase},
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
    let path = resource_path(&request)?;
    // The answer is a function of these alone: its links carry the base URL and the config
    // segment as the user installed it. Not of the query string, nor of how the path was
    // percent-encoded, so neither can add entries.
    let segment = config_segment(&request).unwrap_or_default();
    let key = format!("{base_url}\n{segment}\n{}\n{}", path.media_type, path.id);
    if let Some(answer) = state.hot.get(&key).await {
        return Ok(rendered(answer));
    }
    let config = RequestConfig::of(&request)?.or_default();
    let library = path.media_type == library_id::MEDIA_TYPE;
    let video = if library {
        None
    } else {
        Some(VideoId::parse(&path.media_type, &path.id)?)
    };
    let links = LinkBase {
        base_url: &base_url,
        config_segment: segment,
    };
    // Boxed: the pipeline's future is large, and moving it around costs every request.
    let render = Box::pin(async {
        // Keyed here, on a miss: an answer rendered seconds ago charges no one.
        let client = request_client(&request, &state);
        let listing: Listing = match &video {
            Some(video) => state.pipeline.list(video, &config, links, client).await,
            None => {
                state
                    .pipeline
                    .library_streams(&config, client, &path.id, &links)
                    .await
            }
        };
        let policy = match (listing.streams.is_empty(), config.has_debrid()) {
            _ if listing.never_cache => CachePolicy::NONE,
            (true, _) => CachePolicy::EMPTY,
            // Cached markers change as torrents are resolved: a debrid list is kept minutes.
            (false, true) => CachePolicy::DEBRID_STREAMS,
            (false, false) => CachePolicy::STREAMS,
        };
        let streams = listing.streams;
        Cached::new(Streams { streams }, policy.private_if(config.has_debrid())).render()
    });
    Ok(rendered(state.hot.render(&key, render).await))
}

/// `catalog/{type}/{id}`: one page of a catalog of the user's manifest.
pub async fn catalog(
    request: HttpRequest,
    state: web::Data<AppState>,
    config: RequestConfig,
) -> Result<Cached<Metas>, ApiError> {
    let path = resource_path(&request)?;
    let config = config.or_default();
    if path.id == library_id::CATALOG_ID && path.media_type == library_id::MEDIA_TYPE {
        let client = request_client(&request, &state);
        let metas = state
            .pipeline
            .library_page(library_token(&config)?, client, &path.extra)
            .await;
        return Ok(Cached::new(
            Metas { metas },
            CachePolicy::LIBRARY.private_if(true),
        ));
    }
    if let Some(id) = CatalogId::from_id(&path.id).filter(|id| CatalogId::DISCOVERY.contains(id)) {
        return discovery_catalog(&request, &state, &config, id, &path).await;
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
    // A genre is one of the catalog's own options: anything else would be one more upstream
    // query (and cache key) chosen by the client.
    let genres = declared.extra.iter().find(|prop| prop.name == "genre");
    if let (Some(genre), Some(prop)) = (&path.extra.genre, genres)
        && !prop.options.contains(genre)
    {
        return Err(ApiError::bad_request(
            "this genre is not one of the catalog's",
        ));
    }
    let id =
        CatalogId::from_id(&declared.id).ok_or_else(|| ApiError::not_found("no such catalog"))?;
    if !config.catalogs.contains(&id) {
        return Err(ApiError::not_found(
            "this catalog is turned off in the config",
        ));
    }
    let client = request_client(&request, &state);
    let metas = state.catalogs.page(id, &path.extra, client).await;
    let policy = if metas.is_empty() {
        CachePolicy::EMPTY
    } else {
        CachePolicy::CATALOG
    };
    Ok(Cached::new(Metas { metas }, policy))
}

/// A discovery catalog's page: present only when the server has TMDB and the config keeps
/// the catalog on; a genre that is not one of its options is the client's mistake.
async fn discovery_catalog(
    request: &HttpRequest,
    state: &AppState,
    config: &UserConfig,
    id: CatalogId,
    path: &ResourcePath,
) -> Result<Cached<Metas>, ApiError> {
    let movie_only = matches!(id, CatalogId::ComingSoon | CatalogId::NewDigital);
    let kind = Kind::of_stremio(&path.media_type)
        .filter(|kind| !movie_only || *kind == Kind::Movie)
        .filter(|_| state.discovery.enabled())
        .ok_or_else(|| ApiError::not_found("no such catalog"))?;
    if !config.catalogs.contains(&id) {
        return Err(ApiError::not_found(
            "this catalog is turned off in the config",
        ));
    }
    let asker = state
        .discovery
        .asker(config, request_client(request, state));
    let metas = state
        .discovery
        .page(id, kind, &path.extra, &asker)
        .await
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
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
    let path = resource_path(&request)?;
    if path.media_type != library_id::MEDIA_TYPE || !path.id.starts_with(library_id::ID_PREFIX) {
        return Err(ApiError::not_found("no metadata is served for this id"));
    }
    let config = config.or_default();
    let client = request_client(&request, &state);
    let meta = state
        .pipeline
        .library_meta(library_token(&config)?, client, &path.id)
        .await
        .map_err(|error| match error {
            crate::streams::LibraryError::BadId => ApiError::bad_request(error.to_string()),
            _ => ApiError::not_found(error.to_string()),
        })?;
    Ok(Cached::new(
        MetaItem { meta },
        CachePolicy::LIBRARY.private_if(true),
    ))
}

/// The library is only served under a config with a token; without one it does not exist.
fn library_token(config: &UserConfig) -> Result<&DebridToken, ApiError> {
    config
        .realdebrid
        .as_ref()
        .ok_or_else(|| ApiError::not_found("the Real-Debrid library needs a token in the config"))
}
