//! Merging what several sources know about one torrent into one candidate.
//!
//! Candidates are the same stream when their info hashes match and they name the same file
//! (or one of them names none: then it is the torrent the other one names a file of). Two
//! different files of one torrent — two episodes of a season pack — stay apart.

use super::Candidate;
use crate::protocol::stream::InfoHash;
use std::collections::HashMap;
use std::sync::Arc;

/// Merges candidates by info hash and file, keeping the richest facts of each: the known file
/// index, the most seeders, a file size over a torrent size, the union of trackers and
/// sources. Keeps the order in which hashes were first seen. Candidates are shared with the
/// cached answers, so one that only one source reported is passed on as it is, uncopied.
pub fn merge(candidates: impl IntoIterator<Item = Arc<Candidate>>) -> Vec<Arc<Candidate>> {
    let mut order: Vec<InfoHash> = Vec::new();
    let mut groups: HashMap<InfoHash, Vec<Arc<Candidate>>> = HashMap::new();
    for candidate in candidates {
        let group = groups.entry(candidate.info_hash.clone()).or_default();
        if group.is_empty() {
            order.push(candidate.info_hash.clone());
        }
        group.push(candidate);
    }
    order
        .into_iter()
        .filter_map(|hash| groups.remove(&hash))
        .flat_map(merge_torrent)
        .collect()
}

/// Merges the candidates of one torrent: one per known file, with whatever was said about the
/// torrent as a whole folded into each.
fn merge_torrent(candidates: Vec<Arc<Candidate>>) -> Vec<Arc<Candidate>> {
    if candidates.len() == 1 {
        return candidates;
    }
    let (files, whole): (Vec<_>, Vec<_>) =
        candidates.into_iter().partition(|c| c.file_idx.is_some());
    let whole = whole.into_iter().reduce(|mut kept, other| {
        absorb(Arc::make_mut(&mut kept), &other);
        kept
    });
    let mut merged: Vec<Arc<Candidate>> = Vec::new();
    for file in files {
        match merged.iter_mut().find(|m| m.file_idx == file.file_idx) {
            Some(kept) => absorb(Arc::make_mut(kept), &file),
            None => merged.push(file),
        }
    }
    match whole {
        Some(whole) if merged.is_empty() => vec![whole],
        Some(whole) => {
            for file in &mut merged {
                absorb(Arc::make_mut(file), &whole);
            }
            merged
        }
        None => merged,
    }
}

/// Enriches `kept` with what `other` knows. `kept`'s own facts win where both know one,
/// except for seeders (the most), size (a file size beats a torrent size) and the sets
/// (unions).
fn absorb(kept: &mut Candidate, other: &Candidate) {
    kept.file_idx = kept.file_idx.or(other.file_idx);
    // A name and its facts go together.
    if kept.title.is_empty() {
        kept.title.clone_from(&other.title);
        kept.title_facts.clone_from(&other.title_facts);
    }
    if kept.filename.is_none() {
        kept.filename.clone_from(&other.filename);
        kept.file_facts.clone_from(&other.file_facts);
    }
    let better_size = kept.size.is_none() || (other.size_is_file && !kept.size_is_file);
    if other.size.is_some() && better_size {
        kept.size = other.size;
        kept.size_is_file = other.size_is_file;
    }
    kept.seeders = kept.seeders.max(other.seeders);
    kept.sources.extend(other.sources.iter().copied());
    for tracker in &other.trackers {
        if !kept.trackers.contains(tracker) {
            kept.trackers.push(tracker.clone());
        }
    }
    if kept.provider.is_none() {
        kept.provider.clone_from(&other.provider);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::config::SourceId;

    fn candidate(hash: char, file_idx: Option<u32>, source: SourceId) -> Candidate {
        Candidate {
            info_hash: InfoHash::parse(&hash.to_string().repeat(40))
                .unwrap_or_else(|| panic!("valid hash")),
            file_idx,
            title: format!("Release.{}", source.as_str()),
            filename: None,
            size: None,
            size_is_file: false,
            seeders: None,
            sources: [source].into(),
            trackers: Vec::new(),
            provider: None,
            title_facts: None,
            file_facts: None,
        }
    }

    #[test]
    fn one_torrent_from_three_sources_is_one_candidate_with_the_richest_facts() {
        let mut dmm = candidate('a', None, SourceId::Dmm);
        dmm.size = Some(2_000);
        let mut yts = candidate('a', None, SourceId::Yts);
        yts.seeders = Some(50);
        yts.trackers = vec!["udp://one".into(), "udp://two".into()];
        yts.provider = Some("YTS".into());
        let mut torrentio = candidate('a', Some(0), SourceId::Torrentio);
        torrentio.seeders = Some(20);
        torrentio.size = Some(1_900);
        torrentio.size_is_file = true;
        torrentio.filename = Some("movie.mkv".into());
        torrentio.trackers = vec!["udp://two".into(), "udp://three".into()];

        let merged = merge([dmm, yts, torrentio].map(Arc::new));
        assert_eq!(merged.len(), 1);
        let one = &merged[0];
        assert_eq!(one.sources, SourceId::ALL.into());
        assert_eq!(one.file_idx, Some(0));
        assert_eq!((one.size, one.size_is_file), (Some(1_900), true));
        assert_eq!(one.seeders, Some(50));
        assert_eq!(one.filename.as_deref(), Some("movie.mkv"));
        assert_eq!(one.trackers, ["udp://two", "udp://three", "udp://one"]);
        assert_eq!(one.provider.as_deref(), Some("YTS"));
        assert_eq!(
            one.title, "Release.torrentio",
            "the file-level candidate leads"
        );
    }

    #[test]
    fn two_files_of_one_torrent_stay_apart_and_both_learn_the_torrent_facts() {
        let mut pack = candidate('b', None, SourceId::Dmm);
        pack.size = Some(10_000);
        let episode3 = candidate('b', Some(3), SourceId::Torrentio);
        let episode4 = candidate('b', Some(4), SourceId::Torrentio);
        let merged = merge([pack, episode3, episode4].map(Arc::new));
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].file_idx, Some(3));
        assert_eq!(merged[1].file_idx, Some(4));
        for file in &merged {
            assert!(file.sources.contains(&SourceId::Dmm));
            assert_eq!((file.size, file.size_is_file), (Some(10_000), false));
        }
    }

    #[test]
    fn exact_duplicates_collapse_and_order_of_first_sight_is_kept() {
        let merged = merge(
            [
                candidate('c', Some(1), SourceId::Torrentio),
                candidate('d', None, SourceId::Dmm),
                candidate('c', Some(1), SourceId::Torrentio),
                candidate('d', None, SourceId::Yts),
            ]
            .map(Arc::new),
        );
        let hashes: Vec<char> = merged
            .iter()
            .map(|c| c.info_hash.as_str().chars().next().unwrap_or('?'))
            .collect();
        assert_eq!(hashes, ['c', 'd']);
        assert_eq!(merged[1].sources, [SourceId::Dmm, SourceId::Yts].into());
    }
}
