//! The discovery catalogs, as Stremio pages them: 100 items a page (`skip`), a short page only
//! at the real end, every item an IMDb id. TMDB lists page by 20 and carry TMDB ids only, so a
//! Stremio page is the mapped items of as many TMDB pages as it takes (fetched five at a time,
//! each cached on its own), items without an IMDb id dropped; a page is always cut from the
//! same sequence, so consecutive pages neither repeat nor skip an item.

use super::{
    Asker, Discovery, Inner,
    error::Failure,
    model::{Kind, ListPage, Listed},
    tmdb::Discover,
    trending,
};
use crate::{
    cache::CacheFamily,
    clock::now_ms,
    protocol::{config::CatalogId, meta::MetaPreview, request::Extra},
};
use futures::future::join_all;
use std::collections::HashSet;
use std::future::Future;

/// Items in one Stremio page.
pub const STREMIO_PAGE: usize = 100;
/// The deepest item served: past it a catalog ends.
const MAX_ITEMS: usize = 500;
/// TMDB pages asked at once.
const WINDOW: u32 = 5;
/// Items of each list the fused ranking is made from.
const FUSED_DEPTH: usize = 100;
/// The `genre` options of `trending`: one source's own order each.
pub const TODAY: &str = "Today";
pub const THIS_WEEK: &str = "This week";
pub const TRAKT: &str = "Trakt";
/// Longest description shown.
const DESCRIPTION_CHARS: usize = 300;

/// A request the catalog cannot answer: a `genre` that is not one of its options.
#[derive(Debug, thiserror::Error)]
#[error("this genre is not one of the catalog's")]
pub struct UnknownGenre;

/// Where a catalog's items come from.
#[derive(Debug, Clone)]
enum Feed {
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
    /// One page of a discovery catalog for the asker; an upstream failure gives the stale
    /// page, else fewer items or none — never an error.
    pub async fn page(
        &self,
        catalog: CatalogId,
        kind: Kind,
        extra: &Extra,
        asker: &Asker,
    ) -> Result<Vec<MetaPreview>, UnknownGenre> {
        let Some(inner) = self.inner() else {
            return Ok(Vec::new());
        };
        let skip = extra.skip as usize;
        if skip >= MAX_ITEMS {
            return Ok(Vec::new());
        }
        let wanted = skip + STREMIO_PAGE;
        let genre = extra.genre.as_deref();
        let items = match catalog {
            CatalogId::Trending => match genre {
                None => self.fused(inner, kind, asker).await,
                Some(TODAY) => {
                    self.collect(inner, Feed::Trending { kind, week: false }, wanted, asker)
                        .await
                }
                Some(THIS_WEEK) => {
                    self.collect(inner, Feed::Trending { kind, week: true }, wanted, asker)
                        .await
                }
                Some(TRAKT) if inner.trakt.is_some() => {
                    self.collect(inner, Feed::Trakt { kind }, wanted, asker)
                        .await
                }
                Some(_) => return Err(UnknownGenre),
            },
            CatalogId::OnMyServices => {
                let providers = self.chosen_services(kind, genre, asker).await?;
                if providers.is_empty() {
                    return Ok(Vec::new());
                }
                let query = Discover {
                    region: asker.region.clone(),
                    providers,
                    digital_between: None,
                };
                self.collect(
                    inner,
                    Feed::Discover {
                        kind,
                        query,
                        digital: false,
                    },
                    wanted,
                    asker,
                )
                .await
            }
            CatalogId::NotOnMyServices => self.not_on_services(inner, kind, asker).await,
            CatalogId::ComingSoon | CatalogId::NewDigital => {
                let window = if catalog == CatalogId::ComingSoon {
                    (0, 60)
                } else {
                    (-30, 0)
                };
                let between = (day(window.0), day(window.1));
                let query = Discover {
                    region: asker.region.clone(),
                    providers: Vec::new(),
                    digital_between: Some(between),
                };
                let items = self
                    .collect(
                        inner,
                        Feed::Discover {
                            kind,
                            query,
                            digital: true,
                        },
                        wanted,
                        asker,
                    )
                    .await;
                let page: Vec<Listed> = items.into_iter().skip(skip).take(STREMIO_PAGE).collect();
                return Ok(self
                    .with_digital_dates(inner, page, asker)
                    .await
                    .into_iter()
                    .map(|(item, date)| preview(inner, kind, item, date))
                    .collect());
            }
            _ => return Ok(Vec::new()),
        };
        let page = items.into_iter().skip(skip).take(STREMIO_PAGE);
        Ok(page
            .map(|item| {
                let year = item
                    .released
                    .as_ref()
                    .and_then(|d| d.get(..4))
                    .map(str::to_owned);
                preview(inner, kind, item, year)
            })
            .collect())
    }

    /// The user's services the catalog shows: all of them, or the one a `genre` names.
    async fn chosen_services(
        &self,
        kind: Kind,
        genre: Option<&str>,
        asker: &Asker,
    ) -> Result<Vec<u32>, UnknownGenre> {
        let Some(name) = genre else {
            return Ok(asker.services.clone());
        };
        let services = self.services(kind, &asker.region, asker).await;
        services
            .iter()
            .find(|s| s.name == name && asker.services.contains(&s.id))
            .map(|s| vec![s.id])
            .ok_or(UnknownGenre)
    }

    /// The mapped items of `feed`, in order, until `wanted` or the list's end.
    async fn collect(
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
                charged(inner, &inner.families.tmdb_lists, &key, asker, move || {
                    let (tmdb, auth) = (tmdb.clone(), auth.clone());
                    async move { tmdb.trending(&auth, kind, week, page).await }
                })
                .await
            }
            Feed::Trakt { kind } => {
                let Some(trakt) = inner.trakt.clone() else {
                    return Err(Failure::held("no_trakt"));
                };
                let key = format!("{}:{page}", kind.tmdb());
                charged(inner, &inner.families.trakt, &key, asker, move || {
                    let trakt = trakt.clone();
                    async move { trakt.trending(kind, page).await }
                })
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
                charged(inner, family, &key, asker, move || {
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
                let details = inner
                    .families
                    .details
                    .get_or_fetch(&key, fetch)
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

    /// The fused trending ranking of `kind` (cached `CACHE_TRENDING_TTL_SECS`).
    async fn fused(&self, inner: &Inner, kind: Kind, asker: &Asker) -> Vec<Listed> {
        let (this, owned) = (self.clone(), asker.clone());
        let fetch = move || {
            let (this, asker) = (this.clone(), owned.clone());
            async move {
                let Some(inner) = this.inner() else {
                    return Err(Failure::held("off"));
                };
                let (day, week, trakt) = tokio::join!(
                    this.collect(
                        inner,
                        Feed::Trending { kind, week: false },
                        FUSED_DEPTH,
                        &asker
                    ),
                    this.collect(
                        inner,
                        Feed::Trending { kind, week: true },
                        FUSED_DEPTH,
                        &asker
                    ),
                    this.collect(inner, Feed::Trakt { kind }, FUSED_DEPTH, &asker),
                );
                let lists =
                    [day, week, trakt].map(|list| list.into_iter().take(FUSED_DEPTH).collect());
                let fused = trending::fuse(&lists);
                if fused.items.is_empty() {
                    Err(Failure::held("empty"))
                } else {
                    Ok(fused)
                }
            }
        };
        inner
            .families
            .trending
            .get_or_fetch(kind.tmdb(), fetch)
            .await
            .map(|page| page.items)
            .unwrap_or_default()
    }

    /// Trending titles that none of the user's services offers (subscription, free or with
    /// ads) in their region.
    async fn not_on_services(&self, inner: &Inner, kind: Kind, asker: &Asker) -> Vec<Listed> {
        let trending = self.fused(inner, kind, asker).await;
        let checks = trending
            .iter()
            .map(|item| self.title_providers(inner, kind, item.tmdb, asker));
        let providers = join_all(checks).await;
        trending
            .into_iter()
            .zip(providers)
            // A title whose providers could not be read is left out: not knowing is not
            // "not on your services".
            .filter(|(_, providers)| {
                let Some(providers) = providers else {
                    return false;
                };
                !providers.regions.get(&asker.region).is_some_and(|region| {
                    region
                        .offers
                        .iter()
                        .any(|o| o.access.is_included() && asker.services.contains(&o.provider))
                })
            })
            .map(|(item, _)| item)
            .collect()
    }

    /// Each item with its digital release date in the asker's region (cached).
    async fn with_digital_dates(
        &self,
        inner: &Inner,
        items: Vec<Listed>,
        asker: &Asker,
    ) -> Vec<(Listed, Option<String>)> {
        let auth = inner.auth(asker);
        let dates = items.iter().map(|item| {
            let (tmdb, auth, region, id) = (
                inner.tmdb.clone(),
                auth.clone(),
                asker.region.clone(),
                item.tmdb,
            );
            async move {
                let key = format!("{id}:{region}");
                let fetch = move || {
                    let (tmdb, auth, region) = (tmdb.clone(), auth.clone(), region.clone());
                    async move { tmdb.digital_date(&auth, id, &region).await }
                };
                inner
                    .families
                    .digital_dates
                    .get_or_fetch(&key, fetch)
                    .await
                    .ok()
                    .flatten()
            }
        });
        let dates = join_all(dates).await;
        items.into_iter().zip(dates).collect()
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

/// A list page from `family`, its fetch (when cold) charged to the asking client; a refused
/// charge is an answer without the page, not cached.
async fn charged<F, Fut>(
    inner: &Inner,
    family: &CacheFamily<ListPage, Failure>,
    key: &str,
    asker: &Asker,
    fetch: F,
) -> Result<ListPage, Failure>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ListPage, Failure>> + Send + 'static,
{
    let (limits, client) = (inner.limits.clone(), asker.client);
    let guarded = move || {
        let allowed = limits.allow_other(client);
        let call = fetch();
        async move {
            if !allowed {
                return Err(Failure::held("client_budget"));
            }
            call.await
        }
    };
    family.get_or_fetch(key, guarded).await
}

/// The date `offset` days from today (UTC), `YYYY-MM-DD`.
fn day(offset: i64) -> String {
    let now = i64::try_from(now_ms() / 1000).unwrap_or(0) + offset * 86_400;
    let at =
        time::OffsetDateTime::from_unix_timestamp(now).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

fn preview(inner: &Inner, kind: Kind, item: Listed, release_info: Option<String>) -> MetaPreview {
    MetaPreview {
        id: item.imdb.unwrap_or_default(),
        media_type: kind.stremio().to_owned(),
        name: item.name,
        poster: item.poster.as_deref().map(|path| inner.poster(path)),
        genres: Vec::new(),
        release_info,
        imdb_rating: None,
        description: item
            .overview
            .map(|text| text.chars().take(DESCRIPTION_CHARS).collect()),
    }
}
