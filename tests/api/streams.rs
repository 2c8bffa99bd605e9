//! The stream route end to end: Ferrio in-process against the upstream fakes.

use crate::common::TestApp;
use ferrio::protocol::config::{SourceId, UserConfig};
use ferrio_fakes::fixtures::*;
use ferrio_fakes::{DmmResult, Mode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const MOVIE: &str = "/stream/movie/tt0111161.json";
/// `tt0903747:1:3` as Stremio sends it.
const EPISODE: &str = "/stream/series/tt0903747%3A1%3A3.json";

/// Ferrio in-process with the test environment changed by `customise`, the parser warmed
/// first ([`crate::common::warm_release_parser`]).
async fn app_with(customise: impl FnOnce(&mut BTreeMap<String, String>)) -> TestApp {
    crate::common::warm_release_parser();
    crate::common::spawn_app_with(customise).await
}

async fn app() -> TestApp {
    app_with(|_| {}).await
}

/// Turns the cache of source answers off, for tests about what reaches the upstreams on every
/// request (pacing, circuit breakers): with nothing kept, nothing is stored.
fn without_cache(env: &mut BTreeMap<String, String>) {
    for name in [
        "CACHE_DMM_TTL_SECS",
        "CACHE_DMM_PENDING_TTL_SECS",
        "CACHE_YTS_TTL_SECS",
        "CACHE_YTS_EMPTY_TTL_SECS",
        "CACHE_TORRENTIO_TTL_SECS",
        "CACHE_TORRENTIO_EMPTY_TTL_SECS",
        "CACHE_FAILURE_TTL_SECS",
        "CACHE_STALE_SECS",
        "CACHE_STALE_IF_ERROR_SECS",
    ] {
        env.insert(name.into(), "0".into());
    }
}

/// The streams of an answer that must be a 200.
async fn streams(app: &TestApp, path: &str) -> Vec<Value> {
    let body = app.get_json(path, 200).await;
    body["streams"].as_array().expect("a streams list").clone()
}

/// The streams of one torrent.
fn with_hash<'a>(streams: &'a [Value], hash: &str) -> Vec<&'a Value> {
    streams.iter().filter(|s| s["infoHash"] == hash).collect()
}

/// The value of one sample in the Prometheus text, 0 when absent.
async fn metric(app: &TestApp, name: &str, labels: &[&str]) -> f64 {
    let text = app
        .get("/metrics")
        .await
        .text()
        .await
        .expect("metrics text");
    text.lines()
        .filter(|line| {
            line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
        })
        .find(|line| labels.iter().all(|label| line.contains(label)))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn a_torrent_known_to_all_three_sources_is_one_stream_naming_them_all() {
    let app = app().await;
    let streams = streams(&app, MOVIE).await;
    let shared = with_hash(&streams, SHAWSHANK_1080P_SHARED);
    assert_eq!(shared.len(), 1, "one stream for the shared torrent");
    let description = shared[0]["description"].as_str().expect("description");
    for source in ["DMM", "YTS", "Torrentio"] {
        assert!(description.contains(source), "{source} in {description:?}");
    }
    // Each source's own releases are there too, and nothing appears twice.
    for only in [SHAWSHANK_DMM_ONLY, SHAWSHANK_720P_YTS, SHAWSHANK_ITA_ENG] {
        assert_eq!(with_hash(&streams, only).len(), 1, "{only}");
    }
    let mut keys: Vec<String> = streams
        .iter()
        .map(|s| format!("{}/{}", s["infoHash"], s["fileIdx"]))
        .collect();
    let total = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), total, "no duplicate streams");
}

#[tokio::test]
async fn a_hanging_source_is_left_out_when_the_deadline_passes() {
    let app = app_with(|env| {
        env.insert("REQUEST_DEADLINE_MS".into(), "1000".into());
        // Longer than the deadline, so only the deadline can end the wait.
        env.insert("SOURCE_TIMEOUT_MS".into(), "30000".into());
    })
    .await;
    app.fakes.dmm.set_mode(Mode::Hang);
    let started = Instant::now();
    let streams = streams(&app, MOVIE).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "answered by the 1 s deadline, not the 30 s timeout: {:?}",
        started.elapsed()
    );
    assert_eq!(
        with_hash(&streams, SHAWSHANK_720P_YTS).len(),
        1,
        "YTS answered"
    );
    assert_eq!(
        with_hash(&streams, SHAWSHANK_ITA_ENG).len(),
        1,
        "Torrentio answered"
    );
    assert!(
        with_hash(&streams, SHAWSHANK_DMM_ONLY).is_empty(),
        "DMM did not"
    );
}

#[tokio::test]
async fn a_paced_dmm_search_that_misses_the_deadline_still_runs_afterwards() {
    let app = app_with(|env| {
        without_cache(env);
        env.insert("REQUEST_DEADLINE_MS".into(), "1000".into());
        env.insert("DMM_MIN_INTERVAL_MS".into(), "6000".into());
    })
    .await;
    let first = streams(&app, MOVIE).await;
    assert_eq!(
        with_hash(&first, SHAWSHANK_DMM_ONLY).len(),
        1,
        "the first search is at once"
    );
    // The second search's slot is 3 s away, past this request's 1 s deadline.
    let started = Instant::now();
    let second = streams(&app, MOVIE).await;
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    assert!(
        with_hash(&second, SHAWSHANK_DMM_ONLY).is_empty(),
        "answered without DMM"
    );
    assert!(!second.is_empty(), "but with the others");
    assert_eq!(app.fakes.dmm.search_calls(), 1);
    // The search was not abandoned: it goes out when its slot comes.
    let ran = tokio::time::timeout(Duration::from_secs(20), async {
        while app.fakes.dmm.search_calls() < 2 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(ran.is_ok(), "the paced search ran in the background");
}

#[tokio::test]
async fn every_source_failing_is_an_empty_list_not_an_error() {
    let app = app().await;
    app.fakes.dmm.set_mode(Mode::ServerError);
    app.fakes.yts.set_mode(Mode::Garbage);
    app.fakes.torrentio.set_mode(Mode::CloudflareHtml);
    let body = app.get_json(MOVIE, 200).await;
    assert_eq!(body["streams"], serde_json::json!([]));
    assert_eq!(body["cacheMaxAge"], 60, "an empty list is cached briefly");
    assert_eq!(app.fakes.torrentio.stream_calls(), 1);
    assert_eq!(app.fakes.yts.list_calls(), 1);
}

#[tokio::test]
async fn an_episode_gets_its_season_pack_and_not_other_episodes() {
    let app = app().await;
    let other_episode = "5e1a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6";
    app.fakes.dmm.put_season(
        SERIES_ID,
        SERIES_SEASON,
        vec![
            DmmResult::new(BB_S01_PACK, BB_S01_PACK_NAME, 12_000.0),
            DmmResult::new(
                other_episode,
                "Breaking.Bad.S01E05.720p.HDTV.x264-GRP",
                350.0,
            ),
        ],
    );
    let streams = streams(&app, EPISODE).await;
    let pack = with_hash(&streams, BB_S01_PACK);
    assert_eq!(
        pack.len(),
        1,
        "DMM's pack merged into Torrentio's file of it"
    );
    assert!(pack[0]["fileIdx"].is_u64(), "the episode's file is known");
    let description = pack[0]["description"].as_str().expect("description");
    assert!(
        description.contains("DMM") && description.contains("Torrentio"),
        "{description}"
    );
    assert_eq!(
        with_hash(&streams, BB_S01E03).len(),
        1,
        "the episode's own release"
    );
    assert!(
        with_hash(&streams, other_episode).is_empty(),
        "another episode is dropped"
    );
    assert_eq!(app.fakes.dmm.tv_search_calls(), 1);
    assert_eq!(app.fakes.yts.calls(), 0, "YTS has no series");
}

#[tokio::test]
async fn only_the_enabled_sources_are_asked() {
    let app = app().await;
    let config = UserConfig {
        sources: [SourceId::Yts].into(),
        ..UserConfig::default()
    };
    let streams = streams(&app, &format!("/{}{MOVIE}", config.encode(None))).await;
    assert!(!streams.is_empty());
    assert!(with_hash(&streams, SHAWSHANK_ITA_ENG).is_empty());
    assert_eq!((app.fakes.dmm.calls(), app.fakes.torrentio.calls()), (0, 0));
    assert_eq!(app.fakes.yts.list_calls(), 1);
}

#[tokio::test]
async fn a_source_that_keeps_failing_is_left_alone_once_its_circuit_opens() {
    let app = app_with(without_cache).await;
    app.fakes.torrentio.set_mode(Mode::CloudflareHtml);
    for _ in 0..8 {
        assert!(
            !streams(&app, MOVIE).await.is_empty(),
            "the other sources still answer"
        );
    }
    assert_eq!(
        app.fakes.torrentio.stream_calls(),
        5,
        "no call once the circuit is open"
    );
    assert_eq!(
        app.fakes.yts.list_calls(),
        8,
        "healthy sources are still asked"
    );
    let open = metric(&app, "ferrio_circuit_open", &["source=\"torrentio\""]).await;
    assert_eq!(open, 1.0);
    let closed = metric(&app, "ferrio_circuit_open", &["source=\"yts\""]).await;
    assert_eq!(closed, 0.0);
}

#[tokio::test]
async fn metrics_count_upstream_calls_by_source_and_outcome() {
    let app = app().await;
    app.fakes.torrentio.set_mode(Mode::CloudflareHtml);
    streams(&app, MOVIE).await;
    streams(&app, "/stream/movie/tt0068646.json").await;
    let calls = |source: &'static str, outcome: &'static str| {
        let labels = [
            format!("source=\"{source}\""),
            format!("outcome=\"{outcome}\""),
        ];
        let app = &app;
        async move {
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            metric(app, "ferrio_upstream_calls_total", &labels).await
        }
    };
    assert_eq!(calls("torrentio", "blocked").await, 2.0);
    assert_eq!(calls("dmm", "ok").await, 1.0);
    assert_eq!(calls("dmm", "pending").await, 1.0, "the unscraped title");
    assert_eq!(
        calls("dmm_challenge", "ok").await,
        1.0,
        "one token for both"
    );
    assert_eq!(calls("yts", "ok").await, 1.0);
    assert_eq!(calls("yts", "empty").await, 1.0);
}

/// A popular title with 250 releases, asked for under configs nobody used before: the sources
/// are asked once, the names are parsed once, and each config gets its own ranking of them.
#[tokio::test]
async fn a_big_title_is_parsed_once_whatever_the_configs_asking_for_it() {
    let app = app().await;
    let config = |n: usize| {
        let json = format!(r#"{{"maxResults":{},"excludeKeywords":["zz{n}"]}}"#, 20 + n);
        percent_encoding::utf8_percent_encode(&json, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let first = app.stream(Some(&config(0)), "series", BIG_EPISODE_ID).await;
    assert_eq!(first.status().as_u16(), 200);
    let first: Value = first.json().await.expect("JSON");
    assert_eq!(first["streams"].as_array().map(Vec::len), Some(20));
    let parsed = metric(&app, "ferrio_release_names_parsed_total", &[]).await;
    let listed = big_title()
        .iter()
        .map(|r| usize::from(r.dmm) + usize::from(r.torrentio))
        .sum::<usize>();
    assert!(
        parsed >= 200.0 && parsed <= listed as f64,
        "each listed name parsed once: {parsed} of {listed}"
    );
    for n in 1..6 {
        let body: Value = app
            .stream(Some(&config(n)), "series", BIG_EPISODE_ID)
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(body["streams"].as_array().map(Vec::len), Some(20 + n));
    }
    assert_eq!(
        metric(&app, "ferrio_release_names_parsed_total", &[]).await,
        parsed,
        "no request after the first parsed anything"
    );
    assert_eq!(app.fakes.dmm.search_calls(), 1);
    assert_eq!(app.fakes.torrentio.stream_calls(), 1);
}
