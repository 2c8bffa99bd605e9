//! An account's health, as the first item of the Real-Debrid library catalog shows it:
//! `🧹 Account health — 7 failed · 2 stalled · 43/50 active`. Failed torrents are those in a
//! terminal status Real-Debrid will never play; stalled ones are downloads Ferrio added that
//! have not moved for a day. The whole account is scanned ([`SCAN_PAGES`]), so a failed
//! torrent on its sixth page counts too.

use super::{
    added::AddedLedger,
    library::{SCAN_PAGES, list_pages},
    realdebrid::{
        RdError, RealDebrid,
        types::{ActiveCount, TorrentStatus, TorrentSummary},
    },
};
use crate::{
    cache::{Cache, CacheFamily, Policy, TokenHasher},
    clock::now_ms,
    protocol::config::DebridToken,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A report stays a minute: the catalog page, the item's meta and its streams are asked for
/// one after the other while the user opens it.
const REPORT_TTL: Duration = Duration::from_secs(60);

/// One torrent a clean-up may touch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listed {
    pub id: String,
    pub hash: String,
    pub status: TorrentStatus,
    /// The trackers known for it (Ferrio's own adds), for a rebuilt magnet.
    pub trackers: Vec<String>,
    /// Ferrio added it (the ledger holds it): a retried copy of the user's own torrent stays
    /// the user's, never one `freeSlots` or "delete stalled" may take.
    #[serde(default)]
    pub ferrios: bool,
}

/// What the health item shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Torrents in `magnet_error`, `error`, `virus` or `dead`, newest first.
    pub failed: Vec<Listed>,
    /// Downloads Ferrio added that have not progressed for 24 h, newest first.
    pub stalled: Vec<Listed>,
    /// Real-Debrid's `activeCount`, when it answered.
    pub active: Option<(u32, u32)>,
}

impl Report {
    /// `🧹 Account health — 7 failed · 2 stalled · 43/50 active`.
    pub fn title(&self) -> String {
        let mut title = format!(
            "🧹 Account health — {} failed · {} stalled",
            self.failed.len(),
            self.stalled.len()
        );
        if let Some((nb, limit)) = self.active {
            title.push_str(&format!(" · {nb}/{limit} active"));
        }
        title
    }

    /// The failed torrents counted per status: `3 magnet_error · 1 virus`.
    pub fn failed_by_status(&self) -> String {
        let statuses = [
            (TorrentStatus::MagnetError, "magnet_error"),
            (TorrentStatus::Error, "error"),
            (TorrentStatus::Virus, "virus"),
            (TorrentStatus::Dead, "dead"),
        ];
        statuses
            .iter()
            .filter_map(|(status, name)| {
                let count = self.failed.iter().filter(|t| &t.status == status).count();
                (count > 0).then(|| format!("{count} {name}"))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// Reads accounts' health. Cheap to clone.
#[derive(Clone)]
pub struct Health {
    rd: RealDebrid,
    ledger: AddedLedger,
    reports: CacheFamily<Report, RdError>,
    hasher: TokenHasher,
}

impl Health {
    pub fn new(rd: RealDebrid, ledger: AddedLedger, cache: &Cache) -> Self {
        Self {
            rd,
            ledger,
            reports: cache.family("rd_health", |result: &Result<Report, RdError>| {
                Policy::only_fresh(if result.is_ok() {
                    REPORT_TTL
                } else {
                    Duration::ZERO
                })
            }),
            hasher: cache.token_hasher().clone(),
        }
    }

    /// The account's report: cached a minute, or scanned once across instances.
    pub async fn report(&self, token: &DebridToken) -> Result<Report, RdError> {
        let account = self.hasher.hash(token);
        let (this, owned, key) = (self.clone(), token.clone(), account.clone());
        let fetch = move || {
            let (this, token, account) = (this.clone(), owned.clone(), key.clone());
            async move { this.scan(&token, &account).await }
        };
        self.reports.get_or_fetch(&account, fetch).await
    }

    /// Drops the cached report after a clean-up changed the account.
    pub async fn forget(&self, token: &DebridToken) {
        self.reports.forget(&self.hasher.hash(token)).await;
    }

    /// Lists the whole account and sorts out its failed and stalled torrents.
    pub async fn scan(&self, token: &DebridToken, account: &str) -> Result<Report, RdError> {
        let (torrents, active) = tokio::join!(
            list_pages(&self.rd, token, SCAN_PAGES),
            self.rd.active_count(token)
        );
        let torrents = torrents?;
        Ok(self.sort_out(account, &torrents, active.ok()).await)
    }

    async fn sort_out(
        &self,
        account: &str,
        torrents: &[TorrentSummary],
        active: Option<ActiveCount>,
    ) -> Report {
        let now = now_ms();
        let entries = self.ledger.of_listing(account, torrents, now).await;
        let mut report = Report {
            failed: Vec::new(),
            stalled: Vec::new(),
            active: active.map(|count| (count.nb, count.limit)),
        };
        for (torrent, entry) in torrents.iter().zip(entries) {
            let listed = Listed {
                id: torrent.id.clone(),
                hash: torrent.hash.to_ascii_lowercase(),
                status: torrent.status.clone(),
                trackers: entry
                    .as_ref()
                    .map(|e| e.trackers.clone())
                    .unwrap_or_default(),
                ferrios: entry.is_some(),
            };
            if torrent.status.is_failed() {
                report.failed.push(listed);
            } else if entry.is_some_and(|e| e.is_stalled(torrent, torrent.added_ms(), now)) {
                report.stalled.push(listed);
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(status: TorrentStatus) -> Listed {
        Listed {
            id: "A".into(),
            hash: "h".into(),
            status,
            trackers: Vec::new(),
            ferrios: false,
        }
    }

    #[test]
    fn the_title_counts_failed_stalled_and_active_torrents() {
        let report = Report {
            failed: vec![
                listed(TorrentStatus::MagnetError),
                listed(TorrentStatus::Dead),
                listed(TorrentStatus::MagnetError),
            ],
            stalled: vec![listed(TorrentStatus::Downloading)],
            active: Some((43, 50)),
        };
        assert_eq!(
            report.title(),
            "🧹 Account health — 3 failed · 1 stalled · 43/50 active"
        );
        assert_eq!(report.failed_by_status(), "2 magnet_error · 1 dead");
    }
}
