//! The torrent sources: one client per upstream (DMM, YTS, Torrentio, each in its folder), the
//! fan-out that asks the enabled ones at once and merges their answers, and the cache families
//! that keep those answers for every user ([`SourceCache`], with the lifetimes of
//! [`SourceTtls`]).

mod cache;
pub mod candidate;
pub mod daily_share;
mod dmm;
mod endpoint;
mod error;
mod fanout;
pub mod gathered;
mod http;
pub mod limits;
mod merge;
pub mod names;
mod pacer;
pub mod quota;
pub mod returning;
mod torrentio;
mod ttls;
pub mod witness;
mod yts;
pub use yts::TRACKERS as PUBLIC_TRACKERS;

pub use cache::SourceCache;
pub use candidate::Candidate;
pub use dmm::DmmClient;
pub use error::SourceError;
pub use fanout::Sources;
pub use http::SourceHttp;
pub use pacer::{Searcher, Standing};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
pub use torrentio::TorrentioClient;
pub use ttls::SourceTtls;
pub use yts::YtsClient;
pub use yts::model::{ListMovies, MoviePage, OrderBy, SortBy, YtsMovie, YtsTorrent};

/// What one source knows about one video: the result of [`Sources::fetch`], which a cache
/// stores as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceAnswer {
    /// Shared: a request takes the cached answer without copying its releases.
    pub candidates: Arc<[Arc<Candidate>]>,
    /// True when the source has not looked yet (DMM's `204 status: requested|processing`):
    /// the empty answer should be cached only briefly, as results may come in a minute.
    pub pending: bool,
}

impl SourceAnswer {
    /// The metric label of a successful call: `ok`, `empty` or `pending`.
    pub fn outcome(&self) -> &'static str {
        match (self.candidates.is_empty(), self.pending) {
            (false, _) => "ok",
            (true, true) => "pending",
            (true, false) => "empty",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{config::SourceId, stream::InfoHash};
    use std::time::Duration;

    #[test]
    fn answers_and_errors_survive_a_cache_round_trip() {
        let answer = SourceAnswer {
            candidates: Arc::from([Arc::new(Candidate {
                info_hash: InfoHash::parse(&"a".repeat(40)).unwrap_or_else(|| panic!("hash")),
                file_idx: Some(2),
                title: "Movie.2019.1080p".into(),
                filename: Some("movie.mkv".into()),
                size: Some(1 << 30),
                size_is_file: true,
                seeders: Some(4),
                sources: [SourceId::Dmm, SourceId::Torrentio].into(),
                trackers: vec!["udp://t:1/announce".into()],
                provider: Some("1337x".into()),
                title_facts: None,
                file_facts: None,
            })]),
            pending: false,
        };
        let json = serde_json::to_string(&answer).unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<SourceAnswer>(&json).ok(),
            Some(answer)
        );
        let error = SourceError::RateLimited {
            retry_after: Duration::from_millis(1500),
        };
        let json = serde_json::to_string(&error).unwrap_or_default();
        assert_eq!(serde_json::from_str::<SourceError>(&json).ok(), Some(error));
    }

    #[test]
    fn outcomes_name_what_came_back() {
        let empty = SourceAnswer::default();
        assert_eq!(empty.outcome(), "empty");
        let pending = SourceAnswer {
            pending: true,
            ..SourceAnswer::default()
        };
        assert_eq!(pending.outcome(), "pending");
    }
}
