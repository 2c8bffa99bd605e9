//! What one release name or file name says, read once with `parse-torrent-title` (the Rust port
//! of the parser Torrentio uses) when a source's answer is fetched, and stored with it.
//!
//! Parsing is the costly part of ranking — tens of microseconds a name, quadratic in its
//! length — so it happens off the async workers when an answer arrives, and never again while
//! the answer is cached: a request only combines the stored facts of a release's name and its
//! file's name. Names longer than [`MAX_NAME_BYTES`] are cut before parsing: no real release
//! name is that long, and the parser's cost grows with the square of the length.

use parse_torrent_title::ParsedTitle;
use serde::{Deserialize, Serialize};

/// Longest name parsed, in bytes.
pub const MAX_NAME_BYTES: usize = 512;

/// The facts of one name, as the parser states them (Ferrio's vocabulary is applied by the
/// ranking when it combines a release name's facts with its file's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameFacts {
    /// `BluRay REMUX`, `WEB-DL`, `HDTV`, `CAM`, …
    pub source: Option<String>,
    /// As the parser writes it: `1080p`, `4k`, `576p`, …
    pub resolution: Option<String>,
    /// As the parser writes them: `DV`, `HDR10+`, …
    pub hdr: Vec<String>,
    pub codec: Option<String>,
    pub audio: Option<String>,
    /// Lowercase language names, spoken.
    pub languages: Vec<String>,
    /// Lowercase language names of the subtitles the name states (`VOSTFR`, `PLSUB`): Ferrio's
    /// own reading, filled in by the ranking's guards (the parser does not tell them apart).
    #[serde(default)]
    pub subtitles: Vec<String>,
    pub group: Option<String>,
    pub seasons: Vec<u32>,
    pub episodes: Vec<u32>,
    /// A complete series, collection or box set.
    pub complete: bool,
}

impl NameFacts {
    /// Parses one name (cut to [`MAX_NAME_BYTES`]).
    pub fn parse(name: &str) -> Self {
        let parsed = parse_torrent_title::parse(cut(name));
        let text = |field: fn(&ParsedTitle) -> Option<&str>| field(&parsed).map(str::to_owned);
        let list = |field: fn(&ParsedTitle) -> Option<&[String]>| {
            field(&parsed).map(<[String]>::to_vec).unwrap_or_default()
        };
        Self {
            source: text(ParsedTitle::source),
            resolution: text(ParsedTitle::resolution),
            hdr: list(ParsedTitle::hdr),
            codec: text(ParsedTitle::codec),
            audio: text(ParsedTitle::audio),
            languages: list(ParsedTitle::languages),
            subtitles: Vec::new(),
            group: text(ParsedTitle::group),
            seasons: numbers(parsed.seasons()),
            episodes: numbers(parsed.episodes()),
            complete: parsed.complete().unwrap_or(false),
        }
    }
}

/// The name up to [`MAX_NAME_BYTES`], cut on a character boundary.
fn cut(name: &str) -> &str {
    if name.len() <= MAX_NAME_BYTES {
        return name;
    }
    let mut end = MAX_NAME_BYTES;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

fn numbers(values: Option<&[i64]>) -> Vec<u32> {
    values
        .unwrap_or_default()
        .iter()
        .filter_map(|&n| u32::try_from(n).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_read_once_into_facts() {
        let facts = NameFacts::parse("Breaking.Bad.S01E03.1080p.BluRay.x264-GROUP");
        assert_eq!(facts.resolution.as_deref(), Some("1080p"));
        assert_eq!((facts.seasons, facts.episodes), (vec![1], vec![3]));
        assert_eq!(facts.group.as_deref(), Some("GROUP"));
    }

    #[test]
    fn absurdly_long_names_are_cut_before_parsing() {
        let long = format!("Movie.2019.1080p.{}", "é".repeat(20_000));
        assert_eq!(
            cut(&long).len(),
            MAX_NAME_BYTES - 1,
            "cut on a char boundary"
        );
        let facts = NameFacts::parse(&long);
        assert_eq!(facts.resolution.as_deref(), Some("1080p"));
    }
}
