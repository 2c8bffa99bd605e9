//! The YTS client: streams of a movie and the catalog listing.

use super::support::{TIMEOUT, http, movie, url};
use ferrio::protocol::config::SourceId;
use ferrio::sources::{ListMovies, OrderBy, SortBy, YtsClient};
use ferrio_fakes::YtsFake;
use ferrio_fakes::fixtures::*;

async fn client() -> (YtsFake, YtsClient) {
    let fake = YtsFake::start().await;
    let (http, _) = http();
    let client = YtsClient::new(http, url(fake.url()), TIMEOUT);
    (fake, client)
}

#[tokio::test]
async fn a_movie_lists_one_candidate_per_torrent_with_lowercase_hashes() {
    let (fake, client) = client().await;
    let answer = client
        .streams(movie(MOVIE_ID).imdb())
        .await
        .expect("answer");
    let hashes: Vec<&str> = answer
        .candidates
        .iter()
        .map(|c| c.info_hash.as_str())
        .collect();
    for expected in [
        SHAWSHANK_1080P_SHARED,
        SHAWSHANK_720P_YTS,
        SHAWSHANK_2160P_YTS,
    ] {
        assert!(hashes.contains(&expected), "{expected} in {hashes:?}");
    }
    let shared = &answer.candidates[hashes
        .iter()
        .position(|h| *h == SHAWSHANK_1080P_SHARED)
        .unwrap_or(0)];
    assert!(
        shared
            .title
            .starts_with("The Shawshank Redemption (1994) [1080p]"),
        "{}",
        shared.title
    );
    assert!(shared.title.ends_with("[YTS]"));
    assert!(shared.seeders.is_some() && shared.size.is_some());
    assert_eq!(shared.sources, [SourceId::Yts].into());
    assert_eq!(fake.list_calls(), 1);
}

#[tokio::test]
async fn an_unknown_movie_is_an_empty_answer() {
    let (fake, client) = client().await;
    let answer = client
        .streams(movie(UNKNOWN_MOVIE_ID).imdb())
        .await
        .expect("answer");
    assert!(answer.candidates.is_empty() && !answer.pending);
    assert_eq!(fake.list_calls(), 1);
}

#[tokio::test]
async fn the_catalog_listing_sorts_filters_and_pages() {
    let (fake, client) = client().await;
    let query = |page| ListMovies {
        genre: Some("Drama".into()),
        sort_by: Some(SortBy::Year),
        order_by: Some(OrderBy::Desc),
        limit: Some(10),
        page: Some(page),
        ..ListMovies::default()
    };
    let first = client.list_movies(&query(1)).await.expect("page 1");
    let second = client.list_movies(&query(2)).await.expect("page 2");
    assert_eq!(first.movies.len(), 10);
    assert!(first.movie_count > 10);
    assert!(
        first
            .movies
            .iter()
            .all(|m| m.genres.iter().any(|g| g == "Drama"))
    );
    let years: Vec<u32> = first
        .movies
        .iter()
        .chain(&second.movies)
        .filter_map(|m| m.year)
        .collect();
    assert!(years.windows(2).all(|pair| pair[0] >= pair[1]), "{years:?}");
    assert_ne!(first.movies[0].imdb_code, second.movies[0].imdb_code);
    assert!(first.movies[0].large_cover_image.is_some());
    assert_eq!(fake.list_calls(), 2);
}

#[tokio::test]
async fn the_2026_shape_without_extras_still_lists() {
    let (fake, client) = client().await;
    fake.set_2026_shape(true);
    let page = client
        .list_movies(&ListMovies::default())
        .await
        .expect("page");
    assert!(!page.movies.is_empty());
    assert!(
        page.movies
            .iter()
            .all(|m| m.rating.is_none() && m.large_cover_image.is_none())
    );
    let beyond = ListMovies {
        page: Some(1000),
        ..ListMovies::default()
    };
    let empty = client
        .list_movies(&beyond)
        .await
        .expect("a page past the end");
    assert!(empty.movies.is_empty() && empty.movie_count > 0);
}
