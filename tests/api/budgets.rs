//! Upstream budgets every user shares: Torrentio's daily quota, and YTS catalog pages charged
//! to the client that makes Ferrio fetch them.

use crate::common::{refusals, spawn_app_with};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::fixtures::RD_TOKEN;
use serde_json::Value;

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
        let app = &app;
        async move {
            app.get_from(
                &format!("/catalog/movie/yts-search/search={term}.json"),
                client,
            )
            .await
        }
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

/// Ferrio with a small daily share per client, behind a proxy header; on `redis` when given,
/// with a `CONFIG_SECRET` every instance shares.
async fn with_daily_share(
    fakes: ferrio_fakes::Fakes,
    redis: Option<&crate::common::redis::RedisServer>,
) -> crate::common::TestApp {
    let url = redis.map(|redis| redis.url());
    crate::common::warm_release_parser();
    crate::common::spawn_app_on(fakes, move |env| {
        env.insert("CLIENT_IP_HEADER".into(), "Fly-Client-IP".into());
        env.insert("TORRENTIO_CLIENT_DAILY_SHARE".into(), "5".into());
        env.insert(
            "CONFIG_SECRET".into(),
            "a secret every instance of this fleet shares".into(),
        );
        if let Some(url) = url {
            env.insert("REDIS_URL".into(), url);
        }
    })
    .await
}

/// A stream list of `id` asked from `client`.
async fn list_from(app: &crate::common::TestApp, client: &str, id: &str) -> Value {
    let response = app
        .get_from(&format!("/stream/movie/{id}.json"), client)
        .await;
    assert_eq!(response.status().as_u16(), 200, "never an error");
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn one_client_spends_its_daily_share_of_torrentio_not_the_days_quota() {
    let app = with_daily_share(ferrio_fakes::Fakes::start().await, None).await;
    for n in 0..20 {
        list_from(&app, "81.2.69.50", &format!("tt{:07}", 4_000 + n)).await;
    }
    assert_eq!(
        app.fakes.torrentio.stream_calls(),
        5,
        "the client's share, then nothing"
    );
    let theirs = list_from(&app, "81.2.69.51", ferrio_fakes::fixtures::MOVIE_ID).await;
    assert_eq!(
        app.fakes.torrentio.stream_calls(),
        6,
        "another client still reaches Torrentio"
    );
    let sources = theirs["streams"].to_string();
    assert!(sources.contains("Torrentio"), "{sources}");
    let metrics = app.metrics().await.text().await.expect("metrics");
    assert_eq!(
        refusals(&metrics, "torrentio_client_daily"),
        15,
        "{metrics}"
    );
}

#[tokio::test]
async fn instances_sharing_redis_count_a_clients_day_together() {
    let redis = crate::common::redis::RedisServer::start().await;
    let fakes = ferrio_fakes::Fakes::start().await;
    let a = with_daily_share(fakes.clone(), Some(&redis)).await;
    let b = with_daily_share(fakes.clone(), Some(&redis)).await;
    for n in 0..20 {
        let app = if n % 2 == 0 { &a } else { &b };
        list_from(app, "2a02:8108:5:6::1", &format!("tt{:07}", 5_000 + n)).await;
    }
    assert_eq!(
        fakes.torrentio.stream_calls(),
        5,
        "one share across both instances"
    );
}
