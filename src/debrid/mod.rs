//! Debrid services: turning a torrent into a direct link. Real-Debrid is the one supported.
//!
//! [`Debrid`] gathers what the routes need: the stream list of a user with a token (resolve
//! links with honest cached markers), the resolution of one link, and the user's library.

pub mod availability;
pub mod catalog;
pub mod dmm_signal;
pub mod evidence;
pub mod library;
pub mod prepare;
pub mod present;
pub mod realdebrid;
pub mod resolve;
pub mod select;
pub mod status;
pub mod strikes;

use crate::{
    cache::{Cache, TokenHasher},
    metrics::Metrics,
    protocol::{
        config::{DebridToken, UserConfig},
        request::VideoId,
    },
    ranking::Release,
    settings::Settings,
    sources::Sources,
};
use availability::Availability;
use dmm_signal::DmmSignal;
use evidence::Signals;
use library::{Library, LibraryItem};
use present::Marked;
use realdebrid::RealDebrid;
use resolve::Resolver;
use std::collections::HashSet;

/// The Real-Debrid side of Ferrio. Cheap to clone.
#[derive(Clone)]
pub struct Debrid {
    pub availability: Availability,
    pub library: Library,
    pub resolver: Resolver,
    pub client: RealDebrid,
    pub dmm: DmmSignal,
    hasher: TokenHasher,
}

impl Debrid {
    /// Builds the client (on the shared HTTP pool) and its cache families; `sources` gives
    /// access to DMM's availability database.
    pub fn new(
        settings: &Settings,
        http: reqwest::Client,
        cache: &Cache,
        metrics: Metrics,
        sources: Sources,
    ) -> Self {
        let client = RealDebrid::new(
            http,
            settings.realdebrid_url.clone(),
            settings.realdebrid_timeout(),
            metrics,
            cache,
        );
        let availability = Availability::new(cache);
        let library = Library::new(client.clone(), cache);
        Self {
            resolver: Resolver::new(client.clone(), cache, availability.clone(), library.clone()),
            library,
            availability,
            client,
            dmm: DmmSignal::new(sources, cache),
            hasher: cache.token_hasher().clone(),
        }
    }

    /// The releases worth offering a user with a token, marked with what is known of their
    /// availability: releases Real-Debrid refused this account lately are left out, those
    /// refused to several accounts go last, `cachedOnly` and `showDownloadLinks` are applied,
    /// and likely-cached ones come first within each quality.
    pub async fn mark(
        &self,
        releases: Vec<Release>,
        library: &[LibraryItem],
        request: &MarkRequest<'_>,
    ) -> Vec<Marked> {
        let account = self.hasher.hash(request.token);
        let targets: Vec<_> = releases
            .iter()
            .map(|release| present::target_for(release, request.video))
            .collect();
        let views = futures::future::join_all(targets.iter().map(|target| async {
            self.availability
                .view(&target.hash, &target.file_key(), &account)
                .await
        }))
        .await;
        let signals = Signals::new(library, request.dmm_cached);
        let marked = releases
            .into_iter()
            .zip(targets)
            .zip(views)
            .filter(|(_, view)| !view.refused_here)
            .map(|((release, target), view)| Marked {
                evidence: signals.evidence(&target, &view),
                demoted: view.demoted,
                release,
                target,
            })
            .collect();
        present::arrange(marked, request.config)
    }
}

/// What marking needs to know of the request.
pub struct MarkRequest<'a> {
    pub token: &'a DebridToken,
    pub video: &'a VideoId,
    pub config: &'a UserConfig,
    /// Hashes DMM's availability database lists as cached on Real-Debrid.
    pub dmm_cached: &'a HashSet<String>,
}
