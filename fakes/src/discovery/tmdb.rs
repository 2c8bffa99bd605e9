//! Fake of TMDB's v3 API as discovery-apis.md §1.1 describes it: `api_key` or a v4 bearer,
//! lists paged by 20 with TMDB ids only, `imdb_id: null` on some titles, regions where a title
//! is absent, `status_code` error bodies (7, 34, 22 past page 500, 25 with 429) and discover's
//! provider, monetization and release-type filters.

use super::super::common::{Failures, Knobs, Upstream, json, lock, query, start_server};
use super::dates::date_in_days;
use crate::fixtures::titles::{self, Bucket, Kind, PROVIDERS, Title};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use wiremock::{MockServer, Request, ResponseTemplate};

/// The server's v3 key in the fake.
pub const TMDB_KEY: &str = "ferriofaketmdbv3key00000000000000";
/// The server's v4 read token in the fake.
pub const TMDB_READ_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.ferrio-fake-read-token";
const PAGE: usize = 20;

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
        if !key.is_some_and(|key| lock(&self.keys).contains(&key)) {
            return error(401, 7, "Invalid API key: You must be granted a valid key.");
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

fn error(status: u16, code: u32, message: &str) -> ResponseTemplate {
    json(
        status,
        &json!({"status_code": code, "status_message": message, "success": false}),
    )
}

fn not_found() -> ResponseTemplate {
    error(404, 34, "The resource you requested could not be found.")
}

fn kind_of(word: &str) -> Option<Kind> {
    match word {
        "movie" => Some(Kind::Movie),
        "tv" => Some(Kind::Tv),
        _ => None,
    }
}

fn with_title(kind: &str, id: &str, render: fn(&Title) -> Value) -> ResponseTemplate {
    let title = kind_of(kind)
        .zip(id.parse().ok())
        .and_then(|(kind, id)| titles::by_tmdb(kind, id));
    match title {
        Some(title) => json(200, &render(title)),
        None => not_found(),
    }
}

/// A list item, as trending, discover and find render it.
fn item(title: &Title, with_type: bool) -> Value {
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

/// One page of 20 of `list`; past page 500 TMDB refuses.
fn paged(req: &Request, list: Vec<&Title>, with_type: bool) -> ResponseTemplate {
    let page: usize = query(req, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
    if page == 0 || page > 500 {
        return error(
            400,
            22,
            "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
        );
    }
    let total = list.len();
    let results: Vec<Value> = list
        .into_iter()
        .skip((page - 1) * PAGE)
        .take(PAGE)
        .map(|title| item(title, with_type))
        .collect();
    json(
        200,
        &json!({"page": page, "results": results,
                "total_pages": total.div_ceil(PAGE).max(1), "total_results": total}),
    )
}

fn trending(req: &Request, kind: &str, window: &str) -> ResponseTemplate {
    let Some(kind) = kind_of(kind) else {
        return not_found();
    };
    let mut list: Vec<&Title> = titles::titles().iter().filter(|t| t.kind == kind).collect();
    match window {
        "day" => list.sort_by_key(|t| t.day_rank),
        "week" => list.sort_by_key(|t| t.week_rank),
        _ => return not_found(),
    }
    paged(req, list, true)
}

fn find(imdb: &str) -> ResponseTemplate {
    let found = titles::by_imdb(imdb);
    let of = |kind| -> Vec<Value> {
        found
            .filter(|t| t.kind == kind)
            .map(|t| item(t, true))
            .into_iter()
            .collect()
    };
    json(
        200,
        &json!({"movie_results": of(Kind::Movie), "person_results": [], "tv_results": of(Kind::Tv),
                "tv_episode_results": [], "tv_season_results": []}),
    )
}

/// `/{movie|tv}/{id}`: the list item's fields and a few more.
fn details(title: &Title) -> Value {
    let mut details = item(title, false);
    details["status"] = json!("Released");
    details["tagline"] = json!("");
    details
}

/// The same with `append_to_response=external_ids`.
fn details_with_ids(title: &Title) -> Value {
    let mut details = details(title);
    details["external_ids"] = external_ids(title);
    details
}

fn external_ids(title: &Title) -> Value {
    json!({"id": title.tmdb, "imdb_id": title.imdb, "wikidata_id": null, "facebook_id": null,
           "instagram_id": null, "twitter_id": null})
}

/// Release dates per region: the digital one (type 4) in the US and GB, none in DE.
fn release_dates(title: &Title) -> Value {
    let theatrical = json!({"certification": "", "iso_639_1": "", "note": "",
                            "release_date": format!("{}-01-01T00:00:00.000Z", title.year), "type": 3});
    let results: Vec<Value> = ["US", "GB", "DE"]
        .iter()
        .map(|region| {
            let mut dates = vec![theatrical.clone()];
            if let Some(days) = title.digital_in_days.filter(|_| *region != "DE") {
                dates.push(json!({"certification": "", "iso_639_1": "", "note": "",
                                  "release_date": format!("{}T00:00:00.000Z", date_in_days(days)), "type": 4}));
            }
            json!({"iso_3166_1": region, "release_dates": dates})
        })
        .collect();
    json!({"id": title.tmdb, "results": results})
}

fn provider_json(id: u32) -> Value {
    let p = PROVIDERS.iter().find(|p| p.tmdb_id == id);
    json!({"logo_path": format!("/logo{id}.jpg"), "provider_id": id,
           "provider_name": p.map_or("Unknown", |p| p.tmdb_name),
           "display_priority": p.map_or(99, |p| p.display_priority)})
}

fn watch_providers(title: &Title) -> Value {
    let mut results = serde_json::Map::new();
    for offer in &title.offers {
        let region = results.entry(offer.region).or_insert_with(|| {
            json!({"link": format!("https://www.themoviedb.org/{}/{}/watch?locale={}",
                                   title.kind.tmdb(), title.tmdb, offer.region)})
        });
        let bucket = region[offer.bucket.tmdb()]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut bucket = bucket;
        bucket.push(provider_json(offer.provider));
        region[offer.bucket.tmdb()] = Value::Array(bucket);
    }
    json!({"id": title.tmdb, "results": results})
}

/// `/watch/providers/regions`.
fn regions() -> ResponseTemplate {
    let names = [
        ("DE", "Germany", "Deutschland"),
        ("GB", "United Kingdom", "United Kingdom"),
        ("US", "United States of America", "United States"),
    ];
    let results: Vec<Value> = names
        .iter()
        .map(|(code, english, native)| json!({"iso_3166_1": code, "english_name": english, "native_name": native}))
        .collect();
    json(200, &json!({"results": results}))
}

fn provider_list(req: &Request, kind: &str) -> ResponseTemplate {
    let Some(kind) = kind_of(kind) else {
        return not_found();
    };
    let region = query(req, "watch_region");
    let offered: HashSet<u32> = titles::titles()
        .iter()
        .filter(|t| t.kind == kind)
        .flat_map(|t| &t.offers)
        .filter(|o| region.as_deref().is_none_or(|r| r == o.region))
        .map(|o| o.provider)
        .collect();
    let results: Vec<Value> = PROVIDERS
        .iter()
        .filter(|p| offered.contains(&p.tmdb_id))
        .map(|p| {
            json!({"display_priorities": {"US": p.display_priority, "GB": p.display_priority + 1},
                   "display_priority": p.display_priority, "logo_path": format!("/logo{}.jpg", p.tmdb_id),
                   "provider_name": p.tmdb_name, "provider_id": p.tmdb_id})
        })
        .collect();
    json(200, &json!({"results": results}))
}

/// `/discover/{movie|tv}`: provider (`|` OR, `,` AND), monetization, digital release window
/// and vote floor filters, sorted by popularity.
fn discover(req: &Request, kind: &str) -> ResponseTemplate {
    let Some(kind) = kind_of(kind) else {
        return not_found();
    };
    let region = query(req, "watch_region").or_else(|| query(req, "region"));
    let buckets: Vec<Bucket> = query(req, "with_watch_monetization_types")
        .map(|m| m.split('|').filter_map(bucket_of).collect())
        .unwrap_or_else(|| {
            vec![
                Bucket::Flatrate,
                Bucket::Free,
                Bucket::Ads,
                Bucket::Rent,
                Bucket::Buy,
            ]
        });
    let offers_in = |t: &Title, id: u32| {
        t.offers.iter().any(|o| {
            o.provider == id
                && region.as_deref().is_none_or(|r| r == o.region)
                && buckets.contains(&o.bucket)
        })
    };
    let with = query(req, "with_watch_providers");
    let without = query(req, "without_watch_providers");
    let (gte, lte) = (
        query(req, "release_date.gte"),
        query(req, "release_date.lte"),
    );
    let digital_only =
        query(req, "with_release_type").is_some_and(|t| t.split('|').any(|t| t == "4"));
    let min_votes: u32 = query(req, "vote_count.gte")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut list: Vec<&Title> = titles::titles()
        .iter()
        .filter(|t| t.kind == kind)
        .filter(|t| matches_providers(with.as_deref(), |id| offers_in(t, id), true))
        .filter(|t| !matches_providers(without.as_deref(), |id| offers_in(t, id), false))
        .filter(|t| {
            if !digital_only {
                return true;
            }
            let regional = region.as_deref().is_none_or(|r| r != "DE");
            let Some(date) = t.digital_in_days.filter(|_| regional).map(date_in_days) else {
                return false;
            };
            gte.as_deref().is_none_or(|g| date.as_str() >= g)
                && lte.as_deref().is_none_or(|l| date.as_str() <= l)
        })
        .filter(|t| {
            let votes = if t.digital_in_days.is_some_and(|d| d > 0) {
                0
            } else {
                100 + t.tmdb % 900
            };
            votes >= min_votes
        })
        .collect();
    list.sort_by(|a, b| b.popularity.total_cmp(&a.popularity));
    paged(req, list, false)
}

/// Whether a title matches a provider filter (`8|9` any, `8,9` all); `empty` when unset.
fn matches_providers(filter: Option<&str>, offers: impl Fn(u32) -> bool, empty: bool) -> bool {
    let Some(filter) = filter.filter(|f| !f.is_empty()) else {
        return empty;
    };
    let ids = |sep| {
        filter
            .split(sep)
            .filter_map(|id: &str| id.trim().parse::<u32>().ok())
    };
    if filter.contains(',') {
        ids(',').all(&offers)
    } else {
        ids('|').any(&offers)
    }
}

fn bucket_of(word: &str) -> Option<Bucket> {
    match word {
        "flatrate" => Some(Bucket::Flatrate),
        "free" => Some(Bucket::Free),
        "ads" => Some(Bucket::Ads),
        "rent" => Some(Bucket::Rent),
        "buy" => Some(Bucket::Buy),
        _ => None,
    }
}
