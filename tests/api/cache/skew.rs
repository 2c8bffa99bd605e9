//! Instances whose clocks disagree: one runs ten minutes ahead (under `libfaketime`), and still
//! reads what the other stored as fresh, because both keep Redis's time.

use super::support::eventually;
use crate::common::{base_env, log_path, redis::RedisServer};
use ferrio_fakes::{Fakes, fixtures::MOVIE_ID};
use ferrio_testkit::Ferrio;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `libfaketime` as Debian installs it (`apt-get install faketime`).
const FAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

#[tokio::test]
async fn an_instance_ten_minutes_ahead_reads_what_the_other_stored_as_fresh() {
    assert!(
        Path::new(FAKETIME).exists(),
        "{FAKETIME} is missing (apt-get install faketime)"
    );
    let redis = RedisServer::start().await;
    let fakes = Fakes::start().await;
    let mut env = base_env(&fakes);
    env.insert("REDIS_URL".into(), redis.url());
    env.insert("LOG_FORMAT".into(), "json".into());
    // Source answers are fresh five minutes: to a clock ten minutes ahead, expired.
    for name in [
        "CACHE_DMM_TTL_SECS",
        "CACHE_YTS_TTL_SECS",
        "CACHE_TORRENTIO_TTL_SECS",
    ] {
        env.insert(name.into(), "300".into());
    }
    env.insert("CACHE_STALE_SECS".into(), "0".into());
    env.insert("CACHE_STALE_IF_ERROR_SECS".into(), "0".into());
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_ferrio"));
    let on_time = Ferrio::start(&bin, env.clone(), &log_path("ferrio-on-time"))
        .await
        .expect("starts");
    let mut ahead_env = env;
    ahead_env.insert("LD_PRELOAD".into(), FAKETIME.into());
    ahead_env.insert("FAKETIME".into(), "+600s".into());
    // Timers and timeouts keep the real monotonic clock.
    ahead_env.insert("FAKETIME_DONT_FAKE_MONOTONIC".into(), "1".into());
    let ahead = Ferrio::start(&bin, ahead_env, &log_path("ferrio-ahead"))
        .await
        .expect("starts under faketime");
    eventually(
        Duration::from_secs(10),
        "the skewed instance reads Redis's clock",
        || async { ahead.process.output().contains("clock differs from Redis") },
    )
    .await;
    let logs = ahead.process.output();
    let line = logs
        .lines()
        .find(|line| line.contains("clock differs from Redis"))
        .unwrap_or_default();
    let offset: serde_json::Value = serde_json::from_str(line).expect("a JSON log line");
    let offset = offset["offset_ms"].as_i64().expect("offset_ms");
    assert!(
        (-601_000..=-599_000).contains(&offset),
        "offset {offset} ms"
    );

    let client = reqwest::Client::new();
    let path = format!("/stream/movie/{MOVIE_ID}.json");
    for instance in [&on_time, &ahead] {
        let response = client
            .get(format!("{}{path}", instance.base))
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status().as_u16(), 200);
    }
    assert_eq!(
        fakes.torrentio.stream_calls(),
        1,
        "the instance ahead served the other's answer as fresh"
    );
}
