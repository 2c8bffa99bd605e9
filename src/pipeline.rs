//! The stream pipeline: sources → merge → rank → present. Shared by the stream route and by
//! the resolve route's fail-over, which needs the same ranked list to pick the next torrent.

use crate::{
    debrid::{
        MarkRequest,
        library::LibraryItem,
        present::{self, LinkBase},
        realdebrid::RdError,
        resolve::Target,
    },
    protocol::{
        config::{DebridToken, UserConfig},
        request::VideoId,
        stream::Stream,
    },
    ranking::{self, Release},
    state::AppState,
};

/// The ranked releases of a video from the sources the user enabled.
pub async fn releases(state: &AppState, video: &VideoId, config: &UserConfig) -> Vec<Release> {
    let candidates = state.sources.find(video, &config.sources).await;
    // Ranking parses every release name: CPU work, kept off the worker that serves other
    // requests (the parser's first use alone takes seconds in a debug build).
    let (video, config) = (video.clone(), config.clone());
    tokio::task::spawn_blocking(move || ranking::rank(candidates, &video, &config))
        .await
        .unwrap_or_default()
}

/// A stream list, and whether it is the one "token refused" entry, which must never be kept
/// by a cache: the moment the user fixes the token, or Real-Debrid accepts it again, the list
/// must be the real one.
pub struct Listing {
    pub streams: Vec<Stream>,
    pub token_refused: bool,
}

impl From<Vec<Stream>> for Listing {
    fn from(streams: Vec<Stream>) -> Self {
        Self {
            streams,
            token_refused: false,
        }
    }
}

/// The stream list: peer-to-peer without a token; resolve links with cached markers with one.
pub async fn streams(
    state: &AppState,
    video: &VideoId,
    config: &UserConfig,
    links: LinkBase<'_>,
) -> Listing {
    let Some(token) = &config.realdebrid else {
        return releases(state, video, config)
            .await
            .iter()
            .map(ranking::present)
            .collect::<Vec<_>>()
            .into();
    };
    // The library is listed while the sources are asked: it costs no time on top.
    let (releases, library) = tokio::join!(
        releases(state, video, config),
        state.debrid.library.items(token)
    );
    let library = match library {
        Err(RdError::BadToken | RdError::PermissionDenied) => {
            return Listing {
                streams: vec![present::token_error(links.base_url)],
                token_refused: true,
            };
        }
        // Real-Debrid is down: the list is still shown, without library evidence.
        other => other.unwrap_or_default(),
    };
    let now = crate::cache::now_ms();
    marked(state, token, releases, &library, video, config)
        .await
        .iter()
        .map(|entry| present::stream(entry, &links, video, now))
        .collect::<Vec<_>>()
        .into()
}

/// The likely-cached torrents of a video for a user, best first: what fail-over tries.
pub async fn cached_targets(
    state: &AppState,
    token: &DebridToken,
    config: &UserConfig,
    video: &VideoId,
) -> Vec<Target> {
    let (releases, library) = tokio::join!(
        releases(state, video, config),
        state.debrid.library.items(token)
    );
    let library = library.unwrap_or_default();
    marked(state, token, releases, &library, video, config)
        .await
        .into_iter()
        .filter(|entry| entry.evidence.is_some())
        .map(|entry| entry.target)
        .collect()
}

async fn marked(
    state: &AppState,
    token: &DebridToken,
    releases: Vec<Release>,
    library: &[LibraryItem],
    video: &VideoId,
    config: &UserConfig,
) -> Vec<present::Marked> {
    let hashes: Vec<_> = releases
        .iter()
        .map(|release| release.candidate.info_hash.clone())
        .collect();
    let dmm_cached = state.debrid.dmm.cached(video.imdb(), &hashes).await;
    let request = MarkRequest {
        token,
        video,
        config,
        dmm_cached: &dmm_cached,
    };
    state.debrid.mark(releases, library, &request).await
}
