//! Fake of the YTS API v2 (`list_movies.json`, `movie_details.json`), faithful to
//! upstream-apis.md §3: full envelope, `movies` absent when empty, UPPERCASE hashes, string-typed
//! numeric fields, and an optional "2026 shape".

mod list;
mod model;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::{MockServer, Request, ResponseTemplate};

use crate::common::{Failures, Knobs, Upstream, json, lock, query, raw, start_server, unix_now};
pub use model::{YtsMovie, YtsTorrent};

/// Path prefix of the API; Ferrio's base URL ends with it.
const PREFIX: &str = "/api/v2";

#[derive(Default)]
struct YtsState {
    movies: Vec<YtsMovie>,
    shape_2026: bool,
    inject_bad: bool,
}

#[derive(Default)]
struct YtsInner {
    knobs: Knobs,
    state: Mutex<YtsState>,
}

/// Fake of YTS. Cheap to clone; every clone controls the same server.
#[derive(Clone)]
pub struct YtsFake {
    server: Arc<MockServer>,
    inner: Arc<YtsInner>,
}

impl YtsFake {
    /// Starts the fake seeded with the standard catalog (130 generated movies plus the headline
    /// titles of [`crate::fixtures`]).
    pub async fn start() -> Self {
        let fake = Self::start_empty().await;
        for movie in crate::fixtures::yts_catalog() {
            fake.put_movie(movie);
        }
        fake
    }

    /// Starts the fake with no movies at all.
    pub async fn start_empty() -> Self {
        let inner = Arc::new(YtsInner::default());
        let server = start_server(inner.clone()).await;
        Self { server, inner }
    }

    /// Base URL to configure Ferrio with (`YTS_URL`, ends in `/api/v2`); Ferrio appends
    /// `/list_movies.json`.
    pub fn url(&self) -> String {
        format!("{}{PREFIX}", self.server.uri())
    }

    crate::common::knob_methods!();

    /// Requests to `list_movies.json`.
    pub fn list_calls(&self) -> usize {
        self.inner.knobs.calls_to("list")
    }

    /// Requests to `movie_details.json`.
    pub fn details_calls(&self) -> usize {
        self.inner.knobs.calls_to("details")
    }

    /// Zeroes all counters.
    pub fn reset_calls(&self) {
        self.inner.knobs.reset_calls();
    }

    /// Adds a movie, replacing any movie with the same non-empty `imdb_code` (or else the same
    /// `id`).
    pub fn put_movie(&self, movie: YtsMovie) {
        let mut st = lock(&self.inner.state);
        let same = |m: &YtsMovie| {
            if movie.imdb_code.is_empty() {
                m.id == movie.id
            } else {
                m.imdb_code == movie.imdb_code
            }
        };
        match st.movies.iter().position(same) {
            Some(i) => st.movies[i] = movie,
            None => st.movies.push(movie),
        }
    }

    /// Removes every movie.
    pub fn clear(&self) {
        lock(&self.inner.state).movies.clear();
    }

    /// Number of movies held.
    pub fn movie_count(&self) -> usize {
        lock(&self.inner.state).movies.len()
    }

    /// Serves the 2026 (yts.bz) shape: no rating, runtime, summary or covers; `?token` URLs.
    pub fn set_2026_shape(&self, on: bool) {
        lock(&self.inner.state).shape_2026 = on;
    }

    /// Adds a torrent with `"hash": null` to the first movie of every answer.
    pub fn inject_bad_item(&self, on: bool) {
        lock(&self.inner.state).inject_bad = on;
    }
}

static FAILURES: Failures = Failures {
    server_error: r#"{"status":"error","status_message":"Internal server error"}"#,
    server_error_mime: "application/json",
    rate_limited: r#"{"status":"error","status_message":"Too many requests"}"#,
    rate_limited_mime: "application/json",
    garbage: r#"{"status":"ok","status_message":"Query was successful","data":{"movie_count":133,"limit":20,"page_number":1,"movies":[{"id":1,"url":"https://yts.mx/movies/the-sh"#,
};

impl Upstream for YtsInner {
    fn knobs(&self) -> &Knobs {
        &self.knobs
    }

    fn failures(&self) -> &'static Failures {
        &FAILURES
    }

    fn classify(&self, req: &Request) -> &'static str {
        match req.url.path().strip_prefix(PREFIX) {
            Some("/list_movies.json") => "list",
            Some("/movie_details.json") => "details",
            _ => "other",
        }
    }

    fn handle(&self, req: &Request, endpoint: &'static str) -> ResponseTemplate {
        let st = lock(&self.state);
        let data = match endpoint {
            "list" => list_movies(&st, req),
            "details" => movie_details(&st, req),
            _ => {
                return raw(
                    404,
                    "<html><body><h1>404 Not Found</h1></body></html>",
                    "text/html",
                );
            }
        };
        json(
            200,
            &json!({
                "status": "ok",
                "status_message": "Query was successful",
                "data": data,
                "@meta": {
                    "server_time": unix_now(),
                    "server_timezone": "CET",
                    "api_version": 2,
                    "execution_time": "0 ms"
                }
            }),
        )
    }
}

fn list_movies(st: &YtsState, req: &Request) -> Value {
    let q = list::ListQuery::from_request(req);
    let (total, page) = q.run(&st.movies);
    let mut data = json!({"movie_count": total, "limit": q.limit, "page_number": q.page});
    // No `movies` key at all when nothing matches or the page is past the end.
    if !page.is_empty() {
        let movies: Vec<Value> = page
            .iter()
            .enumerate()
            .map(|(i, m)| model::render(m, st.shape_2026, st.inject_bad && i == 0))
            .collect();
        data["movies"] = Value::Array(movies);
    }
    data
}

fn movie_details(st: &YtsState, req: &Request) -> Value {
    let by_imdb = query(req, "imdb_id");
    let by_id = query(req, "movie_id").and_then(|s| s.parse::<u64>().ok());
    let found = st.movies.iter().find(|m| match (&by_imdb, by_id) {
        (Some(imdb), _) => !m.imdb_code.is_empty() && m.imdb_code.eq_ignore_ascii_case(imdb),
        (None, Some(id)) => m.id == id,
        (None, None) => false,
    });
    match found {
        Some(m) => json!({ "movie": model::render(m, st.shape_2026, st.inject_bad) }),
        // Unknown ids come back as a zeroed movie, not an error (clients test `id != 0`).
        None => json!({"movie": {
            "id": 0, "url": "https://yts.mx/movies/", "imdb_code": "", "title": null,
            "title_english": null, "title_long": " (0)", "slug": null, "year": 0, "rating": 0,
            "runtime": 0, "genres": null, "like_count": 0, "description_intro": null,
            "description_full": null, "yt_trailer_code": null, "language": null,
            "mpa_rating": null, "date_uploaded": null, "date_uploaded_unix": 0
        }}),
    }
}
