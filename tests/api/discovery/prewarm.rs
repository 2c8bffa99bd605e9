//! The trending prewarm: the top trending movies' torrent streams are fetched ahead, so the
//! first user to open one finds it ready.

use super::{config, discovery_app};
use ferrio_fakes::fixtures;
use std::time::Duration;
use tokio::time::Instant;

#[tokio::test]
async fn the_top_trending_movies_are_ready_before_anyone_asks() {
    let app = discovery_app(|env| {
        env.insert("PREWARM_TOP_N".into(), "3".into());
    })
    .await;
    // The prewarm starts with the instance; the three movies each cost one Torrentio call.
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.fakes.torrentio.stream_calls() < 3 {
        assert!(
            Instant::now() < deadline,
            "the prewarm never asked Torrentio"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.fakes.reset_calls();
    for id in [
        fixtures::MOVIE_ID,
        fixtures::INCEPTION_ID,
        fixtures::MATRIX_ID,
    ] {
        let response = app.stream(Some(&config("")), "movie", id).await;
        assert_eq!(response.status().as_u16(), 200);
    }
    assert_eq!(
        app.fakes.torrentio.stream_calls(),
        0,
        "every list was ready"
    );
    let other = app
        .stream(Some(&config("")), "movie", fixtures::UNKNOWN_MOVIE_ID)
        .await;
    assert_eq!(other.status().as_u16(), 200);
    assert_eq!(
        app.fakes.torrentio.stream_calls(),
        1,
        "a title outside the top is fetched on demand"
    );
}
