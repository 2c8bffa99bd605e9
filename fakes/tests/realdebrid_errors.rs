//! Real-Debrid fake: auth, the per-token budget and the error answers (upstream-apis.md §1.2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ferrio_fakes::fixtures::*;
use reqwest::Method;
use support::Rd;

#[tokio::test]
async fn auth_is_required() {
    let rd = Rd::start().await;
    let r =
        rd.c.get(format!("{}/user", rd.fake.url()))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"error":"bad_token","error_code":8}"#
    );
    let r =
        rd.c.get(format!("{}/user", rd.fake.url()))
            .bearer_auth("NOPE")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 401);
    let r =
        rd.c.get(format!("{}/user?auth_token={RD_TOKEN}", rd.fake.url()))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
    let (s, v) = rd.json(Method::GET, "/user", &[]).await;
    assert_eq!(s, 200);
    assert_eq!(v["type"], "premium");
    assert!(v["expiration"].as_str().unwrap().ends_with(".000Z"));
    assert_eq!(rd.fake.user_calls(), 4);
    rd.fake.set_token_permission_denied(RD_TOKEN);
    let (s, t) = rd.call(Method::GET, "/user", &[]).await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (403, r#"{"error":"permission_denied","error_code":9}"#)
    );
}

#[tokio::test]
async fn add_magnet_refusals() {
    let rd = Rd::start().await;
    let (s, t) = rd.call(Method::POST, "/torrents/addMagnet", &[]).await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (
            400,
            r#"{"error":"parameter_missing","error_details":"{magnet} is missing","error_code":1}"#
        )
    );
    let (s, t) = rd
        .call(
            Method::POST,
            "/torrents/addMagnet",
            &[("magnet", "magnet:?xt=urn:btih:xyz")],
        )
        .await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (400, r#"{"error":"wrong_parameter","error_code":2}"#)
    );
    let web_dl = format!("magnet:?xt=urn:btih:{SHAWSHANK_WEB_DL}");
    let (s, t) = rd
        .call(Method::POST, "/torrents/addMagnet", &[("magnet", &web_dl)])
        .await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (451, r#"{"error":"infringing_file","error_code":35}"#)
    );
    rd.fake.set_slots_full(true);
    let ok = format!("magnet:?xt=urn:btih:{BB_S01_PACK}");
    let (s, t) = rd
        .call(Method::POST, "/torrents/addMagnet", &[("magnet", &ok)])
        .await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (
            509,
            r#"{"error":"too_many_active_downloads","error_code":21}"#
        )
    );
    rd.fake.set_slots_full(false);
    let (s, _) = rd.call(Method::GET, "/torrents/addMagnet", &[]).await;
    assert_eq!(s, 405);
    assert_eq!(rd.fake.add_magnet_calls(), 5);
    assert!(rd.fake.torrents(RD_TOKEN).is_empty());
}

#[tokio::test]
async fn unrestrict_refusals_and_disabled_endpoint() {
    let rd = Rd::start().await;
    rd.fake.preload(RD_TOKEN, BB_S01E03);
    let (_, list) = rd.json(Method::GET, "/torrents", &[]).await;
    let link = list[0]["links"][0].as_str().unwrap().to_owned();
    rd.fake.set_hoster_unavailable(true);
    let (s, t) = rd
        .call(Method::POST, "/unrestrict/link", &[("link", &link)])
        .await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (503, r#"{"error":"hoster_unavailable","error_code":19}"#)
    );
    rd.fake.set_hoster_unavailable(false);
    let (s, _) = rd
        .call(Method::POST, "/unrestrict/link", &[("link", &link)])
        .await;
    assert_eq!(s, 200);
    rd.fake.set_traffic_exhausted(RD_TOKEN);
    let (s, t) = rd
        .call(Method::POST, "/unrestrict/link", &[("link", &link)])
        .await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (403, r#"{"error":"traffic_exhausted","error_code":23}"#)
    );
    let (s, t) = rd
        .call(
            Method::GET,
            &format!("/torrents/instantAvailability/{BB_S01E03}"),
            &[],
        )
        .await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (403, r#"{"error":"disabled_endpoint","error_code":37}"#)
    );
    assert_eq!(rd.fake.instant_availability_calls(), 1);
    rd.fake.set_service_unavailable(true);
    let (s, t) = rd.call(Method::GET, "/user", &[]).await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (503, r#"{"error":"service_unavailable","error_code":25}"#)
    );
}

#[tokio::test]
async fn per_token_budget_counts_refused_calls() {
    let rd = Rd::start().await;
    rd.fake.set_rate_limit_per_minute(3);
    rd.fake.set_retry_after(Some(7));
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r =
            rd.c.get(format!("{}/user", rd.fake.url()))
                .bearer_auth(RD_TOKEN)
                .send()
                .await
                .unwrap();
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            assert_eq!(r.headers()["retry-after"], "7");
            assert_eq!(
                r.text().await.unwrap(),
                r#"{"error":"too_many_requests","error_code":34}"#
            );
        }
    }
    assert_eq!(statuses, vec![200, 200, 200, 429, 429]);
    assert_eq!(rd.fake.user_calls(), 5);
    // Another token has its own budget.
    rd.fake.add_token("OTHERTOKEN");
    let r =
        rd.c.get(format!("{}/user", rd.fake.url()))
            .bearer_auth("OTHERTOKEN")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
}
