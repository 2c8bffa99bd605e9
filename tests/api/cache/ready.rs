//! `/readyz` and the logs through a running Ferrio.

use super::support::eventually;
use crate::common::redis::RedisServer;
use crate::common::{spawn_app_with, spawn_binary};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn readyz_says_memory_without_redis_url() {
    let app = spawn_app_with(|_| {}).await;
    let body = app.get_json("/readyz", 200).await;
    assert_eq!(body, json!({"status": "ok", "cache": "memory"}));
}

#[tokio::test]
async fn readyz_reports_a_redis_outage_and_the_recovery() {
    let mut redis = RedisServer::start().await;
    let url = redis.url();
    let app = spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), url);
        env.insert("REDIS_RETRY_MS".into(), "100".into());
    })
    .await;
    assert_eq!(
        app.get_json("/readyz", 200).await,
        json!({"status": "ok", "cache": "redis"})
    );
    redis.stop();
    // Still ready (200): the instance serves without Redis; it says so instead.
    assert_eq!(
        app.get_json("/readyz", 200).await,
        json!({"status": "ok", "cache": "degraded", "reason": "redis unreachable"})
    );
    redis.restart().await;
    eventually(
        Duration::from_secs(5),
        "readyz says redis again",
        || async { app.get_json("/readyz", 200).await["cache"] == "redis" },
    )
    .await;
}

#[tokio::test]
async fn readyz_asks_redis_without_writing_to_it() {
    let redis = RedisServer::start().await;
    let url = redis.url();
    let app = spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), url);
    })
    .await;
    for _ in 0..5 {
        assert_eq!(app.get_json("/readyz", 200).await["cache"], "redis");
    }
    let keys: Vec<String> = redis.dump().await.into_iter().map(|(key, _)| key).collect();
    assert!(keys.is_empty(), "a health check wrote {keys:?}");
}

#[tokio::test]
async fn an_outage_is_logged_once_and_so_is_the_recovery() {
    let mut redis = RedisServer::start().await;
    let url = redis.url();
    let app = spawn_binary(|env| {
        env.insert("REDIS_URL".into(), url.clone());
        env.insert("REDIS_RETRY_MS".into(), "100".into());
    })
    .await;
    let client = reqwest::Client::new();
    let readyz = || async {
        let response = client
            .get(format!("{}/readyz", app.address))
            .send()
            .await
            .expect("reaches the app");
        response.json::<Value>().await.expect("JSON")["cache"].clone()
    };
    assert_eq!(readyz().await, "redis");
    redis.stop();
    for _ in 0..5 {
        assert_eq!(readyz().await, "degraded");
    }
    redis.restart().await;
    eventually(Duration::from_secs(5), "recovered", || async {
        readyz().await == "redis"
    })
    .await;
    let logs = app.logs();
    assert_eq!(logs.matches("redis unavailable").count(), 1, "{logs}");
    assert_eq!(logs.matches("redis reachable again").count(), 1);
    assert!(!logs.contains(&url), "the Redis URL may hold a password");
}
