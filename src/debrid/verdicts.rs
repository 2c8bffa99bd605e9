//! Verdicts about torrents from Real-Debrid's terminal statuses: facts about the torrent, not
//! about the account that met them, so they are shared by everyone (keyed by info hash, no
//! token anywhere), and they heal themselves — each expires, and a later successful resolve of
//! the hash clears it.
//!
//! | status | effect for every user | kept |
//! |---|---|---|
//! | `virus` | hidden | 365 days |
//! | `magnet_error` | after healthy releases of its quality | 24 h; 7 days after three strikes |
//! | `dead` | after healthy releases of its quality | 3 days |
//! | `error` | after healthy releases of its quality | 24 h |
//!
//! Only a terminal status makes a verdict: never a cache miss, a timeout or "downloading".
//! When every release of a title carries one, all are shown anyway, each with its note.

use super::realdebrid::types::TorrentStatus;
use crate::{
    cache::{Cache, CacheFamily, Policy},
    clock::now_ms,
    metrics::Metrics,
    protocol::stream::InfoHash,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const DAY: Duration = Duration::from_secs(24 * 3600);
/// `magnet_error` strikes after which it is kept a week.
const MAGNET_STRIKES: u32 = 3;

/// What Real-Debrid said of a torrent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Virus,
    MagnetError,
    Dead,
    Error,
}

impl Verdict {
    /// The verdict a status makes, if it is a terminal failure.
    pub fn of(status: TorrentStatus) -> Option<Self> {
        match status {
            TorrentStatus::Virus => Some(Self::Virus),
            TorrentStatus::MagnetError => Some(Self::MagnetError),
            TorrentStatus::Dead => Some(Self::Dead),
            TorrentStatus::Error => Some(Self::Error),
            _ => None,
        }
    }

    /// The metric label and the word Real-Debrid uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Virus => "virus",
            Self::MagnetError => "magnet_error",
            Self::Dead => "dead",
            Self::Error => "error",
        }
    }

    /// Whether releases with this verdict are hidden (while others remain).
    pub fn hides(self) -> bool {
        self == Self::Virus
    }

    /// The one-line note shown on the release.
    pub fn note(self) -> &'static str {
        match self {
            Self::Virus => "⚠ Real-Debrid flagged this torrent as a virus",
            Self::MagnetError => "⚠ Real-Debrid could not read this torrent's magnet lately",
            Self::Dead => "⚠ Real-Debrid found this torrent dead lately",
            Self::Error => "⚠ Real-Debrid failed this torrent lately",
        }
    }
}

/// One torrent's verdict, and how often a `magnet_error` was met.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    verdict: Verdict,
    at_ms: u64,
    strikes: u32,
}

/// The verdicts of all torrents. Cheap to clone.
#[derive(Clone)]
pub struct Verdicts {
    records: CacheFamily<Record, ()>,
    metrics: Metrics,
}

impl Verdicts {
    pub fn new(cache: &Cache, metrics: Metrics) -> Self {
        Self {
            records: cache.family("rd_verdict", |record: &Result<Record, ()>| {
                Policy::only_fresh(record.as_ref().map_or(DAY, lifetime))
            }),
            metrics,
        }
    }

    /// Records what a terminal status says of `hash`; other statuses say nothing.
    pub async fn record(&self, hash: &InfoHash, status: TorrentStatus) {
        let Some(verdict) = Verdict::of(status) else {
            return;
        };
        let previous = self.records.peek(hash.as_str()).await.and_then(Result::ok);
        let strikes = match previous {
            Some(previous) if previous.verdict == verdict => previous.strikes + 1,
            _ => 1,
        };
        let record = Record {
            verdict,
            at_ms: now_ms(),
            strikes,
        };
        self.records.put(hash.as_str(), Ok(record)).await;
        self.metrics.verdict(verdict.as_str());
    }

    /// A successful resolve of `hash`: whatever was said of it no longer holds.
    pub async fn clear(&self, hash: &InfoHash) {
        self.records.forget(hash.as_str()).await;
    }

    /// The verdicts of many torrents, in their order, in one batched read.
    pub async fn of_many(&self, hashes: &[InfoHash]) -> Vec<Option<Verdict>> {
        let keys: Vec<String> = hashes.iter().map(ToString::to_string).collect();
        self.records
            .peek_many(&keys)
            .await
            .into_iter()
            .map(|record| record.and_then(Result::ok).map(|record| record.verdict))
            .collect()
    }
}

/// How long a record is kept.
fn lifetime(record: &Record) -> Duration {
    match record.verdict {
        Verdict::Virus => DAY * 365,
        Verdict::MagnetError if record.strikes >= MAGNET_STRIKES => DAY * 7,
        Verdict::MagnetError | Verdict::Error => DAY,
        Verdict::Dead => DAY * 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(verdict: Verdict, strikes: u32) -> Record {
        Record {
            verdict,
            at_ms: 0,
            strikes,
        }
    }

    #[test]
    fn each_verdict_is_kept_as_long_as_the_table_says() {
        assert_eq!(lifetime(&record(Verdict::Virus, 1)), DAY * 365);
        assert_eq!(lifetime(&record(Verdict::MagnetError, 1)), DAY);
        assert_eq!(lifetime(&record(Verdict::MagnetError, 3)), DAY * 7);
        assert_eq!(lifetime(&record(Verdict::Dead, 1)), DAY * 3);
        assert_eq!(lifetime(&record(Verdict::Error, 1)), DAY);
        assert_eq!(
            Verdict::of(TorrentStatus::Downloading),
            None,
            "not terminal"
        );
        assert_eq!(Verdict::of(TorrentStatus::Dead), Some(Verdict::Dead));
    }
}
