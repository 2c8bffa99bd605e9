//! The fused trending ranking: TMDB's day and week lists and Trakt's, merged by reciprocal-rank
//! fusion (each list adds `1 / (K + rank)` to a title's score), deduplicated by IMDb id. A
//! title high in any list, or present in several, rises; no list's scale matters.

use super::{
    Asker, Discovery, Inner,
    error::Failure,
    feeds::Feed,
    model::{Kind, ListPage, Listed},
};
use futures::future::join_all;
use std::collections::HashMap;

/// Items of each list the fused ranking is made from.
const FUSED_DEPTH: usize = 100;

/// The usual fusion constant: it damps the weight of the very first ranks.
const K: f64 = 60.0;

/// Fuses ranked lists (best first) into one, best first; items without an IMDb id are left
/// out. Ties keep the order in which the titles were first met.
pub fn fuse(lists: &[Vec<Listed>]) -> ListPage {
    let mut scores: HashMap<String, f64> = HashMap::new();
    let mut first_seen: Vec<Listed> = Vec::new();
    for list in lists {
        for (rank, item) in list.iter().enumerate() {
            let Some(imdb) = &item.imdb else {
                continue;
            };
            let score = scores.entry(imdb.clone()).or_insert_with(|| {
                first_seen.push(item.clone());
                0.0
            });
            *score += 1.0 / (K + rank as f64 + 1.0);
        }
    }
    let score = |item: &Listed| {
        item.imdb
            .as_ref()
            .and_then(|id| scores.get(id))
            .copied()
            .unwrap_or(0.0)
    };
    // Stable: equal scores keep first-met order.
    first_seen.sort_by(|a, b| score(b).total_cmp(&score(a)));
    ListPage {
        items: first_seen,
        pages: 1,
    }
}

impl Discovery {
    /// The fused trending ranking of `kind` (cached `CACHE_TRENDING_TTL_SECS`).
    pub(super) async fn fused(&self, inner: &Inner, kind: Kind, asker: &Asker) -> Vec<Listed> {
        // Kept for everyone, so read as everyone's: a user's own key that is refused or limited,
        // or a client out of its share, would otherwise leave holes in everyone's fused list.
        let (this, owned) = (self.clone(), asker.for_everyone());
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
                let fused = fuse(&lists);
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
    pub(super) async fn not_on_services(
        &self,
        inner: &Inner,
        kind: Kind,
        asker: &Asker,
    ) -> Vec<Listed> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(imdb: Option<&str>) -> Listed {
        Listed {
            tmdb: 1,
            imdb: imdb.map(str::to_owned),
            name: imdb.unwrap_or("none").to_owned(),
            poster: None,
            released: None,
            overview: None,
        }
    }

    #[test]
    fn titles_in_several_lists_rise_and_duplicates_are_merged() {
        let day = vec![
            item(Some("tt1")),
            item(Some("tt2")),
            item(None),
            item(Some("tt3")),
        ];
        let week = vec![item(Some("tt3")), item(Some("tt2"))];
        let trakt = vec![item(Some("tt2")), item(Some("tt4"))];
        let fused = fuse(&[day, week, trakt]);
        let ids: Vec<&str> = fused
            .items
            .iter()
            .filter_map(|i| i.imdb.as_deref())
            .collect();
        assert_eq!(ids, ["tt2", "tt3", "tt1", "tt4"]);
    }
}
