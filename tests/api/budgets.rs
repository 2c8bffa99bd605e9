//! Upstream budgets every user shares: Torrentio's daily quota, and YTS catalog pages charged
//! to the client that makes Ferrio fetch them.

use crate::common::spawn_app_with;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::fixtures::RD_TOKEN;
use serde_json::Value;

fn refusals(metrics: &str, reason: &str) -> u64 {
    let prefix = format!(r#"ferrio_refusals_total{{reason="{reason}"}} "#);
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&prefix)?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn anonymous_requests_stop_short_of_torrentios_daily_quota() {
    let app = spawn_app_with(|env| {
        env.insert("TORRENTIO_DAILY_QUOTA".into(), "10".into());
    })
    .await;
    let torrentio = &app.fakes.torrentio;
    for n in 0..15 {
        let path = format!("/stream/movie/tt{:07}.json", 2_000 + n);
        assert_eq!(
            app.get(&path).await.status().as_u16(),
            200,
            "never an error"
        );
    }
    assert_eq!(
        torrentio.stream_calls(),
        8,
        "80 % of the quota for anonymous requests"
    );
    let config = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{RD_TOKEN}"}}"#));
    // A subscriber: Real-Debrid has accepted their token (here, listing their library).
    let library = app
        .catalog(Some(&config), "other", "rd-library", None)
        .await;
    assert_eq!(library.status().as_u16(), 200);
    for n in 0..5 {
        let path = format!("/{config}/stream/movie/tt{:07}.json", 3_000 + n);
        assert_eq!(app.get(&path).await.status().as_u16(), 200);
    }
    assert_eq!(
        torrentio.stream_calls(),
        10,
        "the rest went to a subscriber"
    );
    let metrics = app.metrics().await.text().await.expect("metrics");
    assert_eq!(
        refusals(&metrics, "torrentio_quota_anonymous"),
        7,
        "{metrics}"
    );
    assert_eq!(refusals(&metrics, "torrentio_quota_spent"), 3, "{metrics}");
}

#[tokio::test]
async fn catalog_searches_are_charged_to_the_client_that_asks() {
    let app = spawn_app_with(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "Fly-Client-IP".into());
        env.insert("CLIENT_FETCH_BURST".into(), "3".into());
        env.insert("CLIENT_FETCHES_PER_MINUTE".into(), "1".into());
    })
    .await;
    let search = |client: &'static str, term: String| {
        let request = app
            .client
            .get(format!(
                "{}/catalog/movie/yts-search/search={term}.json",
                app.address
            ))
            .header("Fly-Client-IP", client);
        async move { request.send().await.expect("answered") }
    };
    for n in 0..10 {
        let response = search("81.2.69.210", format!("term{n}")).await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "an empty page, never an error"
        );
    }
    // A Stremio page of 100 items is two YTS pages of 50: the burst covers a search and a half.
    assert_eq!(app.fakes.yts.calls(), 3, "the client's burst, then nothing");
    let theirs = search("81.2.69.211", "shawshank".to_owned()).await;
    let body: Value = theirs.json().await.expect("JSON");
    assert!(body["metas"].is_array());
    assert_eq!(
        app.fakes.yts.calls(),
        5,
        "another client's search reaches YTS (both its pages)"
    );
}

#[tokio::test]
async fn a_made_up_token_buys_no_subscribers_share_of_torrentio() {
    let app = spawn_app_with(|env| {
        env.insert("TORRENTIO_DAILY_QUOTA".into(), "10".into());
    })
    .await;
    let torrentio = &app.fakes.torrentio;
    let made_up = URL_SAFE_NO_PAD
        .encode(r#"{"realdebrid":"MADEUPTOKEN00000000000000000000000000000000000000"}"#);
    for n in 0..15 {
        let path = format!("/{made_up}/stream/movie/tt{:07}.json", 2_000 + n);
        assert_eq!(app.get(&path).await.status().as_u16(), 200);
    }
    assert_eq!(
        torrentio.stream_calls(),
        8,
        "a token nobody accepted is anonymous: it stops at 80 %"
    );
    // A subscriber, once Real-Debrid accepted their token, still has the rest.
    let config = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{RD_TOKEN}"}}"#));
    let library = app
        .catalog(Some(&config), "other", "rd-library", None)
        .await;
    assert_eq!(library.status().as_u16(), 200);
    for n in 0..2 {
        let path = format!("/{config}/stream/movie/tt{:07}.json", 3_000 + n);
        assert_eq!(app.get(&path).await.status().as_u16(), 200);
    }
    assert_eq!(torrentio.stream_calls(), 10);
}
