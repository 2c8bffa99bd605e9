//! The cache's part of the settings, checked once at start-up.

use super::{
    connection::{Budgets, RedisTarget},
    redis::RedisOptions,
};
use crate::{
    clock::millis,
    settings::{CacheSettings, MemoryShares},
};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// A cache setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{0} must be above 0")]
    Zero(&'static str),
    /// The URL is not repeated: it may carry a password.
    #[error("{0} is not a valid Redis URL")]
    RedisUrl(&'static str),
}

/// The cross-instance lock's timings.
pub(crate) struct LockOptions {
    pub ttl: Duration,
    pub wait: Duration,
    pub poll: Duration,
}

/// Everything the cache is built from.
pub(crate) struct CacheOptions {
    /// `None` without Redis.
    pub redis: Option<RedisOptions>,
    pub memory: MemoryShares,
    pub front_ttl: Duration,
    pub locks: LockOptions,
}

impl CacheOptions {
    /// The cache's settings, checked: a zero that cannot work names its variable.
    pub fn from_settings(settings: &CacheSettings) -> Result<Self, CacheError> {
        let positive = [
            ("REDIS_TIMEOUT_MS", millis(settings.redis_timeout)),
            (
                "REDIS_CONNECT_TIMEOUT_MS",
                millis(settings.redis_connect_timeout),
            ),
            (
                "REDIS_FAILURES_TO_OUTAGE",
                u64::from(settings.redis_failures_to_outage),
            ),
            ("REDIS_RETRY_MS", millis(settings.redis_retry)),
            ("CACHE_MEMORY_MB", settings.memory_mb),
            ("CACHE_LOCK_TTL_MS", millis(settings.lock_ttl)),
            ("CACHE_LOCK_POLL_MS", millis(settings.lock_poll)),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, value)| *value == 0) {
            return Err(CacheError::Zero(name));
        }
        let redis = target(settings).map(|target| RedisOptions {
            target,
            budgets: Budgets {
                connect: settings.redis_connect_timeout,
                command: settings.redis_timeout,
            },
            failures_to_outage: settings.redis_failures_to_outage,
            retry: settings.redis_retry,
        });
        Ok(Self {
            redis,
            memory: settings.memory_shares(),
            front_ttl: settings.front_ttl,
            locks: LockOptions {
                ttl: settings.lock_ttl,
                wait: settings.lock_wait,
                poll: settings.lock_poll,
            },
        })
    }
}

/// Where Redis is: the cluster's nodes when `REDIS_CLUSTER_URLS` names any, else `REDIS_URL`.
fn target(settings: &CacheSettings) -> Option<RedisTarget> {
    let nodes: Vec<String> = exposed(settings.redis_cluster_urls.as_ref())
        .split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(str::to_owned)
        .collect();
    if !nodes.is_empty() {
        return Some(RedisTarget::Cluster(nodes));
    }
    let url = exposed(settings.redis_url.as_ref()).trim();
    (!url.is_empty()).then(|| RedisTarget::Server(url.to_owned()))
}

fn exposed(secret: Option<&SecretString>) -> &str {
    secret.map_or("", |secret| secret.expose_secret())
}
