//! The prepared releases of a video: the sources' answers merged and given their facts, which
//! is the same for every config. Kept per video and set of sources while the answers they came
//! from are the ones the cache holds (their [`Fingerprint`]), so a request with a config
//! nobody used before only filters, sorts, limits and renders.

use crate::{
    protocol::{config::SourceId, request::VideoId},
    ranking::{self, Release},
    sources::gathered::{Fingerprint, Gathered},
};
use moka::sync::Cache as Moka;
use std::collections::BTreeSet;
use std::sync::Arc;

/// What one prepared release is taken to weigh: its facts and their strings (the candidate is
/// shared with the source answers in the cache and weighed there).
const RELEASE_BYTES: usize =
    std::mem::size_of::<Release>() + std::mem::size_of::<ranking::ReleaseInfo>() + 128;

/// One video's prepared releases and the answers they were prepared from.
struct Entry {
    fingerprint: Fingerprint,
    releases: Arc<[Release]>,
}

/// The prepared releases of recently asked videos. Cheap to clone.
#[derive(Clone)]
pub(super) struct Prepared {
    entries: Moka<String, Arc<Entry>>,
}

impl Prepared {
    /// Keeps prepared releases weighing `max_bytes` at most.
    pub fn new(max_bytes: u64) -> Self {
        let entries = Moka::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, entry: &Arc<Entry>| {
                let bytes = key.len() + entry.releases.len().max(1) * RELEASE_BYTES;
                u32::try_from(bytes).unwrap_or(u32::MAX)
            })
            .build();
        Self { entries }
    }

    /// The prepared releases of what `gathered` holds: kept ones while the answers are the
    /// same, else prepared now (merge and facts: linear in the releases, no parsing).
    pub fn of(
        &self,
        video: &VideoId,
        sources: &BTreeSet<SourceId>,
        gathered: &Gathered,
    ) -> Arc<[Release]> {
        let key = key(video, sources);
        let fingerprint = gathered.fingerprint();
        if let Some(entry) = self.entries.get(&key)
            && entry.fingerprint == fingerprint
        {
            return Arc::clone(&entry.releases);
        }
        let releases: Arc<[Release]> = ranking::prepare(gathered.merge()).into();
        let entry = Entry {
            fingerprint,
            releases: Arc::clone(&releases),
        };
        self.entries.insert(key, Arc::new(entry));
        releases
    }
}

/// `tt0944947:1:1|dmm,torrentio`.
fn key(video: &VideoId, sources: &BTreeSet<SourceId>) -> String {
    let sources: Vec<&str> = sources.iter().map(|source| source.as_str()).collect();
    format!("{video}|{}", sources.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::Candidate;

    fn answer(titles: &[&str]) -> Arc<[Arc<Candidate>]> {
        titles
            .iter()
            .enumerate()
            .map(|(n, title)| {
                let hash = format!("{n:040x}");
                let json = serde_json::json!({
                    "info_hash": hash, "file_idx": null, "title": title, "filename": null,
                    "size": null, "size_is_file": false, "seeders": null, "sources": ["dmm"],
                    "trackers": [], "provider": null,
                });
                Arc::new(serde_json::from_value::<Candidate>(json).expect("a candidate"))
            })
            .collect()
    }

    #[test]
    fn the_same_answers_are_prepared_once_and_new_answers_again() {
        let prepared = Prepared::new(1 << 20);
        let video = VideoId::parse("movie", "tt0111161").expect("id");
        let sources = BTreeSet::from([SourceId::Dmm]);
        let cached = answer(&["Movie.2019.1080p.BluRay", "Movie.2019.720p.WEB"]);
        let mut gathered = Gathered::default();
        gathered.push(SourceId::Dmm, Arc::clone(&cached));
        let first = prepared.of(&video, &sources, &gathered);
        assert_eq!(first.len(), 2);
        let mut again = Gathered::default();
        again.push(SourceId::Dmm, Arc::clone(&cached));
        let second = prepared.of(&video, &sources, &again);
        assert!(Arc::ptr_eq(&first, &second), "the cached answer: reused");
        let mut refreshed = Gathered::default();
        refreshed.push(SourceId::Dmm, answer(&["Movie.2019.2160p.WEB"]));
        let third = prepared.of(&video, &sources, &refreshed);
        assert_eq!(third.len(), 1, "a new answer: prepared anew");
    }
}
