//! The user's Real-Debrid library: the torrents in their account.
//!
//! It is listed once per token every few minutes and serves three purposes: the strongest
//! "cached" evidence (a torrent already downloaded in the account plays at once), the token
//! check behind the stream list (a bad token gives one error stream, not dozens of broken
//! links), and the "Real-Debrid library" catalog.

use super::{
    evidence::Evidence,
    realdebrid::{
        RdError, RealDebrid,
        types::{TorrentInfo, TorrentStatus, TorrentSummary},
    },
};
use crate::upstream::UpstreamError;
use crate::{
    cache::{Cache, CacheFamily, Policy, TokenHasher},
    protocol::config::DebridToken,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Listed again after this long; Torrentio-like addons use 5 minutes.
const LIBRARY_TTL: Duration = Duration::from_secs(5 * 60);
/// A torrent's details change as it downloads; a minute keeps browsing cheap.
const TORRENT_TTL: Duration = Duration::from_secs(60);
/// A refused token is remembered longer: it will not become valid by itself.
const BAD_TOKEN_TTL: Duration = Duration::from_secs(10 * 60);
/// Other failures (an unexpected answer) are retried soon.
const FAILURE_TTL: Duration = Duration::from_secs(30);
/// Torrents listed per page, and pages at most: the newest 500 torrents.
pub const PAGE_SIZE: u32 = 100;
const MAX_PAGES: u32 = 5;
/// The whole account, for its clean-up: 5,000 torrents at most, 50 calls of the user's budget.
pub const SCAN_PAGES: u32 = 50;

/// One torrent of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryItem {
    pub id: String,
    /// Lowercase info hash.
    pub hash: String,
    pub filename: String,
    pub downloaded: bool,
    /// ISO 8601, as Real-Debrid sends it.
    pub added: String,
    pub bytes: u64,
}

/// The libraries of all users, cached per token (by keyed hash). Cheap to clone.
#[derive(Clone)]
pub struct Library {
    rd: RealDebrid,
    lists: CacheFamily<Vec<LibraryItem>, RdError>,
    /// One torrent of a library, for its metadata and its videos' streams: Stremio asks for
    /// them again and again while a user browses, and each would otherwise be a call.
    torrents: CacheFamily<TorrentInfo, RdError>,
    /// Accounts whose listing was refreshed because a marker's evidence had aged
    /// (`MARKER_REVERIFY_SECS`), kept that long: one refresh per account per period.
    reverified: CacheFamily<bool, ()>,
    reverify_after: Duration,
    hasher: TokenHasher,
}

impl Library {
    /// The library lister over the Real-Debrid client and the cache; evidence older than
    /// `reverify_after` has the listing refreshed.
    pub fn new(rd: RealDebrid, cache: &Cache, reverify_after: Duration) -> Self {
        Self {
            rd,
            lists: cache.family(
                "rd_library",
                account_policy(LIBRARY_TTL, BAD_TOKEN_TTL, FAILURE_TTL),
            ),
            torrents: cache.family(
                "rd_torrent",
                account_policy(TORRENT_TTL, TORRENT_TTL, TORRENT_TTL),
            ),
            reverified: cache.family("rd_reverified", move |_: &Result<bool, ()>| {
                Policy::only_fresh(reverify_after)
            }),
            reverify_after,
            hasher: cache.token_hasher().clone(),
        }
    }

    /// Whether a marker's evidence is older than `MARKER_REVERIFY_SECS`.
    pub fn is_aged(&self, evidence: Evidence, now_ms: u64) -> bool {
        match evidence {
            Evidence::SeenPlayable { at_ms } => {
                now_ms.saturating_sub(at_ms) > crate::clock::millis(self.reverify_after)
            }
            Evidence::InLibrary | Evidence::DmmCached => false,
        }
    }

    /// Refreshes the account's listing in the background — once per `MARKER_REVERIFY_SECS`
    /// per account, however many requests meet aged evidence — so the next list is current.
    pub async fn reverify(&self, token: &DebridToken) {
        let key = self.hasher.hash(token);
        if self.reverified.peek(&key).await.is_some() {
            return;
        }
        self.reverified.put(&key, Ok(true)).await;
        let (library, token) = (self.clone(), token.clone());
        tokio::spawn(async move {
            library.forget(&token).await;
            if let Err(error) = library.items(&token).await {
                tracing::info!(
                    reason = error.outcome(),
                    "library refresh for aged evidence failed"
                );
            }
        });
    }

    /// One torrent of the account (`GET /torrents/info/{id}`), cached a minute.
    pub async fn torrent(&self, token: &DebridToken, id: &str) -> Result<TorrentInfo, RdError> {
        let key = format!("{}:{id}", self.hasher.hash(token));
        let (rd, owned, id) = (self.rd.clone(), token.clone(), id.to_owned());
        let fetch = move || {
            let (rd, token, id) = (rd.clone(), owned.clone(), id.clone());
            async move { rd.torrent_info(&token, &id).await }
        };
        self.torrents.get_or_fetch(&key, fetch).await
    }

    /// The account's torrents, newest first; an error says the token is bad or Real-Debrid down.
    pub async fn items(&self, token: &DebridToken) -> Result<Vec<LibraryItem>, RdError> {
        let (rd, owned) = (self.rd.clone(), token.clone());
        let fetch = move || {
            let (rd, token) = (rd.clone(), owned.clone());
            async move { list(&rd, &token).await }
        };
        self.lists
            .get_or_fetch(&self.hasher.hash(token), fetch)
            .await
    }

    /// Drops the account's cached listing after Ferrio changed the account, so the library
    /// catalog and the "in your library" markers show the change at once.
    pub async fn forget(&self, token: &DebridToken) {
        self.lists.forget(&self.hasher.hash(token)).await;
    }
}

/// How long an answer about one account is kept: `ok` for an answer, `refused` for that
/// account's own refusal (token, permission, limits), `other` for any other error — and never
/// for an outage, which is not this user's answer: the circuit breaker, shared by every user,
/// is what keeps Ferrio from asking a Real-Debrid that is down.
fn account_policy<T>(
    ok: Duration,
    refused: Duration,
    other: Duration,
) -> impl Fn(&Result<T, RdError>) -> Policy + Send + Sync + 'static {
    move |result| {
        Policy::only_fresh(match result {
            Ok(_) => ok,
            Err(error) if error.is_per_user() => refused,
            Err(error) if error.is_outage() => Duration::ZERO,
            Err(_) => other,
        })
    }
}

async fn list(rd: &RealDebrid, token: &DebridToken) -> Result<Vec<LibraryItem>, RdError> {
    let torrents = list_pages(rd, token, MAX_PAGES).await?;
    let mut items: Vec<LibraryItem> = torrents
        .into_iter()
        .map(|torrent| LibraryItem {
            downloaded: torrent.status == TorrentStatus::Downloaded,
            hash: torrent.hash.to_ascii_lowercase(),
            id: torrent.id,
            filename: torrent.filename,
            added: torrent.added,
            bytes: torrent.bytes,
        })
        .collect();
    // ISO 8601 timestamps in one format sort as text.
    items.sort_by(|a, b| b.added.cmp(&a.added));
    Ok(items)
}

/// The account's torrents, newest first, [`PAGE_SIZE`] a page and `max_pages` pages at most.
pub async fn list_pages(
    rd: &RealDebrid,
    token: &DebridToken,
    max_pages: u32,
) -> Result<Vec<TorrentSummary>, RdError> {
    let mut torrents = Vec::new();
    for page in 1..=max_pages {
        let listed = rd.torrents(token, page, PAGE_SIZE).await?;
        let last = listed.torrents.len() < PAGE_SIZE as usize
            || u64::from(page * PAGE_SIZE) >= listed.total;
        torrents.extend(listed.torrents);
        if last {
            break;
        }
    }
    Ok(torrents)
}
