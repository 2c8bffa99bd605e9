//! Redis down, wedged or refusing: the cache keeps answering, reports it, and comes back.

use super::support::{Instance, Source, eventually, numbered, timed};
use crate::common::redis::RedisServer;
use ferrio::cache::{CacheStatus, Outage};
use std::time::{Duration, Instant};

/// Probes every 100 ms, so recovery tests finish quickly.
const FAST_RETRY: [(&str, &str); 1] = [("REDIS_RETRY_MS", "100")];

#[tokio::test]
async fn reads_succeed_while_redis_is_down_and_sharing_resumes_when_it_is_back() {
    let mut redis = RedisServer::start().await;
    let (a, b) = (
        Instance::on(Some(&redis), &FAST_RETRY),
        Instance::on(Some(&redis), &FAST_RETRY),
    );
    let (family_a, family_b) = (a.family(60_000), b.family(60_000));
    let source = Source::new(Duration::ZERO);
    assert_eq!(a.cache.status().await, CacheStatus::Redis);

    redis.stop();
    let answer = family_a.get_or_fetch("down", source.fetch(numbered)).await;
    assert_eq!(answer, Ok("answer 1".into()), "answered from the source");
    assert_eq!(
        a.cache.status().await,
        CacheStatus::Degraded(Outage::Unreachable)
    );
    // The in-process tier stands in for Redis: no second call for the same key.
    let again = family_a.get_or_fetch("down", source.fetch(numbered)).await;
    assert_eq!((again, source.calls()), (Ok("answer 1".into()), 1));
    assert!(a.events("redis_error") >= 1);

    redis.restart().await;
    eventually(
        Duration::from_secs(5),
        "instance A finds Redis back",
        || async { a.cache.status().await == CacheStatus::Redis },
    )
    .await;
    family_a
        .get_or_fetch("up", source.fetch(numbered))
        .await
        .ok();
    let shared = family_b.get_or_fetch("up", source.fetch(numbered)).await;
    assert_eq!(shared, Ok("answer 2".into()), "B reads what A stored");
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn a_wedged_redis_costs_a_few_timeouts_then_nothing() {
    let _cpu = timed().await;
    let redis = RedisServer::start().await;
    let a = Instance::on(
        Some(&redis),
        &[
            ("REDIS_TIMEOUT_MS", "300"),
            ("REDIS_FAILURES_TO_OUTAGE", "3"),
        ],
    );
    let family = a.family(60_000);
    let source = Source::new(Duration::ZERO);
    family
        .get_or_fetch("warm", source.fetch(numbered))
        .await
        .ok();

    redis.pause();
    let started = Instant::now();
    let answer = family.get_or_fetch("cold", source.fetch(numbered)).await;
    assert_eq!(answer, Ok("answer 2".into()));
    // The read, the lock and one look while waiting time out: three in a row are an outage.
    assert!(
        started.elapsed() < Duration::from_millis(1_500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        a.cache.status().await,
        CacheStatus::Degraded(Outage::Timeout)
    );
    // While degraded, Redis is skipped without waiting out the timeout again.
    let started = Instant::now();
    family
        .get_or_fetch("colder", source.fetch(numbered))
        .await
        .ok();
    assert!(
        started.elapsed() < Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
    redis.resume();
}

#[tokio::test]
async fn a_redis_that_refuses_writes_is_degraded() {
    let redis = RedisServer::start().await;
    let a = Instance::on(Some(&redis), &FAST_RETRY);
    let mut connection = redis.connection().await;
    let config = |name: &'static str, value: &'static str| {
        let mut command = redis::cmd("CONFIG");
        command.arg("SET").arg(name).arg(value);
        command
    };
    let _: () = config("maxmemory-policy", "noeviction")
        .query_async(&mut connection)
        .await
        .expect("CONFIG SET");
    let _: () = config("maxmemory", "1")
        .query_async(&mut connection)
        .await
        .expect("CONFIG SET");
    let source = Source::new(Duration::ZERO);
    let started = Instant::now();
    let answer = a
        .family(60_000)
        .get_or_fetch("k", source.fetch(numbered))
        .await;
    assert_eq!(answer, Ok("answer 1".into()));
    // A refusal is an outage at once: the lock it refused is not waited for.
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        a.cache.status().await,
        CacheStatus::Degraded(Outage::Refused)
    );

    let _: () = config("maxmemory", "0")
        .query_async(&mut connection)
        .await
        .expect("CONFIG SET");
    eventually(
        Duration::from_secs(5),
        "writes are accepted again",
        || async { a.cache.status().await == CacheStatus::Redis },
    )
    .await;
}

#[tokio::test]
async fn without_redis_url_the_cache_is_in_process() {
    let a = Instance::on(None, &[]);
    assert_eq!(a.cache.status().await, CacheStatus::Memory);
    let source = Source::new(Duration::ZERO);
    let family = a.family(60_000);
    family.get_or_fetch("k", source.fetch(numbered)).await.ok();
    let again = family.get_or_fetch("k", source.fetch(numbered)).await;
    assert_eq!((again, source.calls()), (Ok("answer 1".into()), 1));
}

#[tokio::test]
async fn killing_redis_under_load_fails_and_slows_no_read() {
    let _cpu = timed().await;
    let mut redis = RedisServer::start().await;
    // A short front tier, so reads go to Redis and meet the kill.
    let a = Instance::on(Some(&redis), &[("CACHE_FRONT_TTL_MS", "50")]);
    let family = a.family(60_000);
    let source = Source::new(Duration::from_millis(5));
    let reads = (0..400).map(|index| {
        let (family, source) = (family.clone(), source.clone());
        tokio::spawn(async move {
            // Spread over 2 s and 40 keys: reads run before, during and after the kill.
            tokio::time::sleep(Duration::from_millis(index * 5)).await;
            let started = Instant::now();
            let key = format!("k{}", index % 40);
            let answer = family.get_or_fetch(&key, source.fetch(numbered)).await;
            (answer, started.elapsed())
        })
    });
    let load = tokio::spawn(futures::future::join_all(reads));
    tokio::time::sleep(Duration::from_millis(700)).await;
    redis.stop();
    let results = load.await.expect("the load runs");
    let mut slowest = Duration::ZERO;
    for result in results {
        let (answer, elapsed) = result.expect("no read panics");
        assert!(answer.is_ok());
        slowest = slowest.max(elapsed);
    }
    assert!(
        slowest < Duration::from_millis(300),
        "slowest read {slowest:?}"
    );
    assert!(a.events("redis_error") >= 1, "the kill was met by reads");
    // Each key is fetched once before the kill and at most once after it (then held in process).
    assert!(
        (40..=80).contains(&source.calls()),
        "{} calls",
        source.calls()
    );
}

#[tokio::test]
async fn redis_down_at_start_up_is_an_outage_not_a_failure() {
    let redis = RedisServer::start().await;
    let url = redis.url();
    drop(redis);
    let a = Instance::on(
        None,
        &[("REDIS_URL", url.as_str()), ("REDIS_RETRY_MS", "100")],
    );
    let source = Source::new(Duration::ZERO);
    let answer = a
        .family(60_000)
        .get_or_fetch("k", source.fetch(numbered))
        .await;
    assert_eq!(answer, Ok("answer 1".into()));
    assert_eq!(
        a.cache.status().await,
        CacheStatus::Degraded(Outage::Unreachable)
    );
}
