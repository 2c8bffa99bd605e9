//! The cache's part of the settings, checked once at start-up.

use super::redis::RedisOptions;
use crate::{clock::millis, settings::CacheSettings};
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
    /// The cache's settings, checked: a zero that cannot work names its variable.
    pub fn from_settings(settings: &CacheSettings) -> Result<Self, CacheError> {
        let positive = [
            ("REDIS_POOL_SIZE", settings.redis_pool_size as u64),
            ("REDIS_TIMEOUT_MS", millis(settings.redis_timeout)),
            ("REDIS_RETRY_MS", millis(settings.redis_retry)),
            ("CACHE_MEMORY_MB", settings.memory_mb),
            ("CACHE_LOCK_TTL_MS", millis(settings.lock_ttl)),
            ("CACHE_LOCK_POLL_MS", millis(settings.lock_poll)),
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
                timeout: settings.redis_timeout,
                retry: settings.redis_retry,
            },
            memory_bytes: settings.memory_mb.saturating_mul(1 << 20),
            front_ttl: settings.front_ttl,
            locks: LockOptions {
                ttl: settings.lock_ttl,
                wait: settings.lock_wait,
                poll: settings.lock_poll,
            },
        })
    }
}
