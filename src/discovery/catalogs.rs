//! The discovery catalogs, as Stremio pages them: 100 items a page (`skip`), a short page only
//! at the real end, every item an IMDb id. TMDB lists page by 20 and carry TMDB ids only, so a
//! Stremio page is the mapped items of as many TMDB pages as it takes (fetched five at a time,
//! each cached on its own), items without an IMDb id dropped; a page is always cut from the
//! same sequence, so consecutive pages neither repeat nor skip an item.

use super::{
    Asker, Charge, Discovery, Inner, charged,
    feeds::{Feed, MAX_ITEMS},
    model::{Kind, Listed},
    tmdb::Discover,
};
use crate::{
    clock::{now_ms, utc_date},
    protocol::{config::CatalogId, meta::MetaPreview, request::Extra},
};
use futures::future::join_all;

/// Items in one Stremio page.
pub const STREMIO_PAGE: usize = 100;
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

    /// The user's services the catalog shows: all of them, or the one a `genre` names. Only
    /// ids the region's list has count, in one order whatever the config's: the providers key
    /// a cold list and its cache entries, so made-up ids or another order of the same ids must
    /// not make a new one. While the region's list cannot be read, the config's ids (sorted,
    /// distinct, at most `MAX_SERVICES`) stand: a failed lookup does not empty the user's
    /// services.
    async fn chosen_services(
        &self,
        kind: Kind,
        genre: Option<&str>,
        asker: &Asker,
    ) -> Result<Vec<u32>, UnknownGenre> {
        let listed = self.services(kind, &asker.region, asker).await;
        let mine = listed.iter().filter(|s| asker.services.contains(&s.id));
        let mut chosen: Vec<u32> = match genre {
            None if listed.is_empty() => return Ok(asker.services.clone()),
            None => mine.map(|s| s.id).collect(),
            Some(name) => mine
                .filter(|s| s.name == name)
                .map(|s| s.id)
                .take(1)
                .collect(),
        };
        if genre.is_some() && chosen.is_empty() {
            return Err(UnknownGenre);
        }
        chosen.sort_unstable();
        Ok(chosen)
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
                charged(
                    inner,
                    &inner.families.digital_dates,
                    &key,
                    asker,
                    Charge::Behind,
                    fetch,
                )
                .await
                .ok()
                .flatten()
            }
        });
        let dates = join_all(dates).await;
        items.into_iter().zip(dates).collect()
    }
}

/// The date `offset` days from today (UTC), `YYYY-MM-DD`.
fn day(offset: i64) -> String {
    utc_date(now_ms().saturating_add_signed(offset * 86_400_000))
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
