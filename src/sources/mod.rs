//! The torrent sources: one module per upstream, and the fan-out that asks them all at once.

pub mod candidate;
