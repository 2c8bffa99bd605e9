//! Debrid services: turning a torrent into a direct link. Real-Debrid is the one supported.
//!
//! [`Debrid`] gathers what the routes need: the stream list of a user with a token (resolve
//! links with honest cached markers), the resolution of one link, and the user's library.

pub mod availability;
pub mod catalog;
pub mod dmm_signal;
pub mod evidence;
pub mod library;
pub mod present;
pub mod realdebrid;
pub mod resolve;
pub mod select;
pub mod status;

use crate::{
    cache::Cache,
    metrics::Metrics,
    protocol::{config::UserConfig, request::VideoId},
    ranking::Release,
    settings::Settings,
    sources::Sources,
};
use availability::Availability;
use dmm_signal::DmmSignal;
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
        Self {
            library: Library::new(client.clone(), cache),
            resolver: Resolver::new(client.clone(), cache, availability.clone()),
            availability,
            client,
            dmm: DmmSignal::new(sources, cache),
        }
    }

    /// The releases worth offering a user with a token, marked with what is known of their
    /// availability: releases Real-Debrid refused are left out, `cachedOnly` and
    /// `showDownloadLinks` applied, likely-cached ones first within each quality.
    pub async fn mark(
        &self,
        releases: Vec<Release>,
        library: &[LibraryItem],
        request: &MarkRequest<'_>,
    ) -> Vec<Marked> {
        let refused = futures::future::join_all(releases.iter().map(|release| async move {
            self.availability
                .is_refused(&release.candidate.info_hash)
                .await
        }))
        .await;
        let releases: Vec<Release> = releases
            .into_iter()
            .zip(refused)
            .filter(|(_, refused)| !refused)
            .map(|(release, _)| release)
            .collect();
        let targets: Vec<_> = releases
            .iter()
            .map(|release| present::target_for(release, request.video))
            .collect();
        let evidence =
            evidence::gather(&targets, library, &self.availability, request.dmm_cached).await;
        let marked = releases
            .into_iter()
            .zip(targets)
            .zip(evidence)
            .map(|((release, target), evidence)| Marked {
                release,
                target,
                evidence,
            })
            .collect();
        present::arrange(marked, request.config)
    }
}

/// What marking needs to know of the request.
pub struct MarkRequest<'a> {
    pub video: &'a VideoId,
    pub config: &'a UserConfig,
    /// Hashes DMM's availability database lists as cached on Real-Debrid.
    pub dmm_cached: &'a HashSet<String>,
}
