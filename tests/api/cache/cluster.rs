//! Ferrio on a real three-node Redis Cluster (`REDIS_CLUSTER_URLS`): single-flight across
//! instances, batched reads over keys on different nodes, locks, counters and a resolve.

use super::support::{Instance, Source, numbered};
use crate::common::{log_path, spawn_app_on};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio::cache::CacheStatus;
use ferrio_fakes::{Fakes, fixtures};
use ferrio_testkit::RedisCluster;
use std::time::Duration;

async fn cluster() -> RedisCluster {
    RedisCluster::start(&log_path("redis-cluster"))
        .await
        .expect("a Redis Cluster starts (apt-get install redis-server redis-tools)")
}

/// How many of Ferrio's keys each node holds.
fn keys_per_node(cluster: &RedisCluster) -> Vec<usize> {
    cluster
        .nodes()
        .iter()
        .map(|node| {
            let output = std::process::Command::new("redis-cli")
                .args([
                    "-p",
                    &node.port().to_string(),
                    "--scan",
                    "--pattern",
                    "ferrio:*",
                ])
                .output()
                .expect("redis-cli runs");
            String::from_utf8_lossy(&output.stdout).lines().count()
        })
        .collect()
}

#[tokio::test]
async fn concurrent_cold_reads_on_two_instances_of_a_cluster_make_one_call() {
    let cluster = cluster().await;
    let urls = cluster.urls();
    let env = [("REDIS_CLUSTER_URLS", urls.as_str())];
    let (a, b) = (Instance::on(None, &env), Instance::on(None, &env));
    assert_eq!(a.cache.status().await, CacheStatus::Redis);
    let (family_a, family_b) = (a.family(60_000), b.family(60_000));
    let source = Source::new(Duration::from_millis(200));
    for key in ["k1", "k2", "k3", "k4", "k5", "k6"] {
        let reads = (0..20).map(|index| {
            let family = if index % 2 == 0 { &family_a } else { &family_b };
            family.get_or_fetch(key, source.fetch(numbered))
        });
        let answers = futures::future::join_all(reads).await;
        assert!(
            answers.windows(2).all(|pair| pair[0] == pair[1]),
            "{key}: {answers:?}"
        );
    }
    assert_eq!(source.calls(), 6, "one call per key across both instances");
    assert_eq!(a.events("redis_error") + b.events("redis_error"), 0);
    let spread = keys_per_node(&cluster);
    assert_eq!(spread.iter().sum::<usize>(), 6, "{spread:?}");
    assert!(
        spread.iter().filter(|&&keys| keys > 0).count() >= 2,
        "entries spread over the nodes: {spread:?}"
    );
}

#[tokio::test]
async fn streams_and_a_resolve_work_on_a_cluster() {
    let cluster = cluster().await;
    let fakes = Fakes::start().await;
    fakes.torrentio.set_latency(Duration::from_millis(300));
    let urls = cluster.urls();
    let env = move |env: &mut std::collections::BTreeMap<String, String>| {
        env.insert("REDIS_CLUSTER_URLS".into(), urls.clone());
        // A cold burst in a debug build, beside other tests: the release-name parser's first
        // use must not turn into a missed deadline, which is not what this test is about.
        env.insert("REQUEST_DEADLINE_MS".into(), "30000".into());
        env.insert("SOURCE_TIMEOUT_MS".into(), "20000".into());
    };
    let a = spawn_app_on(fakes.clone(), env.clone()).await;
    let b = spawn_app_on(fakes.clone(), env).await;
    let config = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{}"}}"#, fixtures::RD_TOKEN));
    let list = format!("/{config}/stream/movie/{}.json", fixtures::MOVIE_ID);
    let requests = (0..10).map(|index| {
        if index % 2 == 0 {
            a.get(&list)
        } else {
            b.get(&list)
        }
    });
    for response in futures::future::join_all(requests).await {
        assert_eq!(response.status().as_u16(), 200);
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert!(!body["streams"].as_array().expect("streams").is_empty());
    }
    assert_eq!(
        fakes.torrentio.stream_calls(),
        1,
        "one Torrentio call for the burst"
    );

    let resolve = format!(
        "/{config}/resolve/realdebrid/{}/-/video.mkv",
        fixtures::SHAWSHANK_1080P_SHARED
    );
    let first = a.get(&resolve).await;
    let second = b.get(&resolve).await;
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (302, 302)
    );
    assert_eq!(first.headers()["location"], second.headers()["location"]);
    assert_eq!(fakes.realdebrid.unrestrict_calls(), 1, "B used A's link");

    for app in [&a, &b] {
        assert_eq!(app.get_json("/readyz", 200).await["cache"], "redis");
        let metrics = app.metrics().await.text().await.expect("metrics");
        assert!(
            !metrics
                .lines()
                .any(|line| line.contains("event=\"redis_error\"")),
            "no Redis failure on a cluster"
        );
    }
}
