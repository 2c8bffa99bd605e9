//! Ferrio's integration tests, in one binary: Ferrio in-process or as the real binary, against
//! the upstream fakes, a real `redis-server` and Stremio's own npm tooling. One module per
//! area; `common` holds the `TestApp` every module starts.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "integration tests: a failed expectation is a failed test"
)]

mod budgets;
mod cache;
mod catalog;
mod common;
mod configure;
mod conformance;
mod discovery;
mod docker;
mod hostile;
mod layers;
mod logs;
mod policy;
mod properties;
mod protocol;
mod realdebrid;
mod resolve;
mod sources;
mod streams;
