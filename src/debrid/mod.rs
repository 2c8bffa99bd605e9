//! Debrid services: turning a torrent into a direct link.

pub mod realdebrid;
pub mod select;
pub mod status;
