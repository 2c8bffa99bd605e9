//! Faithful HTTP fakes of the four internet upstreams Ferrio talks to: Debrid Media Manager,
//! YTS, Torrentio and Real-Debrid. The machine has no internet, so Ferrio's integration tests,
//! its benchmarks and the offline sandbox (`cargo run --example sandbox`) all run against these.
//!
//! Each fake is its own HTTP server on 127.0.0.1 (random port) built on `wiremock`, answering
//! with the exact wire formats and quirks of `shared/reference/upstream-apis.md`. Every fake is
//! `Clone` (clones share state) and can be steered while requests are in flight:
//! [`Mode`] (hang, 500, garbage, Cloudflare block, 429), added latency, per-endpoint call
//! counters and fixture data.
//!
//! ```no_run
//! # async fn demo() {
//! let fakes = ferrio_fakes::Fakes::start().await;
//! for (key, value) in fakes.env() {
//!     // e.g. DMM_URL=http://127.0.0.1:41234
//!     let _ = (key, value);
//! }
//! fakes.torrentio.set_mode(ferrio_fakes::Mode::CloudflareHtml);
//! # }
//! ```

mod common;
pub mod discovery;
pub mod dmm;
pub mod fixtures;
pub mod realdebrid;
pub mod torrentio;
mod util;
pub mod yts;

pub use common::Mode;
pub use discovery::{tmdb::TmdbFake, trakt::TraktFake, watchmode::WatchmodeFake};
pub use dmm::{DmmFake, DmmFile, DmmResult};
pub use realdebrid::{RdTorrentSummary, RealDebridFake};
pub use torrentio::{TorrentioFake, TorrentioStream};
pub use yts::{YtsFake, YtsMovie, YtsTorrent};

/// All four fakes, seeded with the standard fixtures of [`fixtures`].
#[derive(Clone)]
pub struct Fakes {
    /// Debrid Media Manager.
    pub dmm: DmmFake,
    /// YTS.
    pub yts: YtsFake,
    /// Torrentio.
    pub torrentio: TorrentioFake,
    /// Real-Debrid.
    pub realdebrid: RealDebridFake,
    /// TMDB (used, like Trakt and Watchmode, only when its key is set).
    pub tmdb: TmdbFake,
    /// Trakt.
    pub trakt: TraktFake,
    /// Watchmode.
    pub watchmode: WatchmodeFake,
}

impl Fakes {
    /// Starts all four fakes (concurrently), each seeded with the standard fixtures; the RD
    /// token [`fixtures::RD_TOKEN`] is registered.
    pub async fn start() -> Fakes {
        let (dmm, yts, torrentio, realdebrid, tmdb, trakt, watchmode) = tokio::join!(
            DmmFake::start(),
            YtsFake::start(),
            TorrentioFake::start(),
            RealDebridFake::start(),
            TmdbFake::start(),
            TraktFake::start(),
            WatchmodeFake::start()
        );
        Fakes {
            dmm,
            yts,
            torrentio,
            realdebrid,
            tmdb,
            trakt,
            watchmode,
        }
    }

    /// The environment Ferrio reads its upstream base URLs from: `DMM_URL`, `YTS_URL`,
    /// `TORRENTIO_URL`, `REALDEBRID_URL`, and the discovery ones (`TMDB_URL`, `TMDB_IMAGE_URL`,
    /// `TRAKT_URL`, `WATCHMODE_URL`), which do nothing until their keys are set too
    /// ([`Self::discovery_keys`]).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DMM_URL", self.dmm.url()),
            ("YTS_URL", self.yts.url()),
            ("TORRENTIO_URL", self.torrentio.url()),
            ("REALDEBRID_URL", self.realdebrid.url()),
            ("TMDB_URL", self.tmdb.url()),
            ("TMDB_IMAGE_URL", self.tmdb.image_url()),
            ("TRAKT_URL", self.trakt.url()),
            ("WATCHMODE_URL", self.watchmode.url()),
        ]
    }

    /// The keys that turn discovery on: `TMDB_API_KEY`, `TRAKT_CLIENT_ID`, `WATCHMODE_API_KEY`.
    pub fn discovery_keys() -> Vec<(&'static str, String)> {
        vec![
            ("TMDB_API_KEY", discovery::tmdb::TMDB_KEY.to_owned()),
            (
                "TRAKT_CLIENT_ID",
                discovery::trakt::TRAKT_CLIENT_ID.to_owned(),
            ),
            (
                "WATCHMODE_API_KEY",
                discovery::watchmode::WATCHMODE_KEY.to_owned(),
            ),
        ]
    }

    /// Applies `mode` to all four fakes.
    pub fn set_mode_all(&self, mode: Mode) {
        self.dmm.set_mode(mode);
        self.yts.set_mode(mode);
        self.torrentio.set_mode(mode);
        self.realdebrid.set_mode(mode);
    }

    /// Zeroes the call counters of all four fakes.
    pub fn reset_calls(&self) {
        self.dmm.reset_calls();
        self.yts.reset_calls();
        self.torrentio.reset_calls();
        self.realdebrid.reset_calls();
    }
}
