//! Fake of Watchmode's `/v1/title/{id}/sources/` as discovery-apis.md §1.3 describes it: an
//! IMDb id, `movie-<tmdb>` or `tv-<tmdb>` as the id, the key as `apiKey` or `X-API-Key`, a bare
//! array with one row per source × region × format, the free plan's deep-link text, a monthly
//! quota with its headers, and 402 past it.

use super::super::common::{Failures, Knobs, Upstream, json, lock, query, start_server};
use crate::fixtures::titles::{self, Kind, PROVIDERS, Title};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use wiremock::{MockServer, Request, ResponseTemplate};

/// The key the fake accepts.
pub const WATCHMODE_KEY: &str = "ferriofakewatchmodekey0000000000000000000";
/// What free plans get instead of app deep links.
const PAID_ONLY: &str = "Deeplinks available for paid plans only.";

static FAILURES: Failures = Failures {
    server_error: r#"{"success":false,"statusCode":500,"statusMessage":"Internal server error"}"#,
    server_error_mime: "application/json",
    rate_limited: r#"{"success":false,"statusCode":429,"statusMessage":"Too many requests"}"#,
    rate_limited_mime: "application/json",
    garbage: r#"[{"source_id":203,"name":"Netf"#,
};

struct Quota {
    limit: u64,
    used: u64,
}

struct Inner {
    knobs: Knobs,
    quota: Mutex<Quota>,
    /// Users' own keys whose month is spent: Watchmode answers them 402.
    spent_keys: Mutex<std::collections::HashSet<String>>,
}

/// Fake of Watchmode. Cheap to clone.
#[derive(Clone)]
pub struct WatchmodeFake {
    server: Arc<MockServer>,
    inner: Arc<Inner>,
}

impl WatchmodeFake {
    /// Starts the fake with the free plan's 1,000 calls a month.
    pub async fn start() -> Self {
        let inner = Arc::new(Inner {
            knobs: Knobs::default(),
            quota: Mutex::new(Quota {
                limit: 1000,
                used: 0,
            }),
            spent_keys: Mutex::default(),
        });
        let server = start_server(inner.clone()).await;
        Self { server, inner }
    }

    /// `WATCHMODE_URL` (Ferrio appends `/v1/…`).
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Sets the monthly quota and how much of it is used.
    pub fn set_quota(&self, limit: u64, used: u64) {
        *lock(&self.inner.quota) = Quota { limit, used };
    }

    /// Accepts `key` as a user's own key whose month is already spent (every call 402).
    pub fn add_spent_key(&self, key: &str) {
        lock(&self.inner.spent_keys).insert(key.to_owned());
    }

    /// Calls that counted against the quota.
    pub fn quota_used(&self) -> u64 {
        lock(&self.inner.quota).used
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
        let path = req.url.path();
        if path.starts_with("/v1/title/") && path.trim_end_matches('/').ends_with("/sources") {
            "sources"
        } else {
            "other"
        }
    }

    fn handle(&self, req: &Request, endpoint: &'static str) -> ResponseTemplate {
        let header = req
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let key = query(req, "apiKey").or(header);
        if key
            .as_ref()
            .is_some_and(|key| lock(&self.spent_keys).contains(key))
        {
            return error(402, "Over quota");
        }
        if key.as_deref() != Some(WATCHMODE_KEY) {
            return error(401, "Invalid API key");
        }
        let (limit, used) = {
            let mut quota = lock(&self.quota);
            if quota.used >= quota.limit {
                let (limit, used) = (quota.limit, quota.used);
                drop(quota);
                return with_quota(error(402, "Over quota"), limit, used);
            }
            quota.used += 1;
            (quota.limit, quota.used)
        };
        if endpoint != "sources" {
            return with_quota(error(404, "Not found"), limit, used);
        }
        let id = req
            .url
            .path()
            .trim_matches('/')
            .split('/')
            .nth(2)
            .unwrap_or_default();
        let title = match id.split_once('-') {
            Some(("movie", tmdb)) => tmdb
                .parse()
                .ok()
                .and_then(|t| titles::by_tmdb(Kind::Movie, t)),
            Some(("tv", tmdb)) => tmdb.parse().ok().and_then(|t| titles::by_tmdb(Kind::Tv, t)),
            _ => titles::by_imdb(id),
        };
        let Some(title) = title else {
            return with_quota(error(404, "Title not found"), limit, used);
        };
        let regions = query(req, "regions");
        with_quota(json(200, &rows(title, regions.as_deref())), limit, used)
    }
}

fn error(status: u16, message: &str) -> ResponseTemplate {
    json(
        status,
        &json!({"success": false, "statusCode": status, "statusMessage": message}),
    )
}

fn with_quota(response: ResponseTemplate, limit: u64, used: u64) -> ResponseTemplate {
    response
        .insert_header("x-account-quota", limit.to_string())
        .insert_header("x-account-quota-used", used.min(limit).to_string())
}

/// One row per source × region × format.
fn rows(title: &Title, regions: Option<&str>) -> Vec<Value> {
    let wanted = |region: &str| regions.is_none_or(|list| list.split(',').any(|r| r == region));
    let mut rows = Vec::new();
    for offer in title.offers.iter().filter(|o| wanted(o.region)) {
        let Some(provider) = PROVIDERS.iter().find(|p| p.tmdb_id == offer.provider) else {
            continue;
        };
        for (at, format) in offer.formats.iter().enumerate() {
            let mut row = json!({
                "source_id": provider.watchmode_id, "name": provider.watchmode_name,
                "type": offer.bucket.watchmode(), "region": offer.region,
                "ios_url": PAID_ONLY, "android_url": PAID_ONLY,
                "web_url": format!("{}{}", provider.web, title.tmdb), "format": format,
                "price": offer.prices.get(at),
            });
            if title.kind == Kind::Tv {
                row["seasons"] = json!(5);
                row["episodes"] = json!(62);
            }
            rows.push(row);
        }
    }
    rows
}
