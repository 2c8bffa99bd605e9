//! The DMM client: searches, pending titles, the shared challenge and pacing.

use super::support::{TIMEOUT, dmm_client, episode, http, movie, upstream_calls, url};
use ferrio::protocol::config::SourceId;
use ferrio::sources::{DmmClient, Searcher, SourceError};
use ferrio_fakes::DmmFake;
use ferrio_fakes::fixtures::*;
use std::time::{Duration, Instant};

async fn dmm(interval: Duration) -> (DmmFake, DmmClient, ferrio::metrics::Metrics) {
    let fake = DmmFake::start().await;
    let (http, metrics) = http();
    let client = dmm_client(http, url(fake.url()), TIMEOUT, interval);
    (fake, client, metrics)
}

#[tokio::test]
async fn a_movie_search_lists_what_dmm_found() {
    let (fake, client, metrics) = dmm(Duration::ZERO).await;
    let answer = client
        .search(&movie(MOVIE_ID), Searcher::BACKGROUND)
        .await
        .expect("answer");
    assert!(!answer.pending);
    let shared = answer
        .candidates
        .iter()
        .find(|c| c.info_hash.as_str() == SHAWSHANK_1080P_SHARED)
        .expect("the shared 1080p release");
    assert_eq!(shared.sources, [SourceId::Dmm].into());
    assert!(!shared.size_is_file, "DMM sizes are whole torrents");
    assert!(shared.size.is_some_and(|size| size > 1 << 30));
    assert!(
        answer
            .candidates
            .iter()
            .any(|c| c.info_hash.as_str() == SHAWSHANK_DMM_ONLY)
    );
    assert_eq!((fake.movie_search_calls(), fake.tv_search_calls()), (1, 0));
    assert_eq!(upstream_calls(&metrics, "dmm", "ok"), 1);
}

#[tokio::test]
async fn an_episode_searches_its_season() {
    let (fake, client, _) = dmm(Duration::ZERO).await;
    let answer = client
        .search(&episode(EPISODE_ID), Searcher::BACKGROUND)
        .await
        .expect("answer");
    let hashes: Vec<&str> = answer
        .candidates
        .iter()
        .map(|c| c.info_hash.as_str())
        .collect();
    for expected in [BB_S01_PACK, BB_COMPLETE, BB_S01_DMM_ONLY, BB_S01E03] {
        assert!(hashes.contains(&expected), "{expected} in {hashes:?}");
    }
    assert_eq!((fake.movie_search_calls(), fake.tv_search_calls()), (0, 1));
}

#[tokio::test]
async fn a_title_not_scraped_yet_is_pending_not_an_error() {
    let (fake, client, metrics) = dmm(Duration::ZERO).await;
    for id in [UNKNOWN_MOVIE_ID, PROCESSING_MOVIE_ID] {
        let answer = client
            .search(&movie(id), Searcher::BACKGROUND)
            .await
            .expect("204 is an answer");
        assert!(answer.candidates.is_empty() && answer.pending, "{id}");
    }
    assert_eq!(fake.search_calls(), 2);
    assert_eq!(upstream_calls(&metrics, "dmm", "pending"), 2);
}

#[tokio::test]
async fn the_challenge_is_reused_and_minted_again_once_after_a_403() {
    let (fake, client, _) = dmm(Duration::ZERO).await;
    client
        .search(&movie(MOVIE_ID), Searcher::BACKGROUND)
        .await
        .expect("first search");
    client
        .search(&episode(EPISODE_ID), Searcher::BACKGROUND)
        .await
        .expect("second search");
    assert_eq!((fake.challenge_calls(), fake.search_calls()), (1, 2));

    fake.expire_tokens();
    let answer = client
        .search(&movie(MOVIE_ID), Searcher::BACKGROUND)
        .await
        .expect("retried with a new token");
    assert!(!answer.candidates.is_empty());
    assert_eq!(fake.challenge_calls(), 2, "one new challenge");
    assert_eq!(fake.search_calls(), 4, "the refused search and its retry");
}

#[tokio::test]
async fn concurrent_searches_share_one_challenge() {
    let (fake, client, _) = dmm(Duration::ZERO).await;
    let video = movie(MOVIE_ID);
    let searches = (0..4).map(|_| client.search(&video, Searcher::BACKGROUND));
    for answer in futures::future::join_all(searches).await {
        assert!(answer.is_ok(), "{answer:?}");
    }
    assert_eq!((fake.challenge_calls(), fake.search_calls()), (1, 4));
}

#[tokio::test]
async fn searches_are_paced_so_dmm_never_rate_limits_us() {
    let interval = Duration::from_millis(300);
    let (fake, client, _) = dmm(interval).await;
    // The fake refuses a second search within 250 ms of the first.
    fake.set_ip_rate_limit(Some(Duration::from_millis(250)));
    let started = Instant::now();
    client
        .search(&movie(MOVIE_ID), Searcher::BACKGROUND)
        .await
        .expect("first search");
    let first_done = started.elapsed();
    client
        .search(&movie(MOVIE_ID), Searcher::BACKGROUND)
        .await
        .expect("second search, paced");
    assert!(
        started.elapsed() >= interval,
        "second search waited for its slot"
    );
    assert!(first_done < interval, "the first search did not wait");
    assert_eq!(fake.search_calls(), 2);

    // Without pacing the same fake refuses the second search: the check above can fail.
    let (unpaced_fake, unpaced, _) = dmm(Duration::ZERO).await;
    unpaced_fake.set_ip_rate_limit(Some(Duration::from_millis(250)));
    unpaced
        .search(&movie(MOVIE_ID), Searcher::BACKGROUND)
        .await
        .expect("first search");
    let refused = unpaced.search(&movie(MOVIE_ID), Searcher::BACKGROUND).await;
    assert!(
        matches!(refused, Err(SourceError::RateLimited { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn canary_ids_never_reach_dmm() {
    let (fake, client, _) = dmm(Duration::ZERO).await;
    let answer = client
        .search(&movie("tt900000001"), Searcher::BACKGROUND)
        .await
        .expect("answered locally");
    assert!(answer.candidates.is_empty());
    assert_eq!((fake.calls(), fake.canary_calls()), (0, 0));
}
