//! The shared tier: Redis through a `deadpool-redis` pool, every operation under a tight
//! timeout, and never an error for the caller — a failed operation is a miss.
//!
//! The first failure marks Redis down (see `health.rs`); while it is down operations are
//! skipped without touching the network, and one background task probes it every
//! `REDIS_RETRY_MS` until a probe write succeeds. The pool replaces broken connections on its
//! own, so nothing needs restarting when Redis comes back.

use super::{
    health::{Health, Outage},
    key,
};
use crate::{clock::millis, metrics::Metrics};
use bytes::Bytes;
use deadpool_redis::{Config, Pool, PoolConfig, Runtime, Timeouts};
use redis::{Cmd, FromRedisValue};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Deletes the lock only if it still holds our token, so a lock that expired and was taken by
/// another instance is never released by us.
const UNLOCK: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/// Extends the lock only if it still holds our token.
const RENEW: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

/// Counts one event in a window: the first count of a key sets its expiry, so the counter
/// disappears with its window.
const COUNT: &str = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

/// How the Redis tier is set up.
pub(crate) struct RedisOptions {
    pub pool_size: usize,
    /// Bound of one operation, pool wait and connecting included.
    pub timeout: Duration,
    /// Interval of the probes while Redis is down.
    pub retry: Duration,
}

/// Whether this instance got the fetch lock of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    Acquired,
    /// Another instance is fetching.
    Held,
    /// Redis cannot tell; fetch without a lock.
    Unavailable,
}

/// The Redis tier. Cheap to clone.
#[derive(Clone)]
pub(crate) struct RedisTier {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    options: RedisOptions,
    health: Health,
    metrics: Metrics,
}

impl RedisTier {
    /// Builds the pool; no connection is made until the first operation.
    pub fn new(
        url: &str,
        options: RedisOptions,
        metrics: Metrics,
    ) -> Result<Self, deadpool_redis::CreatePoolError> {
        let mut config = Config::from_url(url);
        config.pool = Some(PoolConfig {
            max_size: options.pool_size,
            timeouts: Timeouts {
                wait: Some(options.timeout),
                create: Some(options.timeout),
                recycle: Some(options.timeout),
            },
            ..PoolConfig::default()
        });
        let pool = config.create_pool(Some(Runtime::Tokio1))?;
        let inner = Inner {
            pool,
            options,
            health: Health::default(),
            metrics,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The current outage, if Redis is down.
    pub fn outage(&self) -> Option<Outage> {
        self.inner.health.outage()
    }

    /// Probes Redis now (unless an outage is already being probed) and returns its state.
    pub async fn check(&self) -> Option<Outage> {
        if self.outage().is_none()
            && let Err(outage) = self.probe().await
        {
            self.fail(outage);
        }
        self.outage()
    }

    /// The stored bytes of a key; `None` for a miss and when Redis is down.
    pub async fn get(&self, family: &str, key: &str) -> Option<Bytes> {
        let mut command = redis::cmd("GET");
        command.arg(key);
        let found: Option<Vec<u8>> = self.run(family, &command).await?;
        found.map(Bytes::from)
    }

    /// Stores bytes under a key for `ttl` (best effort).
    pub async fn set(&self, family: &str, key: &str, bytes: &Bytes, ttl: Duration) {
        let mut command = redis::cmd("SET");
        command.arg(key).arg(bytes.as_ref()).arg("PX").arg(px(ttl));
        let _: Option<()> = self.run(family, &command).await;
    }

    /// Deletes a key (best effort).
    pub async fn delete(&self, family: &str, key: &str) {
        let mut command = redis::cmd("DEL");
        command.arg(key);
        let _: Option<i64> = self.run(family, &command).await;
    }

    /// Adds one to a counter that lives `window`; `None` when Redis is down.
    pub async fn count(&self, family: &str, key: &str, window: Duration) -> Option<u64> {
        let mut command = redis::cmd("EVAL");
        command.arg(COUNT).arg(1).arg(key).arg(px(window));
        self.run(family, &command).await
    }

    /// Tries to take the fetch lock of an entry for `ttl`, marked with `token`.
    pub async fn try_lock(&self, family: &str, entry: &str, token: &str, ttl: Duration) -> Lock {
        let mut command = redis::cmd("SET");
        command
            .arg(key::lock(entry))
            .arg(token)
            .arg("NX")
            .arg("PX")
            .arg(px(ttl));
        match self.run::<Option<String>>(family, &command).await {
            Some(Some(_)) => Lock::Acquired,
            Some(None) => Lock::Held,
            None => Lock::Unavailable,
        }
    }

    /// Extends a lock taken with `token` to `ttl` from now; false when it is no longer ours (or
    /// Redis cannot tell).
    pub async fn renew(&self, family: &str, entry: &str, token: &str, ttl: Duration) -> bool {
        let mut command = redis::cmd("EVAL");
        command
            .arg(RENEW)
            .arg(1)
            .arg(key::lock(entry))
            .arg(token)
            .arg(px(ttl));
        self.run::<i64>(family, &command).await == Some(1)
    }

    /// Releases a lock taken with `token` (best effort: it expires anyway).
    pub async fn unlock(&self, family: &str, entry: &str, token: &str) {
        let mut command = redis::cmd("EVAL");
        command.arg(UNLOCK).arg(1).arg(key::lock(entry)).arg(token);
        let _: Option<i64> = self.run(family, &command).await;
    }

    /// Runs a command unless Redis is down; a failure starts an outage and reads as `None`.
    async fn run<R: FromRedisValue>(&self, family: &str, command: &Cmd) -> Option<R> {
        if self.outage().is_some() {
            return None;
        }
        match self.execute(command).await {
            Ok(value) => Some(value),
            Err(outage) => {
                self.inner.metrics.cache_event(family, "redis_error");
                self.fail(outage);
                None
            }
        }
    }

    async fn execute<R: FromRedisValue>(&self, command: &Cmd) -> Result<R, Outage> {
        let work = async {
            let mut connection = self
                .inner
                .pool
                .get()
                .await
                .map_err(|error| Outage::of_pool(&error))?;
            command
                .query_async::<R>(&mut connection)
                .await
                .map_err(|error| Outage::of(&error))
        };
        tokio::time::timeout(self.inner.options.timeout, work)
            .await
            .map_err(|_| Outage::Timeout)?
    }

    /// A write, so a Redis that answers but refuses writes counts as down.
    async fn probe(&self) -> Result<(), Outage> {
        let mut command = redis::cmd("SET");
        command.arg(key::probe()).arg(1).arg("PX").arg(60_000);
        self.execute::<()>(&command).await
    }

    /// Starts an outage (once): logs it and probes in the background until Redis is back.
    fn fail(&self, outage: Outage) {
        if !self.inner.health.fail(outage) {
            return;
        }
        tracing::warn!(
            reason = outage.reason(),
            "redis unavailable; caching in process until it returns"
        );
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(probe_until_back(weak, self.inner.options.retry));
    }
}

/// Probes every `retry` until a probe succeeds, or until the cache is dropped.
async fn probe_until_back(weak: Weak<Inner>, retry: Duration) {
    loop {
        tokio::time::sleep(retry).await;
        let Some(inner) = weak.upgrade() else {
            return;
        };
        let tier = RedisTier { inner };
        if tier.probe().await.is_ok() && tier.inner.health.recover() {
            tracing::info!("redis reachable again; shared caching resumed");
            return;
        }
    }
}

/// A `PX` argument: whole milliseconds, at least one (Redis refuses `PX 0`).
fn px(duration: Duration) -> u64 {
    millis(duration).max(1)
}
