//! Which releases the user sees at all: the right video, and nothing their config excludes.

use super::{Release, episodes};
use crate::protocol::{config::UserConfig, request::VideoId};

/// Bytes in the "GB" of `maxSizeGb`: 1024-based, like the sizes shown in stream descriptions,
/// so a limit of 2 keeps a release shown as "1.99 GB".
const BYTES_PER_GB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Whether the release plays the requested video and passes every filter of the config.
pub(super) fn keep(release: &Release, video: &VideoId, config: &UserConfig) -> bool {
    let quality = release.info.quality;
    episodes::plays(&release.info, video)
        && !config.exclude_qualities.contains(&quality)
        && config.max_quality.is_none_or(|max| quality <= max)
        && within_size(release, video, config.max_size_gb)
        && above_size_floor(release, video, config.min_size_gb_by_quality.get(&quality))
        && !has_excluded_keyword(release, &config.exclude_keywords)
}

/// The size `maxSizeGb` is compared to: per episode for series.
///
/// - The file's size when the source reports it (`size_is_file`), and for movies the torrent's
///   size, as a movie torrent is the film.
/// - For a series torrent: its size divided by the number of episodes its name lists
///   (`S01E01-E07` → size / 7; a single episode → its size).
/// - Unknown for a season pack or complete series whose episodes are not listed: a pack's
///   total would hide every pack under any limit, and a guessed episode count would be wrong
///   by a factor of two often enough. Such releases are kept.
fn comparable_size(release: &Release, video: &VideoId) -> Option<u64> {
    let size = release.candidate.size?;
    if release.candidate.size_is_file || matches!(video, VideoId::Movie(_)) {
        return Some(size);
    }
    let episodes = episodes::episode_count(&release.info)?;
    Some(size / u64::try_from(episodes).ok()?)
}

/// Releases of unknown size pass: the limit is there to skip huge files, not unknown ones.
fn within_size(release: &Release, video: &VideoId, max_gb: Option<f64>) -> bool {
    match (max_gb, comparable_size(release, video)) {
        (Some(max_gb), Some(size)) => size as f64 <= max_gb * BYTES_PER_GB,
        _ => true,
    }
}

/// `minSizeGbByQuality`: releases of unknown size pass, as for `maxSizeGb`.
fn above_size_floor(release: &Release, video: &VideoId, min_gb: Option<&f64>) -> bool {
    match (min_gb, comparable_size(release, video)) {
        (Some(min_gb), Some(size)) => size as f64 >= min_gb * BYTES_PER_GB,
        _ => true,
    }
}

/// Case-insensitive substring match on the release name and the file name. Runs for every
/// release on every request, so nothing is allocated: ASCII letters match either case, and
/// other characters must match exactly.
fn has_excluded_keyword(release: &Release, keywords: &[String]) -> bool {
    let candidate = &release.candidate;
    let names = [
        Some(candidate.title.as_str()),
        candidate.filename.as_deref(),
    ];
    keywords
        .iter()
        .map(|keyword| keyword.trim())
        .filter(|keyword| !keyword.is_empty())
        .any(|keyword| {
            names
                .iter()
                .flatten()
                .any(|name| contains_ignoring_case(name, keyword))
        })
}

fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    haystack
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::config::Quality;
    use crate::ranking::testing::{GB, candidate, episode, movie, release};

    fn config() -> UserConfig {
        UserConfig::default()
    }

    #[test]
    fn defaults_keep_any_release_of_the_video() {
        assert!(keep(
            &release("Movie.2019.HDCAM.x264", 0, 90 * GB),
            &movie(),
            &config()
        ));
        assert!(!keep(
            &release("Breaking.Bad.S01E04.720p", 9, GB),
            &episode(1, 3),
            &config()
        ));
    }

    #[test]
    fn excluded_qualities_are_dropped() {
        let config = UserConfig {
            exclude_qualities: [Quality::Cam, Quality::Sd].into_iter().collect(),
            ..config()
        };
        let kept = |title| keep(&release(title, 5, GB), &movie(), &config);
        assert!(!kept("Movie.2019.HDCAM.x264"));
        assert!(!kept("Movie.2019.DVDRip.XviD"));
        assert!(kept("Movie 2019 HDTS"));
        assert!(kept("Movie.2019.720p.WEB-DL"));
    }

    #[test]
    fn max_size_applies_to_movies_files_and_episodes() {
        let config = UserConfig {
            max_size_gb: Some(2.0),
            ..config()
        };
        let movie_kept = |size| keep(&release("Movie.2019.1080p", 5, size), &movie(), &config);
        assert!(movie_kept(2 * GB));
        assert!(!movie_kept(2 * GB + 1));

        // A 10 GB pack of 7 episodes is 1.43 GB an episode.
        let range = release("Breaking.Bad.S01E01-E07.720p", 5, 10 * GB);
        assert!(keep(&range, &episode(1, 3), &config));
        // The file's own size counts when known, whatever the torrent holds.
        let mut file = release("Breaking.Bad.S01.1080p.BluRay.x264-GROUP", 5, 3 * GB);
        std::sync::Arc::make_mut(&mut file.candidate).size_is_file = true;
        assert!(!keep(&file, &episode(1, 3), &config));
        // A season pack of unknown episode count is kept.
        let pack = release("Breaking.Bad.S01.1080p.BluRay.x264-GROUP", 5, 40 * GB);
        assert!(keep(&pack, &episode(1, 3), &config));
        // Unknown size is kept.
        let unknown = Release::new(candidate("Movie.2019.1080p"));
        assert!(keep(&unknown, &movie(), &config));
    }

    #[test]
    fn the_quality_cap_and_the_size_floors_per_quality() {
        let config = UserConfig {
            max_quality: Some(Quality::Hd1080),
            min_size_gb_by_quality: [(Quality::Hd1080, 4.0)].into_iter().collect(),
            ..config()
        };
        let kept = |title, size| keep(&release(title, 5, size), &movie(), &config);
        assert!(!kept("Movie.2019.2160p.WEB-DL", 20 * GB), "above the cap");
        assert!(!kept("Movie.2019.1440p.WEB-DL", 20 * GB), "above the cap");
        assert!(kept("Movie.2019.1080p.BluRay", 5 * GB));
        assert!(!kept("Movie.2019.1080p.WEB-DL", 3 * GB), "a starved 1080p");
        assert!(kept("Movie.2019.720p.WEB-DL", GB), "no floor for 720p");
        let unknown = Release::new(candidate("Movie.2019.1080p.WEB-DL"));
        assert!(keep(&unknown, &movie(), &config), "unknown size passes");
    }

    #[test]
    fn excluded_keywords_match_names_case_insensitively() {
        let config = UserConfig {
            exclude_keywords: vec!["HDCAM".into(), " 3d ".into()],
            ..config()
        };
        assert!(!keep(
            &release("Movie.2019.hdcam", 5, GB),
            &movie(),
            &config
        ));
        assert!(!keep(
            &release("Movie.2019.1080p.3D.HSBS", 5, GB),
            &movie(),
            &config
        ));
        let mut in_file = release("Movie.2019.1080p", 5, GB);
        std::sync::Arc::make_mut(&mut in_file.candidate).filename =
            Some("Movie.2019.HDCAM.mkv".into());
        assert!(!keep(&in_file, &movie(), &config));
        assert!(keep(
            &release("Movie.2019.1080p.BluRay", 5, GB),
            &movie(),
            &config
        ));
        assert!(contains_ignoring_case(
            "Amélie.2001.MULTi",
            "amélie.2001.multi"
        ));
        assert!(
            !contains_ignoring_case("HD", "hdcam"),
            "longer than the name"
        );
    }
}
