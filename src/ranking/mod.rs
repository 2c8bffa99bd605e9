//! Ranking: parse release names, filter by the user config, sort, and present as streams.
//!
//! [`rank`] turns the merged candidates for one video into the list the user sees, best
//! first; [`present`] turns one ranked release into a peer-to-peer stream. The ordering rules
//! are documented in `sort.rs`; the size filter's per-episode estimate in `filter.rs`.

#[cfg(test)]
mod corpus_tests;
mod episodes;
mod filter;
mod format;
mod guards;
mod languages;
mod lexicon;
mod name_languages;
mod p2p;
mod parse;
pub mod policy;
mod sort;
mod stated_resolution;
#[cfg(test)]
#[allow(
    clippy::expect_used,
    reason = "test fixtures: a literal id that does not parse is a bug in the test itself"
)]
mod testing;
mod tokens;
mod vocabulary;

pub use format::{StreamLabels, format_size, labels};
pub use p2p::p2p_source;
pub use parse::ReleaseInfo;
pub use policy::{Floor, QualityOrder};
pub use vocabulary::{Hdr, Resolution};

use crate::{
    protocol::{config::UserConfig, request::VideoId, stream::Stream},
    sources::candidate::Candidate,
};
use std::sync::Arc;

/// A candidate torrent and what its names say about it. Cheap to clone: both are shared.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// What the sources reported, shared with the cached answers.
    pub candidate: Arc<Candidate>,
    /// What its release name and file name say.
    pub info: Arc<ReleaseInfo>,
}

impl Release {
    /// The candidate with the facts of its names.
    pub fn new(candidate: impl Into<Arc<Candidate>>) -> Self {
        let candidate = candidate.into();
        let info = Arc::new(ReleaseInfo::of(&candidate));
        Self { candidate, info }
    }
}

/// The candidates of a video with their facts: what every user's ranking starts from, the
/// same whatever the config, so it is prepared once per set of source answers.
pub fn prepare(candidates: Vec<Arc<Candidate>>) -> Vec<Release> {
    candidates.into_iter().map(Release::new).collect()
}

/// A ranked list, and whether the quality floor gave way to make it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ranked {
    pub releases: Vec<Release>,
    pub floor: Floor,
}

/// The releases to show for `video`, best first: those that play it and pass the config's
/// filters and quality floor, sorted by its order, at most `limitPerQuality` per quality and
/// `maxResults` in all. Only what a config changes is done per request: filtering, sorting
/// and limiting shared releases.
///
/// With `cachedOnly` and a debrid token the floor is left to the debrid layer: it must be
/// judged on the releases that remain once the uncached ones are gone.
pub fn rank(prepared: &[Release], video: &VideoId, config: &UserConfig) -> Ranked {
    let kept: Vec<Release> = prepared
        .iter()
        .filter(|release| filter::keep(release, video, config))
        .cloned()
        .collect();
    let (mut releases, floor) = if config.cached_only && config.has_debrid() {
        (kept, Floor::Held)
    } else {
        policy::apply_floor(kept, config, |release| release)
    };
    sort::sort(&mut releases, config.sort, &QualityOrder::of(config));
    Ranked {
        releases: sort::limit(releases, config.limit_per_quality, config.max_results),
        floor,
    }
}

/// The release as a stream Stremio plays peer-to-peer.
pub fn present(release: &Release) -> Stream {
    labels(release).into_stream(p2p_source(release))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::config::{Quality, SortOrder};
    use serde_json::json;
    use testing::{GB, episode, hash, movie, titles};

    fn candidate(title: &str, seeders: u32, size: u64) -> Arc<Candidate> {
        Arc::new(Candidate {
            seeders: Some(seeders),
            size: Some(size),
            ..testing::candidate(title)
        })
    }

    #[test]
    fn defaults_put_good_releases_first_and_junk_last() {
        let ranked = rank(
            &prepare(vec![
                candidate("Movie.2019.HDCAM.x264", 5000, GB),
                candidate("Movie.2019.720p.WEB-DL", 80, GB),
                candidate("Movie.2019.2160p.UHD.BluRay.x265.HDR.DV-GRP", 0, 60 * GB),
                candidate("Movie.2019.2160p.WEB-DL.x265-GRP", 12, 15 * GB),
                candidate("Movie.S01E01.1080p.WEB", 300, GB),
                candidate("The Matrix (1999) [1080p] [BluRay] [YTS.MX]", 40, 2 * GB),
            ]),
            &movie(),
            &UserConfig::default(),
        );
        assert_eq!(
            titles(&ranked.releases),
            [
                "Movie.2019.2160p.WEB-DL.x265-GRP",
                "Movie.2019.2160p.UHD.BluRay.x265.HDR.DV-GRP",
                "The Matrix (1999) [1080p] [BluRay] [YTS.MX]",
                "Movie.2019.720p.WEB-DL",
                "Movie.2019.HDCAM.x264",
            ]
        );
    }

    #[test]
    fn the_config_filters_sorts_and_limits_an_episode_list() {
        let config = UserConfig {
            exclude_qualities: [Quality::Hd720].into_iter().collect(),
            max_size_gb: Some(5.0),
            sort: SortOrder::Size,
            limit_per_quality: Some(2),
            max_results: 3,
            exclude_keywords: vec!["hevc".into()],
            ..UserConfig::default()
        };
        let ranked = rank(
            &prepare(vec![
                candidate("Breaking.Bad.S01.1080p.BluRay.x264-GROUP", 50, 30 * GB),
                candidate("Breaking.Bad.S01E03.1080p.WEB.x264-A", 40, 3 * GB),
                candidate("Breaking.Bad.S01E03.1080p.WEB.x264-B", 30, 4 * GB),
                candidate("Breaking.Bad.S01E03.1080p.HEVC-C", 30, GB),
                candidate("Breaking.Bad.S01E03.720p.WEB.x264-D", 90, GB),
                candidate("Breaking.Bad.S01E03.2160p.WEB.x265-E", 20, 6 * GB),
                candidate("Breaking.Bad.S01E03.480p.WEB.x264-F", 20, GB / 2),
                candidate("Breaking.Bad.S01E04.1080p.WEB.x264-G", 99, GB),
                candidate("Breaking Bad Complete Series S01-S05 1080p", 99, 200 * GB),
            ]),
            &episode(1, 3),
            &config,
        );
        assert_eq!(
            titles(&ranked.releases),
            [
                "Breaking Bad Complete Series S01-S05 1080p",
                "Breaking.Bad.S01.1080p.BluRay.x264-GROUP",
                "Breaking.Bad.S01E03.480p.WEB.x264-F",
            ]
        );
    }

    #[test]
    fn a_p2p_stream_as_json() -> Result<(), serde_json::Error> {
        let mut candidate = Arc::unwrap_or_clone(candidate(
            "Movie.2019.2160p.UHD.BluRay.x265.HDR.DV-GRP",
            42,
            20 * GB,
        ));
        candidate.info_hash = hash(0xabc);
        candidate.file_idx = Some(1);
        candidate.filename = Some("Movie/Movie.2019.2160p.UHD.BluRay.x265.HDR.DV-GRP.mkv".into());
        candidate.size_is_file = true;
        candidate.trackers = vec!["udp://tracker.example:1337/announce".into()];
        let hash = candidate.info_hash.to_string();
        let stream = present(&Release::new(candidate));
        assert_eq!(
            serde_json::to_value(&stream)?,
            json!({
                "name": "Ferrio\n4K DV HDR10",
                "description": "Movie.2019.2160p.UHD.BluRay.x265.HDR.DV-GRP\n👤 42 💾 20 GB ⚙️ Torrentio",
                "infoHash": hash,
                "fileIdx": 1,
                "sources": ["tracker:udp://tracker.example:1337/announce", format!("dht:{hash}")],
                "behaviorHints": {
                    "bingeGroup": "ferrio|2160p|DV+HDR10|GRP",
                    "filename": "Movie.2019.2160p.UHD.BluRay.x265.HDR.DV-GRP.mkv",
                    "videoSize": 20 * GB
                }
            })
        );
        Ok(())
    }
}
