//! The order of the list and its limits.
//!
//! Rules, for every sort order:
//! 1. Cams, telesyncs and screeners come after every other release, even when sorting by
//!    seeders or size: a well-seeded cam is still not what anyone wants first (unless the user
//!    listed them by name in `preferredQualities`).
//! 2. Releases known to have no seeders come after the ones with seeders (or with an unknown
//!    count, as DMM does not report it): within a quality rung for the quality orders, and
//!    across the list for the seeders and size orders. They cannot be played peer-to-peer.
//! 3. Then the order's own keys, where "quality" is the user's quality order (`policy.rs`;
//!    best first unless `preferredQualities` or `targetQuality` say otherwise):
//!    - `quality`: quality desc, seeders desc, size desc;
//!    - `qualitysize`: quality desc, size desc, seeders desc;
//!    - `seeders`: seeders desc, quality desc, size desc;
//!    - `size`: size desc, quality desc, seeders desc.
//!
//!    Unknown seeders and sizes count as 0.
//! 4. Ties are broken by info hash, then file index, so the order is the same on every request.

use super::{Release, policy::QualityOrder};
use crate::protocol::config::{Quality, SortOrder};
use std::{cmp::Ordering, collections::BTreeMap};

/// Sorts best first: by the user's quality order (see `policy.rs`; best first by default).
pub(super) fn sort(releases: &mut [Release], order: SortOrder, qualities: &QualityOrder) {
    releases.sort_by(|a, b| compare(a, b, order, qualities));
}

/// Keeps at most `per_quality` releases of each quality rung, then the first `max` in all.
pub(super) fn limit(releases: Vec<Release>, per_quality: Option<u32>, max: u32) -> Vec<Release> {
    let mut shown: BTreeMap<Quality, u32> = BTreeMap::new();
    releases
        .into_iter()
        .filter(|release| {
            let count = shown.entry(release.info.quality).or_default();
            *count += 1;
            per_quality.is_none_or(|limit| *count <= limit)
        })
        .take(usize::try_from(max).unwrap_or(usize::MAX))
        .collect()
}

fn compare(a: &Release, b: &Release, order: SortOrder, qualities: &QualityOrder) -> Ordering {
    let quality = || {
        qualities
            .rank(a.info.quality)
            .cmp(&qualities.rank(b.info.quality))
    };
    let health = || is_dead(a).cmp(&is_dead(b));
    let seeders = || seeders_of(b).cmp(&seeders_of(a));
    let size = || size_of(b).cmp(&size_of(a));
    let by_order = match order {
        SortOrder::Quality => quality()
            .then_with(health)
            .then_with(seeders)
            .then_with(size),
        SortOrder::QualitySize => quality()
            .then_with(health)
            .then_with(size)
            .then_with(seeders),
        SortOrder::Seeders => health()
            .then_with(seeders)
            .then_with(quality)
            .then_with(size),
        SortOrder::Size => health()
            .then_with(size)
            .then_with(quality)
            .then_with(seeders),
    };
    let last = |release: &Release| qualities.sends_last(release.info.quality);
    last(a)
        .cmp(&last(b))
        .then(by_order)
        .then_with(|| identity(a).cmp(&identity(b)))
}

fn is_dead(release: &Release) -> bool {
    release.candidate.seeders == Some(0)
}

fn seeders_of(release: &Release) -> u32 {
    release.candidate.seeders.unwrap_or(0)
}

fn size_of(release: &Release) -> u64 {
    release.candidate.size.unwrap_or(0)
}

fn identity(release: &Release) -> (&str, Option<u32>) {
    (
        release.candidate.info_hash.as_str(),
        release.candidate.file_idx,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ranking::testing::{GB, hash, release};

    fn best_first() -> QualityOrder {
        QualityOrder::of(&crate::protocol::config::UserConfig::default())
    }

    fn sorted(mut releases: Vec<Release>, order: SortOrder) -> Vec<String> {
        sort(&mut releases, order, &best_first());
        releases
            .into_iter()
            .map(|r| r.candidate.title.clone())
            .collect()
    }

    fn sample() -> Vec<Release> {
        vec![
            release("Cam.2019.HDCAM", 900, 90 * GB),
            release("Sd.2019.DVDRip", 50, GB),
            release("Hd.2019.1080p.Small", 10, 2 * GB),
            release("Hd.2019.1080p.Big", 5, 20 * GB),
            release("Hd.2019.1080p.Dead", 0, 40 * GB),
            release("Uhd.2019.2160p", 3, 30 * GB),
        ]
    }

    #[test]
    fn quality_then_seeders() {
        assert_eq!(
            sorted(sample(), SortOrder::Quality),
            [
                "Uhd.2019.2160p",
                "Hd.2019.1080p.Small",
                "Hd.2019.1080p.Big",
                "Hd.2019.1080p.Dead",
                "Sd.2019.DVDRip",
                "Cam.2019.HDCAM"
            ]
        );
    }

    #[test]
    fn quality_then_size_keeps_dead_releases_below_live_ones() {
        assert_eq!(
            sorted(sample(), SortOrder::QualitySize),
            [
                "Uhd.2019.2160p",
                "Hd.2019.1080p.Big",
                "Hd.2019.1080p.Small",
                "Hd.2019.1080p.Dead",
                "Sd.2019.DVDRip",
                "Cam.2019.HDCAM"
            ]
        );
    }

    #[test]
    fn seeders_with_cams_last() {
        assert_eq!(
            sorted(sample(), SortOrder::Seeders),
            [
                "Sd.2019.DVDRip",
                "Hd.2019.1080p.Small",
                "Hd.2019.1080p.Big",
                "Uhd.2019.2160p",
                "Hd.2019.1080p.Dead",
                "Cam.2019.HDCAM"
            ]
        );
    }

    #[test]
    fn size_with_dead_releases_and_cams_last() {
        assert_eq!(
            sorted(sample(), SortOrder::Size),
            [
                "Uhd.2019.2160p",
                "Hd.2019.1080p.Big",
                "Hd.2019.1080p.Small",
                "Sd.2019.DVDRip",
                "Hd.2019.1080p.Dead",
                "Cam.2019.HDCAM"
            ]
        );
    }

    #[test]
    fn unknown_seeders_rank_above_dead_and_below_seeded() {
        let mut unknown = release("Hd.2019.1080p.Dmm", 0, GB);
        std::sync::Arc::make_mut(&mut unknown.candidate).seeders = None;
        let order = sorted(
            vec![
                release("Hd.2019.1080p.Dead", 0, GB),
                unknown,
                release("Hd.2019.1080p.Seeded", 1, GB),
            ],
            SortOrder::Quality,
        );
        assert_eq!(
            order,
            [
                "Hd.2019.1080p.Seeded",
                "Hd.2019.1080p.Dmm",
                "Hd.2019.1080p.Dead"
            ]
        );
    }

    #[test]
    fn ties_are_broken_by_info_hash_then_file() {
        let tied = |n, file_idx| {
            let mut release = release("Show.S01.1080p", 5, GB);
            std::sync::Arc::make_mut(&mut release.candidate).info_hash = hash(n);
            std::sync::Arc::make_mut(&mut release.candidate).file_idx = file_idx;
            release
        };
        let mut releases = vec![tied(3, None), tied(1, Some(4)), tied(1, Some(2))];
        sort(&mut releases, SortOrder::Quality, &best_first());
        let order: Vec<_> = releases
            .iter()
            .map(|r| (r.candidate.info_hash.clone(), r.candidate.file_idx))
            .collect();
        assert_eq!(
            order,
            [(hash(1), Some(2)), (hash(1), Some(4)), (hash(3), None)]
        );
    }

    #[test]
    fn limit_per_quality_then_overall() {
        let mut releases = sample();
        sort(&mut releases, SortOrder::Quality, &best_first());
        let titles = |releases: Vec<Release>| -> Vec<String> {
            releases
                .into_iter()
                .map(|r| r.candidate.title.clone())
                .collect()
        };
        assert_eq!(
            titles(limit(releases.clone(), Some(1), 50)),
            [
                "Uhd.2019.2160p",
                "Hd.2019.1080p.Small",
                "Sd.2019.DVDRip",
                "Cam.2019.HDCAM"
            ]
        );
        assert_eq!(
            titles(limit(releases.clone(), Some(2), 3)),
            ["Uhd.2019.2160p", "Hd.2019.1080p.Small", "Hd.2019.1080p.Big"]
        );
        assert_eq!(limit(releases, None, 50).len(), 6);
    }
}
