//! The account-health item of the Real-Debrid library catalog and its clean-up actions, with
//! every safety rule: HEAD never acts, codes are bound to the token, action and listing and
//! expire, one tap's requests run once, only the listing's torrents are touched.

use super::{config, location, streams};
use crate::common::{TestApp, spawn_app};
use ferrio_fakes::fixtures::{self, RD_TOKEN};
use serde_json::Value;

const HEALTH: &str = "rd:health";

/// An account with a healthy torrent the user added, two failed ones and one `virus`.
fn account_with_failures(app: &TestApp) -> Vec<String> {
    let rd = &app.fakes.realdebrid;
    rd.preload(RD_TOKEN, fixtures::SHAWSHANK_1080P_SHARED);
    let mut failed = Vec::new();
    for (hash, status) in [
        (fixtures::SHAWSHANK_MULTI, "magnet_error"),
        (fixtures::SHAWSHANK_WEB_DL, "dead"),
        (fixtures::SHAWSHANK_CAM, "virus"),
    ] {
        let id = rd.preload(RD_TOKEN, hash);
        rd.fail_torrent(RD_TOKEN, &id, status);
        failed.push(id);
    }
    failed
}

async fn first_item(app: &TestApp, config: &str) -> Value {
    let page = app.catalog(Some(config), "other", "rd-library", None).await;
    assert_eq!(page.status().as_u16(), 200);
    let body: Value = page.json().await.expect("JSON");
    body["metas"][0].clone()
}

/// The action stream whose description starts with `what`, and its URL's path.
fn action<'a>(streams: &'a [Value], what: &str) -> &'a str {
    let stream = streams
        .iter()
        .find(|s| {
            s["description"]
                .as_str()
                .is_some_and(|d| d.starts_with(what))
        })
        .unwrap_or_else(|| panic!("no {what} among {streams:?}"));
    let url = stream["url"].as_str().expect("url");
    &url[url
        .find("/rd/cleanup/")
        .map_or(0, |at| url[..at].rfind('/').unwrap_or(at))..]
}

#[tokio::test]
async fn the_health_item_comes_first_and_counts_failed_stalled_and_active_torrents() {
    let app = spawn_app().await;
    account_with_failures(&app);
    let item = first_item(&app, &config("")).await;
    assert_eq!(item["id"], HEALTH);
    assert_eq!(
        item["name"],
        "🧹 Account health — 3 failed · 0 stalled · 0/10 active"
    );
    assert!(
        item["description"]
            .as_str()
            .is_some_and(|d| d.contains("1 magnet_error · 1 virus · 1 dead")),
        "{item}"
    );
    let meta = app
        .get_json(&format!("/{}/meta/other/{HEALTH}.json", config("")), 200)
        .await;
    assert_eq!(meta["meta"]["name"], item["name"]);
    let second = app
        .catalog(Some(&config("")), "other", "rd-library", Some("skip=100"))
        .await;
    let body: Value = second.json().await.expect("JSON");
    assert!(
        body["metas"]
            .as_array()
            .is_some_and(|m| m.iter().all(|m| m["id"] != HEALTH))
    );
}

#[tokio::test]
async fn deleting_failed_torrents_touches_only_them_once_for_a_burst_of_taps() {
    let app = spawn_app().await;
    let failed = account_with_failures(&app);
    let rd = &app.fakes.realdebrid;
    let listed = streams(&app, &config(""), HEALTH, "other").await;
    let path = action(&listed, "🗑 Delete 3 failed torrents").to_owned();
    // The player's HEAD probe does nothing.
    let head = app
        .client
        .head(format!("{}{path}", app.address))
        .send()
        .await
        .expect("HEAD");
    assert_eq!(head.status().as_u16(), 200);
    assert!(rd.deletions(RD_TOKEN).is_empty(), "HEAD never acts");
    // A torrent that fails after the listing is not the listing's.
    let later = rd.preload(RD_TOKEN, fixtures::SHAWSHANK_ITA_ENG);
    rd.fail_torrent(RD_TOKEN, &later, "error");
    let taps = (0..20).map(|_| location(&app, &path));
    let outcomes = futures::future::join_all(taps).await;
    assert!(
        outcomes
            .iter()
            .all(|o| o.ends_with("/static/status/cleanup/deleted-3.mp4")),
        "{outcomes:?}"
    );
    let mut deleted: Vec<String> = rd.deletions(RD_TOKEN).into_iter().map(|t| t.id).collect();
    deleted.sort();
    let mut expected = failed.clone();
    expected.sort();
    assert_eq!(deleted, expected, "each listed torrent once, nothing else");
    let left: Vec<String> = rd
        .torrents(RD_TOKEN)
        .into_iter()
        .map(|t| t.status)
        .collect();
    assert_eq!(
        left.len(),
        2,
        "the healthy torrent and the later failure stay: {left:?}"
    );
    let video = app
        .get(&location(&app, &path).await.replace(&app.address, ""))
        .await;
    assert_eq!(video.status().as_u16(), 200, "the outcome video is served");
}

#[tokio::test]
async fn forged_stale_or_foreign_codes_do_nothing() {
    let app = spawn_app().await;
    account_with_failures(&app);
    let rd = &app.fakes.realdebrid;
    let listed = streams(&app, &config(""), HEALTH, "other").await;
    let path = action(&listed, "🗑 Delete 3 failed torrents").to_owned();
    let (head, code) = path.rsplit_once('/').expect("code");
    let forged = format!("{head}/{}", "0".repeat(32));
    assert!(
        location(&app, &forged)
            .await
            .ends_with("cleanup/expired.mp4")
    );
    // The same link under another account's config.
    let other = "OTHERUSERFORHEALTH0000000000000000000000000000000000";
    rd.add_token(other);
    let foreign_config = base64_config(other);
    let foreign = path.replacen(&config(""), &foreign_config, 1);
    assert!(
        location(&app, &foreign)
            .await
            .ends_with("cleanup/expired.mp4")
    );
    // Another action with this listing's code.
    let swapped = path.replacen("delete-failed", "retry-magnets", 1);
    assert!(
        location(&app, &swapped)
            .await
            .ends_with("cleanup/expired.mp4")
    );
    // An expiry pushed later than the code was made for.
    let parts: Vec<&str> = head.rsplitn(2, '/').collect();
    let expires: u64 = parts[0].parse().expect("expiry");
    let later = format!("{}/{}/{code}", parts[1], expires + 3_600_000);
    assert!(
        location(&app, &later)
            .await
            .ends_with("cleanup/expired.mp4")
    );
    assert!(rd.deletions(RD_TOKEN).is_empty());
    let malformed = app.get(&format!("{head}/not-hex")).await;
    assert_eq!(malformed.status().as_u16(), 400);
}

fn base64_config(token: &str) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{token}"}}"#))
}

#[tokio::test]
async fn magnet_errors_are_retried_with_rebuilt_magnets_and_a_clean_account_has_nothing_to_do() {
    let app = spawn_app().await;
    account_with_failures(&app);
    let rd = &app.fakes.realdebrid;
    let listed = streams(&app, &config(""), HEALTH, "other").await;
    let path = action(&listed, "🔁 Retry 1 magnet_error torrents").to_owned();
    assert!(
        location(&app, &path)
            .await
            .ends_with("cleanup/retried-1.mp4")
    );
    let magnet = rd.magnets().pop().expect("re-added");
    assert!(
        magnet.contains(fixtures::SHAWSHANK_MULTI) && magnet.contains("&tr="),
        "{magnet}"
    );
    let rest = streams(&app, &config(""), HEALTH, "other").await;
    let path = action(&rest, "🗑 Delete 2 failed torrents").to_owned();
    assert!(
        location(&app, &path)
            .await
            .ends_with("cleanup/deleted-2.mp4")
    );
    let clean = streams(&app, &config(""), HEALTH, "other").await;
    assert_eq!(clean.len(), 1);
    assert_eq!(clean[0]["description"], "✅ Nothing to clean");
}

#[tokio::test]
async fn a_failed_torrent_beyond_the_fifth_page_is_counted_and_cleaned() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let old = rd.preload(RD_TOKEN, fixtures::SHAWSHANK_MULTI);
    rd.fail_torrent(RD_TOKEN, &old, "error");
    // 550 newer torrents push it onto the sixth page of 100.
    rd.fill_library(RD_TOKEN, 550);
    let torrents = rd.torrents(RD_TOKEN);
    let newest_first: Vec<&str> = torrents.iter().rev().map(|t| t.id.as_str()).collect();
    assert!(
        newest_first
            .iter()
            .position(|id| *id == old)
            .is_some_and(|at| at >= 500)
    );
    let item = first_item(&app, &config("")).await;
    assert!(
        item["name"]
            .as_str()
            .is_some_and(|n| n.contains("1 failed")),
        "{item}"
    );
    let listed = streams(&app, &config(""), HEALTH, "other").await;
    let path = action(&listed, "🗑 Delete 1 failed torrents").to_owned();
    assert!(
        location(&app, &path)
            .await
            .ends_with("cleanup/deleted-1.mp4")
    );
    let deleted: Vec<String> = rd.deletions(RD_TOKEN).into_iter().map(|t| t.id).collect();
    assert_eq!(deleted, [old]);
}

#[tokio::test]
async fn taps_on_two_instances_sharing_redis_run_the_action_once() {
    let redis = crate::common::redis::RedisServer::start().await;
    let url = redis.url();
    let first = crate::common::spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), url.clone());
    })
    .await;
    let second = crate::common::spawn_app_on(first.fakes.clone(), |env| {
        env.insert("REDIS_URL".into(), url.clone());
    })
    .await;
    let failed = account_with_failures(&first);
    let listed = streams(&first, &config(""), HEALTH, "other").await;
    let path = action(&listed, "🗑 Delete 3 failed torrents").to_owned();
    let taps = (0..20).map(|n| location(if n % 2 == 0 { &first } else { &second }, &path));
    let outcomes = futures::future::join_all(taps).await;
    assert!(
        outcomes
            .iter()
            .all(|o| o.ends_with("/static/status/cleanup/deleted-3.mp4")),
        "{outcomes:?}"
    );
    assert_eq!(
        first.fakes.realdebrid.deletions(RD_TOKEN).len(),
        failed.len()
    );
}

#[tokio::test]
async fn a_refused_retry_keeps_the_failed_torrent() {
    let app = spawn_app().await;
    let failed = account_with_failures(&app);
    let rd = &app.fakes.realdebrid;
    let listed = streams(&app, &config(""), HEALTH, "other").await;
    let path = action(&listed, "🔁 Retry 1 magnet_error torrents").to_owned();
    rd.set_slots_full(true);
    assert!(location(&app, &path).await.ends_with("cleanup/failed.mp4"));
    assert!(
        rd.deletions(RD_TOKEN).is_empty(),
        "nothing deleted before a copy is in"
    );
    assert!(rd.torrents(RD_TOKEN).iter().any(|t| t.id == failed[0]));
}

#[tokio::test]
async fn a_retried_copy_of_the_users_own_torrent_stays_the_users() {
    let app = spawn_app().await;
    account_with_failures(&app);
    let rd = &app.fakes.realdebrid;
    let before: Vec<String> = rd.torrents(RD_TOKEN).into_iter().map(|t| t.id).collect();
    let listed = streams(&app, &config(""), HEALTH, "other").await;
    let path = action(&listed, "🔁 Retry 1 magnet_error torrents").to_owned();
    assert!(
        location(&app, &path)
            .await
            .ends_with("cleanup/retried-1.mp4")
    );
    assert_retried_copy_stays_users(&app, &before).await;
}

/// Stalls the account's torrent that is not in `before` (the copy a retry added) for two days,
/// and asserts the account health still counts none stalled: the copy is the user's, never
/// Ferrio's to delete.
pub(super) async fn assert_retried_copy_stays_users(app: &TestApp, before: &[String]) {
    let rd = &app.fakes.realdebrid;
    let copy = rd
        .torrents(RD_TOKEN)
        .into_iter()
        .find(|t| !before.contains(&t.id))
        .expect("the new copy");
    rd.stall_torrent(RD_TOKEN, &copy.id, 48);
    let item = first_item(app, &config("")).await;
    assert!(
        item["name"]
            .as_str()
            .is_some_and(|n| n.contains("0 stalled")),
        "the user's torrent is never Ferrio's to delete: {item}"
    );
}
