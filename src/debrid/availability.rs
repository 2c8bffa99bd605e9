//! What Ferrio has learnt about torrents on Real-Debrid, and whose word it is.
//!
//! Real-Debrid no longer says whether a torrent is cached (instantAvailability answers 403
//! `disabled_endpoint`), so Ferrio remembers what its resolves saw. One account's bad luck is
//! not a fact about the torrent: Real-Debrid answers `451 infringing_file` for legal torrents
//! to an account it is throttling, and a slow magnet conversion for one user reads as
//! "downloading". So every setback is recorded twice — for the account that met it, which is
//! spared the torrent at once, and as a *strike* in a shared record, which changes what other
//! users see only once [`ACCOUNTS_TO_AGREE`] distinct accounts agree. A success anywhere wins
//! over every older setback. Accounts appear only as keyed token hashes.

use super::strikes::Strikes;
use crate::{
    cache::{Cache, CacheFamily, Policy},
    clock::{millis, now_ms},
    protocol::stream::InfoHash,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Distinct accounts that must report the same setback before everyone sees it.
pub const ACCOUNTS_TO_AGREE: usize = 3;
/// How long a "seen playable" record is trusted: Real-Debrid keeps popular torrents for weeks,
/// but a record older than this is more guess than evidence.
const SEEN_FOR: Duration = Duration::from_secs(5 * 24 * 3600);
/// Strikes older than this no longer count towards a shared verdict.
const STRIKES_COUNT_FOR: Duration = Duration::from_secs(24 * 3600);
/// How long one account is spared a torrent Real-Debrid refused it or could not play for it.
const ACCOUNT_MEMORY: Duration = Duration::from_secs(6 * 3600);

/// Per torrent and file, shared: when it last resolved to a link at once, and the accounts
/// that found it not playable (downloading, dead) since.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SeenRecord {
    playable_at: Option<u64>,
    failures: Strikes,
}

/// Per torrent, shared: the accounts Real-Debrid answered 451 for it, and when it last
/// resolved for anyone (which clears every older refusal).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RefusalRecord {
    accepted_at: Option<u64>,
    strikes: Strikes,
}

/// Per account and torrent: what this account met itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountRecord {
    refused_at: Option<u64>,
    /// Files (their selector) found not playable, and when.
    failed: Vec<(String, u64)>,
}

/// What one account should be shown about one torrent and file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    /// Seen playable at this Unix time (ms), and nothing since contradicts it for this account.
    pub playable_since: Option<u64>,
    /// Real-Debrid refused it to this account lately: do not offer it to them.
    pub refused_here: bool,
    /// Several accounts were refused it within a day: rank it lower for everyone.
    pub demoted: bool,
}

/// The shared and per-account records. Cheap to clone.
#[derive(Clone)]
pub struct Availability {
    seen: CacheFamily<SeenRecord, ()>,
    refusals: CacheFamily<RefusalRecord, ()>,
    accounts: CacheFamily<AccountRecord, ()>,
}

impl Availability {
    /// The records' families in the cache.
    pub fn new(cache: &Cache) -> Self {
        Self {
            seen: cache.family("rd_seen", keep_for(SEEN_FOR)),
            refusals: cache.family("rd_refusals", keep_for(STRIKES_COUNT_FOR)),
            accounts: cache.family("rd_account_torrent", keep_for(ACCOUNT_MEMORY)),
        }
    }

    /// What `account` (a keyed token hash) should be shown about each torrent and file, in
    /// their order: three batched reads for the whole list, however long it is.
    pub async fn views(&self, torrents: &[(&InfoHash, String)], account: &str) -> Vec<View> {
        let seen_keys: Vec<_> = torrents
            .iter()
            .map(|(hash, file)| file_key(hash, file))
            .collect();
        let refusal_keys: Vec<_> = torrents.iter().map(|(hash, _)| hash.to_string()).collect();
        let mine_keys: Vec<_> = torrents
            .iter()
            .map(|(hash, _)| account_key(account, hash))
            .collect();
        let (seen, refusals, mine) = tokio::join!(
            self.seen.peek_many(&seen_keys),
            self.refusals.peek_many(&refusal_keys),
            self.accounts.peek_many(&mine_keys),
        );
        let now = now_ms();
        torrents
            .iter()
            .zip(seen.into_iter().zip(refusals).zip(mine))
            .map(|((_, file), ((seen, refusals), mine))| {
                judge(&found(seen), &found(refusals), &found(mine), file, now)
            })
            .collect()
    }

    /// Records that `hash` / `file` resolved to a link now: evidence for everyone, and the end
    /// of every older setback of this torrent.
    pub async fn record_playable(&self, hash: &InfoHash, file: &str, account: &str) {
        let now = now_ms();
        let seen = SeenRecord {
            playable_at: Some(now),
            failures: Strikes::default(),
        };
        let refusals = RefusalRecord {
            accepted_at: Some(now),
            strikes: Strikes::default(),
        };
        let (seen_key, mine_key) = (file_key(hash, file), account_key(account, hash));
        tokio::join!(
            self.seen.put(&seen_key, Ok(seen)),
            self.refusals.put(hash.as_str(), Ok(refusals)),
            self.accounts.forget(&mine_key),
        );
    }

    /// Records that `account` found `hash` / `file` not playable (downloading, dead).
    pub async fn record_not_playable(&self, hash: &InfoHash, file: &str, account: &str) {
        let now = now_ms();
        let (seen_key, mine_key) = (file_key(hash, file), account_key(account, hash));
        let mut seen = current(&self.seen, &seen_key).await;
        seen.failures.add(account, now, STRIKES_COUNT_FOR);
        let mut mine = current(&self.accounts, &mine_key).await;
        mine.failed.retain(|(failed, _)| failed != file);
        mine.failed.push((file.to_owned(), now));
        tokio::join!(
            self.seen.put(&seen_key, Ok(seen)),
            self.accounts.put(&mine_key, Ok(mine)),
        );
    }

    /// Records that Real-Debrid refused `hash` to `account` as infringing.
    pub async fn record_refused(&self, hash: &InfoHash, account: &str) {
        let now = now_ms();
        let mine_key = account_key(account, hash);
        let mut refusals = current(&self.refusals, hash.as_str()).await;
        refusals.strikes.add(account, now, STRIKES_COUNT_FOR);
        let mut mine = current(&self.accounts, &mine_key).await;
        mine.refused_at = Some(now);
        tokio::join!(
            self.refusals.put(hash.as_str(), Ok(refusals)),
            self.accounts.put(&mine_key, Ok(mine)),
        );
    }
}

/// The stored record, or an empty one. Two instances updating one record at the same moment
/// may lose one strike; a verdict then needs one more report, which errs on the side of
/// showing the torrent.
async fn current<T: Default + crate::cache::Storable>(family: &CacheFamily<T, ()>, key: &str) -> T {
    found(family.peek(key).await)
}

/// A peeked record, or an empty one.
fn found<T: Default>(peeked: Option<Result<T, ()>>) -> T {
    peeked.and_then(Result::ok).unwrap_or_default()
}

/// The view of one account from the three records at `now`.
fn judge(
    seen: &SeenRecord,
    refusals: &RefusalRecord,
    mine: &AccountRecord,
    file: &str,
    now: u64,
) -> View {
    let since = millis(STRIKES_COUNT_FOR);
    let accepted = refusals.accepted_at.unwrap_or(0);
    let playable_since = seen.playable_at.filter(|&at| {
        let failed_here = mine
            .failed
            .iter()
            .any(|(failed, when)| failed == file && *when >= at);
        let failed_widely = seen.failures.distinct_after(at) >= ACCOUNTS_TO_AGREE;
        !failed_here && !failed_widely
    });
    View {
        playable_since,
        refused_here: mine.refused_at.is_some_and(|at| at > accepted),
        demoted: refusals
            .strikes
            .distinct_after(accepted.max(now.saturating_sub(since)))
            >= ACCOUNTS_TO_AGREE,
    }
}

/// A policy keeping every record for `ttl` after its last write.
fn keep_for<T>(ttl: Duration) -> impl Fn(&Result<T, ()>) -> Policy + Send + Sync + 'static {
    move |_| Policy::only_fresh(ttl)
}

fn file_key(hash: &InfoHash, file: &str) -> String {
    format!("{hash}:{file}")
}

fn account_key(account: &str, hash: &InfoHash) -> String {
    format!("{account}:{hash}")
}

#[cfg(test)]
#[path = "availability_tests.rs"]
mod tests;
