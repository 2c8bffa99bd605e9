//! The where-to-watch rows of a stream list: the user's services before the torrents with
//! `mine`, the others and the cheapest rent or buy after them with `all`, none with `off`;
//! Watchmode's deep links when its budget allows, TMDB's page otherwise.

use super::{config, discovery_app};
use crate::common::TestApp;
use ferrio_fakes::fixtures::{self, titles::NETFLIX};
use serde_json::Value;

async fn streams(app: &TestApp, config: &str, kind: &str, id: &str) -> Vec<Value> {
    let response = app.stream(Some(config), kind, id).await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("JSON");
    body["streams"].as_array().expect("streams").clone()
}

fn external(stream: &Value) -> Option<&str> {
    stream["externalUrl"].as_str()
}

#[tokio::test]
async fn mine_puts_the_users_services_before_the_torrents_with_their_deep_link() {
    let app = discovery_app(|_| {}).await;
    let mine = config(r#""myServices":[8]"#);
    let list = streams(&app, &mine, "movie", fixtures::MOVIE_ID).await;
    assert_eq!(list[0]["name"], "📺 Netflix");
    assert_eq!(
        external(&list[0]),
        Some("https://www.netflix.com/watch/278")
    );
    let description = list[0]["description"].as_str().expect("text");
    assert!(
        description.starts_with("Subscription · 4K"),
        "{description}"
    );
    assert!(
        list[1..].iter().all(|s| external(s).is_none()),
        "only the user's service: {list:?}"
    );
    assert!(list.len() > 3, "the torrents follow");
}

#[tokio::test]
async fn all_adds_the_other_services_and_the_cheapest_rent_or_buy_after_the_torrents() {
    let app = discovery_app(|_| {}).await;
    let all = config(r#""myServices":[8],"whereToWatch":"all""#);
    let list = streams(&app, &all, "series", fixtures::EPISODE_ID).await;
    assert_eq!(list[0]["name"], "📺 Netflix");
    let tail: Vec<&Value> = list
        .iter()
        .rev()
        .take_while(|s| external(s).is_some())
        .collect();
    let names: Vec<&str> = tail
        .iter()
        .rev()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["📺 Max", "🛒 Rent or buy"], "{list:?}");
    let purchase = tail[0]["description"].as_str().expect("text");
    assert_eq!(purchase, "Rent or buy from 2.99 on AppleTV");
}

#[tokio::test]
async fn off_shows_no_row_and_asks_nobody() {
    let app = discovery_app(|_| {}).await;
    let off = config(r#""myServices":[8],"whereToWatch":"off""#);
    let list = streams(&app, &off, "movie", fixtures::MOVIE_ID).await;
    assert!(list.iter().all(|s| external(s).is_none()));
    assert_eq!(app.fakes.watchmode.calls(), 0);
    // Only whether the title exists, which an anonymous request's Torrentio call waits for.
    assert_eq!(app.fakes.tmdb.calls_to("find"), 1);
    assert_eq!(app.fakes.tmdb.calls(), 1, "no provider lookup");
}

#[tokio::test]
async fn a_title_absent_in_the_region_has_no_row() {
    let app = discovery_app(|_| {}).await;
    // No service carries Shawshank in Germany.
    let germany = config(r#""region":"DE","myServices":[8]"#);
    let list = streams(&app, &germany, "movie", fixtures::MOVIE_ID).await;
    assert!(list.iter().all(|s| external(s).is_none()), "{list:?}");
    assert!(!list.is_empty());
}

#[tokio::test]
async fn a_burst_for_one_title_makes_one_watchmode_call_shared_by_every_user_and_region() {
    let app = discovery_app(|_| {}).await;
    let configs = [
        config(r#""myServices":[8]"#),
        config(r#""region":"GB","myServices":[8,9]"#),
    ];
    let burst = (0..100).map(|n| {
        let config = configs[n % 2].clone();
        let app = &app;
        async move { streams(app, &config, "movie", fixtures::MOVIE_ID).await }
    });
    let lists = futures::future::join_all(burst).await;
    assert!(lists.iter().all(|list| list[0]["name"] == "📺 Netflix"));
    assert_eq!(app.fakes.watchmode.calls(), 1);
    assert_eq!(app.fakes.watchmode.quota_used(), 1);
}

#[tokio::test]
async fn without_watchmode_the_link_is_tmdbs_page_via_justwatch() {
    let app = discovery_app(|env| {
        env.remove("WATCHMODE_API_KEY");
    })
    .await;
    let list = streams(
        &app,
        &config(&format!(r#""myServices":[{NETFLIX}]"#)),
        "movie",
        fixtures::MOVIE_ID,
    )
    .await;
    let link = external(&list[0]).expect("row");
    assert!(
        link.contains("themoviedb.org/movie/278/watch?locale=US"),
        "{link}"
    );
    assert!(
        list[0]["description"]
            .as_str()
            .is_some_and(|d| d.ends_with("via JustWatch"))
    );
}

#[tokio::test]
async fn rows_for_made_up_titles_or_clients_past_their_allowance_ask_tmdb_nothing() {
    let app = discovery_app(|_| {}).await;
    let mine = config(r#""myServices":[8]"#);
    let made_up = streams(&app, &mine, "movie", "tt9999999999").await;
    assert!(made_up.iter().all(|s| external(s).is_none()));
    assert_eq!(
        app.fakes.tmdb.calls(),
        0,
        "past IMDB_ID_MAX nothing is asked"
    );

    let spent = discovery_app(|env| {
        env.insert("CLIENT_FETCH_BURST".into(), "0".into());
        env.insert("CLIENT_FETCHES_PER_MINUTE".into(), "1".into());
    })
    .await;
    let response = spent.stream(Some(&mine), "movie", fixtures::MOVIE_ID).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        spent.fakes.tmdb.calls(),
        0,
        "the title lookup is charged to the client"
    );
}
