//! Instances sharing one real Redis through the cache API.

use super::support::{Instance, Source, eventually, failing_after_first, numbered, timed};
use crate::common::redis::RedisServer;
use ferrio::protocol::config::DebridToken;
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(200);

#[tokio::test]
async fn an_entry_stored_by_one_instance_is_a_hit_on_another() {
    let _cpu = timed().await;
    let redis = RedisServer::start().await;
    let (a, b) = (
        Instance::on(Some(&redis), &[]),
        Instance::on(Some(&redis), &[]),
    );
    let source = Source::new(LATENCY);
    let first = a
        .family(60_000)
        .get_or_fetch("k", source.fetch(numbered))
        .await;
    let started = Instant::now();
    let second = b
        .family(60_000)
        .get_or_fetch("k", source.fetch(numbered))
        .await;
    assert_eq!(
        (first, second.clone()),
        (second.clone(), Ok("answer 1".into()))
    );
    assert!(
        started.elapsed() < LATENCY,
        "served from Redis, not the source"
    );
    assert_eq!(source.calls(), 1);
    assert_eq!(b.events("hit"), 1);
}

#[tokio::test]
async fn concurrent_cold_reads_on_two_instances_make_one_call() {
    let redis = RedisServer::start().await;
    let (a, b) = (
        Instance::on(Some(&redis), &[]),
        Instance::on(Some(&redis), &[]),
    );
    let (family_a, family_b) = (a.family(60_000), b.family(60_000));
    let source = Source::new(LATENCY);
    let reads = (0..100).map(|index| {
        let family = if index % 2 == 0 { &family_a } else { &family_b };
        family.get_or_fetch("k", source.fetch(numbered))
    });
    let answers = futures::future::join_all(reads).await;
    assert!(
        answers
            .iter()
            .all(|answer| answer == &Ok("answer 1".to_owned()))
    );
    assert_eq!(source.calls(), 1);
    assert_eq!(
        a.events("join") + b.events("join"),
        98,
        "49 joins on each instance"
    );
    assert_eq!(
        a.events("wait") + b.events("wait"),
        1,
        "the other instance waited"
    );
}

#[tokio::test]
async fn a_waiter_calls_the_source_itself_when_the_lock_is_never_released() {
    let _cpu = timed().await;
    let redis = RedisServer::start().await;
    let a = Instance::on(Some(&redis), &[("CACHE_LOCK_WAIT_MS", "300")]);
    // A lock left by an instance that died mid-call.
    let mut connection = redis.connection().await;
    let _: () = redis::cmd("SET")
        .arg("ferrio:v2:{test:k}:lock")
        .arg("dead-instance")
        .arg("PX")
        .arg(60_000)
        .query_async(&mut connection)
        .await
        .expect("SET");
    let source = Source::new(Duration::ZERO);
    let started = Instant::now();
    let answer = a
        .family(60_000)
        .get_or_fetch("k", source.fetch(numbered))
        .await;
    assert_eq!(answer, Ok("answer 1".into()));
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "waited for the holder"
    );
    assert!(
        started.elapsed() < Duration::from_millis(1_000),
        "but not much longer"
    );
    assert_eq!(a.events("wait_expired"), 1);
}

#[tokio::test]
async fn entries_expire_after_their_ttl() {
    let redis = RedisServer::start().await;
    let a = Instance::on(Some(&redis), &[("CACHE_FRONT_TTL_MS", "50")]);
    let family = a.family(200);
    let source = Source::new(Duration::ZERO);
    family.get_or_fetch("k", source.fetch(numbered)).await.ok();
    let mut connection = redis.connection().await;
    let ttl: i64 = redis::cmd("PTTL")
        .arg("ferrio:v2:{test:k}")
        .query_async(&mut connection)
        .await
        .expect("PTTL");
    assert!(
        (3_000..=3_200).contains(&ttl),
        "kept until the stale-if-error limit: {ttl}"
    );
    assert_eq!(
        family.get_or_fetch("k", source.fetch(numbered)).await,
        Ok("answer 1".into())
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Past fresh and stale: the read waits for a new call.
    assert_eq!(
        family.get_or_fetch("k", source.fetch(numbered)).await,
        Ok("answer 2".into())
    );
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn a_stale_entry_is_served_while_another_instance_refreshes_it() {
    let _cpu = timed().await;
    let redis = RedisServer::start().await;
    let front = [("CACHE_FRONT_TTL_MS", "50")];
    let (a, b) = (
        Instance::on(Some(&redis), &front),
        Instance::on(Some(&redis), &front),
    );
    let (family_a, family_b) = (a.family(100), b.family(100));
    let source = Source::new(LATENCY);
    family_a
        .get_or_fetch("k", source.fetch(numbered))
        .await
        .ok();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let started = Instant::now();
    let stale = family_b.get_or_fetch("k", source.fetch(numbered)).await;
    assert_eq!(stale, Ok("answer 1".into()));
    assert!(
        started.elapsed() < LATENCY,
        "served without waiting for the refresh"
    );
    assert_eq!(b.events("stale"), 1);
    eventually(
        Duration::from_secs(2),
        "the refresh reaches instance A",
        || async {
            family_a.get_or_fetch("k", source.fetch(numbered)).await == Ok("answer 2".into())
        },
    )
    .await;
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn a_stale_entry_is_served_when_the_refresh_fails() {
    let redis = RedisServer::start().await;
    let a = Instance::on(Some(&redis), &[("CACHE_FRONT_TTL_MS", "50")]);
    let family = a.family(100);
    let source = Source::new(Duration::ZERO);
    family
        .get_or_fetch("k", source.fetch(failing_after_first))
        .await
        .ok();
    tokio::time::sleep(Duration::from_millis(150)).await;
    // Stale: served, and refreshed in the background — which fails.
    let stale = family
        .get_or_fetch("k", source.fetch(failing_after_first))
        .await;
    assert_eq!(stale, Ok("answer 1".into()));
    eventually(
        Duration::from_secs(2),
        "the failed refresh is counted",
        || async { a.events("stale_if_error") == 1 },
    )
    .await;
    // Past the stale window the old answer still stands, and the failure is not shown.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let kept = family
        .get_or_fetch("k", source.fetch(failing_after_first))
        .await;
    assert_eq!(kept, Ok("answer 1".into()));
    assert!(a.events("fetch_error") >= 1);
}

#[tokio::test]
async fn keys_and_values_hold_no_token() {
    let redis = RedisServer::start().await;
    let a = Instance::on(
        Some(&redis),
        &[("CONFIG_SECRET", "a-test-secret-of-at-least-32-bytes")],
    );
    let token = DebridToken::from("SECRETTOKEN1234567890ABCDEFGHIJ".to_owned());
    let key = format!("library:{}", a.cache.token_hasher().hash(&token));
    let source = Source::new(Duration::ZERO);
    a.family(60_000)
        .get_or_fetch(&key, source.fetch(numbered))
        .await
        .ok();
    let entries = redis.dump().await;
    assert!(
        entries
            .iter()
            .any(|(stored, _)| stored.contains("library:"))
    );
    for (stored, value) in entries {
        assert!(!stored.contains(token.expose()), "{stored}");
        let value = String::from_utf8_lossy(&value);
        assert!(!value.contains(token.expose()));
    }
}

#[tokio::test]
async fn an_entry_forgotten_by_one_instance_is_gone_for_the_others() {
    let redis = RedisServer::start().await;
    let front = [("CACHE_FRONT_TTL_MS", "50")];
    let (a, b) = (
        Instance::on(Some(&redis), &front),
        Instance::on(Some(&redis), &front),
    );
    let source = Source::new(Duration::ZERO);
    a.family(60_000)
        .get_or_fetch("k", source.fetch(numbered))
        .await
        .ok();
    b.family(60_000).forget("k").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let answer = a
        .family(60_000)
        .get_or_fetch("k", source.fetch(numbered))
        .await;
    assert_eq!(answer, Ok("answer 2".into()));
}
