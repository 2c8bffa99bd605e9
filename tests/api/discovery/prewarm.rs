//! The trending prewarm: the top trending movies' torrent streams are fetched ahead, so the
//! first user to open one finds it ready.

use super::{config, discovery_app};
use ferrio_fakes::fixtures;
use std::time::Duration;
use tokio::time::Instant;

#[tokio::test]
async fn the_top_trending_movies_are_ready_before_anyone_asks() {
    let app = discovery_app(|env| {
        env.insert("PREWARM_TOP_N".into(), "3".into());
    })
    .await;
    // The prewarm starts with the instance; the three movies each cost one Torrentio call.
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.fakes.torrentio.stream_calls() < 3 {
        assert!(
            Instant::now() < deadline,
            "the prewarm never asked Torrentio"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.fakes.reset_calls();
    for id in [
        fixtures::MOVIE_ID,
        fixtures::INCEPTION_ID,
        fixtures::MATRIX_ID,
    ] {
        let response = app.stream(Some(&config("")), "movie", id).await;
        assert_eq!(response.status().as_u16(), 200);
    }
    assert_eq!(
        app.fakes.torrentio.stream_calls(),
        0,
        "every list was ready"
    );
    let other = app
        .stream(Some(&config("")), "movie", fixtures::UNKNOWN_MOVIE_ID)
        .await;
    assert_eq!(other.status().as_u16(), 200);
    assert_eq!(
        app.fakes.torrentio.stream_calls(),
        1,
        "a title outside the top is fetched on demand"
    );
}

#[tokio::test]
async fn the_prewarm_keeps_to_its_own_budget_and_stops_on_an_instance_nobody_uses() {
    use ferrio::{
        cache::Cache, clock::now_ms, discovery::Discovery, discovery::prewarm::Prewarm,
        metrics::Metrics, settings::Settings, sources::Sources,
    };
    let fakes = ferrio_fakes::Fakes::start().await;
    let mut env = crate::common::base_env(&fakes);
    for (name, value) in ferrio_fakes::Fakes::discovery_keys() {
        env.insert(name.to_owned(), value);
    }
    env.insert("PREWARM_TORRENTIO_DAILY".into(), "2".into());
    let settings = Settings::from_iter(env).expect("settings");
    let metrics = Metrics::new().expect("metrics");
    let cache = Cache::new(&settings, metrics.clone()).expect("cache");
    let sources = Sources::new(&settings, metrics.clone(), &cache).expect("sources");
    let limits = sources.limits();
    let discovery = Discovery::new(&settings, reqwest::Client::new(), &cache, metrics, limits);
    let prewarm = Prewarm::new(discovery, sources, &cache, 3);
    let two_days = 2 * 24 * 3600 * 1000;
    prewarm.run_due(now_ms() + two_days).await;
    assert_eq!(
        fakes.tmdb.calls() + fakes.torrentio.stream_calls(),
        0,
        "two days after the start without a user: no pass"
    );
    prewarm.run_due(now_ms()).await;
    assert_eq!(
        fakes.torrentio.stream_calls(),
        2,
        "three trending movies, a day's budget of two Torrentio calls"
    );
}
