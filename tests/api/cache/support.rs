//! Helpers of the cache tests: caches built like Ferrio builds them, a counting source, and
//! metric and polling helpers.

use crate::common::{TestApp, redis::RedisServer};
use ferrio::cache::{Cache, CacheFamily, Policy};
use ferrio::{metrics::Metrics, settings::Settings};
use ferrio_fakes::Fakes;
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Tests that load the CPU (a hundred requests ranked in a debug build) hold it exclusively;
/// tests that measure a latency hold it shared, so they never run alongside the former.
static CPU: RwLock<()> = RwLock::const_new(());

/// Held by a test that keeps the CPU busy.
pub async fn heavy() -> RwLockWriteGuard<'static, ()> {
    CPU.write().await
}

/// Held by a test whose assertions are timings.
pub async fn timed() -> RwLockReadGuard<'static, ()> {
    CPU.read().await
}

/// One "instance": a cache and the metrics it reports to.
pub struct Instance {
    pub cache: Cache,
    pub metrics: Metrics,
}

impl Instance {
    /// A cache on `redis` (in process only for `None`) with extra settings.
    pub fn on(redis: Option<&RedisServer>, extra: &[(&str, &str)]) -> Self {
        let mut env: Vec<(String, String)> = extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        if let Some(redis) = redis {
            env.push(("REDIS_URL".into(), redis.url()));
        }
        let settings = Settings::from_iter(env).expect("valid settings");
        let metrics = Metrics::new().expect("metrics");
        let cache = Cache::new(&settings, metrics.clone()).expect("cache builds");
        Self { cache, metrics }
    }

    /// The test family: fresh `fresh_ms`, then stale 300 ms, then usable 3 s on errors;
    /// failures remembered 200 ms.
    pub fn family(&self, fresh_ms: u64) -> CacheFamily<String, String> {
        self.cache.family(
            "test",
            move |result: &Result<String, String>| match result {
                Ok(_) => Policy {
                    fresh: Duration::from_millis(fresh_ms),
                    stale: Duration::from_millis(300),
                    stale_if_error: Duration::from_secs(3),
                },
                Err(_) => Policy::only_fresh(Duration::from_millis(200)),
            },
        )
    }

    /// How many times `event` was counted for the test family.
    pub fn events(&self, event: &str) -> u64 {
        let prefix = format!("ferrio_cache_events_total{{event=\"{event}\",family=\"test\"}} ");
        self.metrics
            .render()
            .lines()
            .find_map(|line| line.strip_prefix(&prefix).map(str::to_owned))
            .and_then(|count| count.parse().ok())
            .unwrap_or(0)
    }
}

type Answer = fn(usize) -> Result<String, String>;

/// An upstream that counts its calls, takes `latency` to answer, and answers per call number.
#[derive(Clone)]
pub struct Source {
    calls: Arc<AtomicUsize>,
    latency: Duration,
}

impl Source {
    pub fn new(latency: Duration) -> Self {
        Self {
            calls: Arc::default(),
            latency,
        }
    }

    /// The fetch function handed to the cache.
    pub fn fetch(
        &self,
        answer: Answer,
    ) -> impl Fn() -> BoxFuture<'static, Result<String, String>> + Send + Sync + 'static {
        let calls = Arc::clone(&self.calls);
        let latency = self.latency;
        move || {
            let call = calls.fetch_add(1, Ordering::SeqCst) + 1;
            Box::pin(async move {
                tokio::time::sleep(latency).await;
                answer(call)
            })
        }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// `answer <n>` for call n.
pub fn numbered(call: usize) -> Result<String, String> {
    Ok(format!("answer {call}"))
}

/// The first call answers, every later one fails.
pub fn failing_after_first(call: usize) -> Result<String, String> {
    match call {
        1 => Ok("answer 1".into()),
        _ => Err("upstream down".into()),
    }
}

/// Polls `check` every 20 ms until it holds, failing the test after `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let polled = tokio::time::timeout(limit, async {
        while !check().await {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(polled.is_ok(), "{what} within {limit:?}");
}

/// The Shawshank Redemption, which all three sources know.
pub const MOVIE: &str = "/stream/movie/tt0111161.json";
/// Breaking Bad S01E03 (DMM and Torrentio).
pub const EPISODE: &str = "/stream/series/tt0903747%3A1%3A3.json";
/// Inception: YTS and Torrentio know it.
pub const OTHER_MOVIE: &str = "/stream/movie/tt1375666.json";

/// Calls that reached each source's fake: (DMM searches, YTS, Torrentio streams).
pub fn upstream_calls(fakes: &Fakes) -> (usize, usize, usize) {
    (
        fakes.dmm.search_calls(),
        fakes.yts.calls(),
        fakes.torrentio.stream_calls(),
    )
}

/// Puts Ferrio on `redis`, probing it every 100 ms while it is down.
pub fn on_redis(redis: &RedisServer) -> impl FnOnce(&mut BTreeMap<String, String>) + use<> {
    let url = redis.url();
    move |env| {
        env.insert("REDIS_URL".into(), url);
        env.insert("REDIS_RETRY_MS".into(), "100".into());
    }
}

/// The info hashes of a stream answer, in order.
pub async fn stream_hashes(app: &TestApp, path: &str) -> Vec<String> {
    let body = app.get_json(path, 200).await;
    body["streams"]
        .as_array()
        .expect("a streams list")
        .iter()
        .map(|stream| stream["infoHash"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The sum of `ferrio_cache_events_total` for `event` over the source families.
pub async fn cache_events(app: &TestApp, event: &str) -> u64 {
    let text = app.metrics().await.text().await.expect("metrics");
    text.lines()
        .filter(|line| line.starts_with("ferrio_cache_events_total{"))
        .filter(|line| line.contains(&format!("event=\"{event}\"")))
        .filter(|line| {
            ["dmm", "yts", "torrentio"]
                .iter()
                .any(|f| line.contains(&format!("family=\"{f}\"")))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// TTLs short enough for a test to outlive: every source answer fresh for 1 s, then
/// `stale_secs` of stale-while-revalidate and `stale_if_error_secs` of stale-if-error.
pub fn short_ttls(
    stale_secs: u64,
    stale_if_error_secs: u64,
) -> impl FnOnce(&mut BTreeMap<String, String>) {
    move |env| {
        for name in [
            "CACHE_DMM_TTL_SECS",
            "CACHE_YTS_TTL_SECS",
            "CACHE_TORRENTIO_TTL_SECS",
        ] {
            env.insert(name.into(), "1".into());
        }
        env.insert("CACHE_STALE_SECS".into(), stale_secs.to_string());
        env.insert(
            "CACHE_STALE_IF_ERROR_SECS".into(),
            stale_if_error_secs.to_string(),
        );
    }
}
