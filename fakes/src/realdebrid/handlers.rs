//! Routing and endpoints of the Real-Debrid fake.

use std::time::{Duration, Instant};

use serde_json::json;
use wiremock::{Request, ResponseTemplate};

use super::errors::{missing, rd_error};
use super::state::RdState;
use super::torrents::{add_magnet, delete, in_progress, info, list, select_files};
use super::{PREFIX, RdInner};
use crate::common::{Failures, Knobs, Upstream, form, json, lock, query, raw, unix_now};

static FAILURES: Failures = Failures {
    server_error: r#"{"error":"internal_error","error_code":-1}"#,
    server_error_mime: "application/json",
    rate_limited: r#"{"error":"too_many_requests","error_code":34}"#,
    rate_limited_mime: "application/json",
    garbage: r#"{"id":"JKL012","filename":"The.Shaw"#,
};

/// The method each endpoint takes.
fn expected_method(endpoint: &str) -> &'static str {
    match endpoint {
        "add_magnet" | "select_files" | "unrestrict" => "POST",
        "delete" => "DELETE",
        _ => "GET",
    }
}

/// `Authorization: Bearer <t>`, or the `auth_token` query parameter for header-less clients.
fn bearer(req: &Request) -> Option<String> {
    let header = req
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        });
    header.or_else(|| query(req, "auth_token"))
}

impl Upstream for RdInner {
    fn knobs(&self) -> &Knobs {
        &self.knobs
    }

    fn failures(&self) -> &'static Failures {
        &FAILURES
    }

    fn classify(&self, req: &Request) -> &'static str {
        let path = req.url.path();
        // Download links live under the API base; the bare `/dl/` form is accepted too.
        if path.starts_with("/dl/") || path.starts_with(&format!("{PREFIX}/dl/")) {
            return "download";
        }
        let Some(rest) = path.strip_prefix(PREFIX) else {
            return "other";
        };
        match rest {
            "/user" => "user",
            "/torrents" => "torrents",
            "/torrents/addMagnet" => "add_magnet",
            "/torrents/activeCount" => "active_count",
            "/unrestrict/link" => "unrestrict",
            "/time/iso" => "time",
            _ if rest.starts_with("/torrents/info/") => "info",
            _ if rest.starts_with("/torrents/selectFiles/") => "select_files",
            _ if rest.starts_with("/torrents/delete/") => "delete",
            _ if rest.starts_with("/torrents/instantAvailability/") => "instant_availability",
            _ => "other",
        }
    }

    fn handle(&self, req: &Request, endpoint: &'static str) -> ResponseTemplate {
        let mut st = lock(&self.state);
        match endpoint {
            "download" => return serve_download(&st, req),
            "time" => {
                let now = crate::common::js_date(unix_now());
                return raw(200, &format!("{}+0000", &now[..19]), "text/plain");
            }
            "other" => return rd_error(404, "unknown_method", 3),
            _ => {}
        }
        if st.service_unavailable {
            return rd_error(503, "service_unavailable", 25);
        }
        let Some(token) = bearer(req).filter(|t| st.accounts.contains_key(t)) else {
            return rd_error(401, "bad_token", 8);
        };
        if let Some(refusal) = spend_budget(&mut st, &token) {
            return refusal;
        }
        if let Some(refusal) = throttled(&mut st, &token) {
            return refusal;
        }
        if st.accounts.get(&token).is_some_and(|a| a.permission_denied) {
            return rd_error(403, "permission_denied", 9);
        }
        // `X-HTTP-Verb` overrides the method for clients that cannot send DELETE.
        let verb = req
            .headers
            .get("x-http-verb")
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_uppercase)
            .unwrap_or_else(|| req.method.as_str().to_owned());
        if verb != expected_method(endpoint) {
            return rd_error(405, "method_not_allowed", 4);
        }
        let tail = req.url.path().rsplit('/').next().unwrap_or("").to_owned();
        let base = self.base.get().cloned().unwrap_or_default();
        match endpoint {
            "user" => user(),
            "torrents" => list(&st, &token, req),
            "info" => info(&mut st, &token, &tail),
            "add_magnet" => add_magnet(&mut st, &token, req, &base),
            "select_files" => select_files(&mut st, &token, &tail, req),
            "delete" => delete(&mut st, &token, &tail),
            "unrestrict" => unrestrict(&mut st, &token, req, &base),
            "active_count" => active_count(&st, &token),
            // Disabled since 2024-11-21; still routed, answers 403.
            _ => rd_error(403, "disabled_endpoint", 37),
        }
    }
}

/// A throttled account's next calls answer 429, as many as the throttle was given.
fn throttled(st: &mut RdState, token: &str) -> Option<ResponseTemplate> {
    let left = st.accounts.get_mut(token)?.throttled.as_mut()?;
    if *left == 0 {
        return None;
    }
    *left -= 1;
    let resp = rd_error(429, "too_many_requests", 34);
    Some(match st.retry_after {
        Some(s) => resp.insert_header("retry-after", s.to_string()),
        None => resp,
    })
}

/// Counts the call against the token's minute and refuses it past the budget. Refused calls
/// count too: hammering a 429 only digs the hole deeper, as with the real API.
fn spend_budget(st: &mut RdState, token: &str) -> Option<ResponseTemplate> {
    let limit = st.rate_per_minute;
    let retry_after = st.retry_after;
    let acc = st.accounts.get_mut(token)?;
    let now = Instant::now();
    if now.duration_since(acc.window_start) >= Duration::from_secs(60) {
        acc.window_start = now;
        acc.window_count = 0;
    }
    acc.window_count = acc.window_count.saturating_add(1);
    if acc.window_count <= limit {
        return None;
    }
    let resp = rd_error(429, "too_many_requests", 34);
    Some(match retry_after {
        Some(s) => resp.insert_header("retry-after", s.to_string()),
        None => resp,
    })
}

fn user() -> ResponseTemplate {
    json(
        200,
        &json!({
            "id": 4_242_424, "username": "ferrio-sandbox", "email": "sandbox@ferrio.invalid",
            "points": 1250, "locale": "en",
            "avatar": "https://fcdn.real-debrid.com/images/forum/empty.png",
            "type": "premium", "premium": 2_592_000,
            "expiration": crate::common::js_date(unix_now() + 2_592_000),
        }),
    )
}

fn unrestrict(st: &mut RdState, token: &str, req: &Request, base: &str) -> ResponseTemplate {
    let ip = form(req, "ip");
    st.ip_fields.push(("unrestrict", ip.clone()));
    let Some(link) = form(req, "link").filter(|l| !l.is_empty()) else {
        return missing("link");
    };
    if st.require_client_ip && !ip.as_deref().is_some_and(is_residential) {
        // The recorded answer names the address Real-Debrid refused: the caller's own when
        // no usable `ip` was sent.
        return rd_error(403, "ip_not_allowed_127.0.0.1", 22);
    }
    if st.accounts.get(token).is_some_and(|a| a.traffic_exhausted) {
        return rd_error(403, "traffic_exhausted", 23);
    }
    if st.hoster_unavailable {
        return rd_error(503, "hoster_unavailable", 19);
    }
    // RD ids are 13 chars; DMM truncates longer ones the same way.
    let lid: String = link
        .rsplit_once("/d/")
        .map(|(_, id)| id.chars().take(13).collect())
        .unwrap_or_default();
    let Some(target) = st.links.get(&lid).cloned() else {
        return rd_error(503, "file_unavailable", 24);
    };
    let dl = st.new_id();
    st.downloads.insert(dl.clone(), target.filename.clone());
    let encoded: String = url::form_urlencoded::byte_serialize(target.filename.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    json(
        200,
        &json!({
            "id": dl, "filename": target.filename, "mimeType": mime_of(&target.filename),
            "filesize": target.bytes, "link": link, "host": "real-debrid.com",
            "host_icon": "https://fcdn.real-debrid.com/0830/images/hosters/realdebrid.png",
            "chunks": 32, "crc": 1,
            "download": format!("{base}/dl/{dl}/{encoded}"),
            "streamable": 1,
        }),
    )
}

/// Whether an `ip` field names an address a viewer could have: public, not a server's own
/// loopback or private network.
fn is_residential(ip: &str) -> bool {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => {
            !(v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified())
        }
        Ok(std::net::IpAddr::V6(v6)) => !(v6.is_loopback() || v6.is_unspecified()),
        Err(_) => false,
    }
}

fn active_count(st: &RdState, token: &str) -> ResponseTemplate {
    let nb = st.active_count(token);
    let nb = if st.slots_full {
        nb.max(st.active_limit)
    } else {
        nb
    };
    json(200, &json!({"nb": nb, "limit": st.active_limit}))
}

impl RdState {
    /// The account's torrents Real-Debrid counts as active downloads.
    pub(crate) fn active_count(&self, token: &str) -> usize {
        self.accounts.get(token).map_or(0, |a| {
            a.torrents
                .iter()
                .filter(|t| in_progress(&self.status(t)))
                .count()
        })
    }
}

fn mime_of(name: &str) -> &'static str {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".mp4") || n.ends_with(".m4v") {
        "video/mp4"
    } else if n.ends_with(".mkv") {
        "video/x-matroska"
    } else if n.ends_with(".avi") {
        "video/x-msvideo"
    } else {
        "application/octet-stream"
    }
}

/// `GET {base}/dl/<id>/<name>`: a tiny body, so a player following Ferrio's redirect gets a 200.
fn serve_download(st: &RdState, req: &Request) -> ResponseTemplate {
    let mut segs = req.url.path().split('/');
    let id = segs.find(|s| *s == "dl").and(segs.next()).unwrap_or("");
    match st.downloads.get(id) {
        Some(name) => raw(200, "FERRIO-FAKE-VIDEO\n", mime_of(name)),
        None => raw(404, "Not Found", "text/plain"),
    }
}
