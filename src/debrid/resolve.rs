//! Turning a torrent and a file into a Real-Debrid download link.
//!
//! One tap in Stremio sends a HEAD and up to twenty GETs for the same URL, so a resolution is
//! cached per (token, torrent, file) and computed once at a time — across instances with Redis —
//! through the cache's single-flight. A link lasts hours; a failure is kept briefly so the next
//! tap tries again soon.

use super::{
    availability::Availability,
    realdebrid::{
        RdError, RealDebrid,
        types::{TorrentInfo, TorrentStatus},
    },
    select::{self, FileSelector},
    status::StatusVideo,
};
use crate::{
    cache::{Cache, CacheFamily, Policy, TokenHasher},
    protocol::{config::DebridToken, stream::InfoHash},
};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::time::Instant;

/// Real-Debrid download links stay valid for hours; keep them a little less.
const LINK_TTL: Duration = Duration::from_secs(3 * 3600);
/// A torrent being downloaded is checked again on the next tap, soon.
const DOWNLOADING_TTL: Duration = Duration::from_secs(20);
/// Other failures are kept a minute: long enough to absorb a burst of taps.
const FAILURE_TTL: Duration = Duration::from_secs(60);
/// How long to wait for Real-Debrid to read a magnet before calling it "downloading": within
/// what a player waits for a HEAD.
const CONVERSION_WAIT: Duration = Duration::from_secs(6);

/// What a resolve URL leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    /// A direct download URL.
    Link(String),
    /// Not playable now, and why.
    Status(StatusVideo),
}

/// The torrent and file a resolve URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub hash: InfoHash,
    pub selector: FileSelector,
}

impl Target {
    /// The key of this target's shared availability record.
    pub fn file_key(&self) -> String {
        self.selector.to_string()
    }
}

/// Resolves targets for users. Cheap to clone.
#[derive(Clone)]
pub struct Resolver {
    rd: RealDebrid,
    availability: Availability,
    resolved: CacheFamily<Resolution, ()>,
    hasher: TokenHasher,
}

impl Resolver {
    /// A resolver over the Real-Debrid client and the cache.
    pub fn new(rd: RealDebrid, cache: &Cache, availability: Availability) -> Self {
        Self {
            rd,
            availability,
            resolved: cache.family(
                "rd_resolved",
                |result: &Result<Resolution, ()>| match result {
                    Ok(Resolution::Link(_)) => Policy::only_fresh(LINK_TTL),
                    Ok(Resolution::Status(StatusVideo::Downloading)) => {
                        Policy::only_fresh(DOWNLOADING_TTL)
                    }
                    _ => Policy::only_fresh(FAILURE_TTL),
                },
            ),
            hasher: cache.token_hasher().clone(),
        }
    }

    /// The resolution of `target` for the token's account: cached, or computed once.
    pub async fn resolve(&self, token: &DebridToken, target: &Target) -> Resolution {
        let key = format!(
            "{}:{}:{}",
            self.hasher.hash(token),
            target.hash,
            target.selector
        );
        let this = self.clone();
        let (token, target) = (token.clone(), target.clone());
        let fetch = move || {
            let (this, token, target) = (this.clone(), token.clone(), target.clone());
            async move { Ok(this.resolve_now(&token, &target).await) }
        };
        self.resolved
            .get_or_fetch(&key, fetch)
            .await
            .unwrap_or(Resolution::Status(StatusVideo::Unexpected))
    }

    /// Asks Real-Debrid, records what was learnt about the torrent, and logs failures with the
    /// hash and the reason — never the token.
    async fn resolve_now(&self, token: &DebridToken, target: &Target) -> Resolution {
        let file = target.file_key();
        match self.link(token, target).await {
            Ok(link) => {
                self.availability.record_playable(&target.hash, &file).await;
                Resolution::Link(link)
            }
            Err(video) => {
                if video == StatusVideo::Infringing {
                    self.availability.record_refused(&target.hash).await;
                }
                if video == StatusVideo::Downloading || video.torrent_is_dead() {
                    self.availability.forget(&target.hash, &file).await;
                }
                tracing::info!(hash = %target.hash, reason = video.reason(), "resolve not playable");
                Resolution::Status(video)
            }
        }
    }

    /// The download link, or the video saying why there is none.
    async fn link(&self, token: &DebridToken, target: &Target) -> Result<String, StatusVideo> {
        let (info, added) = self.torrent_with_file(token, target).await?;
        let info = self.with_selection(token, info, target.selector).await?;
        match info.status {
            TorrentStatus::Downloaded => {
                let link = selected_link(&info, target.selector).ok_or(StatusVideo::NoVideo)?;
                let unrestricted = self
                    .rd
                    .unrestrict(token, link)
                    .await
                    .map_err(|e| StatusVideo::for_error(&e))?;
                if select::is_video(&unrestricted.filename) {
                    Ok(unrestricted.download)
                } else {
                    Err(StatusVideo::NoVideo)
                }
            }
            status if status.is_failed() => {
                if added {
                    // A dead torrent Ferrio added is junk in the user's account.
                    let _ = self.rd.delete_torrent(token, &info.id).await;
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
        token: &DebridToken,
        target: &Target,
    ) -> Result<(TorrentInfo, bool), StatusVideo> {
        let failed = |error: RdError| StatusVideo::for_error(&error);
        let page = self.rd.torrents(token, 1, 100).await.map_err(failed)?;
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
        let added = self
            .rd
            .add_magnet(token, target.hash.as_str())
            .await
            .map_err(failed)?;
        let info = self
            .rd
            .torrent_info(token, &added.id)
            .await
            .map_err(failed)?;
        Ok((info, true))
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
