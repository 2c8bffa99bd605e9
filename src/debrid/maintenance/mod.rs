//! Self-hosted maintenance of Real-Debrid accounts (opt-in: `RD_MAINTENANCE_TOKENS_FILE`):
//! the torrent manager Ferrio grew from, running in the background. Each account's newest page
//! is scanned for failed torrents every `RD_MAINTENANCE_FAILED_EVERY_SECS` and the whole
//! account every `RD_MAINTENANCE_LIBRARY_EVERY_SECS`, 100 torrents a page; each failed torrent
//! is treated by [`plan::decide`]. `RD_MAINTENANCE_DRY_RUN` (the default) only logs and counts
//! what would be done.
//!
//! One instance at a time runs a pass: each pass is an entry of a cache family keyed by its
//! period, so with Redis the instance that takes its lock runs it and the others wait for its
//! report; the attempts of each torrent (keyed by the token's keyed hash and the info hash,
//! kept 30 days) are shared the same way.

mod accounts;
pub mod plan;

use super::{
    added::AddedLedger,
    library::{SCAN_PAGES, list_pages},
    magnet,
    realdebrid::{RdError, RealDebrid, types::TorrentSummary},
};
use crate::{
    cache::{Cache, CacheFamily, Policy, TokenHasher},
    clock::{millis, now_ms},
    metrics::Metrics,
    protocol::{config::DebridToken, seal::Sealer, stream::InfoHash},
    settings,
};
use plan::{Attempts, Decision};
use serde::{Deserialize, Serialize};
use std::{sync::Arc, time::Duration};

/// How long a torrent's attempts, and an account's last report, are kept.
const HISTORY: Duration = Duration::from_secs(30 * 24 * 3600);

/// What one pass did (or would have done) in one account, or in all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub at_ms: u64,
    pub dry_run: bool,
    pub deleted: u32,
    pub retried: u32,
    pub gave_up: u32,
}

/// The maintenance. Cheap to clone.
#[derive(Clone)]
pub struct Maintenance {
    rd: RealDebrid,
    ledger: AddedLedger,
    accounts: Arc<[DebridToken]>,
    settings: settings::Maintenance,
    metrics: Metrics,
    hasher: TokenHasher,
    attempts: CacheFamily<Attempts, ()>,
    passes: CacheFamily<Report, ()>,
    reports: CacheFamily<Report, ()>,
}

/// The two scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The newest page of each account.
    Failed,
    /// Each whole account.
    Library,
}

impl Maintenance {
    /// The maintenance of the accounts in the settings' file (none when it is unset).
    pub fn new(
        settings: &settings::Maintenance,
        rd: RealDebrid,
        ledger: AddedLedger,
        cache: &Cache,
        metrics: Metrics,
        sealer: Option<&Sealer>,
    ) -> Self {
        let accounts = settings
            .tokens_file
            .as_deref()
            .map(|path| accounts::read(path, sealer))
            .unwrap_or_default();
        let longest = settings.failed_every.max(settings.library_every);
        Self {
            rd,
            ledger,
            accounts: accounts.into(),
            settings: settings.clone(),
            metrics,
            hasher: cache.token_hasher().clone(),
            attempts: cache.family("rd_maintenance_attempts", |_: &Result<Attempts, ()>| {
                Policy::only_fresh(HISTORY)
            }),
            passes: cache
                .family("rd_maintenance_pass", move |_: &Result<Report, ()>| {
                    Policy::only_fresh(longest)
                })
                // A pass may take minutes; another instance waits for its report rather than
                // run it too.
                .waiting_at_most(longest),
            reports: cache.family("rd_maintenance_report", |_: &Result<Report, ()>| {
                Policy::only_fresh(HISTORY)
            }),
        }
    }

    /// Starts the background loop when there are accounts to look after.
    pub fn spawn(self) {
        if self.accounts.is_empty() {
            return;
        }
        tracing::info!(
            accounts = self.accounts.len(),
            dry_run = self.settings.dry_run,
            "maintenance on"
        );
        tokio::spawn(async move {
            let tick = self.settings.failed_every.min(Duration::from_secs(60));
            let mut ticks = tokio::time::interval(tick);
            loop {
                ticks.tick().await;
                self.run_due(now_ms()).await;
            }
        });
    }

    /// Runs the passes whose period began since they last ran (once across instances).
    pub async fn run_due(&self, now_ms: u64) {
        for (pass, every) in [
            (Pass::Library, self.settings.library_every),
            (Pass::Failed, self.settings.failed_every),
        ] {
            let key = format!("{pass:?}:{}", now_ms / millis(every));
            let this = self.clone();
            let run = move || {
                let this = this.clone();
                async move { Ok(this.pass(pass, now_ms).await) }
            };
            let _ = self.passes.get_or_fetch(&key, run).await;
        }
    }

    /// One pass over every account, at `now_ms`.
    pub async fn pass(&self, pass: Pass, now_ms: u64) -> Report {
        let mut total = Report {
            at_ms: now_ms,
            dry_run: self.settings.dry_run,
            ..Report::default()
        };
        for token in self.accounts.iter() {
            let report = self.account(token, pass, now_ms).await;
            total.deleted += report.deleted;
            total.retried += report.retried;
            total.gave_up += report.gave_up;
        }
        tracing::info!(pass = ?pass, deleted = total.deleted, retried = total.retried, gave_up = total.gave_up, dry_run = total.dry_run, "maintenance pass done");
        total
    }

    /// The last report of the account, for its health item.
    pub async fn last_report(&self, token: &DebridToken) -> Option<Report> {
        self.reports.peek(&self.hasher.hash(token)).await?.ok()
    }

    async fn account(&self, token: &DebridToken, pass: Pass, now_ms: u64) -> Report {
        let pages = if pass == Pass::Failed { 1 } else { SCAN_PAGES };
        let mut report = Report {
            at_ms: now_ms,
            dry_run: self.settings.dry_run,
            ..Report::default()
        };
        let torrents = match list_pages(&self.rd, token, pages).await {
            Ok(torrents) => torrents,
            Err(error) => {
                tracing::info!(%error, "maintenance: account not listed");
                self.metrics.maintenance("failed", self.settings.dry_run);
                return report;
            }
        };
        let account = self.hasher.hash(token);
        for torrent in torrents.iter().filter(|t| t.status.is_failed()) {
            match self.treat(token, &account, torrent, now_ms).await {
                Decision::Delete => report.deleted += 1,
                Decision::Retry { .. } => report.retried += 1,
                Decision::GiveUp => report.gave_up += 1,
                Decision::Wait => {}
            }
        }
        self.reports.put(&account, Ok(report)).await;
        report
    }

    /// Decides and, unless in a dry run, acts on one failed torrent.
    async fn treat(
        &self,
        token: &DebridToken,
        account: &str,
        torrent: &TorrentSummary,
        now_ms: u64,
    ) -> Decision {
        let key = format!("{account}:{}", torrent.hash.to_ascii_lowercase());
        let history = self.attempts.peek(&key).await.and_then(Result::ok);
        let decision = plan::decide(
            &torrent.status,
            history.as_ref(),
            now_ms,
            self.settings.retry_after,
        );
        let dry_run = self.settings.dry_run;
        if decision != Decision::Wait {
            self.metrics.maintenance(decision.as_str(), dry_run);
            tracing::info!(hash = %torrent.hash, status = ?torrent.status, action = decision.as_str(), dry_run, "maintenance decision");
        }
        match (decision, history) {
            (Decision::Wait, None) => {
                self.attempts
                    .put(&key, Ok(Attempts::first_seen(now_ms)))
                    .await;
            }
            (Decision::Delete, _) if !dry_run => self.delete(token, account, &torrent.id).await,
            (Decision::Retry { rebuild }, Some(history)) if !dry_run => {
                self.retry(token, account, torrent, rebuild).await;
                self.attempts.put(&key, Ok(history.retried(now_ms))).await;
            }
            _ => {}
        }
        decision
    }

    async fn delete(&self, token: &DebridToken, account: &str, id: &str) {
        if self.rd.delete_torrent(token, id).await.is_ok() {
            self.ledger.forget(account, id).await;
        }
    }

    /// Adds the torrent again, then deletes the failed copy; a 451 on the add deletes it
    /// (infringing), a 429 leaves it for the next retry. The new copy is Ferrio's (in the
    /// ledger) only if the failed one was: a user's own torrent stays theirs, out of reach of
    /// `freeSlots` and "delete stalled".
    async fn retry(
        &self,
        token: &DebridToken,
        account: &str,
        torrent: &TorrentSummary,
        rebuild: bool,
    ) {
        let Some(hash) = InfoHash::parse(&torrent.hash) else {
            return;
        };
        let entry = self
            .ledger
            .of_listing(account, std::slice::from_ref(torrent), now_ms())
            .await
            .pop()
            .flatten();
        let ferrios = entry.is_some();
        let trackers = entry.map(|entry| entry.trackers).unwrap_or_default();
        let magnet = if rebuild {
            magnet::rebuilt(&hash, &trackers)
        } else {
            magnet::bare(&hash)
        };
        let dry_run = self.settings.dry_run;
        match self.rd.add_magnet(token, magnet, None).await {
            Ok(added) => {
                if ferrios {
                    self.ledger.remember(account, &added.id, trackers).await;
                }
                self.delete(token, account, &torrent.id).await;
            }
            Err(RdError::Infringing) => {
                self.metrics.maintenance("infringing", dry_run);
                self.delete(token, account, &torrent.id).await;
            }
            Err(RdError::TooManyRequests { .. }) => {
                self.metrics.maintenance("rate_limited", dry_run)
            }
            Err(error) => {
                tracing::info!(%error, hash = %torrent.hash, "maintenance: retry not added");
                self.metrics.maintenance("failed", dry_run);
            }
        }
    }
}
