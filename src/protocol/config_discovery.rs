//! The discovery part of a user's config: their region, their services, which where-to-watch
//! rows they want, and their own TMDB or Watchmode keys.
//!
//! ```json
//! {"region": "GB", "myServices": [8, 337], "whereToWatch": "all", "tmdbKey": "…"}
//! ```

use super::{config::ApiKey, region::is_region};
use serde::{Deserialize, Serialize};

/// Services a config may name at most.
pub const MAX_SERVICES: usize = 50;

/// Which where-to-watch rows a stream list carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WhereToWatch {
    /// The user's services that carry the title, before the torrents.
    #[default]
    Mine,
    /// Those, then every other service and the cheapest rent or buy, after the torrents.
    All,
    /// None (some TV apps cannot open `externalUrl` rows).
    Off,
}

/// The discovery fields, flattened into the config.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DiscoveryConfig {
    /// ISO 3166-1 alpha-2; unset, the server's `DEFAULT_REGION`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// TMDB provider ids of the services the user has.
    pub my_services: Vec<u32>,
    pub where_to_watch: WhereToWatch,
    /// Used instead of the server's TMDB key for this user's calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tmdb_key: Option<ApiKey>,
    /// Used instead of the server's Watchmode key (and budget) for this user's calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watchmode_key: Option<ApiKey>,
}

impl DiscoveryConfig {
    /// The region to use: the user's, else `default`.
    pub fn region<'a>(&'a self, default: &'a str) -> &'a str {
        self.region.as_deref().unwrap_or(default)
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if self
            .region
            .as_deref()
            .is_some_and(|region| !is_region(region))
        {
            return Err(
                "field `region`: expected a two-letter ISO 3166-1 code such as `US`".into(),
            );
        }
        let mut services = self.my_services.clone();
        services.sort_unstable();
        services.dedup();
        if services.len() != self.my_services.len() || services.len() > MAX_SERVICES {
            return Err(format!(
                "field `myServices`: expected at most {MAX_SERVICES} distinct TMDB provider ids"
            ));
        }
        for (name, key) in [
            ("tmdbKey", &self.tmdb_key),
            ("watchmodeKey", &self.watchmode_key),
        ] {
            if key.as_ref().is_some_and(|key| !key.is_well_formed()) {
                return Err(format!(
                    "field `{name}`: expected a key of 8 to 128 letters, digits, `-`, `_` or `.`"
                ));
            }
        }
        Ok(())
    }
}
