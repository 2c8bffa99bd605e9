//! Each service's limit is a hard rule: Watchmode's budget (daily allowance, 402 until the
//! next month), TMDB's 429 storm (stale pages, never a 5xx), Trakt's `Retry-After`, and the
//! user's own keys (used, never logged).

use super::{config, discovery_app, metas};
use crate::common::{TestApp, spawn_binary};
use ferrio::{clock::now_ms, discovery::budget::Calendar};
use ferrio_fakes::{Mode, fixtures};
use serde_json::Value;

async fn first_link(app: &TestApp, config: &str, id: &str) -> String {
    first_row_link(app.stream(Some(config), "movie", id).await).await
}

/// [`first_link`] asked from `client`.
async fn first_link_from(app: &TestApp, client: &str, config: &str, id: &str) -> String {
    let path = format!("/{config}/stream/movie/{id}.json");
    first_row_link(app.get_from(&path, client).await).await
}

/// The link of a stream list's first row.
async fn first_row_link(response: reqwest::Response) -> String {
    let body: Value = response.json().await.expect("JSON");
    body["streams"][0]["externalUrl"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn past_the_days_allowance_rows_fall_back_to_tmdb_links_without_calling_watchmode() {
    // A month's budget of one call a day.
    let budget = Calendar::at(now_ms()).days_left;
    let app = discovery_app(|env| {
        env.insert("WATCHMODE_MONTHLY_BUDGET".into(), budget.to_string());
    })
    .await;
    let mine = config(r#""myServices":[8]"#);
    assert!(
        first_link(&app, &mine, fixtures::MOVIE_ID)
            .await
            .starts_with("https://www.netflix.com/")
    );
    let second = first_link(&app, &mine, fixtures::INCEPTION_ID).await;
    assert!(
        second.contains("themoviedb.org/movie/27205/watch"),
        "{second}"
    );
    assert_eq!(
        app.fakes.watchmode.calls(),
        1,
        "the day's allowance was one call"
    );
    let metrics = app.metrics().await.text().await.expect("metrics");
    assert!(
        metrics.contains(r#"ferrio_refusals_total{reason="watchmode_budget_day"}"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_402_stops_watchmode_calls_until_the_next_month() {
    let app = discovery_app(|_| {}).await;
    app.fakes.watchmode.set_quota(1000, 1000);
    let mine = config(r#""myServices":[8]"#);
    let first = first_link(&app, &mine, fixtures::MOVIE_ID).await;
    assert!(first.contains("themoviedb.org"), "{first}");
    let second = first_link(&app, &mine, fixtures::INCEPTION_ID).await;
    assert!(second.contains("themoviedb.org"), "{second}");
    assert_eq!(
        app.fakes.watchmode.calls(),
        1,
        "nothing is asked after the 402"
    );
}

#[tokio::test]
async fn a_tmdb_429_storm_serves_stale_pages_and_never_a_5xx() {
    // Lists are stale at once, so every request past the first asks TMDB again.
    let app = discovery_app(|env| {
        env.insert("CACHE_TMDB_TRENDING_TTL_SECS".into(), "0".into());
    })
    .await;
    let config = config(r#""myServices":[8]"#);
    let before = metas(&app, &config, "movie", "trending", Some("genre=Today")).await;
    assert_eq!(before.len(), 100);
    app.fakes.tmdb.set_mode(Mode::RateLimited {
        retry_after_secs: 30,
    });
    for _ in 0..5 {
        let during = metas(&app, &config, "movie", "trending", Some("genre=Today")).await;
        assert_eq!(during, before, "the stale page");
    }
    let cold = app
        .catalog(
            Some(&config),
            "series",
            "trending",
            Some("genre=This%20week"),
        )
        .await;
    assert_eq!(cold.status().as_u16(), 200);
    let body: Value = cold.json().await.expect("JSON");
    assert_eq!(
        body["metas"],
        serde_json::json!([]),
        "nothing stale to show: empty, not an error"
    );
    let streams = app
        .stream(Some(&config), "movie", fixtures::MATRIX_ID)
        .await;
    assert_eq!(streams.status().as_u16(), 200);
}

#[tokio::test]
async fn a_trakt_429_is_honoured_until_its_retry_after() {
    let app = discovery_app(|_| {}).await;
    app.fakes.trakt.set_mode(Mode::RateLimited {
        retry_after_secs: 120,
    });
    for _ in 0..3 {
        let page = metas(&app, &config(""), "movie", "trending", Some("genre=Trakt")).await;
        assert!(page.is_empty());
    }
    assert_eq!(
        app.fakes.trakt.calls(),
        1,
        "no call before Retry-After has passed"
    );
}

#[tokio::test]
async fn personal_keys_are_used_and_never_logged() {
    const TMDB: &str = "PERSONALTMDBCANARY0123456789";
    const WATCHMODE: &str = "PERSONALWATCHMODECANARY0123456789";
    let app = spawn_binary(|env| {
        env.insert("TMDB_API_KEY".into(), "not-a-key-the-fake-accepts".into());
    })
    .await;
    app.fakes.tmdb.add_key(TMDB);
    let config = config(&format!(
        r#""myServices":[8],"tmdbKey":"{TMDB}","watchmodeKey":"{WATCHMODE}""#
    ));
    let client = reqwest::Client::new();
    for path in [
        format!("/{config}/catalog/movie/trending/genre=Today.json"),
        format!("/{config}/stream/movie/{}.json", fixtures::MOVIE_ID),
        format!("/{config}/manifest.json"),
    ] {
        let response = client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let body = response.text().await.expect("body");
        assert!(!body.contains(TMDB) && !body.contains(WATCHMODE));
    }
    let page: Value = client
        .get(format!(
            "{}/{config}/catalog/movie/trending/genre=Today.json",
            app.address
        ))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        page["metas"].as_array().map(Vec::len),
        Some(100),
        "the user's own key works"
    );
    let logs = app.logs();
    assert!(
        !logs.contains(TMDB) && !logs.contains(WATCHMODE),
        "a key reached the logs"
    );
}

#[tokio::test]
async fn instances_sharing_redis_share_watchmodes_budget() {
    let redis = crate::common::redis::RedisServer::start().await;
    let budget = Calendar::at(now_ms()).days_left;
    let shared = |env: &mut std::collections::BTreeMap<String, String>| {
        env.insert("REDIS_URL".into(), redis.url());
        env.insert("WATCHMODE_MONTHLY_BUDGET".into(), budget.to_string());
    };
    let first = discovery_app(shared).await;
    let second = super::discovery_app_on(first.fakes.clone(), shared).await;
    let mine = config(r#""myServices":[8]"#);
    assert!(
        first_link(&first, &mine, fixtures::MOVIE_ID)
            .await
            .starts_with("https://www.netflix.com/")
    );
    // The day's one call is spent, on the other instance too.
    let other = first_link(&second, &mine, fixtures::INCEPTION_ID).await;
    assert!(other.contains("themoviedb.org"), "{other}");
    assert_eq!(first.fakes.watchmode.calls(), 1);
}

#[tokio::test]
async fn one_client_spends_its_daily_share_of_watchmode_not_everyones() {
    let app = discovery_app(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "Fly-Client-IP".into());
        env.insert("WATCHMODE_CLIENT_DAILY_SHARE".into(), "1".into());
    })
    .await;
    let mine = config(r#""myServices":[8]"#);
    let deep = first_link_from(&app, "81.2.69.70", &mine, fixtures::MOVIE_ID).await;
    assert!(deep.starts_with("https://www.netflix.com/"), "{deep}");
    let held = first_link_from(&app, "81.2.69.70", &mine, fixtures::INCEPTION_ID).await;
    assert!(held.contains("themoviedb.org/movie/27205/watch"), "{held}");
    assert_eq!(app.fakes.watchmode.calls(), 1, "the client's share was one");
    first_link_from(&app, "81.2.69.71", &mine, fixtures::INCEPTION_ID).await;
    assert_eq!(
        app.fakes.watchmode.calls(),
        2,
        "another client still reaches Watchmode"
    );
    let metrics = app.metrics().await.text().await.expect("metrics");
    assert!(
        metrics.contains(r#"ferrio_refusals_total{reason="watchmode_client_daily"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_personal_keys_429_or_spent_month_costs_only_its_user() {
    const LIMITED: &str = "PERSONALTMDBKEYPASTITSLIMIT01";
    const SPENT: &str = "PERSONALWATCHMODEKEYSPENT0001";
    let app = discovery_app(|_| {}).await;
    app.fakes.tmdb.add_key(LIMITED);
    app.fakes.tmdb.limit_key(LIMITED);
    app.fakes.watchmode.add_spent_key(SPENT);
    let theirs = config(&format!(
        r#""myServices":[8],"tmdbKey":"{LIMITED}","watchmodeKey":"{SPENT}""#
    ));
    let own = first_link(&app, &theirs, fixtures::MOVIE_ID).await;
    assert_eq!(own, "", "their keys could read nothing: no row, no error");
    // Another user right after: TMDB's pace did not back off for the limited key, and nothing
    // those keys were answered was kept for the title.
    let mine = config(r#""myServices":[8]"#);
    let link = first_link(&app, &mine, fixtures::MOVIE_ID).await;
    assert!(link.starts_with("https://www.netflix.com/"), "{link}");
}
