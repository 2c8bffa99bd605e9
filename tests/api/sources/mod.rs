//! The upstream clients against the fakes: answers, failures, pacing and tokens, checked by
//! what the clients return and by what reached the fakes.

mod dmm;
mod modes;
mod support;
mod torrentio;
mod yts;
