//! The real binary's operational behaviour: what it logs, and how it stops.
//!
//! The user's token travels in the URL path. Run the real binary with debug logging, send it
//! every kind of request carrying a known fake token, and fail if the token or the config
//! segment shows up anywhere in what the process wrote.

use crate::common::spawn_binary;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

const TOKEN: &str = "LOGCANARYTOKEN7Q2W9E4R1T6Y3U8I5O0PZXCVBNM";
/// The viewer's address, passed on by the proxy header: it goes to Real-Debrid, never to a log.
const VIEWER: &str = "81.2.69.193";
/// A torrent the Real-Debrid fake knows, so the resolve request reaches Real-Debrid.
const SHARED: &str = ferrio_fakes::fixtures::SHAWSHANK_1080P_SHARED;

#[tokio::test]
async fn the_token_and_the_viewers_address_never_reach_the_logs() {
    let app = spawn_binary(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "Fly-Client-IP".into());
    })
    .await;
    app.fakes.realdebrid.set_require_client_ip(true);
    app.fakes.realdebrid.add_token(TOKEN);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let good = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{TOKEN}"}}"#));
    let bad = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{TOKEN}","sort":"{TOKEN}"}}"#));
    let percent = format!("%7B%22realdebrid%22%3A%22{TOKEN}%22%7D");
    let paths = [
        format!("/{good}/manifest.json"),
        format!("/{good}/stream/movie/tt0111161.json"),
        format!("/{good}/stream/series/tt0903747%3A1%3A3.json"),
        format!("/{good}/catalog/movie/yts-popular/skip=100.json"),
        format!("/{good}/configure"),
        format!("/{percent}/stream/movie/tt0111161.json"),
        format!("/{bad}/manifest.json"),
        format!("/{good}/stream/movie/{TOKEN}.json"),
        format!("/{good}/resolve/realdebrid/{SHARED}/-/movie.mkv?video=tt0111161"),
        format!("/{good}/catalog/other/rd-library.json"),
        format!("/{good}/no/such/route/{TOKEN}"),
    ];
    let mut statuses = Vec::new();
    for path in &paths {
        let response = client
            .get(format!("{}{path}", app.address))
            .header("Fly-Client-IP", VIEWER)
            .send()
            .await
            .expect("request");
        statuses.push(response.status().as_u16());
    }
    assert!(
        [200, 302, 400, 404]
            .iter()
            .all(|status| statuses.contains(status)),
        "{statuses:?}"
    );

    let logs = app.logs();
    assert!(
        logs.contains("http_request"),
        "request spans were logged:\n{logs}"
    );
    assert!(
        logs.contains("/stream/{type}/{id}.json"),
        "route patterns are logged"
    );
    let source_lines: Vec<serde_json::Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|entry| entry["message"] == "upstream call" && entry["upstream"] == "torrentio")
        .collect();
    assert!(!source_lines.is_empty(), "sources were asked:\n{logs}");
    for line in &source_lines {
        let in_request = line["spans"]
            .as_array()
            .is_some_and(|spans| spans.iter().any(|span| span["name"] == "http_request"));
        assert!(
            in_request,
            "a source's line is tied to the request that caused it: {line}"
        );
    }
    assert!(
        !logs.contains(TOKEN),
        "the token leaked into the logs:\n{logs}"
    );
    assert_eq!(
        app.fakes.realdebrid.ip_fields("unrestrict"),
        vec![Some(VIEWER.to_owned())],
        "the address did reach Real-Debrid"
    );
    assert!(
        !logs.contains(VIEWER),
        "the viewer's address leaked into the logs:\n{logs}"
    );
    for segment in [&good, &bad, &percent] {
        assert!(
            !logs.contains(segment.as_str()),
            "a config segment leaked into the logs"
        );
    }
}

#[tokio::test]
async fn sigterm_finishes_requests_in_flight_then_exits_cleanly() {
    let mut app = spawn_binary(|_| {}).await;
    app.fakes
        .torrentio
        .set_latency(std::time::Duration::from_millis(800));
    let url = format!("{}/stream/movie/tt0111161.json", app.address);
    let in_flight =
        tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status().as_u16()) });
    // Wait until the request is being served (Torrentio has been asked), then stop the server.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.fakes.torrentio.calls() == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        app.fakes.torrentio.calls(),
        1,
        "the request reached the sources"
    );
    let status = app.terminate(std::time::Duration::from_secs(15)).await;
    assert_eq!(
        in_flight.await.expect("join").ok(),
        Some(200),
        "the request in flight was answered"
    );
    assert!(
        status.is_some_and(|status| status.success()),
        "exited cleanly: {status:?}"
    );
}
