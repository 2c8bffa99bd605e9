//! The Stremio addon protocol: wire types, the user's config carried in the URL, and parsing of
//! resource requests. The floor of the crate: it knows no web framework and no upstream, so
//! everything above can speak it.

pub mod config;
pub mod config_discovery;
pub mod config_values;
pub mod library_id;
pub mod manifest;
pub mod manifest_discovery;
pub mod meta;
pub mod region;
pub mod request;
pub mod response;
pub mod seal;
pub mod stream;
