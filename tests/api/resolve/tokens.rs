//! What a token costs Real-Debrid on the routes a client can call again and again: a made-up
//! token one call in all, a real one a couple of calls however often its library is browsed.

use super::{config, location, resolve_path};
use crate::common::spawn_app;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::fixtures::{self, RD_TOKEN};

#[tokio::test]
async fn a_made_up_token_costs_one_call_whatever_the_route() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let made_up = URL_SAFE_NO_PAD
        .encode(r#"{"realdebrid":"MADEUPTOKEN00000000000000000000000000000000000000"}"#);
    for _ in 0..10 {
        app.meta(Some(&made_up), "other", "rd:ABCDEF").await;
        app.stream(Some(&made_up), "other", "rd:ABCDEF:1").await;
        app.catalog(Some(&made_up), "other", "rd-library", None)
            .await;
        location(
            &app,
            &resolve_path(&made_up, fixtures::SHAWSHANK_MULTI, "-", None),
        )
        .await;
    }
    assert_eq!(rd.calls(), 1, "one refusal, remembered");
}

#[tokio::test]
async fn browsing_a_library_item_costs_a_call_not_one_per_request() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let id = rd.preload(RD_TOKEN, fixtures::BB_S01_PACK);
    let config = config("");
    for _ in 0..30 {
        let meta = app.meta(Some(&config), "other", &format!("rd:{id}")).await;
        assert_eq!(meta.status().as_u16(), 200);
        let streams = app
            .stream(Some(&config), "other", &format!("rd:{id}:2"))
            .await;
        assert_eq!(streams.status().as_u16(), 200);
    }
    assert!(rd.info_calls() <= 1, "{} info calls", rd.info_calls());
}
