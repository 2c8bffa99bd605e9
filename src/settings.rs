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
    pub fn from_iter(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let vars = vars.into_iter().filter(|(_, value)| !value.is_empty());
        let settings: Settings =
            envy::from_iter(vars).map_err(|error| SettingsError(describe(error)))?;
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

    /// The address to bind, as `host:port`.
    pub fn bind_address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// envy names the field in lowercase; name the environment variable the user actually set.
fn describe(error: envy::Error) -> String {
    match error {
        envy::Error::MissingValue(field) => format!("{} is required", field.to_uppercase()),
        envy::Error::Custom(message) => uppercase_field_names(&message),
    }
}

/// envy's custom messages end with "... for field <name>"-like text in lowercase; the variable
/// name in upper case is what the operator has to look for.
fn uppercase_field_names(message: &str) -> String {
    const FIELDS: [&str; 12] = [
        "host",
        "port",
        "public_url",
        "redis_url",
        "dmm_url",
        "yts_url",
        "torrentio_url",
        "realdebrid_url",
        "config_secret",
        "log_format",
        "request_deadline_ms",
        "source_timeout_ms",
    ];
    let named = FIELDS
        .iter()
        .chain(["dmm_min_interval_ms"].iter())
        .find(|field| message.contains(&format!("`{field}`")) || message.ends_with(*field));
    match named {
        Some(field) => format!("{}: {message}", field.to_uppercase()),
        None => message.to_owned(),
    }
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
    pub fn dmm_min_interval_ms() -> u64 {
        2_000
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
