//! DMM's availability database as a cached signal: which torrents DMM's users have downloaded
//! on Real-Debrid. The weakest of the three signals, asked only for the hashes actually listed.

use crate::{
    cache::{Cache, CacheFamily, Policy},
    protocol::{request::ImdbId, stream::InfoHash},
    sources::{SourceError, Sources},
};
use sha2::{Digest, Sha256};
use std::{collections::HashSet, time::Duration};

/// DMM's availability changes slowly; half an hour keeps it useful and cheap.
const ANSWER_TTL: Duration = Duration::from_secs(30 * 60);
/// A failed check is not repeated for a couple of minutes.
const FAILURE_TTL: Duration = Duration::from_secs(120);

/// Cached DMM availability checks. Cheap to clone.
#[derive(Clone)]
pub struct DmmSignal {
    sources: Sources,
    answers: CacheFamily<Vec<String>, SourceError>,
}

impl DmmSignal {
    /// The signal over the sources' DMM client.
    pub fn new(sources: Sources, cache: &Cache) -> Self {
        let answers = cache.family(
            "dmm_available",
            |result: &Result<Vec<String>, SourceError>| match result {
                Ok(_) => Policy::only_fresh(ANSWER_TTL),
                Err(_) => Policy::only_fresh(FAILURE_TTL),
            },
        );
        Self { sources, answers }
    }

    /// The subset of `hashes` DMM lists as cached; empty when DMM cannot be asked.
    pub async fn cached(&self, imdb: &ImdbId, hashes: &[InfoHash]) -> HashSet<String> {
        if hashes.is_empty() {
            return HashSet::new();
        }
        let mut sorted: Vec<InfoHash> = hashes.to_vec();
        sorted.sort();
        sorted.dedup();
        let key = format!("{imdb}:{}", digest(&sorted));
        let (sources, imdb) = (self.sources.clone(), imdb.clone());
        let fetch = move || {
            let (sources, imdb, hashes) = (sources.clone(), imdb.clone(), sorted.clone());
            async move {
                sources
                    .dmm_availability(&imdb, &hashes)
                    .await
                    .map(|set| set.into_iter().collect())
            }
        };
        self.answers
            .get_or_fetch(&key, fetch)
            .await
            .map(|found| found.into_iter().collect())
            .unwrap_or_default()
    }
}

/// A short digest of the hash list: one cache entry per distinct list of a title.
fn digest(hashes: &[InfoHash]) -> String {
    let mut hasher = Sha256::new();
    for hash in hashes {
        hasher.update(hash.as_str());
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
