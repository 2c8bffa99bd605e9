//! Made-up titles cost the client that sends them, not the budgets every user shares: an
//! anonymous request asks Torrentio only about a title TMDB or another source knows, and DMM
//! serves the searches that can only be real users' before the rest.

use super::{config, discovery_app};
use crate::common::{TestApp, refusals};
use ferrio_fakes::fixtures::{self, RD_TOKEN};
use serde_json::Value;

async fn list_from(app: &TestApp, config: &str, id: &str, client: &str) -> Vec<Value> {
    let id = id.replace(':', "%3A");
    let path = format!("/{config}/stream/{}/{id}.json", kind_of(&id));
    let response = app.get_from(&path, client).await;
    assert_eq!(response.status().as_u16(), 200, "never an error");
    let body: Value = response.json().await.expect("JSON");
    body["streams"].as_array().expect("streams").clone()
}

fn kind_of(id: &str) -> &'static str {
    if id.contains("%3A") {
        "series"
    } else {
        "movie"
    }
}

fn has_hash(list: &[Value], hash: &str) -> bool {
    list.iter().any(|s| s["infoHash"].as_str() == Some(hash))
}

#[tokio::test]
async fn made_up_ids_cost_torrentio_nothing_while_real_titles_still_reach_it() {
    let app = discovery_app(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "Fly-Client-IP".into());
    })
    .await;
    let anonymous = config("");
    // Below IMDB_ID_MAX, unknown to TMDB and to every source.
    for n in 0..6 {
        let list = list_from(
            &app,
            &anonymous,
            &format!("tt{:07}", 4_200 + n),
            "81.2.69.1",
        )
        .await;
        assert!(list.is_empty());
    }
    assert_eq!(app.fakes.torrentio.stream_calls(), 0, "no quota spent");
    assert_eq!(app.fakes.tmdb.calls_to("find"), 6, "each asked TMDB once");
    // Real titles TMDB knows, a movie and an episode, from another client: Torrentio answers.
    let movie = list_from(&app, &anonymous, fixtures::MOVIE_ID, "81.2.69.2").await;
    assert!(has_hash(&movie, fixtures::SHAWSHANK_DMM_ONLY), "DMM too");
    let episode = list_from(&app, &anonymous, fixtures::EPISODE_ID, "81.2.69.2").await;
    assert!(!episode.is_empty());
    assert_eq!(app.fakes.torrentio.stream_calls(), 2);
    let metrics = app.metrics().await.text().await.expect("metrics");
    assert_eq!(
        refusals(&metrics, "torrentio_unknown_title"),
        6,
        "{metrics}"
    );
}

#[tokio::test]
async fn a_title_only_the_sources_know_still_reaches_torrentio() {
    let app = discovery_app(|_| {}).await;
    // TMDB has no such title, DMM has releases for it: it is real.
    let id = "tt0004321";
    let release = ferrio_fakes::DmmResult::new(
        "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
        "Obscure.Film.1914.1080p.BluRay.x264-GRP",
        4_000.0,
    );
    app.fakes.dmm.put_movie(id, vec![release]);
    let list = list_from(&app, &config(""), id, "81.2.69.3").await;
    assert!(has_hash(&list, "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"));
    assert_eq!(app.fakes.torrentio.stream_calls(), 1, "vouched for by DMM");
}

#[tokio::test]
async fn a_subscriber_is_not_held_to_what_tmdb_knows() {
    let app = discovery_app(|_| {}).await;
    let subscriber = config(&format!(r#""realdebrid":"{RD_TOKEN}""#));
    // Real-Debrid accepts the token when it lists the library.
    let library = app
        .catalog(Some(&subscriber), "other", "rd-library", None)
        .await;
    assert_eq!(library.status().as_u16(), 200);
    list_from(&app, &subscriber, "tt0004322", "81.2.69.4").await;
    assert_eq!(app.fakes.torrentio.stream_calls(), 1);
}

#[tokio::test]
async fn made_up_searches_from_many_addresses_do_not_push_a_real_users_dmm_search_back() {
    let app = discovery_app(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "Fly-Client-IP".into());
        // DMM's real pace: one search every 2 s, with the request deadline of production.
        env.insert("DMM_MIN_INTERVAL_MS".into(), "2000".into());
        env.insert("REQUEST_DEADLINE_MS".into(), "5000".into());
        env.insert("SOURCE_TIMEOUT_MS".into(), "4000".into());
    })
    .await;
    crate::common::warm_release_parser();
    let anonymous = config("");
    // Eight addresses keep two made-up searches each waiting: 16 searches, 32 s of DMM's pace.
    let attack = (0..16u32).map(|n| {
        let (app, anonymous) = (&app, &anonymous);
        let client = format!("81.2.70.{}", n % 8);
        async move { list_from(app, anonymous, &format!("tt{:07}", 5_000 + n), &client).await }
    });
    let attack = futures::future::join_all(attack);
    let user = async {
        // The attack's searches are queued first.
        while app.fakes.dmm.search_calls() == 0 {
            tokio::task::yield_now().await;
        }
        list_from(&app, &anonymous, fixtures::MOVIE_ID, "81.2.69.5").await
    };
    let (_, list) = tokio::join!(attack, user);
    assert!(
        has_hash(&list, fixtures::SHAWSHANK_DMM_ONLY),
        "the user's DMM search went before the made-up ones: {list:?}"
    );
}
