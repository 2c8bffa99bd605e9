//! Making room at Real-Debrid's active-downloads limit (`freeSlots`): the oldest download that
//! Ferrio itself added and that has not progressed for a day is deleted. A torrent the user
//! added is never touched, nor one of Ferrio's that is still moving.

use super::{
    added::AddedLedger,
    library::{SCAN_PAGES, list_pages},
    realdebrid::RealDebrid,
};
use crate::{clock::now_ms, protocol::config::DebridToken, upstream::UpstreamError};

/// Frees download slots. Cheap to clone.
#[derive(Clone)]
pub struct Slots {
    rd: RealDebrid,
    ledger: AddedLedger,
}

impl Slots {
    pub fn new(rd: RealDebrid, ledger: AddedLedger) -> Self {
        Self { rd, ledger }
    }

    /// Deletes the oldest stalled download Ferrio added to the account (`account`: the token's
    /// keyed hash); `true` when one was deleted.
    pub async fn free_one(&self, token: &DebridToken, account: &str) -> bool {
        let torrents = match list_pages(&self.rd, token, SCAN_PAGES).await {
            Ok(torrents) => torrents,
            Err(error) => {
                tracing::info!(
                    reason = error.outcome(),
                    "no slot freed: the account could not be listed"
                );
                return false;
            }
        };
        let now = now_ms();
        let entries = self.ledger.of_listing(account, &torrents, now).await;
        let oldest = torrents
            .iter()
            .zip(entries)
            .filter(|(torrent, entry)| {
                entry
                    .as_ref()
                    .is_some_and(|entry| entry.is_stalled(torrent, torrent.added_ms(), now))
            })
            .map(|(torrent, _)| torrent)
            .min_by_key(|torrent| torrent.added_ms());
        let Some(oldest) = oldest else {
            tracing::info!("no slot freed: no stalled download of Ferrio's in the account");
            return false;
        };
        match self.rd.delete_torrent(token, &oldest.id).await {
            Ok(()) => {
                self.ledger.forget(account, &oldest.id).await;
                tracing::info!(hash = %oldest.hash, "stalled download deleted to free a slot");
                true
            }
            Err(error) => {
                tracing::info!(reason = error.outcome(), "no slot freed: the delete failed");
                false
            }
        }
    }
}
