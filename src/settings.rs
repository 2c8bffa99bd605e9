//! One typed struct for every setting, read from the environment with `envy`.
//!
//! Every field has a default that runs Ferrio against the real upstreams with an in-process
//! cache, so `cargo run --release` needs no configuration at all. Secrets (`REDIS_URL` may carry
//! a password, `CONFIG_SECRET` seals user configs) are wrapped so they never reach a `Debug` print.

use secrecy::SecretString;
use serde::Deserialize;
use std::time::Duration;
use url::Url;

/// How log lines are written: human-readable, or one JSON object per line for log shippers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

/// Ferrio's settings. Each field is the lowercase form of its environment variable.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `HOST`: address to bind.
    #[serde(default = "defaults::host")]
    pub host: String,
    /// `PORT`: port to bind; 0 picks a free one (the tests do this).
    #[serde(default = "defaults::port")]
    pub port: u16,
    /// `PUBLIC_URL`: base of absolute links (resolve URLs, install links). Without it the
    /// request's scheme and `Host` are used.
    pub public_url: Option<Url>,
    /// `CLIENT_IP_HEADER`: the header the proxy in front of Ferrio sets to the viewer's address
    /// (`Fly-Client-IP`, or `X-Forwarded-For`, whose last entry is then used). Unset, the peer
    /// address of the connection is the viewer's.
    pub client_ip_header: Option<String>,
    /// `REDIS_URL`: shared cache for many instances; unset means an in-process cache.
    pub redis_url: Option<SecretString>,
    /// `DMM_URL`: Debrid Media Manager base URL.
    #[serde(default = "defaults::dmm_url")]
    pub dmm_url: Url,
    /// `YTS_URL`: YTS API base URL (the part before `/list_movies.json`).
    #[serde(default = "defaults::yts_url")]
    pub yts_url: Url,
    /// `TORRENTIO_URL`: Torrentio base URL (the part before `/stream/...`).
    #[serde(default = "defaults::torrentio_url")]
    pub torrentio_url: Url,
    /// `REALDEBRID_URL`: Real-Debrid REST base URL.
    #[serde(default = "defaults::realdebrid_url")]
    pub realdebrid_url: Url,
    /// `CONFIG_SECRET`: when set, sealed (encrypted) configs are accepted and produced.
    pub config_secret: Option<SecretString>,
    /// `LOG_FORMAT`: `pretty` or `json`.
    #[serde(default)]
    pub log_format: LogFormat,
    /// `REQUEST_DEADLINE_MS`: the most a stream request waits for its sources.
    #[serde(default = "defaults::request_deadline_ms")]
    pub request_deadline_ms: u64,
    /// `SOURCE_TIMEOUT_MS`: timeout of one upstream call.
    #[serde(default = "defaults::source_timeout_ms")]
    pub source_timeout_ms: u64,
    /// `DMM_MIN_INTERVAL_MS`: spacing between DMM searches (DMM allows one per 2 s per IP).
    #[serde(default = "defaults::dmm_min_interval_ms")]
    pub dmm_min_interval_ms: u64,

    // --- Cache (src/cache): Redis connection, in-process tier, single-flight, TTLs. ---
    /// `REDIS_POOL_SIZE`: most connections one instance opens to Redis.
    #[serde(default = "cache_defaults::redis_pool_size")]
    pub redis_pool_size: usize,
    /// `REDIS_TIMEOUT_MS`: the most one Redis operation (pool wait, connect and command) may
    /// take before Ferrio carries on without it.
    #[serde(default = "cache_defaults::redis_timeout_ms")]
    pub redis_timeout_ms: u64,
    /// `REDIS_RETRY_MS`: how often an unreachable Redis is probed until it answers again.
    #[serde(default = "cache_defaults::redis_retry_ms")]
    pub redis_retry_ms: u64,
    /// `CACHE_MEMORY_MB`: bound of the in-process cache tier, in MiB.
    #[serde(default = "cache_defaults::cache_memory_mb")]
    pub cache_memory_mb: u64,
    /// `CACHE_FRONT_TTL_MS`: how long the in-process tier in front of Redis keeps an entry.
    #[serde(default = "cache_defaults::cache_front_ttl_ms")]
    pub cache_front_ttl_ms: u64,
    /// `CACHE_LOCK_TTL_MS`: lifetime of the cross-instance fetch lock.
    #[serde(default = "cache_defaults::cache_lock_ttl_ms")]
    pub cache_lock_ttl_ms: u64,
    /// `CACHE_LOCK_WAIT_MS`: how long an instance waits for another's fetch before its own.
    #[serde(default = "cache_defaults::cache_lock_wait_ms")]
    pub cache_lock_wait_ms: u64,
    /// `CACHE_LOCK_POLL_MS`: how often a waiting instance looks for the other's result.
    #[serde(default = "cache_defaults::cache_lock_poll_ms")]
    pub cache_lock_poll_ms: u64,
    /// `CACHE_STALE_SECS`: how long past its freshness an entry is served while refreshed.
    #[serde(default = "cache_defaults::cache_stale_secs")]
    pub cache_stale_secs: u64,
    /// `CACHE_STALE_IF_ERROR_SECS`: how long past its freshness an entry is served while its
    /// source fails.
    #[serde(default = "cache_defaults::cache_stale_if_error_secs")]
    pub cache_stale_if_error_secs: u64,
    /// `CACHE_FAILURE_TTL_SECS`: how long a failed source call is remembered.
    #[serde(default = "cache_defaults::cache_failure_ttl_secs")]
    pub cache_failure_ttl_secs: u64,
    /// `CACHE_DMM_TTL_SECS`: freshness of a DMM answer.
    #[serde(default = "cache_defaults::cache_dmm_ttl_secs")]
    pub cache_dmm_ttl_secs: u64,
    /// `CACHE_DMM_PENDING_TTL_SECS`: freshness of a DMM answer while DMM is still searching.
    #[serde(default = "cache_defaults::cache_dmm_pending_ttl_secs")]
    pub cache_dmm_pending_ttl_secs: u64,
    /// `CACHE_YTS_TTL_SECS`: freshness of a YTS answer with releases.
    #[serde(default = "cache_defaults::cache_yts_ttl_secs")]
    pub cache_yts_ttl_secs: u64,
    /// `CACHE_YTS_EMPTY_TTL_SECS`: freshness of an empty YTS answer.
    #[serde(default = "cache_defaults::cache_yts_empty_ttl_secs")]
    pub cache_yts_empty_ttl_secs: u64,
    /// `CACHE_TORRENTIO_TTL_SECS`: freshness of a Torrentio answer with releases.
    #[serde(default = "cache_defaults::cache_torrentio_ttl_secs")]
    pub cache_torrentio_ttl_secs: u64,
    /// `CACHE_TORRENTIO_EMPTY_TTL_SECS`: freshness of an empty Torrentio answer.
    #[serde(default = "cache_defaults::cache_torrentio_empty_ttl_secs")]
    pub cache_torrentio_empty_ttl_secs: u64,
    /// `CACHE_DMM_TOKEN_MARGIN_SECS`: a DMM challenge token is dropped this long before it
    /// expires, so no search is sent with a token that dies on the way.
    #[serde(default = "cache_defaults::cache_dmm_token_margin_secs")]
    pub cache_dmm_token_margin_secs: u64,

    // Real-Debrid.
    /// `REALDEBRID_TIMEOUT_MS`: timeout of one Real-Debrid call.
    #[serde(default = "defaults::realdebrid_timeout_ms")]
    pub realdebrid_timeout_ms: u64,

    // Catalogs.
    /// `CATALOG_TTL_SECS`: freshness of a YTS catalog page.
    #[serde(default = "defaults::catalog_ttl_secs")]
    pub catalog_ttl_secs: u64,

    /// `HOT_RESPONSE_TTL_MS`: a stream list asked again within this long is served as
    /// rendered; 0 turns this off.
    #[serde(default = "defaults::hot_response_ttl_ms")]
    pub hot_response_ttl_ms: u64,
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
        let settings: Settings = envy::from_iter(vars.clone()).map_err(|error| {
            SettingsError(match culprit(&vars) {
                Some(name) => format!("{name}: {error}"),
                None => error.to_string(),
            })
        })?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let urls = [
            ("DMM_URL", &self.dmm_url),
            ("YTS_URL", &self.yts_url),
            ("TORRENTIO_URL", &self.torrentio_url),
            ("REALDEBRID_URL", &self.realdebrid_url),
        ];
        for (name, url) in urls {
            if !matches!(url.scheme(), "http" | "https") {
                return Err(SettingsError(format!("{name} must be an http(s) URL")));
            }
        }
        if self.request_deadline_ms == 0 {
            return Err(SettingsError("REQUEST_DEADLINE_MS must be above 0".into()));
        }
        if self.source_timeout_ms == 0 {
            return Err(SettingsError("SOURCE_TIMEOUT_MS must be above 0".into()));
        }
        Ok(())
    }

    /// Deadline of one stream request across all sources.
    pub fn request_deadline(&self) -> Duration {
        Duration::from_millis(self.request_deadline_ms)
    }

    /// Timeout of one upstream call.
    pub fn source_timeout(&self) -> Duration {
        Duration::from_millis(self.source_timeout_ms)
    }

    /// Timeout of one Real-Debrid call.
    pub fn realdebrid_timeout(&self) -> Duration {
        Duration::from_millis(self.realdebrid_timeout_ms)
    }

    /// The address to bind, as `host:port`.
    pub fn bind_address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// envy's messages say what was wrong but not with which variable. Every setting has a
/// default, so each variable can be tried on its own: the one that fails alone is the culprit.
fn culprit(vars: &[(String, String)]) -> Option<&str> {
    vars.iter()
        .find(|pair| envy::from_iter::<_, Settings>([(*pair).clone()]).is_err())
        .map(|(name, _)| name.as_str())
}

mod defaults {
    use url::Url;

    pub fn host() -> String {
        "127.0.0.1".into()
    }
    pub fn port() -> u16 {
        7000
    }
    fn url(value: &str) -> Url {
        // The literals below are valid URLs; a failure here is a programming error caught by
        // the settings tests.
        Url::parse(value).unwrap_or_else(|_| unreachable!("default URL {value} is valid"))
    }
    pub fn dmm_url() -> Url {
        url("https://debridmediamanager.com")
    }
    pub fn yts_url() -> Url {
        url("https://yts.mx/api/v2")
    }
    pub fn torrentio_url() -> Url {
        url("https://torrentio.strem.fun")
    }
    pub fn realdebrid_url() -> Url {
        url("https://api.real-debrid.com/rest/1.0")
    }
    pub fn request_deadline_ms() -> u64 {
        5_000
    }
    pub fn source_timeout_ms() -> u64 {
        4_000
    }
    pub fn realdebrid_timeout_ms() -> u64 {
        8_000
    }
    pub fn catalog_ttl_secs() -> u64 {
        3_600
    }
    pub fn hot_response_ttl_ms() -> u64 {
        10_000
    }
    pub fn dmm_min_interval_ms() -> u64 {
        2_000
    }
}

/// Defaults of the cache settings, apart from the others so the cache's block stays in one place.
mod cache_defaults {
    pub fn redis_pool_size() -> usize {
        16
    }
    pub fn redis_timeout_ms() -> u64 {
        100
    }
    pub fn redis_retry_ms() -> u64 {
        1_000
    }
    pub fn cache_memory_mb() -> u64 {
        256
    }
    pub fn cache_front_ttl_ms() -> u64 {
        2_000
    }
    pub fn cache_lock_ttl_ms() -> u64 {
        10_000
    }
    pub fn cache_lock_wait_ms() -> u64 {
        5_000
    }
    pub fn cache_lock_poll_ms() -> u64 {
        20
    }
    pub fn cache_stale_secs() -> u64 {
        3_600
    }
    pub fn cache_stale_if_error_secs() -> u64 {
        86_400
    }
    pub fn cache_failure_ttl_secs() -> u64 {
        30
    }
    pub fn cache_dmm_ttl_secs() -> u64 {
        600
    }
    pub fn cache_dmm_pending_ttl_secs() -> u64 {
        60
    }
    pub fn cache_yts_ttl_secs() -> u64 {
        21_600
    }
    pub fn cache_yts_empty_ttl_secs() -> u64 {
        3_600
    }
    pub fn cache_torrentio_ttl_secs() -> u64 {
        3_600
    }
    pub fn cache_torrentio_empty_ttl_secs() -> u64 {
        60
    }
    pub fn cache_dmm_token_margin_secs() -> u64 {
        60
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_need_no_environment() {
        let settings = Settings::from_iter(vars(&[])).expect("defaults are valid");
        assert_eq!(settings.bind_address(), "127.0.0.1:7000");
        assert_eq!(settings.yts_url.as_str(), "https://yts.mx/api/v2");
        assert!(settings.redis_url.is_none());
        assert_eq!(settings.log_format, LogFormat::Pretty);
    }

    #[test]
    fn a_bad_port_names_the_variable() {
        let error = Settings::from_iter(vars(&[("PORT", "seventy")])).expect_err("not a number");
        assert!(error.to_string().contains("PORT"), "{error}");
    }

    #[test]
    fn a_bad_url_names_the_variable() {
        let error = Settings::from_iter(vars(&[("YTS_URL", "not a url")])).expect_err("bad url");
        assert!(error.to_string().contains("YTS_URL"), "{error}");
        let error = Settings::from_iter(vars(&[("DMM_URL", "ftp://x")])).expect_err("bad scheme");
        assert!(error.to_string().contains("DMM_URL"), "{error}");
    }

    #[test]
    fn a_bad_log_format_names_the_variable() {
        let error = Settings::from_iter(vars(&[("LOG_FORMAT", "xml")])).expect_err("bad format");
        assert!(error.to_string().contains("LOG_FORMAT"), "{error}");
    }

    #[test]
    fn empty_values_count_as_unset() {
        let settings =
            Settings::from_iter(vars(&[("PUBLIC_URL", ""), ("PORT", "")])).expect("valid");
        assert!(settings.public_url.is_none());
        assert_eq!(settings.port, 7000);
    }
}
