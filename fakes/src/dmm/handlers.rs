//! Request handling of the DMM fake, in the order of checks of upstream-apis.md §2.1/§2.3.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::token::TokenError;
use super::{DmmInner, DmmResult, DmmState};
use crate::common::{
    Failures, Knobs, Upstream, is_hex40, is_imdb_id, is_lower_hex40, json, lock, query, raw,
};

/// DMM pages its tables 50 rows at a time.
const PAGE_SIZE: usize = 50;

static FAILURES: Failures = Failures {
    server_error: r#"{"errorMessage":"An internal error occurred"}"#,
    server_error_mime: "application/json",
    rate_limited: r#"{"error":"Rate limit exceeded"}"#,
    rate_limited_mime: "application/json",
    garbage: r#"{"results":[{"hash":"6f9e2c1b","title":"The.Shaw"#,
};

impl Upstream for DmmInner {
    fn knobs(&self) -> &Knobs {
        &self.knobs
    }

    fn failures(&self) -> &'static Failures {
        &FAILURES
    }

    fn classify(&self, req: &Request) -> &'static str {
        match req.url.path() {
            "/api/challenge" => "challenge",
            "/api/torrents/movie" => "movie",
            "/api/torrents/tv" => "tv",
            "/api/availability/check" => "availability",
            _ => "other",
        }
    }

    fn handle(&self, req: &Request, endpoint: &'static str) -> ResponseTemplate {
        match endpoint {
            "challenge" => self.challenge(req),
            "movie" => self.search(req, false),
            "tv" => self.search(req, true),
            "availability" => self.availability(req),
            // Next.js answers unknown routes with its HTML 404 page.
            _ => raw(
                404,
                "<!DOCTYPE html><html><body><h1>404</h1><h2>This page could not be found.</h2></body></html>",
                "text/html; charset=utf-8",
            ),
        }
    }
}

fn method_not_allowed() -> ResponseTemplate {
    json(405, &json!({"error": "Method not allowed"}))
}

fn auth_error(e: &TokenError) -> ResponseTemplate {
    let msg = match e {
        TokenError::Missing => "Authentication not provided",
        TokenError::Invalid => "Authentication error",
    };
    json(403, &json!({ "errorMessage": msg }))
}

/// Client IP as DMM's `withIpRateLimit` derives it; behind no proxy everything is loopback.
fn client_ip(req: &Request) -> String {
    ["cf-connecting-ip", "x-real-ip", "x-forwarded-for"]
        .iter()
        .find_map(|h| req.headers.get(*h)?.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| "127.0.0.1".to_owned())
}

/// A results item: a good one in DMM's key order, or the injected malformed one.
#[derive(Serialize)]
#[serde(untagged)]
enum Item<'a> {
    Good(&'a DmmResult),
    Bad(Value),
}

/// The 200 body.
#[derive(Serialize)]
struct Results<'a> {
    results: Vec<Item<'a>>,
}

impl DmmInner {
    fn challenge(&self, req: &Request) -> ResponseTemplate {
        if req.method.as_str() != "GET" {
            return method_not_allowed();
        }
        let (token, hash) = self.tokens.issue();
        // `no-store`: a challenge must never be served from a cache.
        json(200, &json!({ "token": token, "hash": hash }))
            .insert_header("cache-control", "no-store, private")
    }

    /// `/api/torrents/{movie,tv}`.
    fn search(&self, req: &Request, tv: bool) -> ResponseTemplate {
        let mut st = lock(&self.state);
        // 1. The IP limiter runs before anything else, token included.
        let reset_ms = match st.ip_limit {
            Some(interval) => match check_ip_limit(&mut st, interval, &client_ip(req)) {
                Ok(reset) => Some(reset),
                Err(wait) => return rate_limited(wait),
            },
            None => None,
        };
        let with_rl = |t: ResponseTemplate| match reset_ms {
            Some(reset) => rate_headers(t, 0, reset),
            None => t,
        };
        // 2. Token.
        let key = query(req, "dmmProblemKey");
        let solution = query(req, "solution");
        if let Err(e) = self.tokens.validate(key.as_deref(), solution.as_deref()) {
            return with_rl(auth_error(&e));
        }
        // 3. imdbId (an empty string counts as missing: the check is `!imdbId`).
        let Some(imdb) = query(req, "imdbId").filter(|s| !s.is_empty()) else {
            return with_rl(json(
                400,
                &json!({"errorMessage": "Missing \"imdbId\" query parameter"}),
            ));
        };
        // 4. Canary ids are answered like a never-scraped title and the caller is noted.
        if is_canary(&imdb) {
            self.canary_hits.fetch_add(1, Ordering::SeqCst);
            return with_rl(ResponseTemplate::new(204).insert_header("status", "requested"));
        }
        // 5. seasonNum (tv only).
        let stored = if tv {
            let Some(season) = query(req, "seasonNum").filter(|s| !s.is_empty()) else {
                return with_rl(json(
                    400,
                    &json!({"errorMessage": "Missing \"seasonNum\" query parameter"}),
                ));
            };
            // `parseInt` of junk gives NaN, a key that matches nothing.
            season
                .trim()
                .parse::<u32>()
                .ok()
                .and_then(|s| st.seasons.get(&(imdb.clone(), s)).cloned())
        } else {
            st.movies.get(&imdb).cloned()
        };
        // 6. Data.
        let only_trusted = query(req, "onlyTrusted").as_deref() == Some("true");
        let max_gb = query(req, "maxSize")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
        let page = query(req, "page")
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(0);
        let results = select(stored.unwrap_or_default(), max_gb, page);
        if results.is_empty() {
            if page == 0 && max_gb == 0 && !only_trusted {
                let status = st
                    .status
                    .get(&imdb)
                    .cloned()
                    .unwrap_or_else(|| "requested".to_owned());
                // 204 with an empty body; the search state travels in a `status` header.
                return with_rl(ResponseTemplate::new(204).insert_header("status", status));
            }
            return with_rl(json(200, &json!({ "results": [] })));
        }
        let mut items: Vec<Item<'_>> = results.iter().map(Item::Good).collect();
        if st.inject_bad {
            let bad = json!({"hash": 1_234_567_890_u64, "title": "Malformed.Numeric.Hash.1080p", "fileSize": 1024.0});
            items.insert(1.min(items.len()), Item::Bad(bad));
        }
        // Serialised straight from the structs (not via `Value`, whose maps sort keys) so the
        // key order is DMM's `hash`, `title`, `fileSize`.
        with_rl(json(200, &Results { results: items }))
    }

    /// `POST /api/availability/check`.
    fn availability(&self, req: &Request) -> ResponseTemplate {
        if req.method.as_str() != "POST" {
            return method_not_allowed();
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let field = |k: &str| body.get(k).and_then(Value::as_str);
        if let Err(e) = self
            .tokens
            .validate(field("dmmProblemKey"), field("solution"))
        {
            return auth_error(&e);
        }
        if !field("imdbId").is_some_and(is_imdb_id) {
            return json(400, &json!({"error": "Invalid IMDb ID"}));
        }
        let Some(hashes) = body.get("hashes").and_then(Value::as_array) else {
            return json(400, &json!({"error": "Hashes must be an array"}));
        };
        if hashes.len() > 100 {
            return json(400, &json!({"error": "Maximum 100 hashes allowed"}));
        }
        let mut wanted: Vec<String> = Vec::with_capacity(hashes.len());
        for h in hashes {
            match h.as_str().filter(|s| is_hex40(s)) {
                Some(s) => wanted.push(s.to_ascii_lowercase()),
                None => return json(400, &json!({"error": "Invalid hash format", "hash": h})),
            }
        }
        let mut seen = std::collections::HashSet::new();
        wanted.retain(|h| seen.insert(h.clone()));
        let st = lock(&self.state);
        let available: Vec<Value> = wanted
            .iter()
            .filter_map(|h| {
                st.available
                    .get(h)
                    .map(|files| json!({"hash": h, "files": files}))
            })
            .collect();
        json(200, &json!({ "available": available }))
    }
}

/// Canary ids: `tt` + a number ≥ 900 000 000 (DMM's enumeration trap).
fn is_canary(imdb: &str) -> bool {
    is_imdb_id(imdb) && imdb[2..].parse::<u64>().is_ok_and(|n| n >= 900_000_000)
}

/// Applies DMM's result pipeline: drop bad hashes, dedupe (first wins), size filter
/// (`fileSize <= GB*1024`), sort by size desc, page of 50, sizes rounded to 2 decimals.
fn select(stored: Vec<DmmResult>, max_gb: u64, page: usize) -> Vec<DmmResult> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<DmmResult> = stored
        .into_iter()
        .filter(|r| is_lower_hex40(&r.hash) && seen.insert(r.hash.clone()))
        .filter(|r| max_gb == 0 || r.file_size <= (max_gb * 1024) as f64)
        .map(|mut r| {
            r.file_size = (r.file_size * 100.0).round() / 100.0;
            r
        })
        .collect();
    out.sort_by(|a, b| b.file_size.total_cmp(&a.file_size));
    out.into_iter()
        .skip(page.saturating_mul(PAGE_SIZE))
        .take(PAGE_SIZE)
        .collect()
}

/// One-request-per-interval limiter keyed by client IP. `Ok` carries the window reset (epoch
/// ms); `Err` the time left to wait.
fn check_ip_limit(st: &mut DmmState, interval: Duration, ip: &str) -> Result<u64, Duration> {
    let now = Instant::now();
    if let Some(last) = st.ip_last.get(ip) {
        let elapsed = now.duration_since(*last);
        if elapsed < interval {
            return Err(interval - elapsed);
        }
    }
    st.ip_last.insert(ip.to_owned(), now);
    Ok(unix_ms() + interval.as_millis() as u64)
}

/// 429 `{"error":"Rate limit exceeded"}` with `Retry-After` (whole seconds, rounded up).
fn rate_limited(wait: Duration) -> ResponseTemplate {
    let retry = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let resp = json(429, &json!({"error": "Rate limit exceeded"}))
        .insert_header("retry-after", retry.max(1).to_string());
    rate_headers(resp, 0, unix_ms() + wait.as_millis() as u64)
}

fn unix_ms() -> u64 {
    crate::common::unix_now() * 1000
}

fn rate_headers(t: ResponseTemplate, remaining: u32, reset_ms: u64) -> ResponseTemplate {
    t.insert_header("x-ratelimit-limit", "1")
        .insert_header("x-ratelimit-remaining", remaining.to_string())
        .insert_header("x-ratelimit-reset", reset_ms.to_string())
}
