//! TMDB paced as promised: whatever the mix (the prewarm after a start, users' catalogs and
//! stream lists at once), no more calls reach TMDB in any second than its limit allows.

use super::{config, discovery_app_on};
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
