//! YTS list pages, cached one by one with stale-while-revalidate: a page is served stale while
//! it is refreshed, and kept for days when YTS fails (it moves domains and sits behind
//! Cloudflare), so a YTS outage shows yesterday's catalog rather than an empty one.

use crate::upstream::UpstreamError;
use crate::{
    cache::{Cache, CacheFamily, Policy},
    client_address::ClientKey,
    protocol::config::SourceId,
    sources::{ListMovies, MoviePage, SourceError, YtsClient, YtsMovie, limits::ClientLimits},
};
use serde::{Deserialize, Serialize};
use std::{sync::Arc, time::Duration};

/// An empty page (past the end, or a search with no match) is asked again sooner.
const EMPTY_TTL: Duration = Duration::from_secs(10 * 60);
/// A failed call is remembered briefly, so a YTS outage costs one call per page per period.
const FAILURE_TTL: Duration = Duration::from_secs(30);
/// A page older than its freshness is served while refreshed for this long.
const STALE_FOR: Duration = Duration::from_secs(6 * 3600);
/// And served when YTS fails for this long.
const STALE_IF_ERROR: Duration = Duration::from_secs(7 * 24 * 3600);

/// The part of a YTS movie a catalog item needs: compact, since pages are cached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// IMDb id; empty when YTS has none.
    pub imdb: String,
    pub title: String,
    pub year: Option<u32>,
    pub poster: Option<String>,
    pub genres: Vec<String>,
    pub rating: Option<f64>,
    pub summary: Option<String>,
}

impl Item {
    /// Only items with an IMDb id are shown: Stremio's metadata and streams need one.
    pub fn has_imdb(item: &Self) -> bool {
        crate::protocol::request::ImdbId::parse(&item.imdb).is_some()
    }
}

/// One cached YTS page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Matches over all pages.
    pub total: u64,
    pub items: Vec<Item>,
}

/// The cached pages. Cheap to clone.
#[derive(Clone)]
pub struct YtsPages {
    client: Arc<YtsClient>,
    pages: CacheFamily<Page, SourceError>,
    /// A page not in the cache is one YTS call, charged to the client like a source's.
    limits: ClientLimits,
}

impl YtsPages {
    /// Pages fresh for `ttl`, their calls charged to `limits`.
    pub fn new(client: YtsClient, cache: &Cache, ttl: Duration, limits: ClientLimits) -> Self {
        let pages = cache
            .family(
                "yts_catalog",
                move |result: &Result<Page, SourceError>| match result {
                    Ok(page) if page.items.is_empty() => Policy::only_fresh(EMPTY_TTL),
                    Ok(_) => Policy {
                        fresh: ttl,
                        stale: STALE_FOR,
                        stale_if_error: STALE_IF_ERROR,
                    },
                    // Refused here, not failed upstream: nothing was learnt of the page.
                    Err(SourceError::Throttled) => Policy::only_fresh(Duration::ZERO),
                    Err(_) => Policy::only_fresh(FAILURE_TTL),
                },
            )
            .keeping_decoded();
        Self {
            client: Arc::new(client),
            pages,
            limits,
        }
    }

    /// Page `page` (1-based) of `query` for `client`; a failure with nothing stale to serve
    /// (or a client past its allowance) is an empty page.
    pub async fn get(&self, query: &ListMovies, page: u64, client: ClientKey) -> Page {
        let query = ListMovies {
            page: Some(u32::try_from(page).unwrap_or(u32::MAX)),
            ..query.clone()
        };
        let key = key(&query);
        let (yts, limits) = (Arc::clone(&self.client), self.limits.clone());
        let fetch = move || {
            let (yts, query, limits) = (Arc::clone(&yts), query.clone(), limits.clone());
            async move {
                let _allowed = limits
                    .allow(client, SourceId::Yts)
                    .ok_or(SourceError::Throttled)?;
                yts.list_movies(&query).await.map(Page::from)
            }
        };
        match self.pages.get_or_fetch(&key, fetch).await {
            Ok(page) => page,
            Err(error) => {
                tracing::info!(outcome = error.outcome(), "YTS catalog page unavailable");
                Page::default()
            }
        }
    }
}

/// The cache key of a query: every parameter that changes the answer.
fn key(query: &ListMovies) -> String {
    format!(
        "{:?}:{:?}:{:?}:{}:{}:{}",
        query.sort_by,
        query.order_by,
        query.limit,
        query.page.unwrap_or(1),
        query.genre.as_deref().unwrap_or_default().to_lowercase(),
        query
            .query_term
            .as_deref()
            .unwrap_or_default()
            .to_lowercase(),
    )
}

impl From<MoviePage> for Page {
    fn from(page: MoviePage) -> Self {
        Self {
            total: page.movie_count,
            items: page.movies.into_iter().map(Item::from).collect(),
        }
    }
}

impl From<YtsMovie> for Item {
    fn from(movie: YtsMovie) -> Self {
        Self {
            imdb: movie.imdb_code,
            title: movie.title,
            year: movie.year,
            poster: movie.large_cover_image,
            genres: movie.genres,
            rating: movie.rating,
            summary: movie.summary.filter(|summary| !summary.trim().is_empty()),
        }
    }
}
