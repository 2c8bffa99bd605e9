//! The discovery families: every answer of TMDB, Trakt and Watchmode Ferrio keeps, each with
//! its own lifetime (`CACHE_*_TTL_SECS`), stale-while-revalidate and stale-if-error as for the
//! torrent sources, and single-flight across instances. Keys hold kinds, ids, regions and
//! pages — never a key or a token.

use super::{
    error::Failure,
    model::{Details, ListPage, Providers, Service, Source},
};
use crate::{
    cache::{Cache, CacheFamily, Policy},
    settings::{CacheSettings, DiscoveryTtls},
};
use std::time::Duration;

/// A failure is asked again after this long, unless it says otherwise.
const FAILURE_TTL: Duration = Duration::from_secs(60);

/// The families. Cheap to clone.
#[derive(Clone)]
pub struct Families {
    /// TMDB list pages: `trending:{kind}:{day|week}:{page}`, `discover:…`.
    pub tmdb_lists: CacheFamily<ListPage, Failure>,
    /// Digital-release list pages (`CACHE_COMING_SOON_TTL_SECS`).
    pub digital_lists: CacheFamily<ListPage, Failure>,
    /// Trakt trending pages: `{kind}:{page}`.
    pub trakt: CacheFamily<ListPage, Failure>,
    /// The fused trending ranking: `{kind}`.
    pub trending: CacheFamily<ListPage, Failure>,
    /// A title's IMDb id, poster and overview: `{kind}:{tmdb}` (`CACHE_IDMAP_TTL_SECS`).
    pub details: CacheFamily<Details, Failure>,
    /// IMDb id → TMDB id: `{kind}:{imdb}`.
    pub tmdb_ids: CacheFamily<Option<u32>, Failure>,
    /// A title's watch providers in every region: `{kind}:{tmdb}`.
    pub providers: CacheFamily<Providers, Failure>,
    /// A movie's digital release date: `{tmdb}:{region}`.
    pub digital_dates: CacheFamily<Option<String>, Failure>,
    /// A title's Watchmode sources: `{imdb}`.
    pub sources: CacheFamily<Vec<Source>, Failure>,
    /// A region's services: `{kind}:{region}`.
    pub services: CacheFamily<Vec<Service>, Failure>,
    /// The regions TMDB knows providers for: `all`.
    pub regions: CacheFamily<Vec<(String, String)>, Failure>,
}

impl Families {
    pub fn new(cache: &Cache, ttls: &DiscoveryTtls, settings: &CacheSettings) -> Self {
        let windows = (settings.stale, settings.stale_if_error);
        Self {
            tmdb_lists: cache
                .family("tmdb_list", policy(ttls.tmdb_lists, windows))
                .keeping_decoded(),
            digital_lists: cache
                .family("tmdb_digital", policy(ttls.coming_soon, windows))
                .keeping_decoded(),
            trakt: cache
                .family("trakt_trending", policy(ttls.trakt_trending, windows))
                .keeping_decoded(),
            trending: cache
                .family("trending", policy(ttls.trending, windows))
                .keeping_decoded(),
            details: cache.family("tmdb_details", policy(ttls.idmap, windows)),
            tmdb_ids: cache.family("tmdb_find", policy(ttls.idmap, windows)),
            providers: cache.family("tmdb_providers", policy(ttls.tmdb_providers, windows)),
            digital_dates: cache.family("tmdb_digital_date", policy(ttls.coming_soon, windows)),
            sources: cache.family("watchmode_sources", policy(ttls.watchmode, windows)),
            services: cache.family("tmdb_services", policy(ttls.provider_list, windows)),
            regions: cache.family("tmdb_regions", policy(ttls.provider_list, windows)),
        }
    }
}

/// Fresh for `fresh`, then served stale like the sources' answers; failures briefly.
fn policy<T>(
    fresh: Duration,
    (stale, stale_if_error): (Duration, Duration),
) -> impl Fn(&Result<T, Failure>) -> Policy + Send + Sync + 'static {
    move |result| match result {
        Ok(_) => Policy {
            fresh,
            stale,
            stale_if_error,
        },
        Err(failure) => Policy::only_fresh(failure_ttl(failure)),
    }
}

/// How long a failure is kept: what a 429 said; nothing when no call was made, nor for a
/// refused key — it says something about that key (the server's, or one user's own), not about
/// the title, and must not answer for users with a good one.
fn failure_ttl(failure: &Failure) -> Duration {
    match failure {
        Failure::RateLimited { retry_after_secs } => Duration::from_secs(*retry_after_secs),
        Failure::Held(_) | Failure::Unauthorized => Duration::ZERO,
        _ => FAILURE_TTL,
    }
}
