//! The five discovery catalogs: IMDb ids only, pages of 100 that neither repeat nor skip,
//! the genre choices, the user's region and services, and the manifest that declares them.

use super::{config, discovery_app, ids, metas};
use crate::common::spawn_app;
use ferrio_fakes::fixtures::titles::{self, Kind, NETFLIX};
use std::collections::HashSet;

#[tokio::test]
async fn trending_pages_hold_100_imdb_ids_with_posters_and_neither_repeat_nor_skip() {
    let app = discovery_app(|_| {}).await;
    let config = config("");
    for genre in ["genre=Today", "genre=This%20week", "genre=Trakt"] {
        let first = metas(&app, &config, "movie", "trending", Some(genre)).await;
        let second = metas(
            &app,
            &config,
            "movie",
            "trending",
            Some(&format!("{genre}&skip=100")),
        )
        .await;
        assert_eq!((first.len(), second.len()), (100, 100), "{genre}");
        let (a, b) = (ids(&first), ids(&second));
        assert!(a.iter().chain(&b).all(|id| id.starts_with("tt")), "{genre}");
        let all: HashSet<&String> = a.iter().chain(&b).collect();
        assert_eq!(all.len(), 200, "no repeats across pages: {genre}");
        // The source's own order, items without an IMDb id left out and nothing skipped.
        let mut expected: Vec<&titles::Title> = titles::titles()
            .iter()
            .filter(|t| t.kind == Kind::Movie)
            .collect();
        match genre {
            "genre=Today" => expected.sort_by_key(|t| t.day_rank),
            "genre=This%20week" => expected.sort_by_key(|t| t.week_rank),
            _ => expected.sort_by_key(|t| t.trakt_rank),
        }
        let expected: Vec<String> = expected
            .iter()
            .filter_map(|t| t.imdb.clone())
            .take(200)
            .collect();
        assert_eq!([a, b].concat(), expected, "{genre}");
        let poster = first[0]["poster"].as_str().expect("poster");
        assert!(poster.contains("/w342/p"), "{poster}");
    }
}

#[tokio::test]
async fn the_default_trending_list_fuses_the_three_lists_without_duplicates() {
    let app = discovery_app(|_| {}).await;
    let fused = ids(&metas(&app, &config(""), "series", "trending", None).await);
    assert_eq!(
        fused[..2],
        ["tt0903747", "tt0944947"],
        "first in every list, first fused"
    );
    let unique: HashSet<&String> = fused.iter().collect();
    assert_eq!(unique.len(), fused.len());
    assert!(fused.len() >= 100, "{}", fused.len());
}

#[tokio::test]
async fn on_my_services_follows_the_region_and_the_genre_narrows_it_to_one_service() {
    let app = discovery_app(|_| {}).await;
    let gb = config(r#""region":"GB","myServices":[8,337]"#);
    let items = ids(&metas(&app, &gb, "movie", "on-my-services", None).await);
    let offered = |id: &String, provider: u32| {
        titles::by_imdb(id).is_some_and(|t| {
            t.offers
                .iter()
                .any(|o| o.region == "GB" && o.provider == provider)
        })
    };
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|id| offered(id, NETFLIX) || offered(id, 337)),
        "{items:?}"
    );
    let netflix = ids(&metas(&app, &gb, "movie", "on-my-services", Some("genre=Netflix")).await);
    assert!(!netflix.is_empty() && netflix.iter().all(|id| offered(id, NETFLIX)));
    let unknown = app
        .catalog(Some(&gb), "movie", "on-my-services", Some("genre=Hulu"))
        .await;
    assert_eq!(
        unknown.status().as_u16(),
        400,
        "not one of the user's services"
    );
    let not_on = ids(&metas(&app, &gb, "movie", "not-on-my-services", None).await);
    assert!(!not_on.is_empty());
    let wrong: Vec<&String> = not_on
        .iter()
        .filter(|id| offered(id, NETFLIX) || offered(id, 337))
        .collect();
    assert!(wrong.is_empty(), "{wrong:?}");
}

#[tokio::test]
async fn coming_soon_and_new_digital_carry_the_regional_digital_date() {
    let app = discovery_app(|_| {}).await;
    let today = ferrio_fakes::discovery::today();
    let soon = metas(&app, &config(""), "movie", "coming-soon", None).await;
    assert!(!soon.is_empty());
    for meta in &soon {
        let date = meta["releaseInfo"].as_str().expect("date");
        assert!(date.len() == 10 && date > today.as_str(), "{meta}");
        let title = titles::by_imdb(meta["id"].as_str().expect("id")).expect("known");
        assert!(title.digital_in_days.is_some_and(|d| d > 0));
    }
    let new = metas(&app, &config(""), "movie", "new-digital", None).await;
    assert!(!new.is_empty());
    assert!(new.iter().all(|m| {
        m["releaseInfo"]
            .as_str()
            .is_some_and(|d| d <= today.as_str())
    }));
    let series = app
        .catalog(Some(&config("")), "series", "coming-soon", None)
        .await;
    assert_eq!(series.status().as_u16(), 404);
}

#[tokio::test]
async fn the_manifest_declares_the_catalogs_only_with_a_tmdb_key() {
    let app = discovery_app(|_| {}).await;
    let with = config(r#""myServices":[8]"#);
    let manifest = app.get_json(&format!("/{with}/manifest.json"), 200).await;
    let declared: Vec<String> = manifest["catalogs"]
        .as_array()
        .expect("catalogs")
        .iter()
        .map(|c| {
            format!(
                "{}/{}",
                c["type"].as_str().unwrap_or(""),
                c["id"].as_str().unwrap_or("")
            )
        })
        .collect();
    for id in [
        "movie/trending",
        "series/trending",
        "movie/on-my-services",
        "movie/not-on-my-services",
        "movie/coming-soon",
        "movie/new-digital",
    ] {
        assert!(declared.contains(&id.to_owned()), "{id} in {declared:?}");
    }
    let on_mine = &manifest["catalogs"][1];
    assert_eq!(
        on_mine["extra"][0]["options"],
        serde_json::json!(["Netflix"])
    );

    let plain = spawn_app().await;
    let manifest = plain.get_json("/manifest.json", 200).await;
    let text = manifest.to_string();
    assert!(
        !text.contains("trending") && !text.contains("coming-soon"),
        "{text}"
    );
    let page = plain.catalog(None, "movie", "trending", None).await;
    assert_eq!(page.status().as_u16(), 404);
    assert_eq!(plain.fakes.tmdb.calls(), 0);
}

#[tokio::test]
async fn every_order_of_the_same_services_is_one_list_and_made_up_ids_key_nothing() {
    let app = discovery_app(|_| {}).await;
    let first = config(r#""region":"GB","myServices":[8,337]"#);
    let items = ids(&metas(&app, &first, "movie", "on-my-services", None).await);
    assert!(!items.is_empty());
    let discovered = app.fakes.tmdb.calls_to("discover");
    assert!(discovered > 0);
    for services in ["[337,8]", "[337,8,999999]", "[999998,8,337,999999]"] {
        let other = config(&format!(r#""region":"GB","myServices":{services}"#));
        let same = ids(&metas(&app, &other, "movie", "on-my-services", None).await);
        assert_eq!(same, items, "{services}");
    }
    assert_eq!(
        app.fakes.tmdb.calls_to("discover"),
        discovered,
        "the same cached list: no new discover call"
    );
}

#[tokio::test]
async fn the_fused_list_everyone_shares_is_built_on_the_servers_key_not_a_refused_personal_one() {
    let app = discovery_app(|_| {}).await;
    // A key TMDB refuses: the user's own TMDB lists read nothing, Trakt's still would.
    let refused = config(r#""tmdbKey":"AREFUSEDPERSONALTMDBKEY0001""#);
    let theirs = ids(&metas(&app, &refused, "series", "trending", None).await);
    let everyone = ids(&metas(&app, &config(""), "series", "trending", None).await);
    assert_eq!(theirs, everyone, "one list, read with the server's key");
    assert_eq!(
        everyone[..2],
        ["tt0903747", "tt0944947"],
        "all three lists fused"
    );
}

#[tokio::test]
async fn the_details_behind_a_cold_page_are_charged_to_the_client_that_asks() {
    let app = discovery_app(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "Fly-Client-IP".into());
        env.insert("TMDB_CLIENT_CALLS_PER_MINUTE".into(), "20".into());
    })
    .await;
    let page = |client: &'static str| {
        let app = &app;
        async move {
            let path = format!("/{}/catalog/movie/trending/genre=Today.json", config(""));
            let response = app.get_from(&path, client).await;
            assert_eq!(response.status().as_u16(), 200, "never an error");
            let body: serde_json::Value = response.json().await.expect("JSON");
            body["metas"].as_array().map_or(0, Vec::len)
        }
    };
    let first = page("81.2.69.21").await;
    assert_eq!(app.fakes.tmdb.calls_to("details"), 20, "the client's share");
    assert!(first <= 20, "{first} items");
    let second = page("81.2.69.22").await;
    assert_eq!(
        app.fakes.tmdb.calls_to("details"),
        40,
        "another client's own share"
    );
    assert!(
        second > first,
        "it found the first client's titles cached: {second}"
    );
}
