//! The YTS catalogs of Discover and the Board: Popular, Latest, Top rated, and search.
//!
//! Stremio pages catalogs by 100 (`skip=0,100,…`, and fewer than 100 items means the end);
//! YTS pages by at most 50. One Stremio page is mapped to the YTS pages that cover it, fetched
//! concurrently and cached one by one, so pages shared by two Stremio pages (an odd `skip`)
//! are fetched once. Items are IMDb ids, so Stremio's own metadata and every addon's streams —
//! Ferrio's included — work for them.

mod yts_pages;

use crate::{
    cache::Cache,
    client_address::ClientKey,
    protocol::{config::CatalogId, meta::MetaPreview, request::Extra},
    settings::Settings,
    sources::{ListMovies, OrderBy, SortBy, SourceHttp, YtsClient, limits::ClientLimits},
};
use yts_pages::{Item, YtsPages};

/// Items in one Stremio catalog page.
pub const STREMIO_PAGE: u64 = 100;
/// Items in one YTS page (its maximum `limit`).
const YTS_PAGE: u64 = 50;
/// Longest description shown on a catalog item.
const DESCRIPTION_CHARS: usize = 300;
/// The deepest page served: YTS lists about 70,000 movies, and a client asking for pages
/// beyond would only make Ferrio fetch YTS pages for it.
const MAX_SKIP: u32 = 70_000;

/// The YTS catalogs. Cheap to clone.
#[derive(Clone)]
pub struct Catalogs {
    pages: YtsPages,
}

impl Catalogs {
    /// The catalogs over their own YTS client on the shared HTTP pool, cached in `cache`,
    /// their calls charged to the clients' allowances in `limits` (the sources').
    pub fn new(settings: &Settings, http: SourceHttp, cache: &Cache, limits: ClientLimits) -> Self {
        let upstreams = &settings.upstreams;
        let client = YtsClient::new(http, upstreams.yts_url.clone(), upstreams.source_timeout);
        Self {
            pages: YtsPages::new(client, cache, upstreams.catalog_ttl, limits),
        }
    }

    /// One Stremio page of `catalog`. A YTS failure gives the stale page when there is one and
    /// an empty list otherwise.
    pub async fn page(
        &self,
        catalog: CatalogId,
        extra: &Extra,
        client: ClientKey,
    ) -> Vec<MetaPreview> {
        if extra.skip > MAX_SKIP {
            // Past any catalog's real end: an empty page, without asking YTS for pages nobody
            // scrolls to.
            return Vec::new();
        }
        let Some(order) = yts_order(catalog) else {
            return Vec::new();
        };
        let query = query(catalog, order, extra);
        let skip = u64::from(extra.skip);
        let first = skip / YTS_PAGE + 1;
        let last = (skip + STREMIO_PAGE - 1) / YTS_PAGE + 1;
        let pages = futures::future::join_all(
            (first..=last).map(|page| self.pages.get(&query, page, client)),
        )
        .await;
        let total = pages.iter().map(|page| page.total).max().unwrap_or(0);
        let offset = usize::try_from(skip % YTS_PAGE).unwrap_or(0);
        let mut playable: Vec<Item> = pages
            .into_iter()
            .flat_map(|page| page.items)
            .skip(offset)
            .filter(Item::has_imdb)
            .collect();
        // Items without an IMDb id are dropped; to answer fewer than 100 items only at the real
        // end, the gap is filled from the next YTS pages (those few items may show again at the
        // top of the next Stremio page, which is better than a catalog that stops early).
        let mut next = last + 1;
        while (playable.len() as u64) < STREMIO_PAGE
            && (next - 1) * YTS_PAGE < total
            && next <= last + 2
        {
            playable.extend(
                self.pages
                    .get(&query, next, client)
                    .await
                    .items
                    .into_iter()
                    .filter(Item::has_imdb),
            );
            next += 1;
        }
        playable.truncate(STREMIO_PAGE as usize);
        playable.into_iter().map(preview).collect()
    }
}

/// The YTS order of a YTS catalog; `None` for the others (discovery's).
fn yts_order(catalog: CatalogId) -> Option<SortBy> {
    match catalog {
        CatalogId::Popular | CatalogId::Search => Some(SortBy::DownloadCount),
        CatalogId::Latest => Some(SortBy::DateAdded),
        CatalogId::TopRated => Some(SortBy::Rating),
        _ => None,
    }
}

/// The YTS query behind a YTS catalog.
fn query(catalog: CatalogId, sort_by: SortBy, extra: &Extra) -> ListMovies {
    ListMovies {
        query_term: extra
            .search
            .clone()
            .filter(|_| catalog == CatalogId::Search),
        genre: extra.genre.clone(),
        sort_by: Some(sort_by),
        order_by: Some(OrderBy::Desc),
        limit: Some(YTS_PAGE as u8),
        page: None,
    }
}

fn preview(item: Item) -> MetaPreview {
    MetaPreview {
        id: item.imdb,
        media_type: "movie".to_owned(),
        name: item.title,
        poster: item.poster,
        genres: item.genres,
        release_info: item.year.map(|year| year.to_string()),
        imdb_rating: item.rating.map(|rating| format!("{rating:.1}")),
        description: item.summary.map(|summary| shorten(&summary)),
    }
}

/// Cuts a description at a word boundary.
fn shorten(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(DESCRIPTION_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_catalogs_are_not_asked_of_yts() {
        assert!(
            CatalogId::DISCOVERY
                .into_iter()
                .all(|c| yts_order(c).is_none())
        );
    }

    #[test]
    fn each_catalog_asks_yts_for_its_order() {
        let extra = Extra {
            search: Some("matrix".into()),
            genre: Some("Action".into()),
            skip: 0,
        };
        assert_eq!(
            query(
                CatalogId::Popular,
                yts_order(CatalogId::Popular).expect("YTS"),
                &extra
            )
            .sort_by,
            Some(SortBy::DownloadCount)
        );
        assert_eq!(
            query(
                CatalogId::Latest,
                yts_order(CatalogId::Latest).expect("YTS"),
                &extra
            )
            .sort_by,
            Some(SortBy::DateAdded)
        );
        assert_eq!(
            query(
                CatalogId::TopRated,
                yts_order(CatalogId::TopRated).expect("YTS"),
                &extra
            )
            .sort_by,
            Some(SortBy::Rating)
        );
        assert_eq!(
            query(
                CatalogId::Popular,
                yts_order(CatalogId::Popular).expect("YTS"),
                &extra
            )
            .query_term,
            None,
            "browse catalogs do not search"
        );
        let search = query(
            CatalogId::Search,
            yts_order(CatalogId::Search).expect("YTS"),
            &extra,
        );
        assert_eq!(search.query_term.as_deref(), Some("matrix"));
        assert_eq!(search.genre.as_deref(), Some("Action"));
        assert_eq!(search.limit, Some(50));
    }

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        let text = "word ".repeat(100);
        let short = shorten(&text);
        assert!(short.chars().count() <= DESCRIPTION_CHARS + 1);
        assert!(short.ends_with("word…"));
        assert_eq!(shorten("short"), "short");
    }
}
