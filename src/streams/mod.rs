//! Stream building: every stream list and every resolve outcome, in one place. Sources →
//! ranking → Real-Debrid evidence → presentation, the fail-over choice of the resolve route,
//! and the streams of the user's library. Routes call [`Pipeline`] and only translate HTTP.

mod health;
pub mod hot;
mod library;
mod prepared;
pub mod present;
mod resolve;
mod upgrade;
mod watch;

use crate::{
    client_address::ClientKey,
    debrid::{
        Debrid,
        library::LibraryItem,
        mark::{MarkRequest, Marked},
        realdebrid::RdError,
    },
    discovery::{Discovery, model::Kind},
    protocol::{
        config::{DebridToken, UserConfig},
        request::VideoId,
        stream::Stream,
    },
    ranking::{self, Floor, Ranked, Release},
    sources::Sources,
    sources::{limits::Asker, witness::Witness},
};
pub use library::LibraryError;
use prepared::Prepared;
use present::LinkBase;

/// Builds stream lists and resolves taps. Cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    sources: Sources,
    debrid: Debrid,
    discovery: Discovery,
    prepared: Prepared,
}

/// A stream list, and whether it must never be kept by a cache: the one "token refused" entry
/// (the moment the user fixes the token, or Real-Debrid accepts it again, the list must be the
/// real one) and the account-health actions (their links expire in minutes).
pub struct Listing {
    pub streams: Vec<Stream>,
    pub never_cache: bool,
}

impl From<Vec<Stream>> for Listing {
    fn from(streams: Vec<Stream>) -> Self {
        Self {
            streams,
            never_cache: false,
        }
    }
}

impl Pipeline {
    /// The pipeline over the sources and Real-Debrid, keeping prepared releases within
    /// `prepared_bytes`.
    pub fn new(
        sources: Sources,
        debrid: Debrid,
        discovery: Discovery,
        prepared_bytes: u64,
    ) -> Self {
        Self {
            sources,
            debrid,
            discovery,
            prepared: Prepared::new(prepared_bytes),
        }
    }

    /// The Real-Debrid side, for what only it knows (the library catalog, its metadata).
    pub fn debrid(&self) -> &Debrid {
        &self.debrid
    }

    /// The ranked releases of a video from the sources the user enabled. No release name is
    /// parsed here (that happened when the answers were fetched) and, while the answers are
    /// the cached ones, nothing is merged again: a request filters, sorts and limits.
    pub async fn releases(
        &self,
        video: &VideoId,
        config: &UserConfig,
        client: ClientKey,
    ) -> Ranked {
        // A subscriber's request is one whose token Real-Debrid accepted, not one with any
        // string in the token field: a made-up token buys no share of the shared budgets.
        let subscriber = match &config.realdebrid {
            Some(token) => self.debrid.is_accepted(token).await,
            None => false,
        };
        let asker = Asker {
            client,
            anonymous: !subscriber,
        };
        let witness = self.witness(video, config, client);
        let gathered = self
            .sources
            .gather(video, &config.sources, asker, witness)
            .await;
        let prepared = self.prepared.of(video, &config.sources, &gathered);
        ranking::rank(&prepared, video, config)
    }

    /// Whether TMDB knows the video's title, asked only if a source needs to know.
    fn witness(&self, video: &VideoId, config: &UserConfig, client: ClientKey) -> Witness {
        let (discovery, imdb) = (self.discovery.clone(), video.imdb().clone());
        let (kind, asker) = (Kind::of(video), discovery.asker(config, client));
        Witness::new(async move { discovery.knows(kind, &imdb, &asker).await })
    }

    /// The stream list, with the where-to-watch rows around it when the user wants them (asked
    /// while the torrents are).
    pub async fn list(
        &self,
        video: &VideoId,
        config: &UserConfig,
        links: LinkBase<'_>,
        client: ClientKey,
    ) -> Listing {
        let (listing, rows) = tokio::join!(
            self.torrents(video, config, links, client),
            self.where_to_watch(video, config, client)
        );
        watch::around(listing, rows, config.discovery.where_to_watch)
    }

    /// The torrents: peer-to-peer without a token; resolve links with cached markers with one.
    async fn torrents(
        &self,
        video: &VideoId,
        config: &UserConfig,
        links: LinkBase<'_>,
        client: ClientKey,
    ) -> Listing {
        let Some(token) = &config.realdebrid else {
            let ranked = self.releases(video, config, client).await;
            let streams = ranked.releases.iter().map(ranking::present).collect();
            return noted(streams, ranked.floor).into();
        };
        // The library is listed while the sources are asked: it costs no time on top.
        let (ranked, library) = tokio::join!(
            self.releases(video, config, client),
            self.library_items(token, client)
        );
        let library = match library {
            Err(RdError::BadToken | RdError::PermissionDenied) => {
                return Listing {
                    streams: vec![present::token_error(links.base_url)],
                    never_cache: true,
                };
            }
            // Real-Debrid is down: the list is still shown, without library evidence.
            other => other.unwrap_or_default(),
        };
        let now = crate::clock::now_ms();
        let (marked, floor) = self
            .marked(token, ranked.releases, &library, video, config)
            .await;
        self.reverify_if_aged(token, &marked, now).await;
        let upgrade = upgrade::row(&marked, &links, video, now);
        let streams = upgrade
            .into_iter()
            .chain(
                marked
                    .iter()
                    .map(|entry| present::stream(entry, &links, video, now)),
            )
            .collect();
        let floor = if ranked.floor == Floor::Held {
            floor
        } else {
            ranked.floor
        };
        noted(streams, floor).into()
    }

    /// A list showing a marker whose evidence has aged refreshes the user's library listing
    /// (in the background, once per period), so the next list is current.
    async fn reverify_if_aged(&self, token: &DebridToken, marked: &[Marked], now: u64) {
        let library = &self.debrid.library;
        let aged = marked.iter().any(|entry| {
            entry
                .evidence
                .is_some_and(|evidence| library.is_aged(evidence, now))
        });
        if aged {
            library.reverify(token).await;
        }
    }

    async fn marked(
        &self,
        token: &DebridToken,
        releases: Vec<Release>,
        library: &[LibraryItem],
        video: &VideoId,
        config: &UserConfig,
    ) -> (Vec<Marked>, Floor) {
        let request = MarkRequest {
            token,
            video,
            config,
        };
        self.debrid.mark(releases, library, &request).await
    }
}

/// The streams, each with the floor's note when it gave way to make the list.
fn noted(mut streams: Vec<Stream>, floor: Floor) -> Vec<Stream> {
    if let Some(note) = floor.note() {
        for stream in &mut streams {
            stream.description = format!("{note}\n{}", stream.description);
        }
    }
    streams
}
