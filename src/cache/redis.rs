//! The shared tier: Redis through one multiplexed connection (see `connection.rs`), every
//! operation under a tight budget, and never an error for the caller — a failed operation is
//! a miss.
//!
//! A few failures in a row mark Redis down (see `health.rs`); while it is down operations are
//! skipped without touching the network, and one background task probes it every
//! `REDIS_RETRY_MS` until a probe write succeeds. The connection reconnects on its own, so
//! nothing needs restarting when Redis comes back.

use super::{
    connection::{Budgets, Connection, RedisTarget},
    health::{Health, Outage},
    key,
};
use crate::{
    clock::{self, millis},
    metrics::Metrics,
};
use bytes::Bytes;
use redis::{Cmd, FromRedisValue, RedisResult};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often the shared clock is read again once it was read (see `clock.rs`).
const CLOCK_EVERY: Duration = Duration::from_secs(60);
/// A `TIME` answer slower than this says too little about when it was read.
const CLOCK_MAX_ROUND_TRIP: u64 = 500;
/// An offset from Redis's clock worth a log line.
const CLOCK_NOTABLE_MS: i64 = 1_000;

/// Keys per `MGET`: one round trip for a whole ranked list, in answers small enough not to
/// hold the shared connection for long.
const KEYS_PER_READ: usize = 128;

/// Deletes the lock only if it still holds our token, so a lock that expired and was taken by
/// another instance is never released by us.
const UNLOCK: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/// Extends the lock only if it still holds our token.
const RENEW: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

/// Counts one event in a window: the first count of a key sets its expiry, so the counter
/// disappears with its window.
const COUNT: &str = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";
/// Counts one event unless the count has reached ARGV[2]; -1 when it has.
const CAPPED_COUNT: &str = "local n = tonumber(redis.call('GET', KEYS[1]) or '0') if n >= tonumber(ARGV[2]) then return -1 end n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

/// How the Redis tier is set up.
pub(crate) struct RedisOptions {
    pub target: RedisTarget,
    pub budgets: Budgets,
    /// Failed operations in a row that make an outage.
    pub failures_to_outage: u32,
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
    connection: Connection,
    options: RedisOptions,
    health: Health,
    metrics: Metrics,
}

impl RedisTier {
    /// Prepares the connection; none is made until the first operation.
    pub fn new(options: RedisOptions, metrics: Metrics) -> RedisResult<Self> {
        let inner = Arc::new(Inner {
            connection: Connection::open(&options.target, options.budgets)?,
            health: Health::new(options.failures_to_outage),
            options,
            metrics,
        });
        tokio::spawn(keep_clock(Arc::downgrade(&inner)));
        Ok(Self { inner })
    }

    /// The current outage, if Redis is down.
    pub fn outage(&self) -> Option<Outage> {
        self.inner.health.outage()
    }

    /// Asks Redis now (unless an outage is already being probed) and returns its state: an
    /// outage, or why this very check failed. Reads only (`PING`), so a health checker polling
    /// it writes nothing.
    pub async fn check(&self) -> Option<Outage> {
        if let Some(outage) = self.outage() {
            return Some(outage);
        }
        match self.execute::<String>(&redis::cmd("PING")).await {
            Ok(_) => {
                self.inner.health.succeed();
                None
            }
            Err(outage) => {
                self.fail(outage);
                Some(outage)
            }
        }
    }

    /// The stored bytes of a key; `None` for a miss and when Redis is down.
    pub async fn get(&self, family: &str, key: &str) -> Option<Bytes> {
        let mut command = redis::cmd("GET");
        command.arg(key);
        let found: Option<Vec<u8>> = self.run(family, &command).await?;
        found.map(Bytes::from)
    }

    /// The stored bytes of many keys, in their order, in one round trip per
    /// [`KEYS_PER_READ`]; all `None` when Redis is down.
    pub async fn get_many(&self, family: &str, keys: &[String]) -> Vec<Option<Bytes>> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(KEYS_PER_READ) {
            let mut command = redis::cmd("MGET");
            command.arg(chunk);
            let values: Option<Vec<Option<Vec<u8>>>> = self.run(family, &command).await;
            match values.filter(|values| values.len() == chunk.len()) {
                Some(values) => found.extend(values.into_iter().map(|v| v.map(Bytes::from))),
                None => found.extend(chunk.iter().map(|_| None)),
            }
        }
        found
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

    /// Counts one event under `key` unless it already counts `cap`: `Some(Ok(count))`,
    /// `Some(Err(()))` at the cap, `None` when Redis did not answer.
    pub async fn capped_count(
        &self,
        family: &str,
        key: &str,
        window: Duration,
        cap: u64,
    ) -> Option<Result<u64, ()>> {
        let mut command = redis::cmd("EVAL");
        command
            .arg(CAPPED_COUNT)
            .arg(1)
            .arg(key)
            .arg(px(window))
            .arg(cap);
        let n: i64 = self.run(family, &command).await?;
        Some(u64::try_from(n).map_err(|_| ()))
    }

    /// The count under `key` (0 when there is none).
    pub async fn read_count(&self, family: &str, key: &str) -> Option<u64> {
        let mut command = redis::cmd("GET");
        command.arg(key);
        let n: Option<u64> = self.run(family, &command).await?;
        Some(n.unwrap_or(0))
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

    /// Runs a command unless Redis is down; a failure reads as `None` and counts towards an
    /// outage.
    async fn run<R: FromRedisValue>(&self, family: &str, command: &Cmd) -> Option<R> {
        if self.outage().is_some() {
            return None;
        }
        match self.execute(command).await {
            Ok(value) => {
                self.inner.health.succeed();
                Some(value)
            }
            Err(outage) => {
                self.inner.metrics.cache_event(family, "redis_error");
                self.fail(outage);
                None
            }
        }
    }

    /// One command, bounded by the connect budget (when it has to connect first) plus the
    /// command budget: the connection enforces each, and this bound catches anything else.
    ///
    /// A command that meets a dropped connection (Redis restarted, a managed Redis failed
    /// over) is sent once more: the connection has started reconnecting, and the retry waits
    /// for it instead of counting a failure for what was only a stale socket.
    async fn execute<R: FromRedisValue>(&self, command: &Cmd) -> Result<R, Outage> {
        let budgets = self.inner.options.budgets;
        let connection = &self.inner.connection;
        let work = async {
            match connection.query::<R>(command).await {
                Err(error)
                    if !error.is_timeout()
                        && (error.is_connection_dropped() || error.is_io_error()) =>
                {
                    connection.query::<R>(command).await
                }
                answer => answer,
            }
        };
        match tokio::time::timeout(budgets.connect + budgets.command, work).await {
            Ok(answer) => answer.map_err(|error| Outage::of(&error)),
            Err(_) => Err(Outage::Timeout),
        }
    }

    /// A write, so a Redis that answers but refuses writes counts as down.
    async fn probe(&self) -> Result<(), Outage> {
        let mut command = redis::cmd("SET");
        command.arg(key::probe()).arg(1).arg("PX").arg(60_000);
        self.execute::<()>(&command).await
    }

    /// Counts a failure; when it starts an outage, logs it and probes in the background until
    /// Redis is back.
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

/// Reads Redis's clock now and every [`CLOCK_EVERY`] (every `REDIS_RETRY_MS` until it first
/// answers), until the cache is dropped, and makes it this process's (see `clock.rs`).
async fn keep_clock(weak: Weak<Inner>) {
    let mut logged: Option<i64> = None;
    loop {
        let Some(inner) = weak.upgrade() else {
            return;
        };
        let tier = RedisTier { inner };
        let offset = tier.read_clock().await;
        if let Some(offset) = offset
            && offset.abs() >= CLOCK_NOTABLE_MS
            && logged.is_none_or(|was| (was - offset).abs() >= CLOCK_NOTABLE_MS)
        {
            tracing::warn!(
                offset_ms = offset,
                "this machine's clock differs from Redis's; using Redis's"
            );
            logged = Some(offset);
        }
        let wait = if offset.is_some() {
            CLOCK_EVERY
        } else {
            tier.inner.options.retry
        };
        drop(tier);
        tokio::time::sleep(wait).await;
    }
}

impl RedisTier {
    /// Reads Redis's `TIME` and aligns this process's clock to it; the offset taken, if the
    /// answer came in time.
    async fn read_clock(&self) -> Option<i64> {
        let before = clock::local_ms();
        let (seconds, micros): (u64, u64) = self.run("clock", &redis::cmd("TIME")).await?;
        let after = clock::local_ms();
        if after.saturating_sub(before) > CLOCK_MAX_ROUND_TRIP {
            return None;
        }
        let shared = seconds.saturating_mul(1_000).saturating_add(micros / 1_000);
        Some(clock::align(shared, before / 2 + after / 2))
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
