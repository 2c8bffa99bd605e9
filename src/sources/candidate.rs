//! What a source knows about one torrent for the requested video.

use super::names::NameFacts;
use crate::protocol::{config::SourceId, stream::InfoHash};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

/// One torrent — or one file of a multi-file torrent — reported by one or more sources.
///
/// Two candidates with the same `info_hash` and `file_idx` are the same stream; two different
/// files of one torrent are not (a season pack has one per episode). Serialisable so a cache
/// can store source answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub info_hash: InfoHash,
    /// Index of the video file inside the torrent, when the source knows it.
    pub file_idx: Option<u32>,
    /// The release name, e.g. `Movie.2019.1080p.BluRay.x264-GROUP`.
    pub title: String,
    /// The video file's name inside the torrent, when known and different from the title.
    pub filename: Option<String>,
    /// Size in bytes: of the video file when known, else of the whole torrent.
    pub size: Option<u64>,
    /// Whether `size` is the size of the one video file (true) or of the whole torrent.
    pub size_is_file: bool,
    pub seeders: Option<u32>,
    /// Every source that reported this torrent.
    pub sources: BTreeSet<SourceId>,
    /// Tracker announce URLs (without the `tracker:` prefix).
    pub trackers: Vec<String>,
    /// The indexer a source reports the torrent from (Torrentio's `⚙️` provider, e.g. `1337x`).
    pub provider: Option<String>,
    /// What `title` says, read when the answer was fetched ([`Candidate::read_names`]).
    #[serde(default)]
    pub title_facts: Option<Arc<NameFacts>>,
    /// What `filename` says, read with the title.
    #[serde(default)]
    pub file_facts: Option<Arc<NameFacts>>,
}

/// Longest release or file name kept: no real one comes near it, and every kept name is
/// memory in every cache tier.
const MAX_NAME_BYTES: usize = 1024;
/// Largest size believed: a petabyte.
const MAX_BYTES: u64 = 1 << 50;
/// Trackers kept per torrent: players use the first few, DHT finds the rest.
const MAX_TRACKERS: usize = 32;

impl Candidate {
    /// Whether this looks like a real release: a name of sane length and a size a torrent can
    /// have. An upstream (or a proxy in front of it) answering absurd items must not make
    /// Ferrio keep them.
    pub fn is_plausible(&self) -> bool {
        let short = |name: &str| name.len() <= MAX_NAME_BYTES;
        let named = !self.title.is_empty() || self.filename.is_some();
        named
            && short(&self.title)
            && self.filename.as_deref().is_none_or(short)
            && self.size.is_none_or(|size| size <= MAX_BYTES)
    }

    /// Keeps at most [`MAX_TRACKERS`] trackers.
    pub fn trim(&mut self) {
        self.trackers.truncate(MAX_TRACKERS);
    }

    /// Reads the release name and the file name into facts, once; returns how many names it
    /// parsed.
    pub fn read_names(&mut self) -> usize {
        let mut parsed = 0;
        if self.title_facts.is_none() {
            self.title_facts = Some(Arc::new(NameFacts::parse(&self.title)));
            parsed += 1;
        }
        if self.file_facts.is_none()
            && let Some(path) = &self.filename
        {
            self.file_facts = Some(Arc::new(NameFacts::parse(file_name(path))));
            parsed += 1;
        }
        parsed
    }
}

/// The last segment of a path inside a torrent (`Season 1/Show.S01E01.mkv` gives
/// `Show.S01E01.mkv`); torrents made on Windows separate with `\\`.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(title: &str) -> Candidate {
        let json = serde_json::json!({
            "info_hash": "0".repeat(40), "file_idx": null, "title": title, "filename": null,
            "size": 1_000_000, "size_is_file": false, "seeders": null, "sources": ["dmm"],
            "trackers": [], "provider": null,
        });
        serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn absurd_candidates_are_told_apart_from_real_ones() {
        assert!(candidate("Movie.2019.1080p.BluRay.x264-GRP").is_plausible());
        assert!(!candidate("").is_plausible(), "no name at all");
        let mut file_only = candidate("");
        file_only.filename = Some("Movie.2019.1080p.mkv".into());
        assert!(file_only.is_plausible(), "a file name is a name");
        assert!(!candidate(&"a".repeat(MAX_NAME_BYTES + 1)).is_plausible());
        let mut huge = candidate("Movie.2019.1080p");
        huge.size = Some(u64::MAX);
        assert!(!huge.is_plausible());
        let mut trackers = candidate("Movie.2019.1080p");
        trackers.trackers = (0..500).map(|n| format!("udp://t{n}:1")).collect();
        trackers.trim();
        assert_eq!(trackers.trackers.len(), MAX_TRACKERS);
    }
}
