//! Fakes of the discovery upstreams: TMDB, Trakt and Watchmode, all answering from one title
//! table ([`crate::fixtures::titles`]).

mod dates;
pub mod tmdb;
pub mod trakt;
pub mod watchmode;

pub use dates::{date_in_days, today};
