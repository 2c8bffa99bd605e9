//! `list_movies.json` query semantics: matching, filtering, sorting and paging
//! (upstream-apis.md §3.2).

use std::cmp::Ordering;

use wiremock::Request;

use super::model::YtsMovie;
use crate::common::{is_imdb_id, query};

/// The parsed `list_movies.json` parameters.
pub(crate) struct ListQuery {
    term: Option<String>,
    genre: Option<String>,
    quality: Option<String>,
    minimum_rating: f64,
    sort_by: String,
    ascending: bool,
    /// Page size after clamping to 1..=50.
    pub(crate) limit: usize,
    /// 1-based page number.
    pub(crate) page: usize,
}

impl ListQuery {
    /// Reads the parameters with YTS's defaults (limit 20, page 1, `date_added desc`).
    pub(crate) fn from_request(req: &Request) -> Self {
        let non_empty = |name: &str| query(req, name).filter(|s| !s.trim().is_empty());
        Self {
            // YTS treats `query_term=0` as "everything".
            term: non_empty("query_term").filter(|t| t != "0"),
            genre: non_empty("genre").filter(|g| !g.eq_ignore_ascii_case("all")),
            quality: non_empty("quality").filter(|q| !q.eq_ignore_ascii_case("all")),
            minimum_rating: non_empty("minimum_rating")
                .and_then(|r| r.parse().ok())
                .unwrap_or(0.0),
            sort_by: non_empty("sort_by").unwrap_or_else(|| "date_added".to_owned()),
            ascending: non_empty("order_by").is_some_and(|o| o.eq_ignore_ascii_case("asc")),
            limit: non_empty("limit")
                .and_then(|l| l.parse::<i64>().ok())
                .map_or(20, |l| l.clamp(1, 50) as usize),
            page: non_empty("page")
                .and_then(|p| p.parse::<i64>().ok())
                .map_or(1, |p| p.max(1) as usize),
        }
    }

    fn matches(&self, m: &YtsMovie) -> bool {
        let term_ok = match &self.term {
            None => true,
            // An IMDb code selects exactly that movie.
            Some(t) if is_imdb_id(t) => m.imdb_code.eq_ignore_ascii_case(t),
            Some(t) => m.title.to_lowercase().contains(&t.to_lowercase()),
        };
        let genre_ok = self.genre.as_ref().is_none_or(|g| {
            m.genres
                .as_ref()
                .is_some_and(|gs| gs.iter().any(|x| x.eq_ignore_ascii_case(g)))
        });
        let quality_ok = self
            .quality
            .as_ref()
            .is_none_or(|q| m.torrents.iter().any(|t| &t.quality == q));
        term_ok && genre_ok && quality_ok && m.rating >= self.minimum_rating
    }

    fn compare(&self, a: &YtsMovie, b: &YtsMovie) -> Ordering {
        let max = |m: &YtsMovie, f: fn(&super::YtsTorrent) -> u32| {
            m.torrents.iter().map(f).max().unwrap_or(0)
        };
        let primary = match self.sort_by.as_str() {
            "title" => a.title.cmp(&b.title),
            "year" => a.year.cmp(&b.year),
            "rating" => a.rating.total_cmp(&b.rating),
            "peers" => max(a, |t| t.peers).cmp(&max(b, |t| t.peers)),
            "seeds" => max(a, |t| t.seeds).cmp(&max(b, |t| t.seeds)),
            "download_count" => a.download_count.cmp(&b.download_count),
            "like_count" => a.like_count.cmp(&b.like_count),
            _ => a.date_uploaded_unix.cmp(&b.date_uploaded_unix),
        };
        // YTS's SQL has a secondary order on id; keep ties deterministic the same way.
        primary.then(a.id.cmp(&b.id))
    }

    /// Filters and sorts `movies`; returns the total match count and the requested page.
    pub(crate) fn run<'a>(&self, movies: &'a [YtsMovie]) -> (usize, Vec<&'a YtsMovie>) {
        let mut hits: Vec<&YtsMovie> = movies.iter().filter(|m| self.matches(m)).collect();
        hits.sort_by(|a, b| {
            let o = self.compare(a, b);
            if self.ascending { o } else { o.reverse() }
        });
        let total = hits.len();
        let start = (self.page - 1).saturating_mul(self.limit);
        let page = hits.into_iter().skip(start).take(self.limit).collect();
        (total, page)
    }
}
