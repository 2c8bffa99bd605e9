//! The user's configuration, carried in the first path segment of every URL.
//!
//! Three encodings decode to one [`UserConfig`]:
//! - the SDK's convention, percent-encoded JSON: `%7B%22sort%22%3A%22size%22%7D`;
//! - base64url JSON without padding: `eyJzb3J0Ijoic2l6ZSJ9`;
//! - sealed, when the server has a `CONFIG_SECRET`: `s.<base64url ciphertext>` (see [`seal`]).
//!
//! Every field has a default, so `{}` is a valid config and old install URLs keep working when
//! fields are added. The `v` field versions the format.
//!
//! [`seal`]: super::seal

use super::seal::{SEALED_PREFIX, Sealer};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The config format this server reads and writes.
pub const CONFIG_VERSION: u8 = 1;
/// The longest config segment accepted, in bytes as it appears in the URL.
pub const MAX_CONFIG_BYTES: usize = 4096;

pub use crate::protocol::config_discovery::{DiscoveryConfig, WhereToWatch};
pub use crate::protocol::config_values::{CatalogId, Quality, SortOrder, SourceId};

/// A secret a user puts in their config (an API token or key): its `Debug` output is
/// redacted, and the only way to read it is `expose`, used where it is sent upstream or sealed
/// into a config.
macro_rules! user_secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Deserialize)]
        pub struct $name(SecretString);

        impl $name {
            /// The secret itself, for its upstream client and config encoding only.
            pub fn expose(&self) -> &str {
                self.0.expose_secret()
            }

            /// 8 to 128 letters, digits, `-`, `_` or `.`.
            pub(super) fn is_well_formed(&self) -> bool {
                let value = self.expose();
                (8..=128).contains(&value.len())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(SecretString::from(value))
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.expose() == other.expose()
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.expose())
            }
        }
    };
}

user_secret!(
    /// A Real-Debrid API token.
    DebridToken
);
user_secret!(
    /// A user's own TMDB or Watchmode key, used instead of the server's.
    ApiKey
);

/// What a user chose on the configure page.
///
/// ```json
/// {"v": 1, "sources": ["dmm", "yts"], "realdebrid": "ABC…", "excludeQualities": ["cam", "480p"],
///  "maxSizeGb": 20, "sort": "qualitysize", "limitPerQuality": 3, "maxResults": 30,
///  "excludeKeywords": ["hdcam"], "cachedOnly": false, "showDownloadLinks": true,
///  "catalogs": ["yts-popular", "yts-search"], "preferredQualities": ["1080p", "2160p"],
///  "minQuality": "720p", "lowerUntilBetter": true, "maxQuality": "2160p",
///  "minSizeGbByQuality": {"2160p": 8}, "cachedFirst": true}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserConfig {
    /// Format version.
    pub v: u8,
    /// Sources to ask.
    pub sources: BTreeSet<SourceId>,
    /// Real-Debrid API token; with it, streams play through Real-Debrid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realdebrid: Option<DebridToken>,
    /// Qualities never shown.
    pub exclude_qualities: BTreeSet<Quality>,
    /// Largest file shown, in GB (per episode for series).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_size_gb: Option<f64>,
    /// Order of the list.
    pub sort: SortOrder,
    /// At most this many streams per quality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_per_quality: Option<u32>,
    /// At most this many streams in all.
    pub max_results: u32,
    /// Releases whose name contains any of these (case-insensitive) are hidden.
    pub exclude_keywords: Vec<String>,
    /// With Real-Debrid: show only streams likely cached.
    pub cached_only: bool,
    /// With Real-Debrid: show streams that need downloading first.
    pub show_download_links: bool,
    /// The YTS catalogs shown in Discover and on the Board.
    pub catalogs: BTreeSet<CatalogId>,
    /// Qualities in the order wanted; the others follow, best first (see `ranking/policy.rs`).
    pub preferred_qualities: Vec<Quality>,
    /// Shorthand for a preferred order: this quality, then lower ones, then higher ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_quality: Option<Quality>,
    /// Releases below it are hidden while any release reaches it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_quality: Option<Quality>,
    /// When nothing reaches `minQuality`, show the lower releases (with a note) rather than
    /// nothing.
    pub lower_until_better: bool,
    /// Releases above it are never shown (a device's limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_quality: Option<Quality>,
    /// Smallest size shown per quality, in GB (per episode for series): against starved or
    /// fake 4K.
    pub min_size_gb_by_quality: BTreeMap<Quality, f64>,
    /// With Real-Debrid: likely-cached releases first, across qualities. Unset: on with a
    /// token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_first: Option<bool>,
    /// With Real-Debrid: a failed copy of a torrent in the account (`magnet_error`, `error`,
    /// `virus`, `dead`) is deleted when the torrent is played again.
    pub clean_failed: bool,
    /// With Real-Debrid: at the account's active-downloads limit, the oldest download Ferrio
    /// added that has not progressed for 24 h is deleted, and the add tried once more.
    pub free_slots: bool,
    /// Region, services and where-to-watch rows (only used when the server has TMDB).
    #[serde(flatten)]
    pub discovery: DiscoveryConfig,
}

impl Default for UserConfig {
    fn default() -> Self {
        Self {
            v: CONFIG_VERSION,
            sources: SourceId::ALL.into_iter().collect(),
            realdebrid: None,
            exclude_qualities: BTreeSet::new(),
            max_size_gb: None,
            sort: SortOrder::default(),
            limit_per_quality: None,
            max_results: 50,
            exclude_keywords: Vec::new(),
            cached_only: false,
            show_download_links: true,
            catalogs: CatalogId::ALL.into_iter().collect(),
            preferred_qualities: Vec::new(),
            target_quality: None,
            min_quality: None,
            lower_until_better: true,
            max_quality: None,
            min_size_gb_by_quality: BTreeMap::new(),
            cached_first: None,
            clean_failed: true,
            free_slots: false,
            discovery: DiscoveryConfig::default(),
        }
    }
}

/// Why a config segment was refused. Messages name the field and what was expected, never the
/// value, which might be a token.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("config is longer than {MAX_CONFIG_BYTES} bytes")]
    TooLong,
    #[error("config is neither percent-encoded JSON nor base64url JSON")]
    NotDecodable,
    #[error("config is not valid: {0}")]
    Invalid(String),
    #[error("config version {0} is not supported (this server reads version {CONFIG_VERSION})")]
    Version(u8),
    #[error("sealed configs are not accepted here: this server has no CONFIG_SECRET")]
    SealingDisabled,
    #[error(transparent)]
    Sealed(#[from] super::seal::SealError),
}

impl UserConfig {
    /// Decodes a raw (still percent-encoded) config segment.
    pub fn decode(segment: &str, sealer: Option<&Sealer>) -> Result<Self, ConfigError> {
        if segment.len() > MAX_CONFIG_BYTES {
            return Err(ConfigError::TooLong);
        }
        let json = if segment.starts_with(SEALED_PREFIX) {
            sealer.ok_or(ConfigError::SealingDisabled)?.open(segment)?
        } else {
            plain_json(segment)?
        };
        Self::from_json(&json)
    }

    /// Encodes for an install URL: sealed when a sealer is given, base64url JSON otherwise.
    /// Fields left at their default are omitted to keep URLs short.
    pub fn encode(&self, sealer: Option<&Sealer>) -> String {
        let json = self.to_compact_json();
        match sealer {
            Some(sealer) => sealer.seal(json.as_bytes()),
            None => URL_SAFE_NO_PAD.encode(json),
        }
    }

    /// Whether streams go through Real-Debrid.
    pub fn has_debrid(&self) -> bool {
        self.realdebrid.is_some()
    }

    /// Whether likely-cached releases come first across qualities: as set, else with a token.
    pub fn cached_first(&self) -> bool {
        self.cached_first.unwrap_or(self.has_debrid())
    }

    /// Parses and validates config JSON (what every encoding decodes to, and what the
    /// configure page's form is turned into).
    pub fn from_json(json: &[u8]) -> Result<Self, ConfigError> {
        let deserializer = &mut serde_json::Deserializer::from_slice(json);
        let config: Self = serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let field = error.path().to_string();
            let reason = expectation(&error.into_inner().to_string());
            ConfigError::Invalid(if field == "." {
                reason
            } else {
                format!("field `{field}`: {reason}")
            })
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |message: &str| Err(ConfigError::Invalid(message.to_owned()));
        if self.v != CONFIG_VERSION {
            return Err(ConfigError::Version(self.v));
        }
        if self.sources.is_empty() {
            return invalid("field `sources`: choose at least one source");
        }
        if self
            .realdebrid
            .as_ref()
            .is_some_and(|token| !token.is_well_formed())
        {
            return invalid(
                "field `realdebrid`: expected an API token of 8 to 128 letters and digits",
            );
        }
        if self
            .max_size_gb
            .is_some_and(|gb| !(gb.is_finite() && gb > 0.0))
        {
            return invalid("field `maxSizeGb`: expected a number of GB above 0");
        }
        if self.limit_per_quality == Some(0) {
            return invalid("field `limitPerQuality`: expected a number above 0");
        }
        if !(1..=500).contains(&self.max_results) {
            return invalid("field `maxResults`: expected a number from 1 to 500");
        }
        let mut listed = self.preferred_qualities.clone();
        listed.sort();
        listed.dedup();
        if listed.len() != self.preferred_qualities.len() {
            return invalid("field `preferredQualities`: expected each quality at most once");
        }
        if let (Some(min), Some(max)) = (self.min_quality, self.max_quality)
            && min > max
        {
            return invalid("field `minQuality`: expected a quality at or below `maxQuality`");
        }
        if self
            .min_size_gb_by_quality
            .values()
            .any(|gb| !(gb.is_finite() && *gb > 0.0))
        {
            return invalid("field `minSizeGbByQuality`: expected numbers of GB above 0");
        }
        if self.exclude_keywords.len() > 50
            || self
                .exclude_keywords
                .iter()
                .any(|k| k.trim().is_empty() || k.len() > 64)
        {
            return invalid(
                "field `excludeKeywords`: expected at most 50 non-empty keywords of at most 64 bytes",
            );
        }
        self.discovery.validate().map_err(ConfigError::Invalid)
    }

    fn to_compact_json(&self) -> String {
        let defaults = serde_json::to_value(Self::default()).unwrap_or_default();
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let (Some(fields), Some(defaults)) = (value.as_object_mut(), defaults.as_object()) {
            fields.retain(|name, value| name == "v" || defaults.get(name) != Some(value));
        }
        value.to_string()
    }
}

/// Decodes the two unsealed encodings to JSON bytes.
fn plain_json(segment: &str) -> Result<Vec<u8>, ConfigError> {
    let decoded = percent_encoding::percent_decode_str(segment).collect::<Vec<u8>>();
    if decoded.first() == Some(&b'{') {
        return Ok(decoded);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|_| ConfigError::NotDecodable)?;
    if bytes.first() == Some(&b'{') {
        Ok(bytes)
    } else {
        Err(ConfigError::NotDecodable)
    }
}

/// Keeps the "expected …" part of a serde message and drops the value it found, which might be
/// a token typed into the wrong field.
fn expectation(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    match message.find("expected") {
        Some(start) => message[start..].to_owned(),
        None if message.starts_with("EOF") || message.contains("key must be") => {
            "not valid JSON".to_owned()
        }
        None => message.split(':').next().unwrap_or(message).to_owned(),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
