//! The upstream clients against the fakes: answers, failures, pacing and tokens, checked by
//! what the clients return and by what reached the fakes.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "sources/dmm.rs"]
mod dmm;
#[path = "sources/modes.rs"]
mod modes;
#[path = "sources/support.rs"]
mod support;
#[path = "sources/torrentio.rs"]
mod torrentio;
#[path = "sources/yts.rs"]
mod yts;
