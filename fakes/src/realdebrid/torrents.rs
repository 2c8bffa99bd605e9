//! The torrent endpoints of the Real-Debrid fake: list, info, addMagnet, selectFiles, delete.

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::errors::{missing, rd_error, unknown_resource};
use super::state::{Phase, RdState};
use crate::common::{form, is_hex40, json, query};

/// `GET /torrents`: newest first, `X-Total-Count`, `offset`/`page`/`limit`/`filter=active`.
pub(super) fn list(st: &RdState, token: &str, req: &Request) -> ResponseTemplate {
    let active_only = query(req, "filter").as_deref() == Some("active");
    let limit = query(req, "limit")
        .and_then(|l| l.parse::<usize>().ok())
        .map_or(100, |l| l.min(5000));
    let page = query(req, "page").and_then(|p| p.parse::<usize>().ok());
    let offset = match page {
        // `page` wins over `offset`.
        Some(p) => p.saturating_sub(1).saturating_mul(limit),
        None => query(req, "offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0),
    };
    let all: Vec<Value> = st
        .accounts
        .get(token)
        .map(|a| {
            a.torrents
                .iter()
                .rev() // newest first
                .filter(|t| !active_only || in_progress(&st.status(t)))
                .map(|t| st.render(t, false))
                .collect()
        })
        .unwrap_or_default();
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(offset).take(limit).collect();
    json(200, &page).insert_header("x-total-count", total.to_string())
}

/// Statuses RD counts as active.
pub(super) fn in_progress(status: &str) -> bool {
    matches!(
        status,
        "magnet_conversion"
            | "waiting_files_selection"
            | "queued"
            | "downloading"
            | "compressing"
            | "uploading"
    )
}

/// `GET /torrents/info/{id}`: renders, then advances the state machine by one poll.
pub(super) fn info(st: &mut RdState, token: &str, id: &str) -> ResponseTemplate {
    let body = match st
        .accounts
        .get(token)
        .and_then(|a| a.torrents.iter().find(|t| t.id == id))
    {
        Some(t) => st.render(t, true),
        None => return unknown_resource(),
    };
    if let Some(t) = st.torrent_mut(token, id) {
        RdState::advance(t);
    }
    json(200, &body)
}

/// The btih of a magnet (hex form), lowercased, and its `dn`.
fn parse_magnet(magnet: &str) -> Option<(String, Option<String>)> {
    let q = magnet.strip_prefix("magnet:?")?;
    let mut hash = None;
    let mut dn = None;
    for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
        match k.as_ref() {
            "xt" => hash = v.strip_prefix("urn:btih:").map(str::to_owned),
            "dn" => dn = Some(v.into_owned()),
            _ => {}
        }
    }
    let hash = hash.filter(|h| is_hex40(h))?.to_ascii_lowercase();
    Some((hash, dn))
}

/// `POST /torrents/addMagnet`: 201 `{id, uri}`, or 400/509/451.
pub(super) fn add_magnet(
    st: &mut RdState,
    token: &str,
    req: &Request,
    base: &str,
) -> ResponseTemplate {
    st.ip_fields.push(("add_magnet", form(req, "ip")));
    let Some(magnet) = form(req, "magnet").filter(|m| !m.is_empty()) else {
        return missing("magnet");
    };
    let Some((hash, dn)) = parse_magnet(&magnet) else {
        return rd_error(400, "wrong_parameter", 2);
    };
    st.magnets.push(magnet.clone());
    if st.slots_full || st.active_count(token) >= st.active_limit {
        return rd_error(509, "too_many_active_downloads", 21);
    }
    let throttled = st
        .accounts
        .get(token)
        .is_some_and(|a| a.throttled.is_some());
    if throttled || st.hashes.get(&hash).is_some_and(|h| h.infringing) {
        return rd_error(451, "infringing_file", 35);
    }
    let id = st.create_torrent(token, &hash, dn);
    json(
        201,
        &json!({"id": id, "uri": format!("{base}/torrents/info/{id}")}),
    )
}

/// `POST /torrents/selectFiles/{id}`: 204, 202 when already done, 404 too early or bad id.
pub(super) fn select_files(
    st: &mut RdState,
    token: &str,
    id: &str,
    req: &Request,
) -> ResponseTemplate {
    let Some(t) = st.torrent_mut(token, id) else {
        return unknown_resource();
    };
    match t.phase {
        // Too early: RD answers as if the torrent did not exist yet.
        Phase::Converting { .. } => return unknown_resource(),
        Phase::WaitingSelection => {}
        // Action already done.
        _ => return ResponseTemplate::new(202),
    }
    let Some(files) = form(req, "files").filter(|f| !f.is_empty()) else {
        return missing("files");
    };
    let count = t.files.len() as u32;
    let ids: Option<Vec<u32>> = if files == "all" {
        Some((1..=count).collect())
    } else {
        files
            .split(',')
            .map(|s| {
                s.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|i| (1..=count).contains(i))
            })
            .collect()
    };
    let Some(ids) = ids else {
        return unknown_resource();
    };
    st.select(token, id, ids);
    ResponseTemplate::new(204)
}

/// `DELETE /torrents/delete/{id}`: 204 or 404.
pub(super) fn delete(st: &mut RdState, token: &str, id: &str) -> ResponseTemplate {
    let Some(acc) = st.accounts.get_mut(token) else {
        return unknown_resource();
    };
    let Some(at) = acc.torrents.iter().position(|t| t.id == id) else {
        return unknown_resource();
    };
    let torrent = acc.torrents.remove(at);
    st.deleted.push((token.to_owned(), torrent));
    ResponseTemplate::new(204)
}
