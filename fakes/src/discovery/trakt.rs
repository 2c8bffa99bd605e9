//! Fake of Trakt's `/movies/trending` and `/shows/trending` (API v2, no OAuth), as
//! discovery-apis.md §1.2 describes them: `trakt-api-key` and `trakt-api-version: 2` headers,
//! pages of 10 by default (`limit` up to 100) with the `X-Pagination-*` and
//! `X-Trending-User-Count` headers, `ids.imdb: null` on some titles, and 429 with
//! `Retry-After` (from [`crate::Mode::RateLimited`]).

use super::super::common::{Failures, Knobs, Upstream, json, query, start_server};
use crate::fixtures::titles::{self, Kind, Title};
use serde_json::{Value, json};
use std::sync::Arc;
use wiremock::{MockServer, Request, ResponseTemplate};

/// The client id the fake accepts.
pub const TRAKT_CLIENT_ID: &str =
    "ferriofaketraktclientid000000000000000000000000000000000000000000";

static FAILURES: Failures = Failures {
    server_error: "<html><body><h1>500 Internal Server Error</h1></body></html>",
    server_error_mime: "text/html",
    rate_limited: "",
    rate_limited_mime: "application/json",
    garbage: r#"[{"watchers":21,"movie":{"title":"TRON"#,
};

#[derive(Default)]
struct Inner {
    knobs: Knobs,
}

/// Fake of Trakt. Cheap to clone.
#[derive(Clone)]
pub struct TraktFake {
    server: Arc<MockServer>,
    inner: Arc<Inner>,
}

impl TraktFake {
    /// Starts the fake.
    pub async fn start() -> Self {
        let inner = Arc::new(Inner::default());
        let server = start_server(inner.clone()).await;
        Self { server, inner }
    }

    /// `TRAKT_URL`.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    crate::common::knob_methods!();
}

impl Upstream for Inner {
    fn knobs(&self) -> &Knobs {
        &self.knobs
    }

    fn failures(&self) -> &'static Failures {
        &FAILURES
    }

    fn classify(&self, req: &Request) -> &'static str {
        match req.url.path() {
            "/movies/trending" | "/shows/trending" => "trending",
            _ => "other",
        }
    }

    fn handle(&self, req: &Request, endpoint: &'static str) -> ResponseTemplate {
        let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
        if header("trakt-api-key") != Some(TRAKT_CLIENT_ID)
            || header("trakt-api-version") != Some("2")
        {
            return ResponseTemplate::new(403);
        }
        if endpoint != "trending" {
            return ResponseTemplate::new(404);
        }
        let kind = if req.url.path().starts_with("/movies") {
            Kind::Movie
        } else {
            Kind::Tv
        };
        let mut list: Vec<&Title> = titles::titles().iter().filter(|t| t.kind == kind).collect();
        list.sort_by_key(|t| t.trakt_rank);
        let page: usize = query(req, "page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
            .max(1);
        let limit: usize = query(req, "limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(10)
            .clamp(1, 100);
        let total = list.len();
        let items: Vec<Value> = list
            .iter()
            .skip((page - 1) * limit)
            .take(limit)
            .enumerate()
            .map(|(at, title)| entry(title, 500 - at))
            .collect();
        json(200, &items)
            .insert_header("x-pagination-page", page.to_string())
            .insert_header("x-pagination-limit", limit.to_string())
            .insert_header("x-pagination-page-count", total.div_ceil(limit).to_string())
            .insert_header("x-pagination-item-count", total.to_string())
            .insert_header("x-trending-user-count", "4321")
    }
}

fn entry(title: &Title, watchers: usize) -> Value {
    let word = if title.kind == Kind::Movie {
        "movie"
    } else {
        "show"
    };
    let mut ids = json!({"trakt": title.tmdb + 7, "slug": title.name.to_lowercase().replace(' ', "-"),
                         "imdb": title.imdb, "tmdb": title.tmdb});
    if title.kind == Kind::Tv {
        ids["tvdb"] = json!(title.tmdb + 3);
    }
    json!({"watchers": watchers, word: {"title": title.name, "year": title.year, "ids": ids}})
}
