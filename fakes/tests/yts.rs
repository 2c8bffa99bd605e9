//! Wire-level tests of the YTS fake (upstream-apis.md §3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;

use ferrio_fakes::fixtures::*;
use ferrio_fakes::{YtsFake, YtsMovie, YtsTorrent};
use serde_json::Value;

async fn get(yts: &YtsFake, path_and_query: &str) -> Value {
    let r = reqwest::get(format!("{}/{path_and_query}", yts.url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    r.json().await.unwrap()
}

#[tokio::test]
async fn envelope_and_defaults() {
    let yts = YtsFake::start().await;
    assert!(yts.url().ends_with("/api/v2"));
    let v = get(&yts, "list_movies.json").await;
    assert_eq!(v["status"], "ok");
    assert_eq!(v["status_message"], "Query was successful");
    assert_eq!(v["@meta"]["api_version"], 2);
    assert!(v["@meta"]["server_time"].is_u64());
    assert_eq!(v["data"]["movie_count"], YTS_TOTAL_MOVIES);
    assert_eq!(v["data"]["limit"], 20);
    assert_eq!(v["data"]["page_number"], 1);
    let movies = v["data"]["movies"].as_array().unwrap();
    assert_eq!(movies.len(), 20);
    // Default order: date_added desc.
    let dates: Vec<u64> = movies
        .iter()
        .map(|m| m["date_uploaded_unix"].as_u64().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(yts.list_calls(), 1);
}

#[tokio::test]
async fn imdb_query_returns_the_movie_with_yts_types() {
    let yts = YtsFake::start().await;
    let v = get(&yts, "list_movies.json?query_term=tt0111161&limit=50").await;
    assert_eq!(v["data"]["movie_count"], 1);
    let m = &v["data"]["movies"][0];
    assert_eq!(m["imdb_code"], MOVIE_ID);
    assert_eq!(m["title"], "The Shawshank Redemption");
    assert_eq!(m["year"], 1994);
    assert_eq!(m["rating"], 9.3);
    assert!(
        m["large_cover_image"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert!(m["summary"].is_string());
    assert!(m["genres"].is_array());
    assert!(m["download_count"].is_u64());
    assert!(m["like_count"].is_u64());
    let torrents = m["torrents"].as_array().unwrap();
    assert_eq!(torrents.len(), 3);
    for t in torrents {
        let h = t["hash"].as_str().unwrap();
        assert_eq!(h.len(), 40);
        assert_eq!(h, h.to_uppercase(), "YTS hashes are uppercase");
        assert!(t["is_repack"].is_string());
        assert!(t["bit_depth"].is_string());
        assert!(t["audio_channels"].is_string());
        assert!(t["size"].as_str().unwrap().ends_with(" GB"));
        assert!(t["size_bytes"].is_u64());
        assert!(t["seeds"].is_u64());
        assert!(t["date_uploaded_unix"].is_u64());
    }
    let shared = SHAWSHANK_1080P_SHARED.to_uppercase();
    assert!(torrents.iter().any(|t| t["hash"] == shared.as_str()));
    assert!(
        torrents.iter().any(|t| t["quality"] == "2160p"
            && t["video_codec"] == "x265"
            && t["bit_depth"] == "10")
    );
    // Substring match on the title.
    let v = get(&yts, "list_movies.json?query_term=matrix").await;
    assert_eq!(v["data"]["movie_count"], 1);
    assert_eq!(v["data"]["movies"][0]["imdb_code"], MATRIX_ID);
}

#[tokio::test]
async fn nothing_found_has_no_movies_key() {
    let yts = YtsFake::start().await;
    let v = get(&yts, "list_movies.json?query_term=zzzz-no-such-film").await;
    assert_eq!(v["data"]["movie_count"], 0);
    assert!(v["data"].get("movies").is_none());
    assert_eq!(v["data"]["limit"], 20);
    let v = get(&yts, "list_movies.json?query_term=tt0068646").await;
    assert!(v["data"].get("movies").is_none());
}

#[tokio::test]
async fn catalog_pages_fifty_at_a_time() {
    let yts = YtsFake::start().await;
    let mut ids = HashSet::new();
    let mut missing_imdb = 0;
    let mut sizes = Vec::new();
    for page in 1..=3 {
        let v = get(
            &yts,
            &format!("list_movies.json?limit=50&page={page}&sort_by=date_added&order_by=desc"),
        )
        .await;
        assert_eq!(v["data"]["movie_count"], YTS_TOTAL_MOVIES);
        assert_eq!(v["data"]["page_number"], page);
        let movies = v["data"]["movies"].as_array().unwrap();
        sizes.push(movies.len());
        for m in movies {
            assert!(ids.insert(m["id"].as_u64().unwrap()));
            if m["imdb_code"] == "" {
                missing_imdb += 1;
            }
        }
    }
    assert_eq!(sizes, vec![50, 50, 33]);
    assert_eq!(missing_imdb, 3);
    // Past the end: count still reported, `movies` absent.
    let v = get(&yts, "list_movies.json?limit=50&page=4").await;
    assert_eq!(v["data"]["movie_count"], YTS_TOTAL_MOVIES);
    assert!(v["data"].get("movies").is_none());
    // Limits clamp to 1..=50.
    let v = get(&yts, "list_movies.json?limit=500").await;
    assert_eq!(v["data"]["limit"], 50);
    let v = get(&yts, "list_movies.json?limit=0&page=0").await;
    assert_eq!(v["data"]["limit"], 1);
    assert_eq!(v["data"]["page_number"], 1);
    assert_eq!(yts.list_calls(), 6);
}

#[tokio::test]
async fn genre_filter_and_sorting() {
    let yts = YtsFake::start().await;
    let v = get(&yts, "list_movies.json?genre=horror&limit=50").await;
    let n = v["data"]["movie_count"].as_u64().unwrap();
    assert!(n > 3 && n < 100, "{n}");
    for m in v["data"]["movies"].as_array().unwrap() {
        let genres: Vec<&str> = m["genres"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        assert!(genres.contains(&"Horror"), "{genres:?}");
    }
    for (key, field) in [
        ("rating", "rating"),
        ("year", "year"),
        ("download_count", "download_count"),
        ("like_count", "like_count"),
    ] {
        let v = get(
            &yts,
            &format!("list_movies.json?sort_by={key}&order_by=asc&limit=50"),
        )
        .await;
        let vals: Vec<f64> = v["data"]["movies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m[field].as_f64().unwrap())
            .collect();
        assert!(vals.windows(2).all(|w| w[0] <= w[1]), "{key}: {vals:?}");
    }
    let v = get(
        &yts,
        "list_movies.json?sort_by=rating&order_by=desc&limit=1",
    )
    .await;
    assert_eq!(
        v["data"]["movies"][0]["imdb_code"], MOVIE_ID,
        "9.3 is the top rating"
    );
    let v = get(&yts, "list_movies.json?sort_by=title&order_by=asc&limit=2").await;
    assert_eq!(v["data"]["movies"][0]["title"], "Fixture Movie 001");
    let v = get(&yts, "list_movies.json?minimum_rating=9&limit=50").await;
    assert!(
        v["data"]["movies"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["rating"].as_f64().unwrap() >= 9.0)
    );
}

#[tokio::test]
async fn shape_2026_and_bad_item() {
    let yts = YtsFake::start().await;
    yts.set_2026_shape(true);
    let v = get(&yts, "list_movies.json?query_term=tt1375666").await;
    let m = &v["data"]["movies"][0];
    for k in ["rating", "runtime", "summary", "large_cover_image"] {
        assert!(m.get(k).is_none(), "{k} should be gone");
    }
    assert!(m["url"].as_str().unwrap().contains("?t="));
    assert!(m["torrents"][0]["url"].as_str().unwrap().contains("?t="));
    assert_eq!(m["imdb_code"], INCEPTION_ID);
    yts.set_2026_shape(false);
    yts.inject_bad_item(true);
    let v = get(&yts, "list_movies.json?query_term=tt1375666").await;
    let torrents = v["data"]["movies"][0]["torrents"].as_array().unwrap();
    assert_eq!(torrents.iter().filter(|t| t["hash"].is_null()).count(), 1);
    assert_eq!(torrents.len(), 4);
}

#[tokio::test]
async fn movie_details_and_put_movie() {
    let yts = YtsFake::start().await;
    let v = get(&yts, "movie_details.json?imdb_id=tt1375666").await;
    assert_eq!(v["data"]["movie"]["title"], "Inception");
    let v = get(&yts, "movie_details.json?imdb_id=tt0000001").await;
    assert_eq!(v["data"]["movie"]["id"], 0);
    assert!(v["data"]["movie"]["title"].is_null());
    assert_eq!(yts.details_calls(), 2);

    yts.clear();
    assert_eq!(yts.movie_count(), 0);
    let movie = YtsMovie::new(1, "tt1234567", "Custom", 2020).with_torrent(YtsTorrent::new(
        &"ab".repeat(20),
        "1080p",
        "web",
        1_073_741_824,
        9,
    ));
    yts.put_movie(movie.clone());
    yts.put_movie(movie.with_rating(5.5));
    assert_eq!(yts.movie_count(), 1);
    let v = get(&yts, "list_movies.json").await;
    let m = &v["data"]["movies"][0];
    assert_eq!(m["rating"], 5.5);
    assert_eq!(m["torrents"][0]["hash"], "AB".repeat(20));
    assert_eq!(m["torrents"][0]["size"], "1.00 GB");
    assert_eq!(m["title_long"], "Custom (2020)");
}
