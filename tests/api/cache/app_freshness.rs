//! Freshness through the stream route: TTL expiry, stale-while-revalidate, stale-if-error.

use super::support::{
    MOVIE, cache_events, eventually, short_ttls, stream_hashes, timed, upstream_calls,
};
use crate::common::spawn_app_with;
use ferrio_fakes::Mode;
use std::time::{Duration, Instant};

/// Past the 1 s freshness of [`short_ttls`].
const PAST_FRESH: Duration = Duration::from_millis(1_200);

#[tokio::test]
async fn answers_are_asked_again_once_their_ttl_has_passed() {
    let app = spawn_app_with(short_ttls(0, 0)).await;
    stream_hashes(&app, MOVIE).await;
    let first = upstream_calls(&app.fakes);
    stream_hashes(&app, MOVIE).await;
    assert_eq!(upstream_calls(&app.fakes), first, "fresh: no call");
    tokio::time::sleep(PAST_FRESH).await;
    stream_hashes(&app, MOVIE).await;
    let (dmm, yts, torrentio) = upstream_calls(&app.fakes);
    assert_eq!((dmm, torrentio), (2, 2), "expired: asked again");
    assert_eq!(yts, 2 * first.1);
}

#[tokio::test]
async fn a_stale_answer_is_served_at_once_while_it_is_refreshed() {
    let _cpu = timed().await;
    let app = spawn_app_with(short_ttls(60, 0)).await;
    let first = stream_hashes(&app, MOVIE).await;
    let calls = upstream_calls(&app.fakes);
    tokio::time::sleep(PAST_FRESH).await;
    // The refresh takes 2 s; the request must not wait for it.
    app.fakes.dmm.set_latency(Duration::from_secs(2));
    app.fakes.yts.set_latency(Duration::from_secs(2));
    app.fakes.torrentio.set_latency(Duration::from_secs(2));
    let started = Instant::now();
    let stale = stream_hashes(&app, MOVIE).await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(stale, first);
    assert!(cache_events(&app, "stale").await >= 3);
    eventually(
        Duration::from_secs(10),
        "the refresh reaches the sources",
        || async {
            let (dmm, _, torrentio) = upstream_calls(&app.fakes);
            (dmm, torrentio) == (calls.0 + 1, calls.2 + 1)
        },
    )
    .await;
}

#[tokio::test]
async fn a_stale_answer_is_served_when_its_sources_fail() {
    let app = spawn_app_with(short_ttls(0, 60)).await;
    let first = stream_hashes(&app, MOVIE).await;
    tokio::time::sleep(PAST_FRESH).await;
    app.fakes.set_mode_all(Mode::ServerError);
    let kept = stream_hashes(&app, MOVIE).await;
    assert_eq!(kept, first, "the failure is not shown");
    assert!(cache_events(&app, "fetch_error").await >= 3, "but counted");
    assert!(cache_events(&app, "stale_if_error").await >= 3);
    // The failure is remembered briefly: the next request does not ask again.
    let calls = upstream_calls(&app.fakes);
    assert_eq!(stream_hashes(&app, MOVIE).await, first);
    assert_eq!(upstream_calls(&app.fakes), calls);
}
