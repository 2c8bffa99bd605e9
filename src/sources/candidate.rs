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

impl Candidate {
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
