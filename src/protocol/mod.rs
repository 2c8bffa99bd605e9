//! The Stremio addon protocol: wire types, the user's config carried in the URL, and parsing of
//! resource requests.

pub mod config;
pub mod config_values;
pub mod manifest;
pub mod meta;
pub mod request;
pub mod response;
pub mod seal;
pub mod stream;
