//! Verdicts about torrents from Real-Debrid's terminal statuses: shared by every user, ranked
//! or hidden as the table in `debrid/verdicts.rs` says, and cleared by a later success.

use super::{config, location, resolve_path, stream_for, streams};
use crate::common::{TestApp, spawn_app};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::fixtures::{self, RD_TOKEN};
use serde_json::Value;

/// Another account taps `hash` while Real-Debrid gives it `status`.
async fn tapped_by_another_account(app: &TestApp, hash: &str, status: &str, n: usize) {
    let token = format!("VERDICTUSER{n:02}{}", &RD_TOKEN[13..]);
    app.fakes.realdebrid.add_token(&token);
    app.fakes.realdebrid.set_status_override(hash, status);
    let config = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{token}"}}"#));
    let location = location(app, &resolve_path(&config, hash, "-", None)).await;
    assert!(location.contains("/static/status/"), "{location}");
    app.fakes.realdebrid.clear_status_override(hash);
}

fn description(stream: &Value) -> &str {
    stream["description"].as_str().unwrap_or_default()
}

async fn movie_streams(app: &TestApp) -> Vec<Value> {
    streams(app, &config(""), fixtures::MOVIE_ID, "movie").await
}

#[tokio::test]
async fn a_dead_torrent_goes_after_the_healthy_ones_of_its_quality_with_a_note() {
    let app = spawn_app().await;
    tapped_by_another_account(&app, fixtures::SHAWSHANK_MULTI, "dead", 1).await;
    let after = movie_streams(&app).await;
    let at = after
        .iter()
        .position(|s| {
            s["url"]
                .as_str()
                .is_some_and(|url| url.contains(fixtures::SHAWSHANK_MULTI))
        })
        .expect("still shown");
    let judged = &after[at];
    assert!(
        description(judged).contains("found this torrent dead lately"),
        "{judged}"
    );
    let quality = |stream: &Value| {
        let name = stream["name"].as_str().unwrap_or_default();
        let line = name.lines().nth(1).unwrap_or_default();
        line.split_whitespace().next().map(str::to_owned)
    };
    assert!(
        after[at + 1..]
            .iter()
            .all(|s| quality(s) != quality(judged)),
        "after every healthy release of its quality"
    );
    let metrics = app.metrics().await.text().await.expect("metrics");
    assert!(
        metrics.contains(r#"ferrio_rd_verdicts_total{kind="dead"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_virus_is_hidden_until_a_success_clears_it() {
    let app = spawn_app().await;
    tapped_by_another_account(&app, fixtures::SHAWSHANK_MULTI, "virus", 1).await;
    assert!(stream_for(&movie_streams(&app).await, fixtures::SHAWSHANK_MULTI).is_none());
    // Real-Debrid plays it for someone: the verdict no longer holds.
    let played = location(
        &app,
        &resolve_path(&config(""), fixtures::SHAWSHANK_MULTI, "-", None),
    )
    .await;
    assert!(played.contains("/dl/"), "{played}");
    let healed = movie_streams(&app).await;
    let shown = stream_for(&healed, fixtures::SHAWSHANK_MULTI).expect("shown again");
    assert!(!description(shown).contains("virus"));
}

#[tokio::test]
async fn when_every_release_carries_a_verdict_all_are_shown_with_their_notes() {
    let app = spawn_app().await;
    let hashes: Vec<String> = movie_streams(&app)
        .await
        .iter()
        .filter_map(|s| s["url"].as_str())
        .filter_map(|url| url.split("/resolve/realdebrid/").nth(1))
        .filter_map(|rest| rest.split('/').next())
        .map(str::to_owned)
        .collect();
    assert!(hashes.len() >= 3);
    for (n, hash) in hashes.iter().enumerate() {
        // An infringing torrent never reaches a status: let every one reach it here.
        app.fakes.realdebrid.clear_infringing(hash);
        tapped_by_another_account(&app, hash, "virus", n).await;
    }
    let all = movie_streams(&app).await;
    assert_eq!(
        all.len(),
        hashes.len(),
        "nothing hidden when nothing is clean"
    );
    assert!(
        all.iter()
            .all(|s| description(s).contains("flagged this torrent as a virus"))
    );
}

/// The user's account holds a copy of the torrent that Real-Debrid failed.
fn failed_copy_in_account(app: &TestApp) -> String {
    let rd = &app.fakes.realdebrid;
    let id = rd.preload(RD_TOKEN, fixtures::SHAWSHANK_MULTI);
    rd.fail_torrent(RD_TOKEN, &id, "magnet_error");
    id
}

#[tokio::test]
async fn playing_a_torrent_whose_copy_failed_deletes_that_copy_and_plays() {
    let app = spawn_app().await;
    let failed = failed_copy_in_account(&app);
    let played = location(
        &app,
        &resolve_path(&config(""), fixtures::SHAWSHANK_MULTI, "-", None),
    )
    .await;
    assert!(played.contains("/dl/"), "the first tap plays: {played}");
    let rd = &app.fakes.realdebrid;
    assert_eq!(rd.delete_calls(), 1);
    let ids: Vec<String> = rd.torrents(RD_TOKEN).into_iter().map(|t| t.id).collect();
    assert!(!ids.contains(&failed), "the failed copy is gone: {ids:?}");
    assert_eq!(ids.len(), 1, "and a new copy plays");
}

#[tokio::test]
async fn without_clean_failed_the_failed_copy_is_left_alone() {
    let app = spawn_app().await;
    let failed = failed_copy_in_account(&app);
    let config = config(r#","cleanFailed":false"#);
    let played = location(
        &app,
        &resolve_path(&config, fixtures::SHAWSHANK_MULTI, "-", None),
    )
    .await;
    assert!(played.contains("/dl/"), "{played}");
    let rd = &app.fakes.realdebrid;
    assert_eq!(rd.delete_calls(), 0);
    let ids: Vec<String> = rd.torrents(RD_TOKEN).into_iter().map(|t| t.id).collect();
    assert!(ids.contains(&failed) && ids.len() == 2, "{ids:?}");
}
