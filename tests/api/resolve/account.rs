//! Answers about one account that must stay true to it: an outage is not a refused token, the
//! "token refused" entry is never kept, and the library shows what Ferrio just did.

use super::{config, location, resolve_path, stream_for, streams};
use crate::common::spawn_app;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::{Mode, fixtures};

#[tokio::test]
async fn a_cloudflare_block_is_an_outage_not_a_refused_token() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    rd.set_mode(Mode::CloudflareHtml);
    let during = streams(&app, &config(""), fixtures::MOVIE_ID, "movie").await;
    assert!(
        during.len() > 1,
        "the list is shown, not one 'token refused' entry: {during:?}"
    );
    assert!(
        during
            .iter()
            .all(|s| !s["url"].as_str().expect("url").contains("access-denied"))
    );
    let tap = location(
        &app,
        &resolve_path(&config(""), fixtures::SHAWSHANK_MULTI, "-", None),
    )
    .await;
    assert!(tap.ends_with("/static/status/unavailable.mp4"), "{tap}");

    rd.set_mode(Mode::Normal);
    rd.preload(fixtures::RD_TOKEN, fixtures::SHAWSHANK_MULTI);
    let after = streams(&app, &config(""), fixtures::MOVIE_ID, "movie").await;
    let library = stream_for(&after, fixtures::SHAWSHANK_MULTI).expect("stream");
    assert!(
        library["description"]
            .as_str()
            .expect("text")
            .starts_with("RD+ · in your library"),
        "once Real-Debrid answers, the library is read at once: no outage was cached for \
         this user"
    );
}

#[tokio::test]
async fn the_token_refused_entry_is_never_cached_fresh_or_stale() {
    let app = spawn_app().await;
    let token = "NOTYETVALIDTOKEN0000000000000000000000000000";
    let config = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{token}"}}"#));
    let path = format!("/{config}/stream/movie/{}.json", fixtures::MOVIE_ID);
    let response = app.get(&path).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["streams"].as_array().expect("streams").len(), 1);
    for field in ["cacheMaxAge", "staleRevalidate", "staleError"] {
        assert_eq!(body[field], 0, "{field}");
    }
}

#[tokio::test]
async fn the_library_shows_at_once_what_ferrio_added() {
    let app = spawn_app().await;
    let config = config("");
    let catalog = format!("/{config}/catalog/other/rd-library.json");
    let before = app.get_json(&catalog, 200).await;
    // Only the account-health item, first on the first page.
    assert_eq!(before["metas"].as_array().expect("metas").len(), 1);
    assert_eq!(before["metas"][0]["id"], "rd:health");
    let tap = location(
        &app,
        &resolve_path(&config, fixtures::SHAWSHANK_1080P_SHARED, "-", None),
    )
    .await;
    assert!(tap.contains("/dl/"), "{tap}");
    let after = app.get_json(&catalog, 200).await;
    assert_eq!(
        after["metas"].as_array().expect("metas").len(),
        2,
        "not up to five minutes later: {after}"
    );
    let listed = streams(&app, &config, fixtures::MOVIE_ID, "movie").await;
    let played = stream_for(&listed, fixtures::SHAWSHANK_1080P_SHARED).expect("stream");
    assert!(
        played["description"]
            .as_str()
            .expect("text")
            .starts_with("RD+ · in your library")
    );
}
