//! Which file of a torrent to play.
//!
//! The stream carries a file index when a source knew it, an episode when it is a series, or
//! neither. The index is trusted only when it names a video; otherwise the file whose name
//! matches the episode wins, and last the largest video. Samples and non-videos are never
//! picked: an archive-only torrent has no playable file.

use super::realdebrid::types::TorrentFile;
use crate::{ranking::ReleaseInfo, sources::candidate::file_name};
use std::fmt;

const VIDEO_EXTENSIONS: &[&str] = &[
    "mkv", "mp4", "avi", "m4v", "mov", "wmv", "ts", "m2ts", "webm", "mpg", "mpeg", "flv",
];

/// The file a resolve URL asks for. In the URL: a number (Stremio's 0-based `fileIdx`),
/// `s<season>e<episode>`, or `-` for "the main video".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileSelector {
    Index(u32),
    Episode { season: u32, episode: u32 },
    Largest,
}

impl FileSelector {
    /// Parses the URL segment; `None` when it is none of the three forms.
    pub fn parse(segment: &str) -> Option<Self> {
        if segment == "-" {
            return Some(Self::Largest);
        }
        if let Ok(index) = segment.parse() {
            return Some(Self::Index(index));
        }
        let rest = segment.strip_prefix('s')?;
        let (season, episode) = rest.split_once('e')?;
        Some(Self::Episode {
            season: season.parse().ok()?,
            episode: episode.parse().ok()?,
        })
    }
}

impl fmt::Display for FileSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Index(index) => write!(f, "{index}"),
            Self::Episode { season, episode } => write!(f, "s{season}e{episode}"),
            Self::Largest => f.write_str("-"),
        }
    }
}

/// Whether a path names a video file.
pub fn is_video(path: &str) -> bool {
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    extension.is_some_and(|ext| VIDEO_EXTENSIONS.contains(&ext.as_str()))
}

/// Samples are short excerpts shipped beside the film: named "sample" and small.
fn is_sample(file: &TorrentFile) -> bool {
    const SAMPLE_MAX_BYTES: u64 = 300 * 1024 * 1024;
    file.path.to_ascii_lowercase().contains("sample") && file.bytes < SAMPLE_MAX_BYTES
}

fn playable(file: &TorrentFile) -> bool {
    is_video(&file.path) && !is_sample(file)
}

/// The file to play, or `None` when the torrent holds no playable video. Stremio's index is
/// 0-based, Real-Debrid's file ids 1-based.
pub fn choose(files: &[TorrentFile], selector: FileSelector) -> Option<&TorrentFile> {
    let by_index = match selector {
        FileSelector::Index(index) => at_index(files, index),
        _ => None,
    };
    let by_episode = match selector {
        FileSelector::Episode { season, episode } => {
            largest(files, |f| names_episode(f, season, episode))
        }
        _ => None,
    };
    by_index.or(by_episode).or_else(|| largest(files, |_| true))
}

/// The playable file at Stremio's 0-based `index` (Real-Debrid's file ids are 1-based). The
/// index comes from a URL: `u32::MAX` names no file rather than overflowing.
fn at_index(files: &[TorrentFile], index: u32) -> Option<&TorrentFile> {
    let id = index.checked_add(1)?;
    files.iter().find(|f| f.id == id && playable(f))
}

/// The file the selector names exactly — no fallback — among `files`.
pub fn choose_exact(files: &[TorrentFile], selector: FileSelector) -> Option<&TorrentFile> {
    match selector {
        FileSelector::Index(index) => at_index(files, index),
        FileSelector::Episode { season, episode } => {
            largest(files, |f| names_episode(f, season, episode))
        }
        FileSelector::Largest => largest(files, |_| true),
    }
}

fn largest(files: &[TorrentFile], matches: impl Fn(&TorrentFile) -> bool) -> Option<&TorrentFile> {
    files
        .iter()
        .filter(|f| playable(f) && matches(f))
        .max_by_key(|f| f.bytes)
}

fn names_episode(file: &TorrentFile, season: u32, episode: u32) -> bool {
    let info = ReleaseInfo::parse(file_name(&file.path), None);
    info.facts.episodes.contains(&episode)
        && (info.facts.seasons.is_empty() || info.facts.seasons.contains(&season))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(id: u32, path: &str, megabytes: u64) -> TorrentFile {
        TorrentFile {
            id,
            path: path.into(),
            bytes: megabytes * 1024 * 1024,
            selected: false,
        }
    }

    fn pack() -> Vec<TorrentFile> {
        vec![
            file(1, "/Show.S01/Show.S01E01.1080p.mkv", 1500),
            file(2, "/Show.S01/Show.S01E02.1080p.mkv", 1400),
            file(3, "/Show.S01/Show.S01E03.1080p.mkv", 1300),
            file(4, "/Show.S01/Sample/show.s01e03.sample.mkv", 40),
            file(5, "/Show.S01/Show.S01.nfo", 1),
        ]
    }

    #[test]
    fn selectors_round_trip_through_the_url() {
        for selector in [
            FileSelector::Index(4),
            FileSelector::Episode {
                season: 1,
                episode: 3,
            },
            FileSelector::Largest,
        ] {
            assert_eq!(FileSelector::parse(&selector.to_string()), Some(selector));
        }
        assert_eq!(FileSelector::parse("x"), None);
        assert_eq!(FileSelector::parse("s1"), None);
    }

    #[test]
    fn the_index_wins_when_it_names_a_video() {
        assert_eq!(
            choose(&pack(), FileSelector::Index(1)).map(|f| f.id),
            Some(2)
        );
        // Index 4 is the .nfo (id 5): fall back to the largest video.
        assert_eq!(
            choose(&pack(), FileSelector::Index(4)).map(|f| f.id),
            Some(1)
        );
        // The largest index a URL can carry names no file, and overflows nothing.
        let last = FileSelector::parse(&u32::MAX.to_string()).expect("an index");
        assert_eq!(choose(&pack(), last).map(|f| f.id), Some(1));
        assert_eq!(choose_exact(&pack(), last).map(|f| f.id), None);
    }

    #[test]
    fn the_episode_is_found_in_a_season_pack_never_the_sample() {
        let files = pack();
        let chosen = choose(
            &files,
            FileSelector::Episode {
                season: 1,
                episode: 3,
            },
        );
        assert_eq!(chosen.map(|f| f.id), Some(3));
    }

    #[test]
    fn otherwise_the_largest_video() {
        let files = vec![
            file(1, "/Movie/Sample.mkv", 50),
            file(2, "/Movie/Movie.2019.1080p.mkv", 2000),
            file(3, "/Movie/Extras.mkv", 300),
        ];
        assert_eq!(choose(&files, FileSelector::Largest).map(|f| f.id), Some(2));
    }

    #[test]
    fn an_archive_only_torrent_has_nothing_to_play() {
        let files = vec![
            file(1, "/Movie/movie.rar", 2000),
            file(2, "/Movie/movie.r00", 2000),
        ];
        assert!(choose(&files, FileSelector::Largest).is_none());
    }
}
