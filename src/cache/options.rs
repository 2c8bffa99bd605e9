//! The cache's part of the settings, checked once at start-up.

use super::redis::RedisOptions;
use crate::settings::Settings;
use secrecy::ExposeSecret;
use std::time::Duration;

/// A cache setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{0} must be above 0")]
    Zero(&'static str),
    /// The URL is not repeated: it may carry a password.
    #[error("REDIS_URL is not a valid Redis URL")]
    RedisUrl,
}

/// The cross-instance lock's timings.
pub(crate) struct LockOptions {
    pub ttl: Duration,
    pub wait: Duration,
    pub poll: Duration,
}

/// Everything the cache is built from.
pub(crate) struct CacheOptions {
    pub redis_url: Option<String>,
    pub redis: RedisOptions,
    pub memory_bytes: u64,
    pub front_ttl: Duration,
    pub locks: LockOptions,
}

impl CacheOptions {
    pub fn from_settings(settings: &Settings) -> Result<Self, CacheError> {
        let positive = [
            ("REDIS_POOL_SIZE", settings.redis_pool_size as u64),
            ("REDIS_TIMEOUT_MS", settings.redis_timeout_ms),
            ("REDIS_RETRY_MS", settings.redis_retry_ms),
            ("CACHE_MEMORY_MB", settings.cache_memory_mb),
            ("CACHE_LOCK_TTL_MS", settings.cache_lock_ttl_ms),
            ("CACHE_LOCK_POLL_MS", settings.cache_lock_poll_ms),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, value)| *value == 0) {
            return Err(CacheError::Zero(name));
        }
        let redis_url = settings
            .redis_url
            .as_ref()
            .map(|url| url.expose_secret().to_owned())
            .filter(|url| !url.is_empty());
        Ok(Self {
            redis_url,
            redis: RedisOptions {
                pool_size: settings.redis_pool_size,
                timeout: Duration::from_millis(settings.redis_timeout_ms),
                retry: Duration::from_millis(settings.redis_retry_ms),
            },
            memory_bytes: settings.cache_memory_mb.saturating_mul(1 << 20),
            front_ttl: Duration::from_millis(settings.cache_front_ttl_ms),
            locks: LockOptions {
                ttl: Duration::from_millis(settings.cache_lock_ttl_ms),
                wait: Duration::from_millis(settings.cache_lock_wait_ms),
                poll: Duration::from_millis(settings.cache_lock_poll_ms),
            },
        })
    }
}
