//! Whether a release is for the requested video: the right episode of a series, or a movie
//! rather than an episode.

use super::parse::ReleaseInfo;
use crate::protocol::request::VideoId;

/// Whether the release can play the requested video.
///
/// - Movie: anything but a series; a numbered collection (`Movie Collection 1-5`) is a movie
///   pack, not episodes.
/// - Episode: the release must not name another season or another episode. Season packs,
///   complete series and season ranges qualify when they include the season; a release naming
///   neither seasons nor episodes is kept, as the source matched it to this show. Episode
///   numbers without a season (anime-style) are taken as the requested season's.
pub(super) fn plays(info: &ReleaseInfo, video: &VideoId) -> bool {
    if info.disc {
        // One disc of a season: some of its episodes, nobody knows which, and not a movie.
        return false;
    }
    match video {
        VideoId::Movie(_) => !is_series(info),
        VideoId::Episode {
            season, episode, ..
        } => covers(info, *season, *episode),
    }
}

/// How many episodes the release holds, when its name lists them (`S01E01-E07` is 7); unknown
/// for a season pack, whose name does not say.
pub(super) fn episode_count(info: &ReleaseInfo) -> Option<usize> {
    (!info.facts.episodes.is_empty()).then_some(info.facts.episodes.len())
}

fn is_series(info: &ReleaseInfo) -> bool {
    !info.facts.seasons.is_empty() || (!info.facts.episodes.is_empty() && !info.facts.complete)
}

fn covers(info: &ReleaseInfo, season: u32, episode: u32) -> bool {
    let season_included = info.facts.seasons.is_empty() || info.facts.seasons.contains(&season);
    let episode_included = info.facts.episodes.is_empty() || info.facts.episodes.contains(&episode);
    season_included && episode_included
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ranking::testing::{episode, movie};

    fn plays_title(title: &str, video: &VideoId) -> bool {
        plays(&ReleaseInfo::parse(title, None), video)
    }

    #[test]
    fn a_season_pack_plays_its_own_season_only() {
        let pack = "Breaking.Bad.S01.1080p.BluRay.x264-GROUP";
        assert!(plays_title(pack, &episode(1, 3)));
        assert!(!plays_title(pack, &episode(2, 1)));
        assert!(plays_title("Breaking Bad Season 1 720p", &episode(1, 9)));
    }

    #[test]
    fn complete_series_and_season_ranges() {
        assert!(plays_title(
            "Breaking Bad Complete Series S01-S05 1080p",
            &episode(3, 2)
        ));
        assert!(!plays_title(
            "Breaking Bad Seasons 1-3 720p",
            &episode(4, 1)
        ));
        assert!(plays_title(
            "Breaking.Bad.2008.Complete.Series.720p",
            &episode(5, 16)
        ));
    }

    #[test]
    fn single_episodes_and_episode_ranges() {
        assert!(plays_title("Breaking.Bad.S01E03.720p", &episode(1, 3)));
        assert!(!plays_title("Breaking.Bad.S01E04.720p", &episode(1, 3)));
        assert!(!plays_title("Breaking.Bad.S02E03.720p", &episode(1, 3)));
        assert!(plays_title("Breaking.Bad.S01E01-E07.720p", &episode(1, 7)));
        assert!(!plays_title("Breaking.Bad.S01E01-E07.720p", &episode(1, 8)));
    }

    #[test]
    fn the_file_inside_a_pack_decides() {
        let info = ReleaseInfo::parse("Breaking.Bad.S01-S05", Some("Breaking.Bad.S03E04.mkv"));
        assert!(plays(&info, &episode(3, 4)));
        assert!(!plays(&info, &episode(3, 2)));
    }

    #[test]
    fn movies_drop_episodes_but_keep_collections() {
        let movie = movie();
        assert!(plays_title(
            "The Matrix (1999) [1080p] [BluRay] [YTS.MX]",
            &movie
        ));
        assert!(plays_title("Movie Collection 1-5 1080p", &movie));
        assert!(!plays_title("Show.S01E01.1080p.WEB.h264-GRP", &movie));
        assert!(!plays_title("Breaking.Bad.S01.1080p.BluRay", &movie));
    }

    #[test]
    fn episode_counts() {
        let count = |title| episode_count(&ReleaseInfo::parse(title, None));
        assert_eq!(count("Breaking.Bad.S01E01-E07.720p"), Some(7));
        assert_eq!(count("Breaking.Bad.S01E04.720p"), Some(1));
        assert_eq!(count("Breaking.Bad.S01.1080p"), None);
    }
}
