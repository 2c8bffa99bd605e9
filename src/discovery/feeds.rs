//! Where catalog items come from, and how a Stremio page is cut from them: list pages
//! (cached one by one, a cold one charged to the asking client) whose items get their IMDb
//! ids, posters and overviews from the titles' details, kept in order and deduplicated.

use super::{
    Asker, Charge, Discovery, Inner, charged,
    error::Failure,
    model::{Kind, ListPage, Listed},
    tmdb::Discover,
};
use futures::future::join_all;
use std::collections::HashSet;

/// The deepest item served: past it a catalog ends.
pub(super) const MAX_ITEMS: usize = 500;
/// TMDB pages asked at once.
const WINDOW: u32 = 5;

/// Where a catalog's items come from.
#[derive(Debug, Clone)]
pub(super) enum Feed {
    Trending {
        kind: Kind,
        week: bool,
    },
    Trakt {
        kind: Kind,
    },
    Discover {
        kind: Kind,
        query: Discover,
        digital: bool,
    },
}

impl Discovery {
    /// The mapped items of `feed`, in order, until `wanted` or the list's end.
    pub(super) async fn collect(
        &self,
        inner: &Inner,
        feed: Feed,
        wanted: usize,
        asker: &Asker,
    ) -> Vec<Listed> {
        let (mut kept, mut seen) = (Vec::new(), HashSet::new());
        // Trakt's pages hold 100: one at a time is already a Stremio page.
        let (per_page, step) = match feed {
            Feed::Trakt { .. } => (super::trakt::PAGE as usize, 1),
            _ => (20, WINDOW),
        };
        let last_page = MAX_ITEMS.div_ceil(per_page) as u32 + 1;
        let mut next = 1;
        'pages: while next <= last_page {
            let window = next..(next + step).min(last_page + 1);
            let pages = join_all(
                window
                    .clone()
                    .map(|page| self.feed_page(inner, &feed, page, asker)),
            )
            .await;
            for (page, answer) in window.zip(pages) {
                let Ok(answer) = answer else {
                    break 'pages;
                };
                let end = answer.items.is_empty() || page >= answer.pages;
                for item in self
                    .with_imdb(inner, feed.kind(), answer.items, asker)
                    .await
                {
                    if item.imdb.as_ref().is_some_and(|id| seen.insert(id.clone())) {
                        kept.push(item);
                    }
                }
                if end {
                    break 'pages;
                }
            }
            if kept.len() >= wanted {
                break;
            }
            next += step;
        }
        kept
    }

    /// One page of a feed: cached, or fetched and charged to the asking client.
    async fn feed_page(
        &self,
        inner: &Inner,
        feed: &Feed,
        page: u32,
        asker: &Asker,
    ) -> Result<ListPage, Failure> {
        let auth = inner.auth(asker);
        let tmdb = inner.tmdb.clone();
        match feed.clone() {
            Feed::Trending { kind, week } => {
                let key = format!("trending:{}:{week}:{page}", kind.tmdb());
                charged(
                    inner,
                    &inner.families.tmdb_lists,
                    &key,
                    asker,
                    Charge::Chosen,
                    move || {
                        let (tmdb, auth) = (tmdb.clone(), auth.clone());
                        async move { tmdb.trending(&auth, kind, week, page).await }
                    },
                )
                .await
            }
            Feed::Trakt { kind } => {
                let Some(trakt) = inner.trakt.clone() else {
                    return Err(Failure::held("no_trakt"));
                };
                let key = format!("{}:{page}", kind.tmdb());
                charged(
                    inner,
                    &inner.families.trakt,
                    &key,
                    asker,
                    Charge::Chosen,
                    move || {
                        let trakt = trakt.clone();
                        async move { trakt.trending(kind, page).await }
                    },
                )
                .await
            }
            Feed::Discover {
                kind,
                query,
                digital,
            } => {
                let (family, key) = if digital {
                    let (from, to) = query.digital_between.clone().unwrap_or_default();
                    (
                        &inner.families.digital_lists,
                        format!("{}:{from}:{to}:{page}", query.region),
                    )
                } else {
                    let ids: Vec<String> = query.providers.iter().map(u32::to_string).collect();
                    (
                        &inner.families.tmdb_lists,
                        format!(
                            "services:{}:{}:{}:{page}",
                            kind.tmdb(),
                            query.region,
                            ids.join("|")
                        ),
                    )
                };
                charged(inner, family, &key, asker, Charge::Chosen, move || {
                    let (tmdb, auth, query) = (tmdb.clone(), auth.clone(), query.clone());
                    async move { tmdb.discover(&auth, kind, &query, page).await }
                })
                .await
            }
        }
    }

    /// Fills in what TMDB's lists lack (IMDb ids) and Trakt's (posters, overviews) from the
    /// titles' details: cached 30 days, asked concurrently under TMDB's pace.
    async fn with_imdb(
        &self,
        inner: &Inner,
        kind: Kind,
        items: Vec<Listed>,
        asker: &Asker,
    ) -> Vec<Listed> {
        let auth = inner.auth(asker);
        let lookups = items.into_iter().map(|mut item| {
            let (tmdb, auth) = (inner.tmdb.clone(), auth.clone());
            async move {
                if item.imdb.is_some() && item.poster.is_some() {
                    return item;
                }
                let id = item.tmdb;
                let fetch = move || {
                    let (tmdb, auth) = (tmdb.clone(), auth.clone());
                    async move { tmdb.details(&auth, kind, id).await }
                };
                let key = format!("{}:{id}", kind.tmdb());
                let details = charged(
                    inner,
                    &inner.families.details,
                    &key,
                    asker,
                    Charge::Behind,
                    fetch,
                )
                .await
                .unwrap_or_default();
                // Trakt's own IMDb id stands; a title TMDB cannot map is left without one.
                item.imdb = item.imdb.or(details.imdb);
                item.poster = item.poster.or(details.poster);
                item.overview = item.overview.or(details.overview);
                item
            }
        });
        join_all(lookups).await
    }
}

impl Feed {
    fn kind(&self) -> Kind {
        match self {
            Self::Trending { kind, .. } | Self::Trakt { kind } | Self::Discover { kind, .. } => {
                *kind
            }
        }
    }
}
