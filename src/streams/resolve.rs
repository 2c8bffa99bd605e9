//! What one tap on a Real-Debrid stream leads to: the resolution of its torrent and, when that
//! torrent itself is dead (refused as infringing, magnet failed, no video), the first of the
//! title's other likely-cached torrents that plays — within the time a player waits.

use super::Pipeline;
use crate::{
    debrid::{
        magnet::TrackerLookup,
        resolve::{Resolution, Viewer},
        status::StatusVideo,
        target::Target,
    },
    protocol::{config::UserConfig, request::VideoId, stream::InfoHash},
};
use std::{sync::Arc, time::Duration};
use tokio::time::Instant;

/// How many other torrents are tried when the chosen one is dead.
const FAILOVER_CANDIDATES: usize = 3;
/// Fail-over stops starting new attempts after this long, so the player is answered in time.
const FAILOVER_BUDGET: Duration = Duration::from_secs(15);

impl Pipeline {
    /// The resolution of `target` for the viewer; with the `video` the link was listed for,
    /// a dead torrent falls over to the next likely-cached one of the same video.
    pub async fn resolve(
        &self,
        viewer: Viewer<'_>,
        config: &UserConfig,
        target: &Target,
        video: Option<&VideoId>,
    ) -> Resolution {
        if let Err(error) = self.debrid.admit(viewer.token, viewer.client).await {
            return Resolution::Status(StatusVideo::for_error(&error));
        }
        let lookup = video.map(|video| self.tracker_lookup(video, config, viewer));
        let viewer = Viewer {
            trackers: lookup.as_ref(),
            ..viewer
        };
        let started = Instant::now();
        let resolution = self.debrid.resolver.resolve(viewer, target).await;
        match (&resolution, video) {
            (Resolution::Status(status), Some(video)) if status.torrent_is_dead() => self
                .fail_over(viewer, config, video, target, started)
                .await
                .unwrap_or(resolution),
            _ => resolution,
        }
    }

    /// Where the trackers of the video's torrents are learnt: the title's ranked releases
    /// (their source answers are cached from the list the tap came from).
    fn tracker_lookup(
        &self,
        video: &VideoId,
        config: &UserConfig,
        viewer: Viewer<'_>,
    ) -> TrackerLookup {
        let (this, video, config, client) =
            (self.clone(), video.clone(), config.clone(), viewer.client);
        Arc::new(move |hash: InfoHash| {
            let (this, video, config) = (this.clone(), video.clone(), config.clone());
            Box::pin(async move {
                let ranked = this.releases(&video, &config, client).await;
                ranked
                    .releases
                    .iter()
                    .find(|release| release.candidate.info_hash == hash)
                    .map(|release| release.candidate.trackers.clone())
                    .unwrap_or_default()
            })
        })
    }

    /// Tries the next likely-cached torrents of the same video, best first.
    async fn fail_over(
        &self,
        viewer: Viewer<'_>,
        config: &UserConfig,
        video: &VideoId,
        failed: &Target,
        started: Instant,
    ) -> Option<Resolution> {
        let candidates = self.cached_targets(viewer, config, video).await;
        for target in candidates
            .into_iter()
            .filter(|target| target.hash != failed.hash)
            .take(FAILOVER_CANDIDATES)
        {
            if started.elapsed() > FAILOVER_BUDGET {
                break;
            }
            let resolution = self.debrid.resolver.resolve(viewer, &target).await;
            if matches!(resolution, Resolution::Link(_)) {
                tracing::info!(from = %failed.hash, to = %target.hash, "fell over to another torrent");
                return Some(resolution);
            }
        }
        None
    }

    /// The likely-cached torrents of a video for the viewer's account, best first.
    async fn cached_targets(
        &self,
        viewer: Viewer<'_>,
        config: &UserConfig,
        video: &VideoId,
    ) -> Vec<Target> {
        let (ranked, library) = tokio::join!(
            self.releases(video, config, viewer.client),
            self.library_items(viewer.token, viewer.client)
        );
        let library = library.unwrap_or_default();
        let (marked, _) = self
            .marked(viewer.token, ranked.releases, &library, video, config)
            .await;
        marked
            .into_iter()
            .filter(|entry| entry.evidence.is_some())
            .map(|entry| entry.target)
            .collect()
    }
}
