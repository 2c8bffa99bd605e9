//! Two Ferrio instances on one Redis that dies and comes back.

use super::support::{
    EPISODE, MOVIE, OTHER_MOVIE, eventually, on_redis, stream_hashes, upstream_calls,
};
use crate::common::{redis::RedisServer, spawn_app_on};
use ferrio_fakes::Fakes;
use std::time::Duration;

#[tokio::test]
async fn requests_succeed_without_redis_and_sharing_resumes_when_it_returns() {
    let mut redis = RedisServer::start().await;
    let fakes = Fakes::start().await;
    let a = spawn_app_on(fakes.clone(), on_redis(&redis)).await;
    let b = spawn_app_on(fakes.clone(), on_redis(&redis)).await;
    // Shared: B answers MOVIE from what A stored.
    let stored = stream_hashes(&a, MOVIE).await;
    let calls = upstream_calls(&fakes);
    assert_eq!(stream_hashes(&b, MOVIE).await, stored);
    assert_eq!(upstream_calls(&fakes), calls);

    redis.stop();
    for app in [&a, &b] {
        assert!(
            !stream_hashes(app, OTHER_MOVIE).await.is_empty(),
            "answered"
        );
        let ready = app.get_json("/readyz", 200).await;
        assert_eq!(ready["cache"], "degraded");
    }

    redis.restart().await;
    for app in [&a, &b] {
        eventually(Duration::from_secs(5), "Redis is used again", || async {
            app.get_json("/readyz", 200).await["cache"] == "redis"
        })
        .await;
    }
    // Shared again, without restarting either instance.
    let episode = stream_hashes(&a, EPISODE).await;
    let calls = upstream_calls(&fakes);
    assert_eq!(stream_hashes(&b, EPISODE).await, episode);
    assert_eq!(upstream_calls(&fakes), calls, "B made no upstream call");
}
