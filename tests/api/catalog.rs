//! The YTS catalogs: declared with their extras, mapped onto the right YTS queries and pages,
//! cached, and served stale when YTS fails.

use crate::common::{TestApp, spawn_app, spawn_app_with};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::Value;
use std::time::Duration;

/// The ids of a catalog page.
async fn ids(app: &TestApp, path: &str) -> Vec<String> {
    let body = app.get_json(path, 200).await;
    body["metas"]
        .as_array()
        .expect("metas")
        .iter()
        .map(|meta| meta["id"].as_str().expect("id").to_owned())
        .collect()
}

/// What the YTS fake itself lists for a query, IMDb ids only, over its 50-item pages.
async fn yts_ids(app: &TestApp, query: &str, pages: std::ops::RangeInclusive<u32>) -> Vec<String> {
    let mut found = Vec::new();
    for page in pages {
        let url = format!(
            "{}/list_movies.json?{query}&limit=50&page={page}",
            app.fakes.yts.url()
        );
        let body: Value = app
            .client
            .get(url)
            .send()
            .await
            .expect("YTS fake")
            .json()
            .await
            .expect("JSON");
        for movie in body["data"]["movies"].as_array().into_iter().flatten() {
            let imdb = movie["imdb_code"].as_str().unwrap_or_default();
            if !imdb.is_empty() {
                found.push(imdb.to_owned());
            }
        }
    }
    found
}

#[tokio::test]
async fn the_manifest_declares_the_catalogs_with_their_extras() {
    let app = spawn_app().await;
    let manifest = app.get_json("/manifest.json", 200).await;
    let catalogs = manifest["catalogs"].as_array().expect("catalogs");
    let names: Vec<&str> = catalogs
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["YTS Popular", "YTS Latest", "YTS Top rated", "YTS"]);
    for catalog in &catalogs[..3] {
        assert_eq!(catalog["type"], "movie");
        let extra = catalog["extra"].as_array().expect("extra");
        let genre = extra.iter().find(|e| e["name"] == "genre").expect("genre");
        assert!(
            genre["options"]
                .as_array()
                .expect("options")
                .iter()
                .any(|o| o == "Sci-Fi")
        );
        assert!(extra.iter().any(|e| e["name"] == "skip"));
    }
    let search = &catalogs[3]["extra"];
    assert_eq!(
        search[0],
        serde_json::json!({"name": "search", "isRequired": true})
    );
}

#[tokio::test]
async fn each_catalog_follows_its_yts_order_and_pages() {
    let app = spawn_app().await;
    for (catalog, sort) in [
        ("yts-popular", "download_count"),
        ("yts-latest", "date_added"),
        ("yts-top-rated", "rating"),
    ] {
        let expected = yts_ids(&app, &format!("sort_by={sort}&order_by=desc"), 1..=3).await;
        let first = ids(&app, &format!("/catalog/movie/{catalog}.json")).await;
        assert_eq!(first.len(), 100, "{catalog}: a full page before the end");
        assert_eq!(first[..], expected[..100], "{catalog}");
        // skip=100 spans YTS pages 3 and 4, and is the last page.
        let second = ids(&app, &format!("/catalog/movie/{catalog}/skip=100.json")).await;
        assert!(
            second.len() < 100,
            "{catalog}: fewer than 100 only at the end"
        );
        assert_eq!(second.last(), expected.last(), "{catalog}");
    }
}

#[tokio::test]
async fn genre_search_and_dropped_items() {
    let app = spawn_app().await;
    let horror = app
        .get_json("/catalog/movie/yts-popular/genre=Horror.json", 200)
        .await;
    let metas = horror["metas"].as_array().expect("metas");
    assert!(!metas.is_empty());
    assert!(metas.iter().all(|m| {
        m["genres"]
            .as_array()
            .expect("genres")
            .iter()
            .any(|g| g == "Horror")
    }));
    assert!(
        metas
            .iter()
            .all(|m| m["id"].as_str().expect("id").starts_with("tt")),
        "no item without an IMDb id"
    );
    let found = app
        .get_json("/catalog/movie/yts-search/search=matrix.json", 200)
        .await;
    assert_eq!(found["metas"][0]["name"], "The Matrix");
    assert_eq!(found["metas"][0]["id"], "tt0133093");
    assert_eq!(found["metas"][0]["releaseInfo"], "1999");
    assert!(
        found["metas"][0]["poster"]
            .as_str()
            .is_some_and(|p| p.starts_with("http"))
    );
}

#[tokio::test]
async fn a_second_request_is_served_from_cache() {
    let app = spawn_app().await;
    let first = ids(&app, "/catalog/movie/yts-latest.json").await;
    let calls = app.fakes.yts.list_calls();
    assert!(calls >= 2, "a Stremio page is two YTS pages");
    assert_eq!(ids(&app, "/catalog/movie/yts-latest.json").await, first);
    assert_eq!(app.fakes.yts.list_calls(), calls);
}

#[tokio::test]
async fn a_yts_outage_serves_the_stale_page_or_an_empty_list() {
    let app = spawn_app_with(|env| {
        env.insert("CATALOG_TTL_SECS".into(), "1".into());
    })
    .await;
    let fresh = ids(&app, "/catalog/movie/yts-top-rated.json").await;
    tokio::time::sleep(Duration::from_millis(1100)).await; // let the page go stale
    app.fakes.yts.set_mode(ferrio_fakes::Mode::ServerError);
    assert_eq!(ids(&app, "/catalog/movie/yts-top-rated.json").await, fresh);
    let never_seen = app
        .get_json("/catalog/movie/yts-popular/genre=Western.json", 200)
        .await;
    assert_eq!(never_seen["metas"], Value::Array(vec![]));
    app.fakes.yts.set_mode(ferrio_fakes::Mode::CloudflareHtml);
    let blocked = app
        .get_json("/catalog/movie/yts-popular/genre=Drama.json", 200)
        .await;
    assert_eq!(blocked["metas"], Value::Array(vec![]));
    let metrics = app.metrics().await.text().await.expect("metrics");
    assert!(
        metrics.contains(r#"outcome="blocked",source="yts""#),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_catalog_turned_off_in_the_config_is_gone() {
    let app = spawn_app().await;
    let config = URL_SAFE_NO_PAD.encode(r#"{"catalogs":["yts-latest"]}"#);
    let manifest = app.get_json(&format!("/{config}/manifest.json"), 200).await;
    let ids: Vec<&str> = manifest["catalogs"]
        .as_array()
        .expect("catalogs")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["yts-latest"]);
    let response = app
        .get(&format!("/{config}/catalog/movie/yts-popular.json"))
        .await;
    assert_eq!(response.status().as_u16(), 404);
}

/// What a client chooses in a catalog's `extra` is bounded: a genre from the catalog's own
/// options, a page within the catalog, a search term of a title's length.
#[tokio::test]
async fn catalog_extras_are_bounded() {
    let app = spawn_app().await;
    let unknown = app
        .catalog(None, "movie", "yts-popular", Some("genre=Made-Up"))
        .await;
    assert_eq!(unknown.status().as_u16(), 400);
    let body: Value = unknown.json().await.expect("JSON error");
    assert!(body["error"].is_string());
    let calls = app.fakes.yts.calls();
    let beyond = app
        .catalog(None, "movie", "yts-popular", Some("skip=4000000000"))
        .await;
    assert_eq!(beyond.status().as_u16(), 200);
    let body: Value = beyond.json().await.expect("JSON");
    assert_eq!(body["metas"].as_array().map(Vec::len), Some(0));
    assert_eq!(app.fakes.yts.calls(), calls, "no page fetched for it");
    let term = "x".repeat(60_000);
    let long = app
        .catalog(None, "movie", "yts-search", Some(&format!("search={term}")))
        .await;
    assert!(long.status().as_u16() < 500, "{}", long.status());
}
