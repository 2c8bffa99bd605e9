//! TMDB paced as promised: whatever the mix (the prewarm after a start, users' catalogs and
//! stream lists at once), no more calls reach TMDB in any second than its limit allows.

use super::{config, discovery_app_on};
use ferrio_fakes::fixtures::titles::{Kind, titles};
use ferrio_fakes::{Fakes, fixtures};

#[tokio::test]
async fn a_cold_start_with_the_prewarm_and_ten_users_never_goes_over_tmdbs_limit() {
    let fakes = Fakes::start().await;
    // TMDB's own limit, about 50 a second.
    fakes.tmdb.enforce_per_second(50);
    let app = discovery_app_on(fakes, |env| {
        env.insert("PREWARM_TOP_N".into(), "20".into());
    })
    .await;
    let titles = [
        fixtures::MOVIE_ID,
        fixtures::INCEPTION_ID,
        fixtures::MATRIX_ID,
        fixtures::UNKNOWN_MOVIE_ID,
        fixtures::PROCESSING_MOVIE_ID,
    ];
    let users = (0..10).map(|n| {
        let app = &app;
        async move {
            let mine = config(r#""myServices":[8],"whereToWatch":"all""#);
            let window = if n % 2 == 0 { "Today" } else { "This%20week" };
            let page = app
                .catalog(
                    Some(&mine),
                    "movie",
                    "trending",
                    Some(&format!("genre={window}")),
                )
                .await;
            assert_eq!(page.status().as_u16(), 200);
            let list = app
                .stream(Some(&mine), "movie", titles[n % titles.len()])
                .await;
            assert_eq!(list.status().as_u16(), 200);
        }
    });
    futures::future::join_all(users).await;
    let calls = app.fakes.tmdb.calls();
    assert!(
        calls > 50,
        "enough calls that a burst would have gone over: {calls}"
    );
    assert_eq!(app.fakes.tmdb.over_limit(), 0, "of {calls} calls");
}

#[tokio::test]
async fn right_after_a_start_with_the_prewarm_running_every_list_has_its_row() {
    let app = super::discovery_app(|env| {
        env.insert("PREWARM_TOP_N".into(), "20".into());
    })
    .await;
    // Ten movies a US service offers, outside the prewarm's top 20.
    let mut movies: Vec<&ferrio_fakes::fixtures::titles::Title> = titles()
        .iter()
        .filter(|t| t.kind == Kind::Movie && t.imdb.is_some())
        .filter(|t| t.offers.iter().any(|o| o.region == "US"))
        .collect();
    movies.sort_by_key(|t| std::cmp::Reverse(t.day_rank));
    let all = config(r#""whereToWatch":"all""#);
    // The prewarm has started with the instance: its TMDB calls are queued when users come.
    let lists = movies.iter().take(10).map(|movie| {
        let (app, all) = (&app, &all);
        let id = movie.imdb.clone().unwrap_or_default();
        async move {
            let response = app.stream(Some(all), "movie", &id).await;
            let body: serde_json::Value = response.json().await.expect("JSON");
            let streams = body["streams"].as_array().cloned().unwrap_or_default();
            streams.iter().any(|s| s["externalUrl"].is_string())
        }
    });
    let with_rows = futures::future::join_all(lists).await;
    assert_eq!(with_rows.len(), 10);
    assert!(with_rows.iter().all(|row| *row), "{with_rows:?}");
}
