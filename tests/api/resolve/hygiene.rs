//! Real-Debrid account hygiene on play: the rebuilt magnet after a `magnet_error`, the slots
//! `freeSlots` frees (only stalled downloads Ferrio added), and the ledger of what Ferrio added.

use super::{config, is_status_video, location, resolve_path};
use crate::common::{TestApp, spawn_app};
use ferrio_fakes::fixtures::{self, RD_TOKEN};

/// A hash no source lists and Real-Debrid does not have cached: it downloads, never finishes.
const UNCACHED: &str = "00000000000000000000000000000000000c0ffe";
const OTHER_UNCACHED: &str = "00000000000000000000000000000000000beef0";

#[tokio::test]
async fn a_magnet_error_copy_is_replaced_by_a_rebuilt_magnet_with_the_sources_trackers() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let id = rd.preload(RD_TOKEN, fixtures::SHAWSHANK_MULTI);
    rd.fail_torrent(RD_TOKEN, &id, "magnet_error");
    let path = resolve_path(
        &config(""),
        fixtures::SHAWSHANK_MULTI,
        "-",
        Some(fixtures::MOVIE_ID),
    );
    let played = location(&app, &path).await;
    assert!(played.contains("/dl/"), "the first tap plays: {played}");
    let magnets = rd.magnets();
    let added = magnets.last().expect("one add");
    assert!(
        added.starts_with(&format!(
            "magnet:?xt=urn:btih:{}",
            fixtures::SHAWSHANK_MULTI
        )),
        "{added}"
    );
    // Torrentio reported two trackers for this release; one is not among the public ones.
    assert!(
        added.contains("&tr=udp%3A%2F%2Fexodus%2Edesync%2Ecom"),
        "{added}"
    );
    assert!(
        added.contains("&tr=udp%3A%2F%2Ftracker%2Eopentrackr%2Eorg"),
        "{added}"
    );
    assert_eq!(rd.deletions(RD_TOKEN).len(), 1, "only the failed copy");
}

#[tokio::test]
async fn other_failed_copies_are_added_again_with_the_bare_magnet() {
    for status in ["error", "virus", "dead"] {
        let app = spawn_app().await;
        let rd = &app.fakes.realdebrid;
        let id = rd.preload(RD_TOKEN, fixtures::SHAWSHANK_MULTI);
        rd.fail_torrent(RD_TOKEN, &id, status);
        let path = resolve_path(&config(""), fixtures::SHAWSHANK_MULTI, "-", None);
        let played = location(&app, &path).await;
        assert!(played.contains("/dl/"), "{status}: {played}");
        let deleted = rd.deletions(RD_TOKEN);
        assert_eq!(deleted.len(), 1, "{status}");
        assert_eq!(deleted[0].status, status);
        let magnets = rd.magnets();
        assert!(
            !magnets.last().expect("an add").contains("&tr="),
            "{status}"
        );
    }
}

/// Ferrio adds an uncached torrent for the user (it starts downloading), which then stalls
/// for `hours`.
async fn ferrio_added_download(app: &TestApp, config: &str, hash: &str, hours: u64) -> String {
    let rd = &app.fakes.realdebrid;
    let tapped = location(app, &resolve_path(config, hash, "-", None)).await;
    assert!(is_status_video(&tapped, "downloading"), "{tapped}");
    let id = rd
        .torrents(RD_TOKEN)
        .into_iter()
        .find(|t| t.hash == hash)
        .expect("added")
        .id;
    rd.stall_torrent(RD_TOKEN, &id, hours);
    id
}

#[tokio::test]
async fn free_slots_deletes_only_the_oldest_stalled_download_ferrio_added() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let config = config(r#","freeSlots":true"#);
    let stalled = ferrio_added_download(&app, &config, UNCACHED, 30).await;
    // The user's own download, stalled just as long: never Ferrio's to delete.
    let users = rd.add_download(RD_TOKEN, OTHER_UNCACHED);
    rd.stall_torrent(RD_TOKEN, &users, 40);
    rd.set_active_limit(2);
    let played = location(
        &app,
        &resolve_path(&config, fixtures::SHAWSHANK_1080P_SHARED, "-", None),
    )
    .await;
    assert!(played.contains("/dl/"), "the slot was freed: {played}");
    let deleted: Vec<String> = rd.deletions(RD_TOKEN).into_iter().map(|t| t.id).collect();
    assert_eq!(deleted, [stalled]);
    assert!(rd.torrents(RD_TOKEN).iter().any(|t| t.id == users));
}

#[tokio::test]
async fn a_download_that_still_moves_or_no_free_slots_keeps_the_limits_video() {
    let app = spawn_app().await;
    let rd = &app.fakes.realdebrid;
    let free = config(r#","freeSlots":true"#);
    // Ferrio's download, added recently: not stalled for a day.
    ferrio_added_download(&app, &free, UNCACHED, 2).await;
    rd.set_active_limit(1);
    let tapped = location(
        &app,
        &resolve_path(&free, fixtures::SHAWSHANK_1080P_SHARED, "-", None),
    )
    .await;
    assert!(is_status_video(&tapped, "limits"), "{tapped}");
    // Stalled a day, but the user did not turn freeSlots on.
    let id = rd.torrents(RD_TOKEN)[0].id.clone();
    rd.stall_torrent(RD_TOKEN, &id, 30);
    let tapped = location(
        &app,
        &resolve_path(&config(""), fixtures::SHAWSHANK_1080P_SHARED, "-", None),
    )
    .await;
    assert!(is_status_video(&tapped, "limits"), "{tapped}");
    assert!(rd.deletions(RD_TOKEN).is_empty());
}

#[tokio::test]
async fn what_ferrio_added_is_remembered_across_instances_sharing_redis() {
    let redis = crate::common::redis::RedisServer::start().await;
    let url = redis.url();
    let first = crate::common::spawn_app_with(|env| {
        env.insert("REDIS_URL".into(), url.clone());
    })
    .await;
    let config = config(r#","freeSlots":true"#);
    let stalled = ferrio_added_download(&first, &config, UNCACHED, 30).await;
    // A second instance, on the same fakes and Redis, frees the slot the first one's add took.
    let second = crate::common::spawn_app_on(first.fakes.clone(), |env| {
        env.insert("REDIS_URL".into(), url.clone());
    })
    .await;
    let rd = &first.fakes.realdebrid;
    rd.set_active_limit(1);
    let played = location(
        &second,
        &resolve_path(&config, fixtures::SHAWSHANK_1080P_SHARED, "-", None),
    )
    .await;
    assert!(played.contains("/dl/"), "{played}");
    let deleted: Vec<String> = rd.deletions(RD_TOKEN).into_iter().map(|t| t.id).collect();
    assert_eq!(deleted, [stalled]);
}
