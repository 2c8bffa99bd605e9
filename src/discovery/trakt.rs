//! The Trakt v2 client: `/movies/trending` and `/shows/trending`, which need only the client
//! id (`trakt-api-key`, `trakt-api-version: 2`) and already carry IMDb ids.

use super::{
    error::Failure,
    http::Upstream,
    model::{Kind, ListPage, Listed},
};
use crate::upstream::{endpoint, lenient};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

/// Items per Trakt page Ferrio asks for (Trakt's maximum).
pub const PAGE: u32 = 100;

/// The Trakt client. Cheap to clone.
#[derive(Clone)]
pub struct Trakt {
    upstream: Upstream,
    base: Url,
    client_id: SecretString,
}

impl Trakt {
    pub fn new(upstream: Upstream, base: Url, client_id: SecretString) -> Self {
        Self {
            upstream,
            base,
            client_id,
        }
    }

    /// One page of trending titles, [`PAGE`] a page.
    pub async fn trending(&self, kind: Kind, page: u32) -> Result<ListPage, Failure> {
        let word = match kind {
            Kind::Movie => "movies",
            Kind::Series => "shows",
        };
        let request = self
            .upstream
            .http
            .get(endpoint(&self.base, &[word, "trending"]))
            .query(&[("page", page.to_string()), ("limit", PAGE.to_string())])
            .header("content-type", "application/json")
            .header("trakt-api-key", self.client_id.expose_secret())
            .header("trakt-api-version", "2");
        let answer = self.upstream.json::<Value>(request).await?;
        let pages = answer
            .headers
            .get("x-pagination-page-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let items = lenient::list::<Entry>(answer.body)
            .into_iter()
            .filter_map(|entry| entry.movie.or(entry.show))
            .filter_map(WireTitle::listed)
            .collect();
        Ok(ListPage { items, pages })
    }
}

#[derive(Deserialize)]
struct Entry {
    movie: Option<WireTitle>,
    show: Option<WireTitle>,
}

#[derive(Deserialize)]
struct WireTitle {
    title: Option<String>,
    year: Option<u32>,
    ids: Ids,
}

#[derive(Deserialize)]
struct Ids {
    imdb: Option<String>,
    tmdb: Option<u32>,
}

impl WireTitle {
    fn listed(self) -> Option<Listed> {
        Some(Listed {
            tmdb: self.ids.tmdb?,
            imdb: self.ids.imdb.filter(|id| id.starts_with("tt")),
            name: self.title.unwrap_or_default(),
            poster: None,
            released: self.year.map(|year| format!("{year}-01-01")),
            overview: None,
        })
    }
}
