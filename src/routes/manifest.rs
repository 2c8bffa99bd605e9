//! `GET /manifest.json` and `GET /{config}/manifest.json`.

use super::{client::request_client, user_config::RequestConfig};
use crate::{
    discovery::model::Kind,
    protocol::{
        manifest::Manifest,
        manifest_discovery::{self, DiscoveryOffer},
    },
    state::AppState,
};
use actix_web::{HttpRequest, HttpResponse, http::header, web};

/// The user's manifest. Cached briefly: it changes only when Ferrio is upgraded (or the user
/// changes their config, which is a new URL).
pub async fn manifest(
    request: HttpRequest,
    state: web::Data<AppState>,
    config: RequestConfig,
) -> HttpResponse {
    let mut base = state.manifest.clone();
    if state.discovery.enabled() {
        manifest_discovery::add(&mut base, &discovery_offer(&request, &state, &config).await);
    }
    let manifest: Manifest = base.for_user(config.0.as_ref(), &state.base_url(&request));
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "max-age=3600, public"))
        .json(manifest)
}

/// The discovery catalogs this user gets: their services' names in their region (TMDB's list,
/// cached a week) become the `genre` options of `on-my-services`.
async fn discovery_offer(
    request: &HttpRequest,
    state: &AppState,
    config: &RequestConfig,
) -> DiscoveryOffer {
    let discovery = &state.discovery;
    let mut offer = DiscoveryOffer {
        trakt: discovery.has_trakt(),
        movie_services: Vec::new(),
        series_services: Vec::new(),
    };
    let Some(config) = config
        .0
        .as_ref()
        .filter(|c| !c.discovery.my_services.is_empty())
    else {
        return offer;
    };
    let asker = discovery.asker(config, request_client(request, state));
    let asker = &asker;
    let names = |kind| async move {
        let services = discovery.services(kind, &asker.region, asker).await;
        services
            .into_iter()
            .filter(|s| asker.services.contains(&s.id))
            .map(|s| s.name)
            .collect::<Vec<_>>()
    };
    let (movies, series) = tokio::join!(names(Kind::Movie), names(Kind::Series));
    offer.movie_services = movies;
    offer.series_services = series;
    offer
}
