//! Debrid Media Manager's search API: what DMM's users have found for a movie or a season.
//!
//! `GET {DMM_URL}/api/torrents/movie?imdbId=tt…` or `/api/torrents/tv?imdbId=tt…&seasonNum=N`,
//! with a challenge token, answers
//! ```json
//! {"results": [{"hash": "<40 hex>", "title": "Movie.2019.1080p.BluRay.x264-GRP", "fileSize": 8123.45}]}
//! ```
//! (`fileSize` in MB), or `204` with a `status: requested|processing` header while DMM has not
//! scraped the title yet.

mod challenge;

use super::pacer::{Pacer, Searcher};
use super::{Candidate, SourceAnswer, SourceError, SourceHttp, endpoint::SourceEndpoint};
use crate::cache::Cache;
use crate::protocol::{
    config::SourceId,
    request::{ImdbId, VideoId},
    stream::InfoHash,
};
use crate::upstream::lenient;
use challenge::{Challenge, ChallengeBody, Challenges};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// DMM treats ids from this number up as canaries and flags whoever asks for them as an
/// enumerator; no real IMDb id is that high, so such requests are answered empty locally.
const CANARY_FLOOR: u64 = 900_000_000;

/// The DMM client: one per process, so the challenge, the pacing and the `Retry-After` gate
/// are shared by every request.
pub struct DmmClient {
    upstream: SourceEndpoint,
    pacer: Pacer,
    challenges: Challenges,
}

#[derive(Deserialize)]
struct SearchBody {
    #[serde(deserialize_with = "lenient::vec")]
    results: Vec<DmmItem>,
}

#[derive(Deserialize)]
struct DmmItem {
    hash: String,
    title: String,
    #[serde(rename = "fileSize")]
    file_size_mb: f64,
}

/// DMM accepts at most this many hashes per availability check.
const AVAILABILITY_BATCH: usize = 100;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AvailabilityQuery<'a> {
    dmm_problem_key: &'a str,
    solution: &'a str,
    imdb_id: &'a str,
    hashes: Vec<&'a str>,
}

/// `{"available": [{"hash": "…", "files": [{"file_id", "path", "bytes"}]}]}`
#[derive(Deserialize)]
struct AvailabilityAnswer {
    #[serde(deserialize_with = "lenient::vec")]
    available: Vec<AvailableHash>,
}

#[derive(Deserialize)]
struct AvailableHash {
    hash: String,
}

impl DmmClient {
    /// A client for the DMM at `base`; each HTTP call gets `timeout`, and searches start at
    /// least `min_interval` apart (zero disables pacing). Challenges are kept in `cache` for
    /// `challenge_ttl`, so instances sharing a Redis share them.
    pub fn new(
        http: SourceHttp,
        base: Url,
        timeout: Duration,
        min_interval: Duration,
        cache: &Cache,
        challenge_ttl: Duration,
    ) -> Self {
        Self {
            upstream: SourceEndpoint::new(http, base, timeout),
            pacer: Pacer::new(min_interval),
            challenges: Challenges::new(cache, challenge_ttl),
        }
    }

    /// What DMM knows about a movie, or about the whole season of an episode (packs and single
    /// episodes alike; matching the episode is the ranking's job). A refused token is replaced
    /// once and the search retried. The search waits for its slot in DMM's pace as `searcher`.
    pub async fn search(
        &self,
        video: &VideoId,
        searcher: Searcher,
    ) -> Result<SourceAnswer, SourceError> {
        if is_canary(video) {
            return Ok(SourceAnswer::default());
        }
        self.upstream.check()?;
        let challenge = self.challenge().await?;
        match self.search_with(video, &challenge, searcher).await {
            Err(SourceError::Unauthorized) => {
                self.challenges.invalidate(&challenge).await;
                let challenge = self.challenge().await?;
                self.search_with(video, &challenge, searcher).await
            }
            other => other,
        }
    }

    /// Which of `hashes` DMM's availability database lists as downloaded on Real-Debrid for the
    /// title (`POST /api/availability/check`, at most 100 hashes a call). A weak signal, used
    /// only to mark streams when nothing stronger is known.
    pub async fn availability(
        &self,
        imdb: &ImdbId,
        hashes: &[InfoHash],
    ) -> Result<HashSet<String>, SourceError> {
        let mut available = HashSet::new();
        if hashes.is_empty() || is_canary(&VideoId::Movie(imdb.clone())) {
            return Ok(available);
        }
        self.upstream.check()?;
        let challenge = self.challenge().await?;
        let url = self.upstream.url(&["api", "availability", "check"]);
        for chunk in hashes.chunks(AVAILABILITY_BATCH) {
            let body = AvailabilityQuery {
                dmm_problem_key: &challenge.token,
                solution: &challenge.hash,
                imdb_id: imdb.as_str(),
                hashes: chunk.iter().map(InfoHash::as_str).collect(),
            };
            let call = async { self.upstream.post_json(url.clone(), &body).await?.json() };
            let result = self
                .upstream
                .observed("dmm_availability", call, |_| "ok")
                .await;
            if matches!(result, Err(SourceError::Unauthorized)) {
                self.challenges.invalidate(&challenge).await;
            }
            let answer: AvailabilityAnswer = result?;
            available.extend(
                answer
                    .available
                    .into_iter()
                    .map(|entry| entry.hash.to_ascii_lowercase()),
            );
        }
        Ok(available)
    }

    async fn challenge(&self) -> Result<Challenge, SourceError> {
        self.challenges
            .get(|| {
                self.upstream
                    .observed("dmm_challenge", self.mint(), |_| "ok")
            })
            .await
    }

    async fn mint(&self) -> Result<ChallengeBody, SourceError> {
        let url = self.upstream.url(&["api", "challenge"]);
        self.upstream.get(url).await?.json()
    }

    async fn search_with(
        &self,
        video: &VideoId,
        challenge: &Challenge,
        searcher: Searcher,
    ) -> Result<SourceAnswer, SourceError> {
        self.upstream.check()?;
        self.pacer
            .wait_turn(searcher.client, searcher.standing)
            .await?;
        let call = self.request(video, challenge);
        self.upstream
            .observed("dmm", call, SourceAnswer::outcome)
            .await
    }

    async fn request(
        &self,
        video: &VideoId,
        challenge: &Challenge,
    ) -> Result<SourceAnswer, SourceError> {
        let reply = self.upstream.get(self.search_url(video, challenge)).await?;
        if reply.status == StatusCode::NO_CONTENT {
            // Not scraped yet: DMM is (or will be) working on it, so ask again soon.
            let pending = matches!(reply.header("status"), Some("requested" | "processing"));
            return Ok(SourceAnswer {
                candidates: Arc::from([]),
                pending,
            });
        }
        let body: SearchBody = reply.json()?;
        Ok(SourceAnswer {
            candidates: body
                .results
                .into_iter()
                .filter_map(candidate)
                .map(Arc::new)
                .collect(),
            pending: false,
        })
    }

    /// The search URL with every parameter DMM's own frontend sends.
    fn search_url(&self, video: &VideoId, challenge: &Challenge) -> Url {
        let kind = match video {
            VideoId::Movie(_) => "movie",
            VideoId::Episode { .. } => "tv",
        };
        let mut url = self.upstream.url(&["api", "torrents", kind]);
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("imdbId", video.imdb().as_str());
            if let VideoId::Episode { season, .. } = video {
                query.append_pair("seasonNum", &season.to_string());
            }
            query
                .append_pair("dmmProblemKey", &challenge.token)
                .append_pair("solution", &challenge.hash)
                .append_pair("onlyTrusted", "false")
                .append_pair("maxSize", "0")
                .append_pair("page", "0");
        }
        url
    }
}

fn candidate(item: DmmItem) -> Option<Candidate> {
    let size = (item.file_size_mb.is_finite() && item.file_size_mb > 0.0)
        .then(|| (item.file_size_mb * 1024.0 * 1024.0).round() as u64);
    Some(Candidate {
        info_hash: InfoHash::parse(&item.hash)?,
        file_idx: None,
        title: item.title,
        filename: None,
        size,
        size_is_file: false,
        seeders: None,
        sources: [SourceId::Dmm].into(),
        trackers: Vec::new(),
        provider: None,
        title_facts: None,
        file_facts: None,
    })
}

fn is_canary(video: &VideoId) -> bool {
    let digits = video.imdb().as_str().trim_start_matches("tt");
    digits.parse::<u64>().is_ok_and(|n| n >= CANARY_FLOOR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::request::ImdbId;

    fn movie(id: &str) -> VideoId {
        VideoId::Movie(ImdbId::parse(id).unwrap_or_else(|| panic!("valid id {id}")))
    }

    #[test]
    fn sizes_are_megabytes_of_the_whole_torrent() {
        let item = DmmItem {
            hash: "AB".repeat(20),
            title: "Movie.2019.1080p".into(),
            file_size_mb: 1.5,
        };
        let candidate = candidate(item).unwrap_or_else(|| panic!("valid item"));
        assert_eq!(candidate.size, Some(1_572_864));
        assert!(!candidate.size_is_file);
        assert_eq!(candidate.info_hash.as_str(), "ab".repeat(20));
    }

    #[test]
    fn bad_hashes_and_sizes_are_dropped() {
        let bad_hash = DmmItem {
            hash: "6f9e2c1b".into(),
            title: "x".into(),
            file_size_mb: 1.0,
        };
        assert!(candidate(bad_hash).is_none());
        let no_size = DmmItem {
            hash: "a".repeat(40),
            title: "x".into(),
            file_size_mb: -1.0,
        };
        assert_eq!(candidate(no_size).and_then(|c| c.size), None);
    }

    #[test]
    fn canary_ids_are_recognised() {
        assert!(is_canary(&movie("tt900000000")));
        assert!(is_canary(&movie("tt9999999999")));
        assert!(!is_canary(&movie("tt0111161")));
        assert!(!is_canary(&movie("tt31234567")));
    }
}
