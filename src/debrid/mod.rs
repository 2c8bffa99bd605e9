//! Debrid services: turning a torrent into a direct link. Real-Debrid is the one supported.
//!
//! [`Debrid`] gathers what the stream layer needs: the marking of a user's ranked list
//! (honest cached markers, [`mark`]), the resolution of one link ([`resolve`], on top of
//! [`prepare`]), and the user's library.

pub mod added;
pub mod admission;
pub mod availability;
pub mod catalog;
pub mod cleanup;
pub mod dmm_signal;
pub mod evidence;
pub mod health;
pub mod library;
pub mod magnet;
pub mod maintenance;
pub mod mark;
pub mod prepare;
pub mod realdebrid;
pub mod resolve;
pub mod select;
pub mod slots;
pub mod status;
pub mod strikes;
pub mod target;
pub mod verdicts;

use crate::{
    cache::{Cache, TokenHasher},
    metrics::Metrics,
    protocol::seal::Sealer,
    settings::Settings,
    sources::Sources,
};
use added::AddedLedger;
use admission::Admission;
use availability::Availability;
use cleanup::Cleanup;
use dmm_signal::DmmSignal;
use health::Health;
use library::Library;
use maintenance::Maintenance;
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
    pub ledger: AddedLedger,
    pub health: Health,
    pub cleanup: Cleanup,
    pub maintenance: Maintenance,
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
        sealer: Option<&Sealer>,
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
        let ledger = AddedLedger::new(cache);
        let health = Health::new(client.clone(), ledger.clone(), cache);
        let maintenance = Maintenance::new(
            &settings.realdebrid.maintenance,
            client.clone(),
            ledger.clone(),
            cache,
            metrics.clone(),
            sealer,
        );
        Self {
            maintenance,
            cleanup: Cleanup::new(
                client.clone(),
                ledger.clone(),
                library.clone(),
                health.clone(),
                cache,
            ),
            health,
            resolver: Resolver::new(
                client.clone(),
                cache,
                availability.clone(),
                library.clone(),
                verdicts.clone(),
                ledger.clone(),
            ),
            ledger,
            library,
            availability,
            client,
            admission: Admission::new(&settings.realdebrid, cache, sources.returning(), metrics),
            dmm: DmmSignal::new(sources, cache),
            verdicts,
            hasher: cache.token_hasher().clone(),
        }
    }
}
