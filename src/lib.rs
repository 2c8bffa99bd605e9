//! Ferrio: a Stremio addon that asks DMM, YTS and Torrentio at once, ranks what they know and
//! plays it through Real-Debrid.
//!
//! Layout follows the architecture: [`protocol`] speaks Stremio (types, user config, request
//! parsing), [`routes`] maps HTTP onto it, and the server plumbing lives in [`settings`],
//! [`telemetry`], [`metrics`], [`error`] and [`startup`].

pub mod cache;
pub mod catalog;
pub mod client_address;
pub mod clock;
pub mod debrid;
pub mod error;
pub mod metrics;
pub mod protocol;
pub mod ranking;
pub mod routes;
pub mod settings;
pub mod sources;
pub mod startup;
pub mod state;
pub mod streams;
pub mod telemetry;
pub mod upstream;
