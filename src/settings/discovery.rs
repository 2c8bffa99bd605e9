//! The discovery settings: TMDB, Trakt and Watchmode keys, addresses, budgets and lifetimes.

use super::env::Env;
use secrecy::SecretString;
use std::time::Duration;
use url::Url;

/// TMDB, Trakt and Watchmode. Everything is off without a TMDB key or read token.
#[derive(Debug, Clone)]
pub struct Discovery {
    pub tmdb_key: Option<SecretString>,
    pub tmdb_read_token: Option<SecretString>,
    pub trakt_client_id: Option<SecretString>,
    pub watchmode_key: Option<SecretString>,
    pub tmdb_url: Url,
    pub tmdb_image_url: Url,
    pub trakt_url: Url,
    pub watchmode_url: Url,
    pub watchmode_monthly_budget: u64,
    /// Of the server key's calls, those one client may cause per UTC day.
    pub watchmode_client_daily_share: u64,
    /// TMDB calls behind one client's requests a minute (and at once).
    pub tmdb_client_calls_per_minute: u32,
    /// Upper-case ISO 3166-1.
    pub default_region: String,
    pub ttls: DiscoveryTtls,
    pub prewarm_top_n: usize,
    /// Timeout of one call.
    pub timeout: Duration,
}

/// How long each discovery family stays fresh.
#[derive(Debug, Clone, Copy)]
pub struct DiscoveryTtls {
    pub tmdb_lists: Duration,
    pub trakt_trending: Duration,
    pub trending: Duration,
    pub tmdb_providers: Duration,
    pub watchmode: Duration,
    pub coming_soon: Duration,
    pub idmap: Duration,
    pub provider_list: Duration,
}

impl Discovery {
    /// Whether the feature is on: a TMDB key or read token is set.
    pub fn enabled(&self) -> bool {
        self.tmdb_key.is_some() || self.tmdb_read_token.is_some()
    }

    pub(super) fn from_env(env: &Env) -> Self {
        let secs = Duration::from_secs;
        Self {
            tmdb_key: env.tmdb_api_key.clone(),
            tmdb_read_token: env.tmdb_read_token.clone(),
            trakt_client_id: env.trakt_client_id.clone(),
            watchmode_key: env.watchmode_api_key.clone(),
            tmdb_url: env.tmdb_url.clone(),
            tmdb_image_url: env.tmdb_image_url.clone(),
            trakt_url: env.trakt_url.clone(),
            watchmode_url: env.watchmode_url.clone(),
            watchmode_monthly_budget: env.watchmode_monthly_budget,
            watchmode_client_daily_share: env.watchmode_client_daily_share,
            tmdb_client_calls_per_minute: env.tmdb_client_calls_per_minute,
            default_region: env.default_region.trim().to_ascii_uppercase(),
            ttls: DiscoveryTtls {
                tmdb_lists: secs(env.cache_tmdb_trending_ttl_secs),
                trakt_trending: secs(env.cache_trakt_trending_ttl_secs),
                trending: secs(env.cache_trending_ttl_secs),
                tmdb_providers: secs(env.cache_tmdb_providers_ttl_secs),
                watchmode: secs(env.cache_watchmode_ttl_secs),
                coming_soon: secs(env.cache_coming_soon_ttl_secs),
                idmap: secs(env.cache_idmap_ttl_secs),
                provider_list: secs(env.cache_provider_list_ttl_secs),
            },
            prewarm_top_n: env.prewarm_top_n,
            timeout: Duration::from_millis(env.source_timeout_ms),
        }
    }
}
