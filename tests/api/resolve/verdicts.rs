//! What one account's setbacks do to what other accounts see: a 451 or a "downloading" is
//! that account's at once, everyone's only when several accounts agree, and a success
//! anywhere clears it.

use super::{location, resolve_path, stream_for, streams};
use crate::common::TestApp;
use crate::common::spawn_app;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::fixtures;
use serde_json::Value;

/// A config for a user of its own, with its token registered in the fake.
fn user(app: &TestApp, name: &str) -> String {
    let token = format!("{name:A<48}");
    app.fakes.realdebrid.add_token(&token);
    URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{token}"}}"#))
}

async fn tap(app: &TestApp, config: &str, hash: &str) -> String {
    location(app, &resolve_path(config, hash, "-", None)).await
}

async fn listed(app: &TestApp, config: &str) -> Vec<Value> {
    streams(app, config, fixtures::MOVIE_ID, "movie").await
}

/// Taps the stream of `hash` in the user's list, as Stremio does (its link names the file the
/// source knew).
async fn tap_listed(app: &TestApp, config: &str, hash: &str) -> String {
    let list = listed(app, config).await;
    let url = stream_for(&list, hash).expect("offered")["url"]
        .as_str()
        .expect("url")
        .to_owned();
    location(app, url.strip_prefix(&app.address).expect("own URL")).await
}

fn description(stream: &Value) -> &str {
    stream["description"].as_str().expect("description")
}

const REFUSED_NOTE: &str = "refused this release to several accounts";

#[tokio::test]
async fn one_accounts_451_spares_that_account_and_nobody_else() {
    let app = spawn_app().await;
    let (first, second) = (user(&app, "FIRST"), user(&app, "SECOND"));
    let hash = fixtures::SHAWSHANK_WEB_DL;
    assert!(tap(&app, &first, hash).await.ends_with("infringing.mp4"));
    assert!(
        stream_for(&listed(&app, &first).await, hash).is_none(),
        "the refused account is not offered it again"
    );
    let theirs = listed(&app, &second).await;
    let stream = stream_for(&theirs, hash).expect("still offered to others");
    assert!(!description(stream).contains(REFUSED_NOTE));
}

#[tokio::test]
async fn several_accounts_refused_demote_it_for_everyone_until_one_plays_it() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let hash = fixtures::SHAWSHANK_WEB_DL;
    for name in ["ONE", "TWO", "THREE"] {
        let config = user(&app, name);
        assert!(tap(&app, &config, hash).await.ends_with("infringing.mp4"));
    }
    let bystander = user(&app, "BYSTANDER");
    let before = listed(&app, &bystander).await;
    let last = before.last().expect("streams");
    assert!(
        last["url"].as_str().expect("url").contains(hash),
        "ranked last, not hidden"
    );
    assert!(description(last).contains(REFUSED_NOTE), "{last}");

    rd.clear_infringing(hash);
    rd.set_cached(hash, true);
    let lucky = user(&app, "LUCKY");
    assert!(tap(&app, &lucky, hash).await.contains("/dl/"));
    let after = listed(&app, &bystander).await;
    let stream = stream_for(&after, hash).expect("offered");
    assert!(!description(stream).contains(REFUSED_NOTE), "{stream}");
    assert_ne!(
        after.last().map(|s| &s["url"]),
        Some(&stream["url"]),
        "back in its ranked place"
    );
    let one = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{:A<48}"}}"#, "ONE"));
    assert!(
        stream_for(&listed(&app, &one).await, hash).is_some(),
        "a success anywhere clears the refused account's memory too"
    );
}

#[tokio::test]
async fn a_451_while_the_account_is_throttled_is_not_a_verdict() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let throttled = user(&app, "THROTTLED");
    let token = format!("{:A<48}", "THROTTLED");
    rd.throttle_account(&token, 1);
    let first = tap(&app, &throttled, fixtures::SHAWSHANK_REMUX_DV).await;
    assert!(first.ends_with("unavailable.mp4"), "{first}");
    // Still throttled: Real-Debrid answers 451 for a torrent it accepts from everyone else.
    let penalty = tap(&app, &throttled, fixtures::SHAWSHANK_MULTI).await;
    assert!(penalty.ends_with("infringing.mp4"), "{penalty}");
    rd.end_throttle(&token);
    assert!(
        stream_for(&listed(&app, &throttled).await, fixtures::SHAWSHANK_MULTI).is_some(),
        "the penalty was not remembered against the torrent"
    );
}

#[tokio::test]
async fn one_accounts_downloading_does_not_erase_the_seen_marker_of_others() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let hash = fixtures::SHAWSHANK_REMUX_DV;
    let seer = user(&app, "SEER");
    assert!(tap_listed(&app, &seer, hash).await.contains("/dl/"));
    // Real-Debrid dropped it from its cache: the next accounts have to download it.
    rd.set_cached(hash, false);
    let unlucky = user(&app, "UNLUCKY");
    assert!(
        tap_listed(&app, &unlucky, hash)
            .await
            .ends_with("downloading.mp4")
    );
    let marker =
        |list: Vec<Value>| description(stream_for(&list, hash).expect("offered")).to_owned();
    assert!(
        marker(listed(&app, &unlucky).await).starts_with("RD download"),
        "the account that met it sees it as a download at once"
    );
    let other = user(&app, "OTHER");
    assert!(marker(listed(&app, &other).await).starts_with("RD+ · seen"));
    for name in ["SECOND", "THIRD"] {
        let config = user(&app, name);
        assert!(
            tap_listed(&app, &config, hash)
                .await
                .ends_with("downloading.mp4")
        );
    }
    assert!(
        marker(listed(&app, &other).await).starts_with("RD download"),
        "three accounts agree: the marker is gone for everyone"
    );
}
