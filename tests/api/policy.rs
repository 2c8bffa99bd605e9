//! The quality policy through the stream route: the order the user prefers, the floor that
//! gives way, the cap, size floors per quality, and cached releases first.

use crate::common::TestApp;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::fixtures::{
    MOVIE_ID, RD_TOKEN, SHAWSHANK_1080P_SHARED, SHAWSHANK_2160P_YTS, SHAWSHANK_REMUX_DV,
};
use serde_json::Value;

/// The streams of The Shawshank Redemption for a config given as JSON fields.
async fn streams(app: &TestApp, fields: &str) -> Vec<Value> {
    let config = URL_SAFE_NO_PAD.encode(format!("{{{fields}}}"));
    let body = app
        .get_json(&format!("/{config}/stream/movie/{MOVIE_ID}.json"), 200)
        .await;
    body["streams"].as_array().expect("streams").clone()
}

/// Ferrio with the title's source answers cached: in a debug build the release-name parser's
/// first use can outlast the request deadline, and a list cut short says nothing of the policy.
async fn spawn_app() -> TestApp {
    let app = crate::common::spawn_app().await;
    let warmed = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while streams(&app, "").await.len() < 5 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    })
    .await;
    assert!(warmed.is_ok(), "the sources answered within 30 s");
    app
}

/// Each stream's quality label, as its name's second line starts: `4K`, `1080p`, `CAM`, …
fn qualities(streams: &[Value]) -> Vec<String> {
    streams
        .iter()
        .map(|stream| {
            let name = stream["name"].as_str().unwrap_or_default();
            let line = name.lines().nth(1).unwrap_or_default();
            line.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// The qualities in the order they first appear.
fn groups(streams: &[Value]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for quality in qualities(streams) {
        if seen.last() != Some(&quality) {
            seen.push(quality);
        }
    }
    seen
}

#[tokio::test]
async fn preferred_qualities_order_the_list_exactly_as_listed() {
    let app = spawn_app().await;
    let default = groups(&streams(&app, "").await);
    assert_eq!(
        default.first().map(String::as_str),
        Some("4K"),
        "{default:?}"
    );
    let listed = groups(&streams(&app, r#""preferredQualities":["1080p","4k","720p"]"#).await);
    assert_eq!(&listed[..3], ["1080p", "4K", "720p"], "{listed:?}");
    assert_eq!(
        listed.last().map(String::as_str),
        Some("CAM"),
        "unlisted after, best first"
    );
    let target = groups(&streams(&app, r#""targetQuality":"720p""#).await);
    // No SD release here: 720p, then the higher ones nearest first, cams last.
    assert_eq!(target, ["720p", "1080p", "4K", "CAM"]);
}

#[tokio::test]
async fn the_floor_hides_lower_releases_and_gives_way_with_a_note_when_nothing_reaches_it() {
    let app = spawn_app().await;
    let floor = streams(&app, r#""minQuality":"1080p""#).await;
    assert!(!floor.is_empty());
    assert!(
        qualities(&floor).iter().all(|q| q == "4K" || q == "1080p"),
        "{:?}",
        qualities(&floor)
    );
    // With 4K and 1080p excluded, nothing reaches the floor: the lower releases show, noted.
    let excluded = r#""excludeQualities":["2160p","1080p"],"minQuality":"1080p""#;
    let gave_way = streams(&app, excluded).await;
    assert!(!gave_way.is_empty());
    assert!(gave_way.iter().all(|stream| {
        stream["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("⬇ below your minimum (1080p)"))
    }));
    let strict = streams(&app, &format!(r#"{excluded},"lowerUntilBetter":false"#)).await;
    assert!(strict.is_empty(), "a strict floor shows nothing");
    assert!(
        streams(&app, "").await.iter().all(|s| !s["description"]
            .as_str()
            .unwrap_or_default()
            .contains("minimum")),
        "no note without a floor"
    );
}

#[tokio::test]
async fn the_cap_and_the_size_floor_per_quality_remove_what_they_name() {
    let app = spawn_app().await;
    let capped = qualities(&streams(&app, r#""maxQuality":"1080p""#).await);
    assert!(
        !capped.is_empty() && !capped.iter().any(|q| q == "4K"),
        "{capped:?}"
    );
    let all_4k = qualities(&streams(&app, "").await)
        .iter()
        .filter(|q| *q == "4K")
        .count();
    let floored = qualities(&streams(&app, r#""minSizeGbByQuality":{"2160p":1000}"#).await);
    assert!(all_4k > 0);
    assert_eq!(
        floored.iter().filter(|q| *q == "4K").count(),
        0,
        "every 4K under 1 TB"
    );
}

/// Whether each stream is offered as likely cached (`[RD+]`).
fn cached(streams: &[Value]) -> Vec<bool> {
    streams
        .iter()
        .map(|s| s["name"].as_str().unwrap_or_default().starts_with("[RD+]"))
        .collect()
}

#[tokio::test]
async fn with_a_token_cached_releases_come_first_unless_asked_otherwise() {
    let app = spawn_app().await;
    let token = format!(r#""realdebrid":"{RD_TOKEN}""#);
    let first = cached(&streams(&app, &token).await);
    assert!(first.contains(&true) && first.contains(&false), "{first:?}");
    let boundary = first.iter().position(|c| !c).unwrap_or(first.len());
    assert!(
        first[boundary..].iter().all(|c| !c),
        "all cached first: {first:?}"
    );
    let by_quality = streams(&app, &format!(r#"{token},"cachedFirst":false"#)).await;
    let flags = cached(&by_quality);
    let uncached_above_cached = flags.windows(2).any(|pair| !pair[0] && pair[1]);
    assert!(
        uncached_above_cached,
        "today's order keeps qualities: {flags:?}"
    );
    assert_eq!(groups(&by_quality).first().map(String::as_str), Some("4K"));
}

/// The first stream's description of the movie for a Real-Debrid user whose library holds
/// `owned` (a fixture hash), and the whole list.
async fn with_library(owned: &str) -> Vec<Value> {
    let app = spawn_app().await;
    // Another account plays the 4K release: from now on it is "seen" playable, for everyone.
    let other = format!("OTHER{}", &RD_TOKEN[5..]);
    app.fakes.realdebrid.add_token(&other);
    let config = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{other}"}}"#));
    let resolve = format!("/{config}/resolve/realdebrid/{SHAWSHANK_2160P_YTS}/-/video.mkv");
    assert_eq!(app.get(&resolve).await.status().as_u16(), 302);
    app.fakes.realdebrid.preload(RD_TOKEN, owned);
    streams(&app, &format!(r#""realdebrid":"{RD_TOKEN}""#)).await
}

fn description(stream: &Value) -> &str {
    stream["description"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_list_starts_with_an_upgrade_when_the_library_holds_a_lower_copy() {
    let list = with_library(SHAWSHANK_1080P_SHARED).await;
    let first = description(&list[0]);
    assert!(
        first.starts_with("⬆ Upgrade to 4K [RD+] — you have 1080p"),
        "{first}"
    );
    let url = list[0]["url"].as_str().expect("a resolve link");
    let offered = list[1..]
        .iter()
        .find(|stream| stream["url"].as_str() == Some(url))
        .expect("the upgrade is a release of the list, with its normal link");
    assert!(offered["name"].as_str().unwrap_or_default().contains("4K"));
    let upgrades = list
        .iter()
        .filter(|s| description(s).contains("⬆ Upgrade"))
        .count();
    assert_eq!(upgrades, 1, "one row");
}

#[tokio::test]
async fn no_upgrade_is_offered_for_the_best_copy_or_without_one() {
    let best = with_library(SHAWSHANK_REMUX_DV).await;
    assert!(best.iter().all(|s| !description(s).contains("⬆ Upgrade")));
    let app = spawn_app().await;
    let none = streams(&app, &format!(r#""realdebrid":"{RD_TOKEN}""#)).await;
    assert!(none.iter().all(|s| !description(s).contains("⬆ Upgrade")));
}

#[tokio::test]
async fn a_list_meeting_aged_evidence_refreshes_the_library_once() {
    let app = crate::common::spawn_app_with(|env| {
        env.insert("MARKER_REVERIFY_SECS".into(), "1".into());
    })
    .await;
    let rd = &app.fakes.realdebrid;
    let other = format!("OTHER{}", &RD_TOKEN[5..]);
    rd.add_token(&other);
    let config = URL_SAFE_NO_PAD.encode(format!(r#"{{"realdebrid":"{other}"}}"#));
    let resolve = format!("/{config}/resolve/realdebrid/{SHAWSHANK_2160P_YTS}/-/video.mkv");
    assert_eq!(app.get(&resolve).await.status().as_u16(), 302);
    // The evidence ages past the one-second period.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let token = format!(r#""realdebrid":"{RD_TOKEN}""#);
    let before = rd.list_calls();
    let list = streams(&app, &token).await;
    assert!(
        list.iter()
            .any(|s| description(s).starts_with("RD+ · seen"))
    );
    let refreshed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while rd.list_calls() < before + 2 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        refreshed.is_ok(),
        "the list's own listing, then one refresh"
    );
    streams(&app, &token).await;
    assert_eq!(rd.list_calls(), before + 2, "one refresh per period");
}

#[tokio::test]
async fn with_cached_only_the_floor_is_judged_on_cached_releases() {
    let app = spawn_app().await;
    let token = format!(r#""realdebrid":"{RD_TOKEN}","cachedOnly":true"#);
    let cached = streams(&app, &token).await;
    assert!(!cached.is_empty());
    assert!(
        !qualities(&cached).contains(&"4K".to_owned()),
        "no cached 4K here"
    );
    // Uncached 4K releases exist, but with cachedOnly they are not offered: the floor gives way.
    let floored = streams(&app, &format!(r#"{token},"minQuality":"2160p""#)).await;
    assert_eq!(floored.len(), cached.len());
    assert!(
        floored
            .iter()
            .all(|s| description(s).starts_with("⬇ below your minimum (4K)"))
    );
}

#[tokio::test]
async fn the_fields_combine() {
    let app = spawn_app().await;
    let combined = r#""preferredQualities":["720p","1080p"],"maxQuality":"1080p","minQuality":"720p","limitPerQuality":1"#;
    assert_eq!(qualities(&streams(&app, combined).await), ["720p", "1080p"]);
}
