//! Fake of TMDB's v3 API as discovery-apis.md §1.1 describes it: `api_key` or a v4 bearer,
//! lists paged by 20 with TMDB ids only, `imdb_id: null` on some titles, regions where a title
//! is absent, `status_code` error bodies (7, 34, 22 past page 500, 25 with 429) and discover's
//! provider, monetization and release-type filters.

mod lists;
mod titles;

use super::super::common::{Failures, Knobs, Upstream, json, lock, query, start_server};
use crate::fixtures::titles::{self as table, Kind, Title};
use lists::{discover, trending};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use titles::{
    details, details_with_ids, external_ids, find, provider_list, regions, release_dates,
    watch_providers,
};
use wiremock::{MockServer, Request, ResponseTemplate};

/// The server's v3 key in the fake.
pub const TMDB_KEY: &str = "ferriofaketmdbv3key00000000000000";
/// The server's v4 read token in the fake.
pub const TMDB_READ_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.ferrio-fake-read-token";

static FAILURES: Failures = Failures {
    server_error: r#"{"status_code":11,"status_message":"Internal error: Something went wrong, contact TMDb.","success":false}"#,
    server_error_mime: "application/json;charset=utf-8",
    rate_limited: r#"{"status_code":25,"status_message":"Your request count (41) is over the allowed limit of (40).","success":false}"#,
    rate_limited_mime: "application/json;charset=utf-8",
    garbage: r#"{"page":1,"results":[{"adult":false,"id":27"#,
};

struct Inner {
    knobs: Knobs,
    keys: Mutex<HashSet<String>>,
    /// Keys TMDB answers 429 for, as it does a key (or an address) past its rate limit.
    limited: Mutex<HashSet<String>>,
    rate: Mutex<RateLimit>,
}

/// TMDB's own rate limit, when a test turns it on: at most `per_second` calls of one key in
/// any second; past it a 429 with `Retry-After: 1`, counted.
#[derive(Default)]
struct RateLimit {
    per_second: Option<usize>,
    recent: HashMap<String, VecDeque<Instant>>,
    over: usize,
}

impl RateLimit {
    /// Records a call of `key` now; `false` when it is over the limit.
    fn admit(&mut self, key: &str) -> bool {
        let Some(limit) = self.per_second else {
            return true;
        };
        let now = Instant::now();
        let recent = self.recent.entry(key.to_owned()).or_default();
        while recent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(1))
        {
            recent.pop_front();
        }
        recent.push_back(now);
        let within = recent.len() <= limit;
        self.over += usize::from(!within);
        within
    }
}

/// Fake of TMDB. Cheap to clone.
#[derive(Clone)]
pub struct TmdbFake {
    server: Arc<MockServer>,
    inner: Arc<Inner>,
}

impl TmdbFake {
    /// Starts the fake; [`TMDB_KEY`] and [`TMDB_READ_TOKEN`] are accepted.
    pub async fn start() -> Self {
        let keys = [TMDB_KEY, TMDB_READ_TOKEN].map(str::to_owned).into();
        let inner = Arc::new(Inner {
            knobs: Knobs::default(),
            keys: Mutex::new(keys),
            limited: Mutex::default(),
            rate: Mutex::default(),
        });
        let server = start_server(inner.clone()).await;
        Self { server, inner }
    }

    /// `TMDB_URL` (Ferrio appends `/3/…`).
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// `TMDB_IMAGE_URL` as Ferrio would be given it (the fake serves no images).
    pub fn image_url(&self) -> String {
        format!("{}/t/p", self.server.uri())
    }

    /// Accepts another key (a user's personal one).
    pub fn add_key(&self, key: &str) {
        lock(&self.inner.keys).insert(key.to_owned());
    }

    /// Answers every call made with `key` 429 (`Retry-After: 30`, code 25), as TMDB does a
    /// key past its limit.
    pub fn limit_key(&self, key: &str) {
        lock(&self.inner.limited).insert(key.to_owned());
    }

    /// Enforces TMDB's rate limit: past `per_second` calls of one key in any second, a 429
    /// (`Retry-After: 1`, code 25).
    pub fn enforce_per_second(&self, per_second: usize) {
        lock(&self.inner.rate).per_second = Some(per_second);
    }

    /// Calls that came over the enforced limit.
    pub fn over_limit(&self) -> usize {
        lock(&self.inner.rate).over
    }

    /// Requests to one endpoint (`find`, `details`, `discover`, `watch_providers`, …).
    pub fn calls_to(&self, endpoint: &str) -> usize {
        self.inner.knobs.calls_to(endpoint)
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
        let segments: Vec<&str> = req.url.path().trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["3", "trending", ..] => "trending",
            ["3", "find", _] => "find",
            ["3", "discover", _] => "discover",
            ["3", "watch", "providers", "regions"] => "regions",
            ["3", "watch", "providers", _] => "provider_list",
            ["3", _, _, "external_ids"] => "external_ids",
            ["3", _, _, "watch", "providers"] => "watch_providers",
            ["3", "movie", _, "release_dates"] => "release_dates",
            ["3", "movie" | "tv", _] => "details",
            _ => "other",
        }
    }

    fn handle(&self, req: &Request, endpoint: &'static str) -> ResponseTemplate {
        let bearer = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let key = query(req, "api_key").or(bearer);
        let Some(key) = key.filter(|key| lock(&self.keys).contains(key)) else {
            return error(401, 7, "Invalid API key: You must be granted a valid key.");
        };
        if !lock(&self.rate).admit(&key) || lock(&self.limited).contains(&key) {
            return error(
                429,
                25,
                "Your request count (51) is over the allowed limit of 50.",
            )
            .insert_header("retry-after", "30");
        }
        let segments: Vec<&str> = req.url.path().trim_matches('/').split('/').collect();
        match (endpoint, segments.as_slice()) {
            ("trending", [_, _, kind, window]) => trending(req, kind, window),
            ("find", [_, _, imdb]) => find(imdb),
            ("discover", [_, _, kind]) => discover(req, kind),
            ("regions", _) => regions(),
            ("provider_list", [.., kind]) => provider_list(req, kind),
            ("external_ids", [_, kind, id, _]) => with_title(kind, id, external_ids),
            ("watch_providers", [_, kind, id, ..]) => with_title(kind, id, watch_providers),
            ("release_dates", [_, kind, id, _]) => with_title(kind, id, release_dates),
            ("details", [_, kind, id]) => {
                let append = query(req, "append_to_response").unwrap_or_default();
                let with_ids = append.split(',').any(|part| part == "external_ids");
                with_title(kind, id, if with_ids { details_with_ids } else { details })
            }
            _ => not_found(),
        }
    }
}

pub(super) fn error(status: u16, code: u32, message: &str) -> ResponseTemplate {
    json(
        status,
        &json!({"status_code": code, "status_message": message, "success": false}),
    )
}

pub(super) fn not_found() -> ResponseTemplate {
    error(404, 34, "The resource you requested could not be found.")
}

pub(super) fn kind_of(word: &str) -> Option<Kind> {
    match word {
        "movie" => Some(Kind::Movie),
        "tv" => Some(Kind::Tv),
        _ => None,
    }
}

fn with_title(kind: &str, id: &str, render: fn(&Title) -> Value) -> ResponseTemplate {
    let title = kind_of(kind)
        .zip(id.parse().ok())
        .and_then(|(kind, id)| table::by_tmdb(kind, id));
    match title {
        Some(title) => json(200, &render(title)),
        None => not_found(),
    }
}

/// A list item, as trending, discover and find render it.
pub(super) fn item(title: &Title, with_type: bool) -> Value {
    // The primary release, as TMDB's lists give it; the regional digital date is only in
    // `/movie/{id}/release_dates`.
    let released = format!("{}-01-01", title.year);
    let votes = if title.digital_in_days.is_some_and(|d| d > 0) {
        0
    } else {
        100 + title.tmdb % 900
    };
    let mut item = json!({
        "adult": false, "id": title.tmdb, "overview": format!("{} is a fixture.", title.name),
        "poster_path": title.poster_path(), "backdrop_path": null, "genre_ids": [18],
        "popularity": title.popularity, "original_language": "en",
        "vote_average": if votes == 0 { 0.0 } else { 7.4 }, "vote_count": votes,
    });
    match title.kind {
        Kind::Movie => {
            item["title"] = json!(title.name);
            item["original_title"] = json!(title.name);
            item["release_date"] = json!(released);
            item["video"] = json!(false);
        }
        Kind::Tv => {
            item["name"] = json!(title.name);
            item["original_name"] = json!(title.name);
            item["first_air_date"] = json!(released);
            item["origin_country"] = json!(["US"]);
        }
    }
    if with_type {
        item["media_type"] = json!(title.kind.tmdb());
    }
    item
}
