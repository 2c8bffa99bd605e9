//! Redis as a managed service: a millisecond or two away, shared by two instances, with the
//! default budgets. Large lists, bursts split across the instances and a resolve, ten rounds in
//! a row: Redis never counts as down, and each burst costs each upstream one call at most.

use super::support::heavy;
use crate::common::{TestApp, redis::RedisServer, spawn_app_on};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::{Fakes, fixtures};
use ferrio_testkit::DelayProxy;
use std::collections::BTreeMap;
use std::time::Duration;

/// Each way, so a round trip costs 4 ms: more than most managed Redis in one region.
const ONE_WAY: Duration = Duration::from_millis(2);
/// Requests per burst, half on each instance.
const BURST: usize = 16;
const ROUNDS: u32 = 10;

/// Generous request deadlines only: the ranking of 16 lists of 250 releases in a debug build
/// must not turn into a missed deadline. Every Redis setting keeps its default.
fn on_proxy(port: u16) -> impl Fn(&mut BTreeMap<String, String>) {
    move |env| {
        env.insert("REDIS_URL".into(), format!("redis://127.0.0.1:{port}"));
        env.insert("REQUEST_DEADLINE_MS".into(), "30000".into());
        env.insert("SOURCE_TIMEOUT_MS".into(), "20000".into());
        // Ten accounts from one address within seconds, on two instances: more new tokens
        // than one address is allowed by default, which is not what this test is about.
        env.insert("RD_NEW_TOKENS_PER_CLIENT_HOUR".into(), "100".into());
    }
}

/// The config of round `round`'s user: each round is another Real-Debrid account, so no
/// round spends another's per-account budget.
fn config(fakes: &Fakes, round: u32) -> String {
    let token = format!("{}{round:02}", &fixtures::RD_TOKEN[..50]);
    fakes.realdebrid.add_token(&token);
    let json = format!(r#"{{"realdebrid":"{token}","maxResults":500}}"#);
    URL_SAFE_NO_PAD.encode(json)
}

/// How many times `event` was counted, over every cache family.
async fn cache_event_total(app: &TestApp, event: &str) -> u64 {
    let text = app.metrics().await.text().await.expect("metrics");
    text.lines()
        .filter(|line| line.starts_with("ferrio_cache_events_total{"))
        .filter(|line| line.contains(&format!("event=\"{event}\"")))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// `BURST` requests for `path`, alternating between the instances; every answer's status.
async fn burst(apps: [&TestApp; 2], path: &str, method: reqwest::Method) -> Vec<reqwest::Response> {
    let requests = (0..BURST).map(|index| {
        let app = apps[index % 2];
        app.client
            .request(method.clone(), format!("{}{path}", app.address))
            .send()
    });
    futures::future::join_all(requests)
        .await
        .into_iter()
        .map(|response| response.expect("answered"))
        .collect()
}

#[tokio::test]
async fn two_instances_on_a_distant_redis_share_every_burst_and_never_flap() {
    let _cpu = heavy().await;
    let redis = RedisServer::start().await;
    let proxy = DelayProxy::start(redis.port(), ONE_WAY)
        .await
        .expect("proxy starts");
    let fakes = Fakes::start().await;
    // Slow enough that every burst overlaps its first call.
    fakes.torrentio.set_latency(Duration::from_millis(400));
    fakes.dmm.set_latency(Duration::from_millis(400));
    let a = spawn_app_on(fakes.clone(), on_proxy(proxy.port())).await;
    let b = spawn_app_on(fakes.clone(), on_proxy(proxy.port())).await;
    let mut links = Vec::new();
    for round in 1..=ROUNDS {
        let config = config(&fakes, round);
        let (torrentio, dmm) = (fakes.torrentio.stream_calls(), fakes.dmm.search_calls());
        let list = format!("/{config}/stream/series/tt0944947%3A1%3A{round}.json");
        for response in burst([&a, &b], &list, reqwest::Method::GET).await {
            assert_eq!(response.status().as_u16(), 200, "round {round}");
            let body: serde_json::Value = response.json().await.expect("JSON");
            let streams = body["streams"].as_array().expect("streams").len();
            assert!(streams >= 40, "round {round}: a large list, got {streams}");
        }
        assert_eq!(
            fakes.torrentio.stream_calls() - torrentio,
            1,
            "round {round}: one Torrentio call for the burst"
        );
        assert!(
            fakes.dmm.search_calls() - dmm <= 1,
            "round {round}: at most one DMM search (the season is searched once)"
        );

        let (unrestricts, adds) = (
            fakes.realdebrid.unrestrict_calls(),
            fakes.realdebrid.add_magnet_calls(),
        );
        let episode = (round - 1) % fixtures::SERIES_SEASON_EPISODES + 1;
        let resolve = format!(
            "/{config}/resolve/realdebrid/{}/s1e{episode}/video.mkv?video=tt0903747:1:{episode}",
            fixtures::BB_COMPLETE
        );
        let locations: Vec<String> = burst([&a, &b], &resolve, reqwest::Method::GET)
            .await
            .into_iter()
            .map(|response| {
                assert_eq!(response.status().as_u16(), 302, "round {round}");
                response.headers()["location"]
                    .to_str()
                    .expect("ascii")
                    .to_owned()
            })
            .collect();
        assert!(
            locations.iter().all(|location| location == &locations[0]),
            "round {round}: one link for the tap, got {locations:?}"
        );
        assert_eq!(
            (
                fakes.realdebrid.add_magnet_calls() - adds,
                fakes.realdebrid.unrestrict_calls() - unrestricts
            ),
            (1, 1),
            "round {round}: one add and one unrestrict for the burst"
        );
        links.push(locations[0].clone());
    }
    links.dedup();
    assert_eq!(
        links.len(),
        ROUNDS as usize,
        "each episode of each account its own link"
    );
    for app in [&a, &b] {
        assert_eq!(
            cache_event_total(app, "redis_error").await,
            0,
            "no Redis failure"
        );
        assert_eq!(app.get_json("/readyz", 200).await["cache"], "redis");
    }
}
