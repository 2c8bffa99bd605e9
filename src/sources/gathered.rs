//! What the enabled sources answered for one video, as the cache holds it.

use super::{Candidate, merge::merge};
use crate::protocol::config::SourceId;
use std::sync::Arc;

/// The answers of the sources that answered in time.
#[derive(Debug, Default)]
pub struct Gathered {
    answers: Vec<(SourceId, Arc<[Arc<Candidate>]>)>,
}

/// Which cached versions of the answers a [`Gathered`] holds.
pub type Fingerprint = Vec<(SourceId, usize)>;

impl Gathered {
    /// Adds one source's answer.
    pub fn push(&mut self, source: SourceId, candidates: Arc<[Arc<Candidate>]>) {
        self.answers.push((source, candidates));
    }

    /// No source answered with a release.
    pub fn is_empty(&self) -> bool {
        self.answers
            .iter()
            .all(|(_, candidates)| candidates.is_empty())
    }

    /// Identifies these very answers: the same fingerprint means the same cached versions (the
    /// cache hands out one decoded copy per stored version), so whatever was derived from them
    /// — the merge, the releases' facts — can be reused as it is.
    pub fn fingerprint(&self) -> Fingerprint {
        self.answers
            .iter()
            .map(|(source, candidates)| (*source, candidates.as_ptr() as usize))
            .collect()
    }

    /// The candidates of every answer, merged by torrent and file.
    pub fn merge(&self) -> Vec<Arc<Candidate>> {
        merge(
            self.answers
                .iter()
                .flat_map(|(_, candidates)| candidates.iter().cloned()),
        )
    }
}
