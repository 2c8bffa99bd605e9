//! Getting a torrent's file ready in one account: find the torrent there or add it, wait
//! (bounded) through magnet conversion, select the file. The outcome is the file's
//! `https://real-debrid.com/d/…` link, which any address of the account can then unrestrict.
//!
//! This is the step that changes the account, so it runs once per (account, torrent, file)
//! across every instance: a cache family with single-flight whose lock is renewed while the
//! work goes on, and whose waiters wait as long as the slowest preparation can take.

use super::{
    added::AddedLedger,
    library::Library,
    magnet::{self, TrackerLookup},
    realdebrid::{
        RdError, RealDebrid,
        types::{TorrentInfo, TorrentStatus, TorrentSummary},
    },
    resolve::{AccountCare, Viewer},
    select::{self, FileSelector},
    slots::Slots,
    status::StatusVideo,
    target::Target,
    verdicts::Verdicts,
};
use crate::{
    cache::{Cache, CacheFamily, Policy},
    client_address::ClientAddress,
    protocol::config::DebridToken,
};
use std::time::Duration;
use tokio::time::Instant;

/// How long to wait for Real-Debrid to read a magnet before calling it "downloading": within
/// what a player waits for a HEAD.
const CONVERSION_WAIT: Duration = Duration::from_secs(6);
/// The longest a preparation may take, Real-Debrid's slowness included; past it the tap is
/// told "unavailable" and the next tap finds whatever was done in the account.
pub const PREPARE_DEADLINE: Duration = Duration::from_secs(40);
/// A ready file's link stays valid while the torrent stays in the account.
const READY_TTL: Duration = Duration::from_secs(3600);
/// A torrent being downloaded is checked again on the next tap, soon.
pub const DOWNLOADING_TTL: Duration = Duration::from_secs(20);
/// An outage is kept just long enough to absorb the requests of one tap.
pub const UNAVAILABLE_TTL: Duration = Duration::from_secs(5);
/// Other failures are kept a minute.
pub const FAILURE_TTL: Duration = Duration::from_secs(60);

/// Prepares files in accounts. Cheap to clone.
#[derive(Clone)]
pub struct Preparer {
    rd: RealDebrid,
    library: Library,
    verdicts: Verdicts,
    ledger: AddedLedger,
    slots: Slots,
    prepared: CacheFamily<String, StatusVideo>,
}

/// One preparation: who asks, for which account, and what they allow.
struct Job<'a> {
    token: &'a DebridToken,
    account: &'a str,
    address: Option<&'a ClientAddress>,
    care: AccountCare,
    trackers: Option<&'a TrackerLookup>,
}

impl Preparer {
    pub fn new(
        rd: RealDebrid,
        library: Library,
        verdicts: Verdicts,
        ledger: AddedLedger,
        cache: &Cache,
    ) -> Self {
        let prepared = cache
            .family("rd_prepared", |result: &Result<String, StatusVideo>| {
                Policy::only_fresh(match result {
                    Ok(_) => READY_TTL,
                    Err(video) => status_ttl(*video),
                })
            })
            .waiting_at_most(PREPARE_DEADLINE + Duration::from_secs(10));
        Self {
            slots: Slots::new(rd.clone(), ledger.clone()),
            rd,
            library,
            verdicts,
            ledger,
            prepared,
        }
    }

    /// The file's restricted link in the account (keyed by `account`, the token's keyed hash),
    /// or the video saying why there is none: cached, or computed once across instances.
    pub async fn link(
        &self,
        viewer: Viewer<'_>,
        account: &str,
        target: &Target,
    ) -> Result<String, StatusVideo> {
        let key = format!("{account}:{}:{}", target.hash, target.selector);
        let this = self.clone();
        let (token, target, account_owned) =
            (viewer.token.clone(), target.clone(), account.to_owned());
        let (address, care, trackers) = (viewer.address, viewer.care, viewer.trackers.cloned());
        let fetch = move || {
            let (this, token, target, account, trackers) = (
                this.clone(),
                token.clone(),
                target.clone(),
                account_owned.clone(),
                trackers.clone(),
            );
            async move {
                let job = Job {
                    token: &token,
                    account: &account,
                    address: address.as_ref(),
                    care,
                    trackers: trackers.as_ref(),
                };
                let work = this.prepare(&job, &target);
                tokio::time::timeout(PREPARE_DEADLINE, work)
                    .await
                    .unwrap_or(Err(StatusVideo::Unavailable))
            }
        };
        self.prepared.get_or_fetch(&key, fetch).await
    }

    /// Forgets a prepared link that no longer works (the user deleted the torrent).
    pub async fn forget(&self, account: &str, target: &Target) {
        let key = format!("{account}:{}:{}", target.hash, target.selector);
        self.prepared.forget(&key).await;
    }

    async fn prepare(&self, job: &Job<'_>, target: &Target) -> Result<String, StatusVideo> {
        let token = job.token;
        let (info, added) = self.torrent_with_file(job, target).await?;
        if added {
            // The account changed: its cached listing (library catalog, "in your library"
            // markers) must show it now, not minutes later.
            self.library.forget(token).await;
        }
        let info = self.with_selection(token, info, target.selector).await?;
        match info.status {
            TorrentStatus::Downloaded => selected_link(&info, target.selector)
                .cloned()
                .ok_or(StatusVideo::NoVideo),
            status if status.is_failed() => {
                self.verdicts.record(&target.hash, status).await;
                if added {
                    // A dead torrent Ferrio added is junk in the user's account.
                    let _ = self.rd.delete_torrent(token, &info.id).await;
                    self.ledger.forget(job.account, &info.id).await;
                    self.library.forget(token).await;
                }
                Err(StatusVideo::MagnetFailed)
            }
            _ => Err(StatusVideo::Downloading),
        }
    }

    /// The user's torrent for the hash when it already holds the wanted file, else a new one;
    /// `true` when Ferrio added it.
    async fn torrent_with_file(
        &self,
        job: &Job<'_>,
        target: &Target,
    ) -> Result<(TorrentInfo, bool), StatusVideo> {
        let failed = |error: RdError| StatusVideo::for_error(&error);
        let token = job.token;
        let page = self.rd.torrents(token, 1, 100).await.map_err(failed)?;
        let rebuild =
            job.care.clean_failed && self.delete_failed_copies(job, target, &page.torrents).await;
        let existing = page.torrents.iter().find(|torrent| {
            torrent.hash.eq_ignore_ascii_case(target.hash.as_str()) && !torrent.status.is_failed()
        });
        if let Some(existing) = existing {
            let info = self
                .rd
                .torrent_info(token, &existing.id)
                .await
                .map_err(failed)?;
            // A downloaded torrent whose selection lacks the wanted file (another episode of a
            // pack) cannot be reselected: add the torrent again for this file.
            let usable = info.status != TorrentStatus::Downloaded
                || selected_link(&info, target.selector).is_some();
            if usable {
                return Ok((info, false));
            }
        }
        let added = self.add(job, target, rebuild).await.map_err(failed)?;
        let info = self.rd.torrent_info(token, &added).await.map_err(failed)?;
        Ok((info, true))
    }

    /// Adds the torrent — with a rebuilt magnet after a `magnet_error` copy, and once more
    /// after freeing a slot when the account is full and the user allows it — and remembers
    /// that Ferrio added it. Returns its id.
    async fn add(&self, job: &Job<'_>, target: &Target, rebuild: bool) -> Result<String, RdError> {
        let trackers = magnet::trackers(job.trackers, &target.hash).await;
        let magnet = if rebuild {
            magnet::rebuilt(&target.hash, &trackers)
        } else {
            magnet::bare(&target.hash)
        };
        let added = match self
            .rd
            .add_magnet(job.token, magnet.clone(), job.address)
            .await
        {
            Err(RdError::TooManyActiveDownloads)
                if job.care.free_slots && self.slots.free_one(job.token, job.account).await =>
            {
                self.rd.add_magnet(job.token, magnet, job.address).await
            }
            other => other,
        }?;
        self.ledger.remember(job.account, &added.id, trackers).await;
        Ok(added.id)
    }

    /// Deletes the account's copies of the torrent that Real-Debrid failed (`magnet_error`,
    /// `error`, `virus`, `dead`): junk that would otherwise stay, and that a new add replaces.
    /// A healthy copy is never touched. `true` when a deleted copy was a `magnet_error`, whose
    /// re-add then uses a rebuilt magnet.
    async fn delete_failed_copies(
        &self,
        job: &Job<'_>,
        target: &Target,
        torrents: &[TorrentSummary],
    ) -> bool {
        let failed = torrents.iter().filter(|torrent| {
            torrent.hash.eq_ignore_ascii_case(target.hash.as_str()) && torrent.status.is_failed()
        });
        let (mut deleted, mut magnet_error) = (false, false);
        for copy in failed {
            if self.rd.delete_torrent(job.token, &copy.id).await.is_ok() {
                tracing::info!(hash = %target.hash, status = ?copy.status, "failed copy deleted before a new add");
                self.ledger.forget(job.account, &copy.id).await;
                deleted = true;
                magnet_error |= copy.status == TorrentStatus::MagnetError;
            }
        }
        if deleted {
            self.library.forget(job.token).await;
        }
        magnet_error
    }

    /// Waits (bounded) through magnet conversion, then selects the wanted file if nothing is
    /// selected yet, and returns the torrent's state after that.
    async fn with_selection(
        &self,
        token: &DebridToken,
        mut info: TorrentInfo,
        selector: FileSelector,
    ) -> Result<TorrentInfo, StatusVideo> {
        let failed = |error: RdError| StatusVideo::for_error(&error);
        let deadline = Instant::now() + CONVERSION_WAIT;
        let mut pause = Duration::from_millis(250);
        while matches!(
            info.status,
            TorrentStatus::MagnetConversion | TorrentStatus::Unknown
        ) {
            if Instant::now() + pause > deadline {
                return Err(StatusVideo::Downloading);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(1));
            info = self
                .rd
                .torrent_info(token, &info.id)
                .await
                .map_err(failed)?;
        }
        if info.status != TorrentStatus::WaitingFilesSelection {
            return Ok(info);
        }
        let file = select::choose(&info.files, selector).ok_or(StatusVideo::NoVideo)?;
        // Only the video is selected, so Real-Debrid links it alone instead of packing the
        // selection into an archive.
        self.rd
            .select_files(token, &info.id, &[file.id])
            .await
            .map_err(failed)?;
        self.rd.torrent_info(token, &info.id).await.map_err(failed)
    }
}

/// How long a failed outcome is kept: long enough to absorb one tap's burst of requests, short
/// enough that the next tap asks again.
pub fn status_ttl(video: StatusVideo) -> Duration {
    match video {
        StatusVideo::Downloading => DOWNLOADING_TTL,
        StatusVideo::Unavailable => UNAVAILABLE_TTL,
        _ => FAILURE_TTL,
    }
}

/// The `links` entry of the wanted file among the selected ones (links follow the selected
/// files in file order), or `None` when the wanted file is not selected.
fn selected_link(info: &TorrentInfo, selector: FileSelector) -> Option<&String> {
    let mut selected: Vec<_> = info
        .files
        .iter()
        .filter(|file| file.selected)
        .cloned()
        .collect();
    selected.sort_by_key(|file| file.id);
    let chosen = select::choose_exact(&selected, selector)?;
    let position = selected.iter().position(|file| file.id == chosen.id)?;
    info.links.get(position)
}
