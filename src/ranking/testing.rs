//! Builders shared by the ranking tests.

use super::Release;
use crate::protocol::{
    config::SourceId,
    request::{ImdbId, VideoId},
    stream::InfoHash,
};
use crate::sources::candidate::Candidate;

/// An info hash of 40 hex digits ending in `n`, so tests can order hashes.
pub fn hash(n: u64) -> InfoHash {
    InfoHash::parse(&format!("{n:040x}")).expect("40 hex digits")
}

/// A torrent as Torrentio would report it, with a hash made from the title.
pub fn candidate(title: &str) -> Candidate {
    let n = title
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b.into()));
    Candidate {
        info_hash: hash(n),
        file_idx: None,
        title: title.to_owned(),
        filename: None,
        size: None,
        size_is_file: false,
        seeders: None,
        sources: [SourceId::Torrentio].into_iter().collect(),
        trackers: Vec::new(),
        provider: None,
        title_facts: None,
        file_facts: None,
    }
}

/// A release with seeders and a torrent size in bytes.
pub fn release(title: &str, seeders: u32, size: u64) -> Release {
    Release::new(Candidate {
        seeders: Some(seeders),
        size: Some(size),
        ..candidate(title)
    })
}

pub fn movie() -> VideoId {
    VideoId::Movie(ImdbId::parse("tt0133093").expect("valid id"))
}

pub fn episode(season: u32, episode: u32) -> VideoId {
    VideoId::Episode {
        show: ImdbId::parse("tt0903747").expect("valid id"),
        season,
        episode,
    }
}

pub const GB: u64 = 1 << 30;

/// The release names of a list, in order.
pub fn titles(releases: &[Release]) -> Vec<&str> {
    releases
        .iter()
        .map(|r| r.candidate.title.as_str())
        .collect()
}
