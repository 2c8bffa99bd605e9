//! The Stremio protocol surface: routes with and without config, CORS, cache headers,
//! percent-encoded ids, config encodings, sealed configs and every bad-input answer.

use crate::common::{TestApp, spawn_app, spawn_app_with};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio::protocol::{config::UserConfig, seal::Sealer};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::SecretString;
use serde_json::Value;

const TOKEN: &str = "FAKETOKENFORPROTOCOLTESTS0123456789ABCDEFGHIJ";

fn base64_config(json: &str) -> String {
    URL_SAFE_NO_PAD.encode(json)
}

fn percent_config(json: &str) -> String {
    utf8_percent_encode(json, NON_ALPHANUMERIC).to_string()
}

/// Asserts a JSON error answer and returns its message.
async fn expect_error(app: &TestApp, path: &str, status: u16) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), status, "GET {path}");
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        "*",
        "CORS on errors too"
    );
    assert!(
        header(&response, "content-type").starts_with("application/json"),
        "{path}"
    );
    let body: Value = response.json().await.expect("JSON error body");
    body["error"].as_str().expect("an error message").to_owned()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn manifest_is_served_with_cors_and_absolute_links() {
    let app = spawn_app().await;
    let response = app.manifest(None).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "access-control-allow-origin"), "*");
    assert!(header(&response, "cache-control").contains("max-age="));
    let manifest: Value = response.json().await.expect("JSON");
    assert_eq!(manifest["id"], "dev.ferrio.addon");
    assert_eq!(manifest["behaviorHints"]["configurable"], true);
    assert!(manifest["catalogs"].is_array());
    assert_eq!(manifest["logo"], format!("{}/static/logo.png", app.address));
    let logo = app.get("/static/logo.png").await;
    assert_eq!(logo.status().as_u16(), 200);
    assert_eq!(header(&logo, "content-type"), "image/png");
}

#[tokio::test]
async fn public_url_is_the_base_of_absolute_links() {
    let app = spawn_app_with(|env| {
        env.insert("PUBLIC_URL".into(), "https://ferrio.example".into());
    })
    .await;
    let manifest = app.get_json("/manifest.json", 200).await;
    assert_eq!(manifest["logo"], "https://ferrio.example/static/logo.png");
}

#[tokio::test]
async fn configured_manifests_are_installable_in_both_encodings() {
    let app = spawn_app().await;
    let json = format!(r#"{{"realdebrid":"{TOKEN}","sort":"size"}}"#);
    for segment in [base64_config(&json), percent_config(&json)] {
        let manifest = app
            .get_json(&format!("/{segment}/manifest.json"), 200)
            .await;
        assert_eq!(manifest["name"], "Ferrio RD");
        assert_eq!(manifest["behaviorHints"]["configurable"], true);
        assert!(
            manifest["behaviorHints"]
                .get("configurationRequired")
                .is_none()
        );
    }
    let plain = app
        .get_json(&format!("/{}/manifest.json", base64_config("{}")), 200)
        .await;
    assert_eq!(plain["name"], "Ferrio");
}

#[tokio::test]
async fn preflight_is_answered() {
    let app = spawn_app().await;
    let response = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/manifest.json", app.address),
        )
        .header("Origin", "https://web.stremio.com")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .expect("preflight");
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(header(&response, "access-control-allow-origin"), "*");
    assert!(header(&response, "access-control-allow-methods").contains("GET"));
}

#[tokio::test]
async fn head_is_answered_like_get_without_a_body() {
    let app = spawn_app().await;
    let response = app
        .client
        .head(format!("{}/manifest.json", app.address))
        .send()
        .await
        .expect("HEAD");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn resource_answers_carry_their_cache_policy_in_body_and_header() {
    let app = spawn_app().await;
    let response = app.get("/stream/movie/tt0000001.json").await;
    assert_eq!(response.status().as_u16(), 200);
    let cache_control = header(&response, "cache-control");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(
        body["streams"],
        Value::Array(vec![]),
        "an unknown title has no streams"
    );
    let expected = format!(
        "max-age={}, stale-while-revalidate={}, stale-if-error={}, public",
        body["cacheMaxAge"], body["staleRevalidate"], body["staleError"]
    );
    assert_eq!(cache_control, expected);
}

/// A list rendered from a config with a token holds links only its user may use: browsers may
/// keep it, shared caches (a CDN in front of Ferrio) may not.
#[tokio::test]
async fn answers_for_a_config_with_a_token_are_private() {
    let app = spawn_app().await;
    app.fakes.realdebrid.add_token(TOKEN);
    let segment = base64_config(&format!(r#"{{"realdebrid":"{TOKEN}"}}"#));
    let listed = app.stream(Some(&segment), "movie", "tt0111161").await;
    let cache_control = header(&listed, "cache-control");
    assert!(
        cache_control.ends_with(", private") && cache_control.starts_with("max-age="),
        "{cache_control}"
    );
    let library = app
        .catalog(Some(&segment), "other", "rd-library", None)
        .await;
    assert!(header(&library, "cache-control").ends_with(", private"));
    let plain = app.stream(None, "movie", "tt0111161").await;
    assert!(header(&plain, "cache-control").ends_with(", public"));
}

#[tokio::test]
async fn every_resource_route_exists_with_and_without_config() {
    let app = spawn_app().await;
    let config = base64_config(r#"{"sources":["yts"]}"#);
    for prefix in [String::new(), format!("/{config}")] {
        for (path, key) in [
            ("/stream/movie/tt0000001.json", "streams"),
            ("/stream/series/tt0000002%3A1%3A3.json", "streams"),
            ("/stream/series/tt0000002:1:3.json", "streams"),
            ("/catalog/movie/yts-popular.json", "metas"),
            ("/catalog/movie/yts-popular/skip=100.json", "metas"),
            (
                "/catalog/movie/yts-popular/genre=Sci-Fi&skip=100.json",
                "metas",
            ),
            (
                "/catalog/movie/yts-search/search=the%20matrix.json",
                "metas",
            ),
        ] {
            let body = app.get_json(&format!("{prefix}{path}"), 200).await;
            assert!(body[key].is_array(), "{prefix}{path}: {body}");
        }
    }
}

#[tokio::test]
async fn unknown_resources_types_and_prefixes_are_json_404s() {
    let app = spawn_app().await;
    for path in [
        "/subtitles/movie/tt0000001.json",
        "/addon_catalog/movie/x.json",
        "/stream/anime/tt0000001.json",
        "/stream/movie/kitsu%3A1.json",
        "/catalog/movie/no-such-catalog.json",
        "/catalog/series/yts-popular.json",
        "/meta/movie/tt0000001.json",
        "/nothing/here",
    ] {
        expect_error(&app, path, 404).await;
    }
}

#[tokio::test]
async fn malformed_ids_and_extras_are_json_400s_that_say_what_is_wrong() {
    let app = spawn_app().await;
    let cases = [
        ("/stream/movie/tt12ab.json", "movie id"),
        ("/stream/series/tt0903747.json", "season"),
        ("/stream/series/tt0903747%3Ax%3A3.json", "series id"),
        ("/catalog/movie/yts-popular/skip=-5.json", "skip"),
        ("/catalog/movie/yts-search.json", "search"),
        ("/stream/movie/%FF%FE.json", "UTF-8"),
    ];
    for (path, hint) in cases {
        let message = expect_error(&app, path, 400).await;
        assert!(message.contains(hint), "{path}: {message}");
    }
}

#[tokio::test]
async fn bad_configs_are_json_400s_without_the_config_in_the_body() {
    let app = spawn_app().await;
    let secret_bearing = base64_config(&format!(r#"{{"realdebrid":"{TOKEN}","sort":"{TOKEN}"}}"#));
    let too_long = base64_config(&format!(
        r#"{{"excludeKeywords":["{}"]}}"#,
        "x".repeat(4000)
    ));
    let cases = [
        ("not-a-config".to_owned(), "neither"),
        (secret_bearing, "sort"),
        (base64_config(r#"{"maxSizeGb":"big"}"#), "maxSizeGb"),
        (too_long, "longer than"),
        (
            "s.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
            "CONFIG_SECRET",
        ),
    ];
    for (segment, hint) in cases {
        for route in ["manifest.json", "stream/movie/tt0000001.json"] {
            let message = expect_error(&app, &format!("/{segment}/{route}"), 400).await;
            assert!(message.contains(hint), "{route}: {message}");
            assert!(!message.contains(TOKEN), "{message}");
        }
    }
}

#[tokio::test]
async fn sealed_configs_round_trip_and_another_key_is_refused() {
    let app = spawn_app_with(|env| {
        env.insert(
            "CONFIG_SECRET".into(),
            "the server secret, 32 bytes or more".into(),
        );
    })
    .await;
    let config: UserConfig =
        serde_json::from_str(&format!(r#"{{"realdebrid":"{TOKEN}"}}"#)).expect("config");
    let ours = Sealer::new(&SecretString::from(
        "the server secret, 32 bytes or more".to_owned(),
    ));
    let theirs = Sealer::new(&SecretString::from("another secret".to_owned()));

    let sealed = config.encode(Some(&ours));
    assert!(!sealed.contains(TOKEN));
    let manifest = app.get_json(&format!("/{sealed}/manifest.json"), 200).await;
    assert_eq!(manifest["name"], "Ferrio RD");

    let foreign = config.encode(Some(&theirs));
    let message = expect_error(&app, &format!("/{foreign}/manifest.json"), 400).await;
    assert!(message.contains("sealed"), "{message}");

    // Plain configs keep working on a server that seals.
    app.get_json(&format!("/{}/manifest.json", config.encode(None)), 200)
        .await;
}

#[tokio::test]
async fn operations_endpoints() {
    let app = spawn_app().await;
    assert_eq!(app.get_json("/healthz", 200).await["status"], "ok");
    let ready = app.readyz().await;
    assert_eq!(ready.status().as_u16(), 200);

    let segment = base64_config(&format!(r#"{{"realdebrid":"{TOKEN}"}}"#));
    app.get_json(&format!("/{segment}/stream/movie/tt0000001.json"), 200)
        .await;
    let metrics = app.metrics().await.text().await.expect("text");
    assert!(
        metrics.contains(r#"ferrio_http_requests_total{method="GET",route="/stream/{type}/{id}.json",status="200"}"#),
        "{metrics}"
    );
    assert!(!metrics.contains(TOKEN));
    assert!(!metrics.contains(&segment));
}

#[tokio::test]
async fn a_stream_list_asked_again_within_seconds_is_served_as_rendered() {
    let app = spawn_app_with(|env| {
        env.insert("HOT_RESPONSE_TTL_MS".into(), "60000".into());
    })
    .await;
    let first = app.get_json("/stream/movie/tt0111161.json", 200).await;
    let second = app.get_json("/stream/movie/tt0111161.json", 200).await;
    assert_eq!(first, second);
    let other_config = format!(
        "/{}/stream/movie/tt0111161.json",
        base64_config(r#"{"sort":"size"}"#)
    );
    app.get_json(&other_config, 200).await;
    let metrics = app.metrics().await.text().await.expect("text");
    let count = |event: &str| {
        let line =
            format!(r#"ferrio_cache_events_total{{event="{event}",family="hot_response"}} "#);
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&line))
            .map(str::to_owned)
    };
    assert_eq!(count("hit").as_deref(), Some("1"), "{metrics}");
    assert_eq!(
        count("miss").as_deref(),
        Some("2"),
        "another config is another answer"
    );
    // An empty list is never kept: its sources may only have been late.
    app.get_json("/stream/movie/tt0000001.json", 200).await;
    app.get_json("/stream/movie/tt0000001.json", 200).await;
    let metrics = app.metrics().await.text().await.expect("text");
    let misses = metrics.lines().find_map(|l| {
        l.strip_prefix(r#"ferrio_cache_events_total{event="miss",family="hot_response"} "#)
    });
    assert_eq!(misses, Some("4"), "{metrics}");
}

#[tokio::test]
async fn query_strings_and_path_encodings_share_one_rendered_answer() {
    let app = spawn_app_with(|env| {
        env.insert("HOT_RESPONSE_TTL_MS".into(), "60000".into());
    })
    .await;
    let first = app.get_json("/stream/movie/tt0111161.json", 200).await;
    for variant in [
        "/stream/movie/tt0111161.json?n=1",
        "/stream/movie/tt0111161.json?n=2&x=y",
        "/stream/movie/%74t0111161.json",
    ] {
        assert_eq!(app.get_json(variant, 200).await, first, "{variant}");
    }
    let metrics = app.metrics().await.text().await.expect("text");
    assert!(
        metrics.contains(r#"ferrio_cache_events_total{event="hit",family="hot_response"} 3"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"ferrio_cache_events_total{event="miss",family="hot_response"} 1"#),
        "one entry, however the request was spelt: {metrics}"
    );
}

/// The manifest's logo URL as answered for `host`, with `forwarded` as `X-Forwarded-Host`.
async fn logo_for(app: &crate::common::TestApp, host: &str, forwarded: &str) -> (String, String) {
    let response = app
        .client
        .get(format!("{}/manifest.json", app.address))
        .header("Host", host)
        .header("X-Forwarded-Host", forwarded)
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .expect("answered");
    let vary = response
        .headers()
        .get_all("vary")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    let manifest: Value = response.json().await.expect("JSON");
    (
        manifest["logo"].as_str().unwrap_or_default().to_owned(),
        vary,
    )
}

#[tokio::test]
async fn links_name_an_allowed_host_and_forwarded_headers_only_when_trusted() {
    let app = spawn_app_with(|env| {
        env.insert(
            "PUBLIC_HOSTS".into(),
            "ferrio.example, alt.example:8443".into(),
        );
    })
    .await;
    let (logo, vary) = logo_for(&app, "alt.example:8443", "evil.example").await;
    assert_eq!(logo, "http://alt.example:8443/static/logo.png");
    assert!(vary.contains("Host"), "{vary}");
    let (logo, _) = logo_for(&app, "evil.example", "evil.example").await;
    assert_eq!(
        logo, "http://ferrio.example/static/logo.png",
        "the first allowed host"
    );

    let trusting = spawn_app_with(|env| {
        env.insert("TRUST_FORWARDED_HOST".into(), "true".into());
    })
    .await;
    let (logo, vary) = logo_for(&trusting, "inner:8080", "ferrio.example").await;
    assert_eq!(logo, "https://ferrio.example/static/logo.png");
    assert!(vary.contains("X-Forwarded-Host"), "{vary}");

    let fixed = spawn_app_with(|env| {
        env.insert("PUBLIC_URL".into(), "https://ferrio.example".into());
    })
    .await;
    let (_, vary) = logo_for(&fixed, "anything.example", "evil.example").await;
    assert!(
        !vary.contains("Host"),
        "links do not depend on the host: {vary}"
    );
}

#[tokio::test]
async fn metrics_answer_only_the_bearer_of_the_metrics_token_when_one_is_set() {
    let app = spawn_app_with(|env| {
        env.insert("METRICS_TOKEN".into(), "scrape-me-0123456789".into());
    })
    .await;
    let refused = app.metrics().await;
    assert_eq!(refused.status().as_u16(), 401);
    let body: Value = refused.json().await.expect("JSON error");
    assert!(body["error"].is_string());
    let wrong = app
        .client
        .get(format!("{}/metrics", app.address))
        .bearer_auth("scrape-me-0123456788")
        .send()
        .await
        .expect("answered");
    assert_eq!(wrong.status().as_u16(), 401);
    let right = app
        .client
        .get(format!("{}/metrics", app.address))
        .bearer_auth("scrape-me-0123456789")
        .send()
        .await
        .expect("answered");
    assert_eq!(right.status().as_u16(), 200);
    assert!(right.text().await.expect("text").contains("ferrio_"));
}

/// One client sending made-up ids spends its own allowance of source calls, not everyone's:
/// another client's title is still asked of every source, ids beyond IMDb's frontier cost no
/// call at all, and the refusals are counted.
#[tokio::test]
async fn a_client_spends_its_own_allowance_of_source_calls() {
    let app = spawn_app_with(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "Fly-Client-IP".into());
        env.insert("CLIENT_FETCH_BURST".into(), "6".into());
        env.insert("CLIENT_FETCHES_PER_MINUTE".into(), "1".into());
    })
    .await;
    let from = |client: &'static str, path: String| {
        let app = &app;
        async move { app.get_from(&path, client).await }
    };
    let fakes = &app.fakes;
    let calls = || fakes.dmm.search_calls() + fakes.yts.calls() + fakes.torrentio.stream_calls();
    for n in 0..20 {
        let made_up = from(
            "81.2.69.200",
            format!("/stream/movie/tt{:07}.json", 100 + n),
        )
        .await;
        assert_eq!(
            made_up.status().as_u16(),
            200,
            "fewer results, never an error"
        );
    }
    assert!(calls() <= 6, "the attacker's allowance: {} calls", calls());
    let before = fakes.dmm.search_calls();
    let theirs = from("81.2.69.201", "/stream/movie/tt0111161.json".to_owned()).await;
    let body: Value = theirs.json().await.expect("JSON");
    assert!(!body["streams"].as_array().expect("streams").is_empty());
    assert_eq!(
        fakes.dmm.search_calls(),
        before + 1,
        "another user's title reaches DMM"
    );
    let spent = calls();
    let beyond = from("81.2.69.202", "/stream/movie/tt99999999.json".to_owned()).await;
    assert_eq!(beyond.status().as_u16(), 200);
    assert_eq!(calls(), spent, "an id beyond IMDb's frontier costs no call");
    let metrics = app.metrics().await.text().await.expect("text");
    assert!(
        metrics.contains(r#"ferrio_refusals_total{reason="client_budget"}"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"ferrio_refusals_total{reason="imdb_frontier"} 1"#));
}
