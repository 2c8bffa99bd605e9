//! Turning a torrent and a file into a Real-Debrid download link for one viewer.
//!
//! One tap in Stremio sends a HEAD and up to twenty GETs for the same URL, and they may land on
//! different instances. A resolution is therefore cached per (account, torrent, file, viewer
//! address) and computed once at a time across instances through the cache's single-flight.
//! It has two steps: getting the file ready in the account ([`super::prepare`], once per
//! account, whatever the address) and unrestricting its link for the viewer's address.
//!
//! Why per address: Real-Debrid hands out download links for the address named in `ip`, and
//! watches accounts used from several addresses at once. A link asked for the phone on mobile
//! data is not handed to the TV at home; the TV's tap unrestricts its own link, which costs one
//! call, since the account-level work is shared.

use super::{
    added::AddedLedger,
    availability::Availability,
    library::Library,
    magnet::TrackerLookup,
    prepare::{FAILURE_TTL, PREPARE_DEADLINE, Preparer, status_ttl},
    realdebrid::{RdError, RealDebrid},
    select,
    status::StatusVideo,
    target::Target,
    verdicts::Verdicts,
};
use crate::{
    cache::{Cache, CacheFamily, Policy, TokenHasher},
    client_address::{ClientAddress, ClientKey},
    protocol::config::DebridToken,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Real-Debrid download links stay valid for hours; keep them a little less.
const LINK_TTL: Duration = Duration::from_secs(3 * 3600);

/// What a resolve URL leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    /// A direct download URL.
    Link(String),
    /// Not playable now, and why.
    Status(StatusVideo),
}

/// Who asks: the account's token, the viewer's public address when known, the client the
/// request counts against, what the user lets Ferrio do in the account, and where the played
/// torrent's trackers can be learnt.
#[derive(Clone, Copy)]
pub struct Viewer<'a> {
    pub token: &'a DebridToken,
    pub address: Option<ClientAddress>,
    pub client: ClientKey,
    pub care: AccountCare,
    pub trackers: Option<&'a TrackerLookup>,
}

/// What the user's config lets Ferrio do in their account when a torrent is played.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountCare {
    /// `cleanFailed`: a failed copy of the torrent is deleted before the add.
    pub clean_failed: bool,
    /// `freeSlots`: at the active-downloads limit, the oldest stalled download Ferrio added is
    /// deleted to make room.
    pub free_slots: bool,
}

/// Resolves targets for viewers. Cheap to clone.
#[derive(Clone)]
pub struct Resolver {
    rd: RealDebrid,
    availability: Availability,
    verdicts: Verdicts,
    preparer: Preparer,
    resolved: CacheFamily<Resolution, ()>,
    hasher: TokenHasher,
}

impl Resolver {
    /// A resolver over the Real-Debrid client and the cache.
    pub fn new(
        rd: RealDebrid,
        cache: &Cache,
        availability: Availability,
        library: Library,
        verdicts: Verdicts,
        ledger: AddedLedger,
    ) -> Self {
        let resolved = cache
            .family(
                "rd_resolved",
                |result: &Result<Resolution, ()>| match result {
                    Ok(Resolution::Link(_)) => Policy::only_fresh(LINK_TTL),
                    Ok(Resolution::Status(video)) => Policy::only_fresh(status_ttl(*video)),
                    Err(()) => Policy::only_fresh(FAILURE_TTL),
                },
            )
            // Above the slowest resolution: the preparation's deadline and one unrestrict.
            .waiting_at_most(PREPARE_DEADLINE + Duration::from_secs(20));
        Self {
            preparer: Preparer::new(rd.clone(), library, verdicts.clone(), ledger, cache),
            rd,
            availability,
            verdicts,
            resolved,
            hasher: cache.token_hasher().clone(),
        }
    }

    /// The resolution of `target` for the viewer: cached, or computed once.
    pub async fn resolve(&self, viewer: Viewer<'_>, target: &Target) -> Resolution {
        let account = self.hasher.hash(viewer.token);
        let address = viewer
            .address
            .map_or_else(|| "-".to_owned(), |a| self.hasher.hash_address(&a));
        let key = format!("{account}:{}:{}:{address}", target.hash, target.selector);
        let this = self.clone();
        let (token, address, client, care, trackers, target) = (
            viewer.token.clone(),
            viewer.address,
            viewer.client,
            viewer.care,
            viewer.trackers.cloned(),
            target.clone(),
        );
        let fetch = move || {
            let (this, token, account, target, trackers) = (
                this.clone(),
                token.clone(),
                account.clone(),
                target.clone(),
                trackers.clone(),
            );
            async move {
                let viewer = Viewer {
                    token: &token,
                    address,
                    client,
                    care,
                    trackers: trackers.as_ref(),
                };
                Ok(this.resolve_now(viewer, &account, &target).await)
            }
        };
        self.resolved
            .get_or_fetch(&key, fetch)
            .await
            .unwrap_or(Resolution::Status(StatusVideo::Unexpected))
    }

    /// Asks Real-Debrid, records what was learnt about the torrent (scoped to the account
    /// until several accounts agree), and logs failures with the hash and the reason — never
    /// the token or the address.
    async fn resolve_now(&self, viewer: Viewer<'_>, account: &str, target: &Target) -> Resolution {
        let file = target.file_key();
        match self.link(viewer, account, target).await {
            Ok(link) => {
                tokio::join!(
                    self.availability
                        .record_playable(&target.hash, &file, account),
                    self.verdicts.clear(&target.hash),
                );
                Resolution::Link(link)
            }
            Err(video) => {
                self.record_setback(viewer.token, account, target, video)
                    .await;
                tracing::info!(hash = %target.hash, reason = video.reason(), "resolve not playable");
                Resolution::Status(video)
            }
        }
    }

    /// What a failed resolution says about the torrent, recorded for this account.
    async fn record_setback(
        &self,
        token: &DebridToken,
        account: &str,
        target: &Target,
        video: StatusVideo,
    ) {
        if video == StatusVideo::Infringing {
            // A throttled account is answered 451 for perfectly legal torrents: a penalty,
            // not a verdict on the torrent.
            if self.rd.recently_throttled(token).await {
                tracing::info!(hash = %target.hash, "451 while the account is rate-limited; not recorded");
            } else {
                self.availability
                    .record_refused(&target.hash, account)
                    .await;
            }
        } else if video == StatusVideo::Downloading || video.torrent_is_dead() {
            self.availability
                .record_not_playable(&target.hash, &target.file_key(), account)
                .await;
        }
    }

    /// The download link for the viewer, or the video saying why there is none.
    async fn link(
        &self,
        viewer: Viewer<'_>,
        account: &str,
        target: &Target,
    ) -> Result<String, StatusVideo> {
        let restricted = self.preparer.link(viewer, account, target).await?;
        match self
            .rd
            .unrestrict(viewer.token, &restricted, viewer.address.as_ref())
            .await
        {
            Ok(unrestricted) if select::is_video(&unrestricted.filename) => {
                Ok(unrestricted.download)
            }
            Ok(_) => Err(StatusVideo::NoVideo),
            Err(error) => {
                if error == RdError::UnknownResource {
                    // The torrent left the account since it was prepared: prepare it again
                    // on the next tap.
                    self.preparer.forget(account, target).await;
                }
                Err(StatusVideo::for_error(&error))
            }
        }
    }
}
