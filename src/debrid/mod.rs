//! Debrid services: turning a torrent into a direct link. Real-Debrid is the one supported.
//!
//! [`Debrid`] gathers what the stream layer needs: the marking of a user's ranked list
//! (honest cached markers, [`mark`]), the resolution of one link ([`resolve`], on top of
//! [`prepare`]), and the user's library.

pub mod admission;
pub mod availability;
pub mod catalog;
pub mod dmm_signal;
pub mod evidence;
pub mod library;
pub mod mark;
pub mod prepare;
pub mod realdebrid;
pub mod resolve;
pub mod select;
pub mod status;
pub mod strikes;
pub mod target;
pub mod verdicts;

use crate::{
    cache::{Cache, TokenHasher},
    metrics::Metrics,
    settings::Settings,
    sources::Sources,
};
use admission::Admission;
use availability::Availability;
use dmm_signal::DmmSignal;
use library::Library;
use realdebrid::RealDebrid;
use resolve::Resolver;
use verdicts::Verdicts;

/// The Real-Debrid side of Ferrio. Cheap to clone.
#[derive(Clone)]
pub struct Debrid {
    pub availability: Availability,
    pub library: Library,
    pub resolver: Resolver,
    pub client: RealDebrid,
    pub dmm: DmmSignal,
    pub verdicts: Verdicts,
    admission: Admission,
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
            settings.realdebrid.url.clone(),
            settings.realdebrid.timeout,
            metrics.clone(),
            cache,
        );
        let availability = Availability::new(cache);
        let library = Library::new(client.clone(), cache, settings.realdebrid.marker_reverify);
        let verdicts = Verdicts::new(cache, metrics.clone());
        Self {
            resolver: Resolver::new(
                client.clone(),
                cache,
                availability.clone(),
                library.clone(),
                verdicts.clone(),
            ),
            library,
            availability,
            client,
            dmm: DmmSignal::new(sources, cache),
            verdicts,
            admission: Admission::new(&settings.realdebrid, cache, metrics),
            hasher: cache.token_hasher().clone(),
        }
    }
}
