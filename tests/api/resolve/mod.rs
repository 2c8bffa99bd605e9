//! Real-Debrid end to end: the resolve route, its single-flight and fail-over, status videos,
//! cached markers in the stream list, and the library catalog.

mod account;
mod health;
mod hygiene;
mod instances;
mod maintenance;
mod tokens;
mod torrent_verdicts;
mod verdicts;
mod viewer;

use crate::common::{TestApp, spawn_app};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::{
    DmmFile,
    fixtures::{self, RD_TOKEN},
};
use serde_json::Value;

fn config(extra: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{RD_TOKEN}"{extra}}}"#))
}

fn resolve_path(config: &str, hash: &str, file: &str, video: Option<&str>) -> String {
    let query = video.map(|id| format!("?video={id}")).unwrap_or_default();
    format!("/{config}/resolve/realdebrid/{hash}/{file}/video.mkv{query}")
}

/// Resolves and returns the redirect target.
async fn location(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 302, "GET {path}");
    response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned()
}

fn is_status_video(location: &str, name: &str) -> bool {
    location.ends_with(&format!("/static/status/{name}.mp4"))
}

async fn streams(app: &TestApp, config: &str, id: &str, kind: &str) -> Vec<Value> {
    let response = app.stream(Some(config), kind, id).await;
    assert_eq!(response.status().as_u16(), 200, "stream {kind} {id}");
    let body: Value = response.json().await.expect("JSON body");
    body["streams"].as_array().expect("streams").clone()
}

/// The stream of the release with `hash` (not the upgrade row that may repeat its link).
fn stream_for<'a>(streams: &'a [Value], hash: &str) -> Option<&'a Value> {
    streams.iter().find(|s| {
        s["url"].as_str().is_some_and(|url| url.contains(hash))
            && !s["name"].as_str().unwrap_or_default().contains("⬆ Upgrade")
    })
}

#[tokio::test]
async fn a_cached_torrent_redirects_to_its_download_link_and_is_cached() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let path = resolve_path(&config(""), fixtures::SHAWSHANK_1080P_SHARED, "-", None);
    let first = location(&app, &path).await;
    assert!(
        first.starts_with(&rd.url()) && first.contains("/dl/"),
        "{first}"
    );
    let calls = rd.calls();
    assert_eq!(location(&app, &path).await, first);
    assert_eq!(
        rd.calls(),
        calls,
        "the second resolve makes no Real-Debrid call"
    );
    let download = app.client.get(&first).send().await.expect("download");
    assert_eq!(download.status().as_u16(), 200);
}

#[tokio::test]
async fn a_burst_of_taps_costs_one_resolution() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let path = resolve_path(&config(""), fixtures::SHAWSHANK_REMUX_DV, "-", None);
    let url = format!("{}{path}", app.address);
    let head = app.client.head(&url).send();
    let gets = (0..20).map(|_| app.client.get(&url).send());
    let (head, gets) = tokio::join!(head, futures::future::join_all(gets));
    let head = head.expect("HEAD");
    assert_eq!(head.status().as_u16(), 302);
    let expected = head.headers()["location"].clone();
    for response in gets {
        let response = response.expect("GET");
        assert_eq!(response.status().as_u16(), 302);
        assert_eq!(response.headers()["location"], expected);
    }
    assert_eq!(rd.add_magnet_calls(), 1);
    assert_eq!(rd.unrestrict_calls(), 1);
}

#[tokio::test]
async fn a_torrent_already_in_the_account_is_reused() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    rd.preload(RD_TOKEN, fixtures::SHAWSHANK_MULTI);
    let found = location(
        &app,
        &resolve_path(&config(""), fixtures::SHAWSHANK_MULTI, "-", None),
    )
    .await;
    assert!(found.contains("/dl/"), "{found}");
    assert_eq!(rd.add_magnet_calls(), 0);
}

#[tokio::test]
async fn the_file_is_chosen_by_index_by_episode_or_as_the_largest_video() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let by_episode = location(
        &app,
        &resolve_path(&config(""), fixtures::BB_S01_PACK, "s1e3", None),
    )
    .await;
    assert!(by_episode.contains("S01E03"), "{by_episode}");
    let by_index = location(
        &app,
        &resolve_path(&config(""), fixtures::BB_COMPLETE, "4", None),
    )
    .await;
    assert!(
        by_index.contains("S01E04"),
        "index 4 is file id 5: the fourth episode: {by_index}"
    );
    let hash = "00000000000000000000000000000000000000aa";
    rd.set_torrent_files(
        hash,
        vec![
            ("/Film/Film.nfo".into(), 2_000),
            ("/Film/Sample/film-sample.mkv".into(), 30_000_000),
            ("/Film/Film.2020.1080p.mkv".into(), 2_000_000_000),
            ("/Film/Extras.mkv".into(), 300_000_000),
        ],
    );
    rd.set_cached(hash, true);
    let largest = location(&app, &resolve_path(&config(""), hash, "-", None)).await;
    assert!(largest.contains("Film.2020.1080p.mkv"), "{largest}");
}

#[tokio::test]
async fn every_failure_redirects_to_the_video_that_says_why() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let bad =
        URL_SAFE_NO_PAD.encode(r#"{"realdebrid":"NOTAVALIDTOKEN0000000000000000000000000000"}"#);
    let cases: Vec<(String, &str)> = vec![
        (
            resolve_path(&bad, fixtures::SHAWSHANK_1080P_SHARED, "-", None),
            "access-denied",
        ),
        (
            resolve_path(&config(""), fixtures::SHAWSHANK_WEB_DL, "-", None),
            "infringing",
        ),
        (
            resolve_path(&config(""), fixtures::SHAWSHANK_DMM_ONLY, "-", None),
            "downloading",
        ),
    ];
    for (path, video) in &cases {
        let found = location(&app, path).await;
        assert!(is_status_video(&found, video), "{path}: {found}");
    }
    let archive = "00000000000000000000000000000000000000bb";
    rd.set_torrent_files(archive, vec![("/Film/film.rar".into(), 2_000_000_000)]);
    rd.set_cached(archive, true);
    assert!(is_status_video(
        &location(&app, &resolve_path(&config(""), archive, "-", None)).await,
        "no-video"
    ));
    for (status, hash) in [
        ("magnet_error", fixtures::SHAWSHANK_720P_YTS),
        ("dead", fixtures::SHAWSHANK_2160P_YTS),
    ] {
        rd.set_status_override(hash, status);
        let found = location(&app, &resolve_path(&config(""), hash, "-", None)).await;
        assert!(
            is_status_video(&found, "magnet-failed"),
            "{status}: {found}"
        );
    }
    rd.set_slots_full(true);
    let found = location(
        &app,
        &resolve_path(&config(""), fixtures::SHAWSHANK_ITA_ENG, "-", None),
    )
    .await;
    assert!(is_status_video(&found, "limits"), "{found}");
    rd.set_slots_full(false);
    rd.set_service_unavailable(true);
    let found = location(
        &app,
        &resolve_path(&config(""), fixtures::BB_S01E03, "-", None),
    )
    .await;
    assert!(is_status_video(&found, "unavailable"), "{found}");
}

#[tokio::test]
async fn a_429_backs_off_instead_of_storming() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    rd.set_rate_limit_per_minute(1);
    rd.set_retry_after(Some(60));
    let hashes = [
        fixtures::SHAWSHANK_1080P_SHARED,
        fixtures::SHAWSHANK_REMUX_DV,
        fixtures::SHAWSHANK_MULTI,
    ];
    for hash in hashes {
        let found = location(&app, &resolve_path(&config(""), hash, "-", None)).await;
        assert!(is_status_video(&found, "unavailable"), "{found}");
    }
    assert!(
        rd.calls() <= 2,
        "after the 429 no call reaches Real-Debrid: {} calls",
        rd.calls()
    );
}

#[tokio::test]
async fn a_dead_torrent_falls_over_to_the_next_cached_one() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    rd.preload(RD_TOKEN, fixtures::SHAWSHANK_1080P_SHARED);
    let path = resolve_path(
        &config(""),
        fixtures::SHAWSHANK_WEB_DL,
        "-",
        Some(fixtures::MOVIE_ID),
    );
    let found = location(&app, &path).await;
    assert!(
        found.contains("/dl/"),
        "fell over to a playable torrent: {found}"
    );
}

#[tokio::test]
async fn streams_are_marked_with_their_evidence() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    rd.preload(RD_TOKEN, fixtures::SHAWSHANK_MULTI);
    // Another user plays the remux: from then on it is "seen" for everyone.
    let other_token = "ANOTHERUSERTOKEN00000000000000000000000000000000";
    rd.add_token(other_token);
    let other = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{other_token}"}}"#));
    let theirs = streams(&app, &other, fixtures::MOVIE_ID, "movie").await;
    let remux_url = stream_for(&theirs, fixtures::SHAWSHANK_REMUX_DV).expect("remux")["url"]
        .as_str()
        .expect("url")
        .to_owned();
    location(&app, remux_url.strip_prefix(&app.address).expect("own URL")).await;

    let listed = streams(&app, &config(""), fixtures::MOVIE_ID, "movie").await;
    assert!(
        listed
            .iter()
            .all(|s| s["url"].is_string() && s.get("infoHash").is_none())
    );
    let library = stream_for(&listed, fixtures::SHAWSHANK_MULTI).expect("library stream");
    assert!(
        library["name"]
            .as_str()
            .expect("name")
            .starts_with("[RD+] ")
    );
    assert!(
        library["description"]
            .as_str()
            .expect("text")
            .starts_with("RD+ · in your library")
    );
    let seen = stream_for(&listed, fixtures::SHAWSHANK_REMUX_DV).expect("seen stream");
    assert!(
        seen["description"]
            .as_str()
            .expect("text")
            .starts_with("RD+ · seen just now"),
        "{seen}"
    );
    let unknown = stream_for(&listed, fixtures::SHAWSHANK_ITA_ENG).expect("uncached stream");
    assert!(
        unknown["name"]
            .as_str()
            .expect("name")
            .starts_with("[RD download] ")
    );
    let cached_only = streams(
        &app,
        &config(r#","cachedOnly":true"#),
        fixtures::MOVIE_ID,
        "movie",
    )
    .await;
    assert!(!cached_only.is_empty());
    assert!(
        cached_only
            .iter()
            .all(|s| s["name"].as_str().is_some_and(|n| n.starts_with("[RD+] ")))
    );
    let no_downloads = streams(
        &app,
        &config(r#","showDownloadLinks":false"#),
        fixtures::MOVIE_ID,
        "movie",
    )
    .await;
    assert_eq!(no_downloads.len(), cached_only.len());
}

#[tokio::test]
async fn dmm_availability_is_the_weakest_marker() {
    let app = spawn_app().await;
    app.fakes.dmm.set_available(
        fixtures::SHAWSHANK_DMM_ONLY,
        vec![DmmFile::new(2, "/Movie/movie.mkv", 2_000_000_000)],
    );
    let listed = streams(&app, &config(""), fixtures::MOVIE_ID, "movie").await;
    let marked = stream_for(&listed, fixtures::SHAWSHANK_DMM_ONLY).expect("stream");
    assert!(marked["name"].as_str().expect("name").starts_with("[RD+] "));
    assert!(
        marked["description"]
            .as_str()
            .expect("text")
            .starts_with("RD+ · cached according to DMM")
    );
    assert_eq!(app.fakes.dmm.availability_calls(), 1);
    streams(&app, &config(""), fixtures::MOVIE_ID, "movie").await;
    assert_eq!(
        app.fakes.dmm.availability_calls(),
        1,
        "the answer is cached"
    );
}

#[tokio::test]
async fn a_refused_token_gives_one_error_stream() {
    let app = spawn_app().await;
    let bad =
        URL_SAFE_NO_PAD.encode(r#"{"realdebrid":"NOTAVALIDTOKEN0000000000000000000000000000"}"#);
    let listed = streams(&app, &bad, fixtures::MOVIE_ID, "movie").await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0]["url"]
            .as_str()
            .expect("url")
            .ends_with("/static/status/access-denied.mp4")
    );
}

#[tokio::test]
async fn the_library_catalog_meta_and_streams() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let id = rd.preload(RD_TOKEN, fixtures::BB_S01_PACK);
    let config = config("");
    let manifest = app.get_json(&format!("/{config}/manifest.json"), 200).await;
    let catalogs = manifest["catalogs"].as_array().expect("catalogs");
    assert!(
        catalogs
            .iter()
            .any(|c| c["id"] == "rd-library" && c["type"] == "other")
    );
    let plain = app.get_json("/manifest.json", 200).await;
    assert!(
        plain["catalogs"]
            .as_array()
            .expect("catalogs")
            .iter()
            .all(|c| c["id"] != "rd-library")
    );

    let page = app
        .get_json(&format!("/{config}/catalog/other/rd-library.json"), 200)
        .await;
    let metas = page["metas"].as_array().expect("metas");
    assert_eq!(
        metas[0]["id"], "rd:health",
        "the account-health item comes first"
    );
    assert_eq!(metas[1]["id"], format!("rd:{id}"));
    let found = app
        .get_json(
            &format!("/{config}/catalog/other/rd-library/search=breaking.json"),
            200,
        )
        .await;
    assert_eq!(found["metas"].as_array().expect("metas").len(), 1);

    let meta = app
        .get_json(&format!("/{config}/meta/other/rd%3A{id}.json"), 200)
        .await;
    let videos = meta["meta"]["videos"].as_array().expect("videos");
    assert_eq!(videos.len(), 7, "one video per episode file");
    let video_id = videos[2]["id"].as_str().expect("id").to_owned();
    let listed = app
        .get_json(
            &format!(
                "/{config}/stream/other/{}.json",
                video_id.replace(':', "%3A")
            ),
            200,
        )
        .await;
    let url = listed["streams"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let path = url.strip_prefix(&app.address).expect("own URL");
    let found = location(&app, path).await;
    assert!(found.contains("S01E03"), "{found}");
}
