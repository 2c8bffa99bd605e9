//! Torrentio's stream endpoint: `GET {TORRENTIO_URL}/stream/{movie|series}/{id}.json`.
//!
//! ```json
//! {"streams": [{"name": "Torrentio\n1080p",
//!               "title": "Show.S01.1080p\nShow.S01E03.1080p.mkv\n👤 12 💾 1.2 GB ⚙️ EZTV",
//!               "infoHash": "<40 hex>", "fileIdx": 3,
//!               "behaviorHints": {"filename": "Show.S01E03.1080p.mkv"},
//!               "sources": ["tracker:udp://tracker.example:1337/announce", "dht:<40 hex>"]}]}
//! ```
//! Torrentio sits behind Cloudflare, which blocks datacenter IPs with a 403 HTML page: that is
//! `Blocked`, never "no results".

mod title;

use super::{
    Candidate, SourceAnswer, SourceError, SourceHttp, candidate::file_name,
    endpoint::SourceEndpoint,
};
use crate::protocol::{config::SourceId, request::VideoId, stream::InfoHash};
use crate::upstream::endpoint_component;
use crate::upstream::lenient;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The Torrentio client.
pub struct TorrentioClient {
    upstream: SourceEndpoint,
}

#[derive(Deserialize)]
struct StreamsBody {
    #[serde(deserialize_with = "lenient::vec")]
    streams: Vec<TorrentioStream>,
}

/// A stream without `infoHash` (a debrid link) does not parse and is skipped.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TorrentioStream {
    info_hash: InfoHash,
    #[serde(default)]
    file_idx: Option<u32>,
    #[serde(default)]
    title: Option<String>,
    /// Where newer addons put what Torrentio puts in `title`.
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    behavior_hints: Option<Hints>,
    #[serde(default, deserialize_with = "lenient::vec")]
    sources: Vec<String>,
}

#[derive(Deserialize)]
struct Hints {
    #[serde(default)]
    filename: Option<String>,
}

impl TorrentioClient {
    /// A client for the Torrentio at `base` (the part before `/stream/…`).
    pub fn new(http: SourceHttp, base: Url, timeout: Duration) -> Self {
        Self {
            upstream: SourceEndpoint::new(http, base, timeout),
        }
    }

    /// The torrents Torrentio has for a movie or one episode.
    pub async fn streams(&self, video: &VideoId) -> Result<SourceAnswer, SourceError> {
        self.upstream.check()?;
        let call = async {
            let body: StreamsBody = self.upstream.get(self.url(video)).await?.json()?;
            Ok(SourceAnswer {
                candidates: body
                    .streams
                    .into_iter()
                    .map(candidate)
                    .map(Arc::new)
                    .collect(),
                pending: false,
            })
        };
        self.upstream
            .observed("torrentio", call, SourceAnswer::outcome)
            .await
    }

    /// `…/stream/series/tt0903747%3A1%3A3.json`: the id encoded as Stremio encodes it.
    fn url(&self, video: &VideoId) -> Url {
        let kind = match video {
            VideoId::Movie(_) => "movie",
            VideoId::Episode { .. } => "series",
        };
        let file = format!("{video}.json");
        endpoint_component(self.upstream.base(), &["stream", kind, &file])
    }
}

fn candidate(stream: TorrentioStream) -> Candidate {
    let text = stream.title.or(stream.description).unwrap_or_default();
    let facts = title::parse(&text);
    let file_name = facts.file_path.as_deref().map(file_name).map(str::to_owned);
    let filename = stream
        .behavior_hints
        .and_then(|hints| hints.filename)
        .or(file_name);
    let title = if facts.release.is_empty() {
        filename.clone().unwrap_or_default()
    } else {
        facts.release
    };
    Candidate {
        info_hash: stream.info_hash,
        file_idx: stream.file_idx,
        title,
        filename,
        size: facts.size,
        // Torrentio reports the file's own size whenever it knows which file it is.
        size_is_file: stream.file_idx.is_some(),
        seeders: facts.seeders,
        sources: [SourceId::Torrentio].into(),
        trackers: stream
            .sources
            .iter()
            .filter_map(|source| source.strip_prefix("tracker:"))
            .map(str::to_owned)
            .collect(),
        provider: facts.provider,
        title_facts: None,
        file_facts: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Candidate {
        candidate(serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn a_pack_file_becomes_a_file_candidate() {
        let found = parse(
            r#"{"name":"Torrentio\n1080p","title":"Show.S01.1080p\nShow/Show.S01E03.mkv\n👤 12 💾 1 GB ⚙️ EZTV",
                "infoHash":"ABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD","fileIdx":3,
                "sources":["tracker:udp://t.example:1337/announce","dht:abc"]}"#,
        );
        assert_eq!(found.title, "Show.S01.1080p");
        assert_eq!(found.file_idx, Some(3));
        assert_eq!(found.filename.as_deref(), Some("Show.S01E03.mkv"));
        assert_eq!(found.size, Some(1 << 30));
        assert!(found.size_is_file);
        assert_eq!(found.seeders, Some(12));
        assert_eq!(found.provider.as_deref(), Some("EZTV"));
        assert_eq!(found.trackers, ["udp://t.example:1337/announce"]);
        assert!(found.info_hash.as_str().starts_with("abcdef"));
    }

    #[test]
    fn the_hinted_filename_wins_and_a_torrent_without_file_is_whole() {
        let found = parse(
            r#"{"title":"Movie.2019.1080p\n👤 1 ⚙️ YTS","infoHash":"abcdefabcdefabcdefabcdefabcdefabcdefabcd",
                "behaviorHints":{"filename":"movie.mkv","bingeGroup":"x"}}"#,
        );
        assert_eq!(found.filename.as_deref(), Some("movie.mkv"));
        assert!(!found.size_is_file);
        assert!(found.trackers.is_empty());
    }
}
