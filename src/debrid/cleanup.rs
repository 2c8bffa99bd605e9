//! The clean-up actions of the account-health item, offered as streams: delete the failed
//! torrents, delete the stalled downloads Ferrio added, retry the `magnet_error` ones with
//! rebuilt magnets.
//!
//! A stream URL is something a player fetches on its own (a HEAD, then up to twenty GETs per
//! tap) and something that can be shared or replayed, so each action link is a [`Ticket`]:
//! the action, the listing it was built from (kept 10 minutes under the account), an expiry,
//! and a code binding all three to the account's token. A stale or forged code does nothing;
//! the taps of one ticket run it once (single-flight, its outcome kept); and only the
//! listing's torrents — those still in the state they were listed in — are touched.

use super::{
    added::AddedLedger,
    health::{Health, Listed, Report},
    library::{Library, SCAN_PAGES, list_pages},
    magnet,
    realdebrid::{RealDebrid, types::TorrentSummary},
};
use crate::{
    cache::{Cache, CacheFamily, Policy, TokenHasher},
    clock::{millis, now_ms},
    protocol::{config::DebridToken, stream::InfoHash},
};
use futures::{StreamExt, stream};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Torrents one tap acts on at most: a player waits for its answer, and Real-Debrid's budget
/// is the user's. Another tap, on a fresh listing, goes on.
pub const PER_TAP: usize = 25;
/// How long an action link works.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// Deletes and adds in flight at once for one tap.
const IN_FLIGHT: usize = 4;

/// What a clean-up link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    DeleteFailed,
    DeleteStalled,
    RetryMagnets,
}

impl Action {
    pub const ALL: [Self; 3] = [Self::DeleteFailed, Self::DeleteStalled, Self::RetryMagnets];

    /// The action's path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeleteFailed => "delete-failed",
            Self::DeleteStalled => "delete-stalled",
            Self::RetryMagnets => "retry-magnets",
        }
    }

    pub fn parse(segment: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == segment)
    }

    /// The torrents of the report this action would touch, at most [`PER_TAP`].
    pub fn targets(self, report: &Report) -> Vec<Listed> {
        let listed = match self {
            Self::DeleteFailed => report.failed.iter().collect::<Vec<_>>(),
            Self::DeleteStalled => report.stalled.iter().collect(),
            Self::RetryMagnets => report
                .failed
                .iter()
                .filter(|torrent| torrent.status.is_magnet_error())
                .collect(),
        };
        listed.into_iter().take(PER_TAP).cloned().collect()
    }

    /// Whether a listed torrent, as the account shows it now, is still one to act on.
    fn still_applies(self, now: &TorrentSummary) -> bool {
        match self {
            Self::DeleteFailed => now.status.is_failed(),
            Self::DeleteStalled => now.status.is_active(),
            Self::RetryMagnets => now.status.is_magnet_error(),
        }
    }
}

/// A signed action link: `{action}/{listing}/{expires}/{code}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub action: Action,
    /// The keyed digest of the listing's torrent ids.
    pub listing: String,
    pub expires_ms: u64,
    pub code: String,
}

impl Ticket {
    /// The ticket's path segments, after `/{config}/rd/cleanup/`.
    pub fn path(&self) -> String {
        let Self {
            action,
            listing,
            expires_ms,
            code,
        } = self;
        format!("{}/{listing}/{expires_ms}/{code}", action.as_str())
    }
}

/// What a tap did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Deleted(usize),
    Retried(usize),
    /// Nothing of the listing needed it any more.
    Nothing,
    /// The link is stale or forged: nothing was done.
    Expired,
    /// Real-Debrid could not be asked.
    Failed,
}

impl Outcome {
    /// The status video under `/static/` saying what was done.
    pub fn file(self) -> String {
        match self {
            Self::Deleted(count) => format!("status/cleanup/deleted-{count}.mp4"),
            Self::Retried(count) => format!("status/cleanup/retried-{count}.mp4"),
            Self::Nothing => "status/cleanup/nothing.mp4".to_owned(),
            Self::Expired => "status/cleanup/expired.mp4".to_owned(),
            Self::Failed => "status/cleanup/failed.mp4".to_owned(),
        }
    }
}

/// One offered action.
pub struct Offer {
    pub action: Action,
    pub targets: Vec<Listed>,
    pub ticket: Ticket,
}

/// Issues and redeems clean-up tickets. Cheap to clone.
#[derive(Clone)]
pub struct Cleanup {
    rd: RealDebrid,
    ledger: AddedLedger,
    library: Library,
    health: Health,
    hasher: TokenHasher,
    listings: CacheFamily<Vec<Listed>, ()>,
    done: CacheFamily<Outcome, ()>,
}

impl Cleanup {
    pub fn new(
        rd: RealDebrid,
        ledger: AddedLedger,
        library: Library,
        health: Health,
        cache: &Cache,
    ) -> Self {
        Self {
            rd,
            ledger,
            library,
            health,
            hasher: cache.token_hasher().clone(),
            listings: cache.family("rd_cleanup_listing", |_: &Result<Vec<Listed>, ()>| {
                Policy::only_fresh(TICKET_LIFETIME)
            }),
            done: cache
                .family("rd_cleanup_done", |outcome: &Result<Outcome, ()>| {
                    Policy::only_fresh(match outcome {
                        Ok(Outcome::Failed) | Err(()) => Duration::from_secs(5),
                        _ => TICKET_LIFETIME,
                    })
                })
                // Longer than any run: a tap on another instance waits for the outcome and
                // never runs the action a second time.
                .waiting_at_most(TICKET_LIFETIME),
        }
    }

    /// The actions the report calls for, each with its ticket (its listing kept 10 minutes).
    pub async fn offers(&self, token: &DebridToken, report: &Report) -> Vec<Offer> {
        let account = self.hasher.hash(token);
        let expires_ms = now_ms() + millis(TICKET_LIFETIME);
        let mut offers = Vec::new();
        for action in Action::ALL {
            let targets = action.targets(report);
            if targets.is_empty() {
                continue;
            }
            let ids: Vec<&str> = targets.iter().map(|t| t.id.as_str()).collect();
            let listing = self.hasher.sign(&ids.join(","));
            self.listings
                .put(
                    &listing_key(&account, action, &listing),
                    Ok(targets.clone()),
                )
                .await;
            let code = self
                .hasher
                .sign(&signed(&account, action, &listing, expires_ms));
            offers.push(Offer {
                action,
                targets,
                ticket: Ticket {
                    action,
                    listing,
                    expires_ms,
                    code,
                },
            });
        }
        offers
    }

    /// Runs a ticket's action once, whatever the number of taps and instances; what was done.
    pub async fn redeem(&self, token: &DebridToken, ticket: &Ticket) -> Outcome {
        let account = self.hasher.hash(token);
        let message = signed(&account, ticket.action, &ticket.listing, ticket.expires_ms);
        let fresh = is_fresh(now_ms(), ticket.expires_ms);
        if !self.hasher.verify(&message, &ticket.code) || !fresh {
            tracing::info!(
                action = ticket.action.as_str(),
                "clean-up link refused: stale or forged"
            );
            return Outcome::Expired;
        }
        let key = listing_key(&account, ticket.action, &ticket.listing);
        let Some(Ok(targets)) = self.listings.peek(&key).await else {
            return Outcome::Expired;
        };
        let done_key = format!("{account}:{}", ticket.code);
        let (this, owned, action) = (self.clone(), token.clone(), ticket.action);
        let run = move || {
            let (this, token, targets, account) = (
                this.clone(),
                owned.clone(),
                targets.clone(),
                account.clone(),
            );
            async move { Ok(this.run(&token, &account, action, targets).await) }
        };

        self.done
            .get_or_fetch(&done_key, run)
            .await
            .unwrap_or(Outcome::Failed)
    }

    /// Acts on the listed torrents that are still in the account in the state they were listed
    /// in; nothing else is touched.
    async fn run(
        &self,
        token: &DebridToken,
        account: &str,
        action: Action,
        targets: Vec<Listed>,
    ) -> Outcome {
        let Ok(current) = list_pages(&self.rd, token, SCAN_PAGES).await else {
            return Outcome::Failed;
        };
        let due: Vec<Listed> = targets
            .into_iter()
            .filter(|t| {
                current
                    .iter()
                    .any(|c| c.id == t.id && action.still_applies(c))
            })
            .collect();
        if due.is_empty() {
            return Outcome::Nothing;
        }
        let done = stream::iter(due)
            .map(|torrent| self.act(token, account, action, torrent))
            .buffer_unordered(IN_FLIGHT)
            .filter(|acted| std::future::ready(*acted))
            .count()
            .await;
        self.library.forget(token).await;
        self.health.forget(token).await;
        tracing::info!(
            action = action.as_str(),
            count = done,
            "clean-up action ran"
        );
        match (action, done) {
            (_, 0) => Outcome::Failed,
            (Action::RetryMagnets, count) => Outcome::Retried(count),
            (_, count) => Outcome::Deleted(count),
        }
    }

    /// Deletes one torrent or, for a retry, adds it again with a rebuilt magnet and then
    /// deletes the failed copy: a refused add never loses the user's torrent.
    async fn act(
        &self,
        token: &DebridToken,
        account: &str,
        action: Action,
        torrent: Listed,
    ) -> bool {
        if action == Action::RetryMagnets && !self.add_again(token, account, &torrent).await {
            return false;
        }
        if self.rd.delete_torrent(token, &torrent.id).await.is_err() {
            return false;
        }
        self.ledger.forget(account, &torrent.id).await;
        true
    }

    /// Adds a failed torrent again with a rebuilt magnet. The new copy is Ferrio's only if the
    /// failed one was.
    async fn add_again(&self, token: &DebridToken, account: &str, torrent: &Listed) -> bool {
        let Some(hash) = InfoHash::parse(&torrent.hash) else {
            return false;
        };
        let rebuilt = magnet::rebuilt(&hash, &torrent.trackers);
        let Ok(added) = self.rd.add_magnet(token, rebuilt, None).await else {
            return false;
        };
        if torrent.ferrios {
            let trackers = torrent.trackers.clone();
            self.ledger.remember(account, &added.id, trackers).await;
        }
        true
    }
}

/// Whether a ticket expiring at `expires_ms` still works at `now_ms`: not past its expiry, and
/// not expiring later than a ticket made now would (a minute's leeway for instances' clocks).
fn is_fresh(now_ms: u64, expires_ms: u64) -> bool {
    now_ms <= expires_ms && expires_ms <= now_ms + millis(TICKET_LIFETIME) + 60_000
}

fn listing_key(account: &str, action: Action, listing: &str) -> String {
    format!("{account}:{}:{listing}", action.as_str())
}

/// What a ticket's code signs: the account, the action, the listing and the expiry.
fn signed(account: &str, action: Action, listing: &str, expires_ms: u64) -> String {
    format!(
        "cleanup|{account}|{}|{listing}|{expires_ms}",
        action.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_works_ten_minutes_and_never_beyond_what_was_issued() {
        let issued = 1_000_000_000;
        let expires = issued + millis(TICKET_LIFETIME);
        assert!(is_fresh(issued, expires));
        assert!(is_fresh(expires, expires), "up to its expiry");
        assert!(!is_fresh(expires + 1, expires), "stale a millisecond later");
        assert!(
            !is_fresh(issued, expires + 3_600_000),
            "an expiry pushed an hour later"
        );
    }
}
