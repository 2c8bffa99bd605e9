//! The stream route through the cache: what reaches the upstream fakes.

use super::support::{
    EPISODE, MOVIE, OTHER_MOVIE, cache_events, heavy, on_redis, stream_hashes, upstream_calls,
};
use crate::common::{redis::RedisServer, spawn_app_on, spawn_app_with};
use ferrio::protocol::config::{DebridToken, SourceId, UserConfig};
use ferrio_fakes::{Fakes, fixtures::RD_TOKEN};
use std::collections::BTreeMap;
use std::time::Duration;

/// Time limits for 100 requests at once in a debug build on a small machine, where ranking
/// alone keeps the CPU busy for seconds: no deadline, Redis timeout or lock wait may run out,
/// so what is counted is the single-flight alone.
fn patient(env: &mut BTreeMap<String, String>) {
    for (name, value) in [
        ("REQUEST_DEADLINE_MS", "30000"),
        ("SOURCE_TIMEOUT_MS", "20000"),
        ("REDIS_TIMEOUT_MS", "5000"),
        ("CACHE_LOCK_WAIT_MS", "20000"),
    ] {
        env.insert(name.into(), value.into());
    }
}

/// Long enough for concurrent requests to overlap the first call, even on a busy machine.
const LATENCY: Duration = Duration::from_millis(1_500);

fn slow(fakes: &Fakes) {
    fakes.dmm.set_latency(LATENCY);
    fakes.yts.set_latency(LATENCY);
    fakes.torrentio.set_latency(LATENCY);
}

#[tokio::test]
async fn a_second_request_makes_no_upstream_call_even_with_another_config() {
    let app = spawn_app_with(|_| {}).await;
    let first = stream_hashes(&app, MOVIE).await;
    assert!(!first.is_empty());
    let calls = upstream_calls(&app.fakes);
    assert_eq!(
        (calls.0, calls.2),
        (1, 1),
        "one DMM and one Torrentio search"
    );
    assert!(calls.1 >= 1, "YTS was asked");
    assert_eq!(stream_hashes(&app, MOVIE).await, first);
    // Another config ranks the same cached answers differently: still no call.
    let config = UserConfig {
        sources: [SourceId::Yts, SourceId::Torrentio].into(),
        max_results: 2,
        ..UserConfig::default()
    };
    let path = format!("/{}{MOVIE}", config.encode(None));
    assert_eq!(stream_hashes(&app, &path).await.len(), 2);
    assert_eq!(upstream_calls(&app.fakes), calls);
    assert!(cache_events(&app, "hit").await >= 3);
}

#[tokio::test]
async fn a_hundred_concurrent_cold_requests_make_one_call_per_source() {
    let _cpu = heavy().await;
    let app = spawn_app_with(patient).await;
    slow(&app.fakes);
    let requests = (0..100).map(|_| stream_hashes(&app, MOVIE));
    let answers = futures::future::join_all(requests).await;
    assert!(
        answers
            .iter()
            .all(|answer| answer == &answers[0] && !answer.is_empty())
    );
    let (dmm, yts, torrentio) = upstream_calls(&app.fakes);
    assert_eq!((dmm, torrentio), (1, 1));
    let yts_alone = spawn_app_with(|_| {}).await;
    stream_hashes(&yts_alone, MOVIE).await;
    assert_eq!(
        yts,
        yts_alone.fakes.yts.calls(),
        "as many YTS calls as one request makes"
    );
    assert_eq!(app.fakes.dmm.challenge_calls(), 1);
    assert!(
        cache_events(&app, "join").await > 0,
        "requests joined a call in flight"
    );
}

#[tokio::test]
async fn a_hundred_concurrent_cold_requests_on_two_instances_make_one_call_per_source() {
    let _cpu = heavy().await;
    let redis = RedisServer::start().await;
    let fakes = Fakes::start().await;
    let on_redis_patiently = |env: &mut BTreeMap<String, String>| {
        on_redis(&redis)(env);
        patient(env);
    };
    let a = spawn_app_on(fakes.clone(), on_redis_patiently).await;
    let b = spawn_app_on(fakes.clone(), on_redis_patiently).await;
    // The YTS calls of one request, learnt on a title the test does not race on.
    stream_hashes(&a, OTHER_MOVIE).await;
    let yts_per_request = fakes.yts.calls();
    fakes.reset_calls();
    slow(&fakes);
    let requests = (0..100).map(|index| stream_hashes(if index % 2 == 0 { &a } else { &b }, MOVIE));
    let answers = futures::future::join_all(requests).await;
    assert!(
        answers
            .iter()
            .all(|answer| answer == &answers[0] && !answer.is_empty())
    );
    let (dmm, yts, torrentio) = upstream_calls(&fakes);
    assert_eq!((dmm, yts, torrentio), (1, yts_per_request, 1));
    assert_eq!(
        fakes.dmm.challenge_calls(),
        0,
        "the challenge minted before is reused"
    );
    let waits = cache_events(&a, "wait").await + cache_events(&b, "wait").await;
    assert!(waits > 0, "one instance waited for the other's calls");
}

#[tokio::test]
async fn no_cache_key_or_value_holds_a_users_token() {
    let redis = RedisServer::start().await;
    let app = spawn_app_with(on_redis(&redis)).await;
    let config = UserConfig {
        realdebrid: Some(DebridToken::from(RD_TOKEN.to_owned())),
        ..UserConfig::default()
    };
    let path = format!("/{}{MOVIE}", config.encode(None));
    assert!(!stream_hashes(&app, &path).await.is_empty());
    let entries = redis.dump().await;
    assert!(entries.len() >= 3, "the sources' answers are in Redis");
    for (key, value) in entries {
        assert!(key.starts_with("ferrio:v2:"), "{key}");
        assert!(!key.contains(RD_TOKEN), "{key}");
        assert!(
            !String::from_utf8_lossy(&value).contains(RD_TOKEN),
            "value of {key}"
        );
    }
}

#[tokio::test]
async fn the_dmm_challenge_is_shared_between_instances() {
    let redis = RedisServer::start().await;
    let fakes = Fakes::start().await;
    let a = spawn_app_on(fakes.clone(), on_redis(&redis)).await;
    let b = spawn_app_on(fakes.clone(), on_redis(&redis)).await;
    stream_hashes(&a, MOVIE).await;
    stream_hashes(&b, EPISODE).await;
    assert_eq!(fakes.dmm.search_calls(), 2, "two titles, two searches");
    assert_eq!(
        fakes.dmm.challenge_calls(),
        1,
        "one challenge for both instances"
    );
}
