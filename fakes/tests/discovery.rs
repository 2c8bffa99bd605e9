//! Wire-level tests of the TMDB, Trakt and Watchmode fakes (discovery-apis.md §1), ugly
//! cases included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ferrio_fakes::discovery::{tmdb::TMDB_KEY, trakt::TRAKT_CLIENT_ID, watchmode::WATCHMODE_KEY};
use ferrio_fakes::{TmdbFake, TraktFake, WatchmodeFake};
use serde_json::Value;

async fn get(url: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = reqwest::get(url).await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (
        status,
        headers,
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn tmdb_answers_its_status_codes_and_leaves_some_imdb_ids_null() {
    let tmdb = TmdbFake::start().await;
    let base = format!("{}/3", tmdb.url());
    let (status, _, body) = get(&format!("{base}/trending/movie/day?api_key=wrong")).await;
    assert_eq!((status, body["status_code"].as_u64()), (401, Some(7)));
    let (status, _, body) = get(&format!("{base}/movie/1/external_ids?api_key={TMDB_KEY}")).await;
    assert_eq!((status, body["status_code"].as_u64()), (404, Some(34)));
    let (status, _, body) = get(&format!(
        "{base}/trending/movie/day?page=501&api_key={TMDB_KEY}"
    ))
    .await;
    assert_eq!((status, body["status_code"].as_u64()), (400, Some(22)));
    let (status, _, page) = get(&format!("{base}/trending/movie/day?api_key={TMDB_KEY}")).await;
    assert_eq!(status, 200);
    assert_eq!(page["results"].as_array().unwrap().len(), 20);
    assert!(
        page["results"][0].get("imdb_id").is_none(),
        "lists carry TMDB ids only"
    );
    let (_, _, ids) = get(&format!(
        "{base}/movie/900013/external_ids?api_key={TMDB_KEY}"
    ))
    .await;
    assert!(
        ids["imdb_id"].is_null(),
        "every 13th generated title has none"
    );
    let (_, _, providers) = get(&format!(
        "{base}/movie/278/watch/providers?api_key={TMDB_KEY}"
    ))
    .await;
    assert!(providers["results"]["US"]["flatrate"].is_array());
    assert!(
        providers["results"].get("DE").is_none(),
        "absent in a region: no key at all"
    );
}

#[tokio::test]
async fn trakt_needs_its_headers_and_pages_with_pagination_headers() {
    let trakt = TraktFake::start().await;
    let client = reqwest::Client::new();
    let url = format!("{}/movies/trending?page=2&limit=100", trakt.url());
    let refused = client.get(&url).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let answer = client
        .get(&url)
        .header("trakt-api-key", TRAKT_CLIENT_ID)
        .header("trakt-api-version", "2")
        .send()
        .await
        .unwrap();
    let headers = answer.headers().clone();
    assert_eq!(headers["x-pagination-page"], "2");
    assert_eq!(headers["x-pagination-page-count"], "3");
    assert!(headers.contains_key("x-trending-user-count"));
    let items: Value = answer.json().await.unwrap();
    assert_eq!(items.as_array().unwrap().len(), 100);
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["movie"]["ids"]["imdb"].is_null())
    );
}

#[tokio::test]
async fn watchmode_rows_are_per_source_region_and_format_and_402_past_the_quota() {
    let watchmode = WatchmodeFake::start().await;
    watchmode.set_quota(2, 1);
    let url = format!(
        "{}/v1/title/tt0903747/sources/?apiKey={WATCHMODE_KEY}",
        watchmode.url()
    );
    let (status, headers, rows) = get(&url).await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            &headers["x-account-quota"],
            &headers["x-account-quota-used"]
        ),
        (&"2".parse().unwrap(), &"2".parse().unwrap())
    );
    let rows = rows.as_array().unwrap();
    let apple: Vec<&Value> = rows.iter().filter(|r| r["name"] == "AppleTV").collect();
    assert_eq!(apple.len(), 3, "one row per format");
    assert_eq!(
        rows[0]["ios_url"],
        "Deeplinks available for paid plans only."
    );
    let (status, _, body) = get(&url).await;
    assert_eq!((status, body["statusCode"].as_u64()), (402, Some(402)));
}
