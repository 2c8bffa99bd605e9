//! Ferrio's settings: read once from the environment with `envy` ([`env`], one field per
//! variable), then grouped by concern and typed — durations as [`Duration`], secrets wrapped so
//! they never reach a `Debug` print (`REDIS_URL` may carry a password, `CONFIG_SECRET` seals
//! user configs).
//!
//! Every variable has a default that runs Ferrio against the real upstreams with an in-process
//! cache, so `cargo run --release` needs no configuration at all.

mod discovery;
mod env;

pub use discovery::{Discovery, DiscoveryTtls};

use env::Env;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::Duration;
use url::Url;

/// The shortest `CONFIG_SECRET` accepted: it keys the sealing of every user's token.
const MIN_SECRET_BYTES: usize = 32;

/// How log lines are written: human-readable, or one JSON object per line for log shippers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

/// Ferrio's settings, by concern.
#[derive(Debug, Clone)]
pub struct Settings {
    pub server: Server,
    pub upstreams: Upstreams,
    pub realdebrid: RealDebrid,
    pub cache: CacheSettings,
    pub discovery: Discovery,
}

/// The HTTP server and what it says to clients.
#[derive(Debug, Clone)]
pub struct Server {
    pub host: String,
    pub port: u16,
    /// Base of absolute links; without it the request's scheme and `Host`.
    pub public_url: Option<Url>,
    /// Without `public_url`, the hosts links may name (lowercase); empty for any.
    pub public_hosts: Vec<String>,
    /// Without `public_url`, whether the proxy's forwarded scheme and host are believed.
    pub trust_forwarded_host: bool,
    /// The header the proxy in front of Ferrio sets to the viewer's address.
    pub client_ip_header: Option<String>,
    /// Seals configs when set.
    pub config_secret: Option<SecretString>,
    /// Guards `/metrics` when set.
    pub metrics_token: Option<SecretString>,
    pub log_format: LogFormat,
    /// How long a rendered stream list is served again as is; zero turns it off.
    pub hot_response_ttl: Duration,
}

/// The torrent sources and the YTS catalogs.
#[derive(Debug, Clone)]
pub struct Upstreams {
    pub dmm_url: Url,
    pub yts_url: Url,
    pub torrentio_url: Url,
    /// The most a stream request waits for its sources.
    pub request_deadline: Duration,
    /// Timeout of one upstream call.
    pub source_timeout: Duration,
    /// Spacing of DMM searches.
    pub dmm_min_interval: Duration,
    /// Freshness of a YTS catalog page.
    pub catalog_ttl: Duration,
    /// The highest IMDb id number worth asking a source about.
    pub imdb_id_max: u64,
    /// Torrentio calls per UTC day, all users together.
    pub torrentio_daily_quota: u64,
    /// Torrentio calls one client may cause per UTC day.
    pub torrentio_client_daily_share: u64,
    /// Torrentio calls the trending prewarm may make per UTC day.
    pub prewarm_torrentio_daily: u64,
    /// Source calls one client may cause at once, and then per minute.
    pub client_fetch_burst: u32,
    pub client_fetches_per_minute: u32,
}

/// Real-Debrid.
#[derive(Debug, Clone)]
pub struct RealDebrid {
    pub url: Url,
    /// Timeout of one call.
    pub timeout: Duration,
    /// Evidence older than this has the library listing refreshed.
    pub marker_reverify: Duration,
    /// New (not yet accepted) tokens one client may try per hour.
    pub new_tokens_per_client_hour: u32,
    /// New tokens all clients together may try per minute.
    pub new_tokens_per_minute: u32,
    pub maintenance: Maintenance,
}

/// The self-hosted maintenance of Real-Debrid accounts.
#[derive(Debug, Clone)]
pub struct Maintenance {
    /// The file of sealed configs; `None` turns the maintenance off.
    pub tokens_file: Option<std::path::PathBuf>,
    pub dry_run: bool,
    pub failed_every: Duration,
    pub library_every: Duration,
    pub retry_after: Duration,
}

/// How the in-process memory budget (`CACHE_MEMORY_MB`) is shared, in bytes. Every in-process
/// cache is weighed in bytes against its share, so the budget bounds them all together; the
/// rule the README gives for sizing a VM follows from it (RSS stays under about 48 MiB plus
/// 1.5 times the budget).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryShares {
    /// The in-process cache tier (entries' encoded bytes): half.
    pub store: u64,
    /// Decoded values kept beside them (the sources' answers and catalog pages): a quarter.
    pub decoded: u64,
    /// Prepared releases of recently asked videos: an eighth.
    pub prepared: u64,
    /// Rendered stream lists: an eighth.
    pub rendered: u64,
}

/// The cache: Redis, the in-process tier, single-flight and the sources' lifetimes.
#[derive(Debug, Clone)]
pub struct CacheSettings {
    pub redis_url: Option<SecretString>,
    pub redis_cluster_urls: Option<SecretString>,
    pub redis_timeout: Duration,
    pub redis_connect_timeout: Duration,
    pub redis_failures_to_outage: u32,
    pub redis_retry: Duration,
    pub memory_mb: u64,
    pub front_ttl: Duration,
    pub lock_ttl: Duration,
    pub lock_wait: Duration,
    pub lock_poll: Duration,
    pub stale: Duration,
    pub stale_if_error: Duration,
    pub failure_ttl: Duration,
    pub dmm_ttl: Duration,
    pub dmm_pending_ttl: Duration,
    pub yts_ttl: Duration,
    pub yts_empty_ttl: Duration,
    pub torrentio_ttl: Duration,
    pub torrentio_empty_ttl: Duration,
    pub dmm_token_margin: Duration,
}

impl CacheSettings {
    /// The shares of the memory budget.
    pub fn memory_shares(&self) -> MemoryShares {
        let total = self.memory_mb.saturating_mul(1 << 20);
        MemoryShares {
            store: total / 2,
            decoded: total / 4,
            prepared: total / 8,
            rendered: total / 8,
        }
    }
}

/// A setting that could not be read; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting: {0}")]
pub struct SettingsError(String);

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_iter(std::env::vars())
    }

    /// Reads the settings from `NAME=value` pairs; an empty value counts as unset.
    #[allow(
        clippy::should_implement_trait,
        reason = "reading settings can fail, which `FromIterator` cannot express"
    )]
    pub fn from_iter(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let vars: Vec<(String, String)> = vars
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .collect();
        let env: Env = envy::from_iter(vars.clone()).map_err(|error| {
            SettingsError(match culprit(&vars) {
                Some(name) => format!("{name}: {error}"),
                None => error.to_string(),
            })
        })?;
        let settings = Self::from(env);
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let upstreams = &self.upstreams;
        let urls = [
            ("DMM_URL", &upstreams.dmm_url),
            ("YTS_URL", &upstreams.yts_url),
            ("TORRENTIO_URL", &upstreams.torrentio_url),
            ("REALDEBRID_URL", &self.realdebrid.url),
            ("TMDB_URL", &self.discovery.tmdb_url),
            ("TMDB_IMAGE_URL", &self.discovery.tmdb_image_url),
            ("TRAKT_URL", &self.discovery.trakt_url),
            ("WATCHMODE_URL", &self.discovery.watchmode_url),
        ];
        for (name, url) in urls {
            if !matches!(url.scheme(), "http" | "https") {
                return Err(SettingsError(format!("{name} must be an http(s) URL")));
            }
        }
        if !crate::protocol::region::is_region(&self.discovery.default_region) {
            return Err(SettingsError(
                "DEFAULT_REGION must be a two-letter ISO 3166-1 code".into(),
            ));
        }
        let short_secret = self
            .server
            .config_secret
            .as_ref()
            .is_some_and(|secret| secret.expose_secret().len() < MIN_SECRET_BYTES);
        if short_secret {
            return Err(SettingsError(format!(
                "CONFIG_SECRET must be at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -base64 48`)"
            )));
        }
        let positive = [
            ("REQUEST_DEADLINE_MS", upstreams.request_deadline),
            ("SOURCE_TIMEOUT_MS", upstreams.source_timeout),
        ];
        match positive.iter().find(|(_, value)| value.is_zero()) {
            Some((name, _)) => Err(SettingsError(format!("{name} must be above 0"))),
            None => Ok(()),
        }
    }
}

impl Server {
    /// The address to bind, as `host:port`.
    pub fn bind_address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

impl From<Env> for Settings {
    fn from(env: Env) -> Self {
        let (ms, secs) = (Duration::from_millis, Duration::from_secs);
        let discovery = Discovery::from_env(&env);
        Self {
            discovery,
            server: Server {
                host: env.host,
                port: env.port,
                public_url: env.public_url,
                public_hosts: env
                    .public_hosts
                    .unwrap_or_default()
                    .split(',')
                    .map(|host| host.trim().to_ascii_lowercase())
                    .filter(|host| !host.is_empty())
                    .collect(),
                trust_forwarded_host: env.trust_forwarded_host,
                client_ip_header: env.client_ip_header,
                config_secret: env.config_secret,
                metrics_token: env.metrics_token,
                log_format: env.log_format,
                hot_response_ttl: ms(env.hot_response_ttl_ms),
            },
            upstreams: Upstreams {
                dmm_url: env.dmm_url,
                yts_url: env.yts_url,
                torrentio_url: env.torrentio_url,
                request_deadline: ms(env.request_deadline_ms),
                source_timeout: ms(env.source_timeout_ms),
                dmm_min_interval: ms(env.dmm_min_interval_ms),
                catalog_ttl: secs(env.catalog_ttl_secs),
                imdb_id_max: env.imdb_id_max,
                torrentio_daily_quota: env.torrentio_daily_quota,
                torrentio_client_daily_share: env.torrentio_client_daily_share,
                prewarm_torrentio_daily: env.prewarm_torrentio_daily,
                client_fetch_burst: env.client_fetch_burst,
                client_fetches_per_minute: env.client_fetches_per_minute,
            },
            realdebrid: RealDebrid {
                url: env.realdebrid_url,
                timeout: ms(env.realdebrid_timeout_ms),
                marker_reverify: secs(env.marker_reverify_secs),
                new_tokens_per_client_hour: env.rd_new_tokens_per_client_hour,
                new_tokens_per_minute: env.rd_new_tokens_per_minute,
                maintenance: Maintenance {
                    tokens_file: env.rd_maintenance_tokens_file.map(Into::into),
                    dry_run: env.rd_maintenance_dry_run,
                    failed_every: secs(env.rd_maintenance_failed_every_secs.max(1)),
                    library_every: secs(env.rd_maintenance_library_every_secs.max(1)),
                    retry_after: secs(env.rd_maintenance_retry_after_secs),
                },
            },
            cache: CacheSettings {
                redis_url: env.redis_url,
                redis_cluster_urls: env.redis_cluster_urls,
                redis_timeout: ms(env.redis_timeout_ms),
                redis_connect_timeout: ms(env.redis_connect_timeout_ms),
                redis_failures_to_outage: env.redis_failures_to_outage,
                redis_retry: ms(env.redis_retry_ms),
                memory_mb: env.cache_memory_mb,
                front_ttl: ms(env.cache_front_ttl_ms),
                lock_ttl: ms(env.cache_lock_ttl_ms),
                lock_wait: ms(env.cache_lock_wait_ms),
                lock_poll: ms(env.cache_lock_poll_ms),
                stale: secs(env.cache_stale_secs),
                stale_if_error: secs(env.cache_stale_if_error_secs),
                failure_ttl: secs(env.cache_failure_ttl_secs),
                dmm_ttl: secs(env.cache_dmm_ttl_secs),
                dmm_pending_ttl: secs(env.cache_dmm_pending_ttl_secs),
                yts_ttl: secs(env.cache_yts_ttl_secs),
                yts_empty_ttl: secs(env.cache_yts_empty_ttl_secs),
                torrentio_ttl: secs(env.cache_torrentio_ttl_secs),
                torrentio_empty_ttl: secs(env.cache_torrentio_empty_ttl_secs),
                dmm_token_margin: secs(env.cache_dmm_token_margin_secs),
            },
        }
    }
}

/// envy's messages say what was wrong but not with which variable. Every setting has a
/// default, so each variable can be tried on its own: the one that fails alone is the culprit.
fn culprit(vars: &[(String, String)]) -> Option<&str> {
    vars.iter()
        .find(|pair| envy::from_iter::<_, Env>([(*pair).clone()]).is_err())
        .map(|(name, _)| name.as_str())
}

#[cfg(test)]
mod tests;
