//! Failure modes, latency and the `Fakes` bundle, across all four fakes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use ferrio_fakes::fixtures::*;
use ferrio_fakes::{Fakes, Mode};
use serde_json::Value;

/// (name, a URL answering 200 in Normal mode, the 500 body, the 429 body, mode setter).
type Target = (
    &'static str,
    String,
    &'static str,
    &'static str,
    Box<dyn Fn(Mode)>,
);

fn targets(f: &Fakes) -> Vec<Target> {
    let (dmm, yts, tio, rd) = (
        f.dmm.clone(),
        f.yts.clone(),
        f.torrentio.clone(),
        f.realdebrid.clone(),
    );
    vec![
        (
            "dmm",
            format!("{}/api/challenge", f.dmm.url()),
            r#"{"errorMessage":"An internal error occurred"}"#,
            r#"{"error":"Rate limit exceeded"}"#,
            Box::new(move |m| dmm.set_mode(m)),
        ),
        (
            "yts",
            format!("{}/list_movies.json", f.yts.url()),
            r#"{"status":"error","status_message":"Internal server error"}"#,
            r#"{"status":"error","status_message":"Too many requests"}"#,
            Box::new(move |m| yts.set_mode(m)),
        ),
        (
            "torrentio",
            format!("{}/stream/movie/tt0111161.json", f.torrentio.url()),
            r#"{"err":"handler error"}"#,
            "Too many requests, please try again later.",
            Box::new(move |m| tio.set_mode(m)),
        ),
        (
            "realdebrid",
            format!("{}/user?auth_token={RD_TOKEN}", f.realdebrid.url()),
            r#"{"error":"internal_error","error_code":-1}"#,
            r#"{"error":"too_many_requests","error_code":34}"#,
            Box::new(move |m| rd.set_mode(m)),
        ),
    ]
}

#[tokio::test]
async fn env_points_at_prefixed_base_urls() {
    let f = Fakes::start().await;
    let env = f.env();
    let keys: Vec<&str> = env.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        vec![
            "DMM_URL",
            "YTS_URL",
            "TORRENTIO_URL",
            "REALDEBRID_URL",
            "TMDB_URL",
            "TMDB_IMAGE_URL",
            "TRAKT_URL",
            "WATCHMODE_URL"
        ]
    );
    for (_, v) in &env {
        assert!(v.starts_with("http://127.0.0.1:"), "{v}");
    }
    assert_eq!(env[0].1.matches('/').count(), 2, "DMM has no path prefix");
    assert!(env[1].1.ends_with("/api/v2"));
    assert!(env[2].1.ends_with("/tio"));
    assert!(env[3].1.ends_with("/rest/1.0"));
}

#[tokio::test]
async fn one_hash_is_known_to_all_three_sources() {
    let f = Fakes::start().await;
    let c = reqwest::Client::new();
    let ch: Value = c
        .get(format!("{}/api/challenge", f.dmm.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let dmm: Value = c
        .get(format!(
            "{}/api/torrents/movie?imdbId={MOVIE_ID}&dmmProblemKey={}&solution={}",
            f.dmm.url(),
            ch["token"].as_str().unwrap(),
            ch["hash"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        dmm["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["hash"] == SHAWSHANK_1080P_SHARED)
    );
    let yts: Value = c
        .get(format!(
            "{}/list_movies.json?query_term={MOVIE_ID}",
            f.yts.url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let upper = SHAWSHANK_1080P_SHARED.to_uppercase();
    assert!(
        yts["data"]["movies"][0]["torrents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["hash"] == upper.as_str())
    );
    let tio: Value = c
        .get(format!(
            "{}/stream/movie/{MOVIE_ID}.json",
            f.torrentio.url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        tio["streams"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["infoHash"] == SHAWSHANK_1080P_SHARED)
    );
    assert_eq!(f.dmm.calls() + f.yts.calls() + f.torrentio.calls(), 4);
}

#[tokio::test]
async fn failure_modes_have_each_upstreams_bodies() {
    let f = Fakes::start().await;
    let c = reqwest::Client::new();
    for (name, url, server_error, rate_limited, set) in targets(&f) {
        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{name} normal");

        set(Mode::ServerError);
        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 500, "{name}");
        assert_eq!(r.text().await.unwrap(), server_error, "{name}");

        set(Mode::Garbage);
        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{name}");
        let body = r.bytes().await.unwrap();
        assert!(!body.is_empty());
        assert!(
            serde_json::from_slice::<Value>(&body).is_err(),
            "{name} garbage parsed"
        );

        set(Mode::CloudflareHtml);
        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 403, "{name}");
        assert_eq!(r.headers()["cf-mitigated"], "challenge");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = r.text().await.unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("Sorry, you have been blocked"));

        set(Mode::RateLimited {
            retry_after_secs: 42,
        });
        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 429, "{name}");
        assert_eq!(r.headers()["retry-after"], "42");
        assert_eq!(r.text().await.unwrap(), rate_limited, "{name}");

        set(Mode::Normal);
        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{name} back to normal");
    }
    // Every request counted, refused ones included.
    assert_eq!(f.dmm.challenge_calls(), 6);
    assert_eq!(f.yts.list_calls(), 6);
    assert_eq!(f.torrentio.stream_calls(), 6);
    assert_eq!(f.realdebrid.user_calls(), 6);
}

#[tokio::test]
async fn hang_does_not_block_other_requests() {
    let f = Fakes::start().await;
    for (name, url, _, _, set) in targets(&f) {
        set(Mode::Hang);
        let c = reqwest::Client::builder()
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let hung = tokio::spawn({
            let c = c.clone();
            let url = url.clone();
            async move { c.get(url).send().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        // While that request hangs, the same server answers others at once.
        set(Mode::Normal);
        let started = Instant::now();
        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{name}");
        assert!(started.elapsed() < Duration::from_millis(250));
        let err = hung.await.unwrap().unwrap_err();
        assert!(err.is_timeout(), "{name}: {err}");
    }
}

#[tokio::test]
async fn latency_is_added_and_adjustable() {
    let f = Fakes::start().await;
    let c = reqwest::Client::new();
    f.torrentio.set_latency(Duration::from_millis(200));
    let url = format!("{}/stream/movie/tt0111161.json", f.torrentio.url());
    let started = Instant::now();
    assert_eq!(c.get(&url).send().await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
    // Concurrent requests are delayed in parallel, not one after another.
    let started = Instant::now();
    let (a, b) = tokio::join!(c.get(&url).send(), c.get(&url).send());
    assert_eq!(a.unwrap().status(), 200);
    assert_eq!(b.unwrap().status(), 200);
    assert!(started.elapsed() < Duration::from_millis(390));
    f.torrentio.set_latency(Duration::ZERO);
    let started = Instant::now();
    c.get(&url).send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(150));
    f.reset_calls();
    assert_eq!(f.torrentio.calls(), 0);
}
