//! YTS: movies only, one torrent per quality.
//!
//! `GET {YTS_URL}/list_movies.json?query_term=tt…` lists the movie with its torrents; see
//! [`model`] for the wire types.

pub mod model;

use super::{Candidate, SourceAnswer, SourceError, SourceHttp, endpoint::SourceEndpoint};
use crate::protocol::{config::SourceId, request::ImdbId};
use model::{Envelope, ListMovies, MoviePage, YtsMovie, YtsTorrent};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Trackers of the YTS API's recommended list that still answer; YTS answers carry none. Also
/// the trackers of a rebuilt Real-Debrid magnet when no source reported any.
pub const TRACKERS: [&str; 2] = [
    "udp://tracker.opentrackr.org:1337/announce",
    "udp://open.demonii.com:1337/announce",
];

/// The YTS client.
pub struct YtsClient {
    upstream: SourceEndpoint,
}

impl YtsClient {
    /// A client for the YTS API at `base` (the part before `/list_movies.json`).
    pub fn new(http: SourceHttp, base: Url, timeout: Duration) -> Self {
        Self {
            upstream: SourceEndpoint::new(http, base, timeout),
        }
    }

    /// The torrents YTS has for a movie. YTS matches `query_term` loosely, so only the movie
    /// whose `imdb_code` is the requested id is kept.
    pub async fn streams(&self, imdb: &ImdbId) -> Result<SourceAnswer, SourceError> {
        self.upstream.check()?;
        let query = ListMovies {
            query_term: Some(imdb.as_str().to_owned()),
            ..ListMovies::default()
        };
        let call = async {
            let page = self.list(&query).await?;
            let candidates = page
                .movies
                .into_iter()
                .filter(|movie| movie.imdb_code == imdb.as_str())
                .flat_map(candidates)
                .map(Arc::new)
                .collect();
            Ok(SourceAnswer {
                candidates,
                pending: false,
            })
        };
        self.upstream
            .observed("yts", call, SourceAnswer::outcome)
            .await
    }

    /// One page of YTS's movie list, for catalogs.
    pub async fn list_movies(&self, query: &ListMovies) -> Result<MoviePage, SourceError> {
        self.upstream.check()?;
        let outcome = |page: &MoviePage| {
            if page.movies.is_empty() {
                "empty"
            } else {
                "ok"
            }
        };
        self.upstream
            .observed("yts", self.list(query), outcome)
            .await
    }

    /// The call itself; callers check the `Retry-After` gate first, so that a refusal made
    /// locally is not recorded as an upstream call.
    async fn list(&self, query: &ListMovies) -> Result<MoviePage, SourceError> {
        let mut url = self.upstream.url(&["list_movies.json"]);
        query.apply(&mut url);
        let envelope: Envelope = self.upstream.get(url).await?.json()?;
        if envelope.status != "ok" {
            let message = envelope.status_message.unwrap_or(envelope.status);
            return Err(SourceError::BadResponse(format!("YTS says: {message}")));
        }
        let data = envelope
            .data
            .ok_or_else(|| SourceError::BadResponse("YTS answer without data".into()))?;
        Ok(MoviePage {
            movie_count: data.movie_count,
            movies: data.movies,
        })
    }
}

fn candidates(mut movie: YtsMovie) -> Vec<Candidate> {
    let torrents = std::mem::take(&mut movie.torrents);
    let candidate = |torrent: YtsTorrent| Candidate {
        title: release_title(&movie, &torrent),
        info_hash: torrent.hash,
        file_idx: None,
        filename: None,
        size: torrent.size_bytes.filter(|size| *size > 0),
        size_is_file: false,
        seeders: torrent.seeds,
        sources: [SourceId::Yts].into(),
        trackers: TRACKERS.map(str::to_owned).to_vec(),
        // YTS is its own indexer: naming it again as the provider would say nothing.
        provider: None,
        title_facts: None,
        file_facts: None,
    };
    torrents.into_iter().map(candidate).collect()
}

/// A release name the release-name parser understands, built from YTS's structured fields:
/// `The Matrix (1999) [1080p] [BluRay] [x265] [10bit] [5.1] [YTS]`.
fn release_title(movie: &YtsMovie, torrent: &YtsTorrent) -> String {
    let mut title = movie.title.clone();
    if let Some(year) = movie.year.filter(|year| *year > 0) {
        title.push_str(&format!(" ({year})"));
    }
    // `1080p.x265` is YTS's name for the x265 encode of 1080p.
    let (quality, codec_in_quality) = match torrent.quality.split_once('.') {
        Some((quality, codec)) => (quality, Some(codec)),
        None => (torrent.quality.as_str(), None),
    };
    let source = torrent.kind.as_deref().map(|kind| match kind {
        "bluray" => "BluRay",
        "web" => "WEBRip",
        other => other,
    });
    let codec = torrent.video_codec.as_deref().or(codec_in_quality);
    let bit_depth = torrent.bit_depth.as_ref().map(|bits| format!("{bits}bit"));
    let repack = (torrent.is_repack.as_deref() == Some("1")).then_some("REPACK");
    let tags = [Some(quality), source, codec, bit_depth.as_deref()]
        .into_iter()
        .chain([torrent.audio_channels.as_deref(), repack, Some("YTS")]);
    for tag in tags.flatten().filter(|tag| !tag.is_empty()) {
        title.push_str(&format!(" [{tag}]"));
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::stream::InfoHash;

    fn torrent(quality: &str) -> YtsTorrent {
        YtsTorrent {
            hash: InfoHash::parse(&"A".repeat(40)).unwrap_or_else(|| panic!("valid hash")),
            quality: quality.into(),
            kind: Some("bluray".into()),
            video_codec: Some("x265".into()),
            bit_depth: Some("10".into()),
            audio_channels: Some("5.1".into()),
            is_repack: Some("0".into()),
            seeds: Some(10),
            size_bytes: Some(1),
        }
    }

    fn matrix() -> YtsMovie {
        YtsMovie {
            imdb_code: "tt0133093".into(),
            title: "The Matrix".into(),
            year: Some(1999),
            rating: None,
            genres: Vec::new(),
            summary: None,
            large_cover_image: None,
            torrents: vec![torrent("1080p")],
        }
    }

    #[test]
    fn release_titles_carry_every_tag_and_parse_back() {
        let title = release_title(&matrix(), &torrent("1080p"));
        assert_eq!(
            title,
            "The Matrix (1999) [1080p] [BluRay] [x265] [10bit] [5.1] [YTS]"
        );
        let parsed = parse_torrent_title::parse(&title);
        assert_eq!(parsed.title(), "The Matrix");
        assert_eq!(parsed.resolution(), Some("1080p"));
        assert_eq!(parsed.source(), Some("BluRay"));
        assert_eq!(parsed.codec(), Some("x265"));
        assert_eq!(parsed.bit_depth(), Some("10bit"));
    }

    #[test]
    fn web_repacks_and_codec_qualities_are_named() {
        let mut web = torrent("1080p.x265");
        web.kind = Some("web".into());
        web.video_codec = None;
        web.bit_depth = None;
        web.is_repack = Some("1".into());
        let title = release_title(&matrix(), &web);
        assert_eq!(
            title,
            "The Matrix (1999) [1080p] [WEBRip] [x265] [5.1] [REPACK] [YTS]"
        );
        assert_eq!(parse_torrent_title::parse(&title).source(), Some("WEBRip"));
    }

    #[test]
    fn every_torrent_becomes_a_yts_candidate() {
        let mut movie = matrix();
        movie.torrents.push(torrent("720p"));
        let found = candidates(movie);
        assert_eq!(found.len(), 2);
        assert!(found[1].title.contains("[720p]"));
        assert_eq!(found[0].seeders, Some(10));
        assert!(found.iter().all(|c| c.sources == [SourceId::Yts].into()));
    }
}
