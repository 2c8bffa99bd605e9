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

/// The config of a made-up token, different for each `n`.
fn made_up(n: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"MADEUP{n:046}"}}"#))
}

/// A stream-list path of the movie for `config`.
fn movie_list(config: &str) -> String {
    format!("/{config}/stream/movie/{}.json", fixtures::MOVIE_ID)
}

#[tokio::test]
async fn fifty_made_up_tokens_from_one_client_cost_at_most_ten_calls() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    // A real user on the same address, whose token Real-Debrid accepted.
    let listed = app.get(&movie_list(&config(""))).await;
    assert_eq!(listed.status().as_u16(), 200);
    rd.reset_calls();
    for n in 0..50 {
        let path = if n % 2 == 0 {
            movie_list(&made_up(n))
        } else {
            resolve_path(&made_up(n), fixtures::SHAWSHANK_MULTI, "-", None)
        };
        let status = app.get(&path).await.status().as_u16();
        assert!(status == 200 || status == 302, "{path}: {status}");
    }
    assert_eq!(
        rd.calls(),
        9,
        "ten new tokens an hour per address, the real user's among them"
    );
    let metrics = app.metrics().await.text().await.expect("metrics");
    assert!(
        metrics.contains(r#"ferrio_refusals_total{reason="rd_new_token_client"} 41"#),
        "{metrics}"
    );
    // A token Real-Debrid already accepted is never held back by that cap.
    let tap = resolve_path(&config(""), fixtures::SHAWSHANK_MULTI, "-", None);
    assert!(
        location(&app, &tap).await.contains("/dl/"),
        "the real user still plays"
    );
}

#[tokio::test]
async fn new_tokens_from_every_client_together_are_capped_with_half_kept_for_returning_users() {
    let app = crate::common::spawn_app_with(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "X-Test-Client".into());
        env.insert("RD_NEW_TOKENS_PER_MINUTE".into(), "5".into());
    })
    .await;
    let rd = &app.fakes.realdebrid;
    let list_from = |path: String, address: String| {
        let app = &app;
        async move {
            let response = app
                .client
                .get(format!("{}{path}", app.address))
                .header("X-Test-Client", address)
                .send()
                .await
                .expect("answered");
            assert_eq!(response.status().as_u16(), 200);
        }
    };
    for n in 0..20 {
        // Each request from its own public address (that never found a release): only the
        // caps on everyone apply.
        let path = format!("/{}/stream/movie/tt{:07}.json", made_up(n), 6_000 + n);
        list_from(path, format!("81.2.69.{n}")).await;
    }
    assert_eq!(rd.calls(), 3, "strangers get 3 of the minute's 5");
    // A household that found releases before (without a token) brings a new token: it gets
    // one of the two kept for returning users.
    list_from(
        format!("/stream/movie/{}.json", fixtures::MOVIE_ID),
        "81.2.70.1".into(),
    )
    .await;
    list_from(movie_list(&made_up(100)), "81.2.70.1".into()).await;
    assert_eq!(rd.calls(), 4, "the returning user's token was asked about");
    let metrics = app.metrics().await.text().await.expect("metrics");
    assert!(
        metrics.contains(r#"ferrio_refusals_total{reason="rd_new_token_strangers"} 17"#),
        "{metrics}"
    );
}

/// What `count` made-up tokens' stream lists cost Real-Debrid, each request from the address
/// `address(n)` picks.
async fn made_up_lists_cost(count: usize, address: impl Fn(usize) -> String) -> usize {
    let app = crate::common::spawn_app_with(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "X-Test-Client".into());
    })
    .await;
    for n in 0..count {
        let response = app
            .client
            .get(format!("{}{}", app.address, movie_list(&made_up(n))))
            .header("X-Test-Client", address(n))
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status().as_u16(), 200);
    }
    app.fakes.realdebrid.calls()
}

#[tokio::test]
async fn made_up_tokens_from_one_ipv6_64_count_as_one_client() {
    let one_address = made_up_lists_cost(30, |_| "81.2.69.77".to_owned()).await;
    // A new address of one /64 for every request, as a rotating client picks them.
    let one_64 = made_up_lists_cost(30, |n| {
        format!("2a02:8108:1:2:{n:x}:{:x}::1", n * 7919 % 0xffff)
    })
    .await;
    assert_eq!(one_64, one_address, "a /64 is one client");
    // Thirty networks each keep their own allowance.
    let many = made_up_lists_cost(30, |n| format!("2a02:8108:1:{n:x}::1")).await;
    assert!(
        many > one_address,
        "{many} calls from 30 networks, {one_address} from one"
    );
}
