//! Ferrio: a Stremio addon that asks DMM, YTS and Torrentio at once, ranks what they know and
//! plays it through Real-Debrid.
//!
//! # Layout
//!
//! Six layers, bottom to top; a module uses its own layer and the ones below, never one above
//! (the `layers` integration test reads `src/` and enforces it).
//!
//! 1. **Foundation** — [`settings`] (one typed, grouped struct from the environment),
//!    [`telemetry`], [`metrics`], [`error`] (the JSON error shape), [`clock`] (shared with the
//!    other instances through Redis's), the viewer's [`client_address`], the [`keyed_hash`]
//!    behind every key made from something personal, and [`protocol`]: Stremio's wire types
//!    and the user's config, with no web framework and no upstream in it.
//! 2. **Upstream plumbing** — [`upstream`]: the pooled HTTP client, URL joining, token
//!    buckets for shared budgets, the circuit breaker and its call guard, `Retry-After`,
//!    lenient list parsing, per-call metrics.
//! 3. **Cache** — [`cache`]: in-process and Redis tiers (one multiplexed connection, or a
//!    cluster), single-flight across instances, freshness. Generic: each domain module
//!    declares its own families and lifetimes.
//! 4. **Domain** — [`sources`] (a folder per upstream, the fan-out and merge, their cache
//!    families, the per-client allowances and Torrentio's daily quota), then [`ranking`] (release names parsed, filtered, sorted), [`catalog`]
//!    (the YTS catalogs) and [`discovery`] (TMDB, Trakt and Watchmode: the trending and
//!    streaming catalogs, where to watch, the prewarm), then [`debrid`] (the Real-Debrid client, the admission of new
//!    tokens, marking, preparation and resolution, the library).
//! 5. **Streams** — [`streams`]: every stream list and every resolve outcome, built in one
//!    place: sources → ranking → Real-Debrid evidence → presentation, the fail-over choice, the
//!    library's streams, and the rendered-answer cache.
//! 6. **Routes** — [`routes`] translate HTTP to and from the layers below; [`state`] holds
//!    what handlers share; [`startup`] builds and runs the server; `main.rs` is a thin shell.

pub mod cache;
pub mod catalog;
pub mod client_address;
pub mod clock;
pub mod debrid;
pub mod discovery;
pub mod error;
pub mod keyed_hash;
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
