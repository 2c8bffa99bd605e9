//! Wire-level tests of the Torrentio fake (upstream-apis.md §4).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ferrio_fakes::fixtures::*;
use ferrio_fakes::{TorrentioFake, TorrentioStream};
use serde_json::{Value, json};

async fn streams(tio: &TorrentioFake, path: &str) -> (reqwest::header::HeaderMap, Value) {
    let r = reqwest::get(format!("{}{path}", tio.url())).await.unwrap();
    assert_eq!(r.status(), 200);
    let headers = r.headers().clone();
    (headers, r.json().await.unwrap())
}

#[tokio::test]
async fn movie_streams_have_torrentio_layout() {
    let tio = TorrentioFake::start().await;
    assert!(tio.url().ends_with("/tio"));
    let (h, v) = streams(&tio, "/stream/movie/tt0111161.json").await;
    assert_eq!(h["content-type"], "application/json; charset=utf-8");
    assert_eq!(
        h["cache-control"],
        "max-age=3600, stale-while-revalidate=14400, stale-if-error=604800, public"
    );
    assert_eq!(v["cacheMaxAge"], 3600);
    assert_eq!(v["staleRevalidate"], 14400);
    assert_eq!(v["staleError"], 604800);
    let s = v["streams"].as_array().unwrap();
    assert_eq!(s.len(), 6);
    let first = &s[0];
    assert_eq!(first["name"], "Torrentio\n1080p");
    assert_eq!(
        first["title"],
        "The Shawshank Redemption (1994) [1080p] [BluRay] [YTS.MX]\n👤 1480 💾 2.04 GB \u{2699}\u{fe0f} YTS"
    );
    assert_eq!(first["infoHash"], SHAWSHANK_1080P_SHARED);
    assert_eq!(first["fileIdx"], 0);
    assert_eq!(
        first["behaviorHints"],
        json!({"bingeGroup": "torrentio|1080p|BluRay|x264", "filename": "The.Shawshank.Redemption.1994.1080p.BluRay.x264.YIFY.mp4"})
    );
    let sources = first["sources"].as_array().unwrap();
    assert!(sources[0].as_str().unwrap().starts_with("tracker:udp://"));
    assert_eq!(
        sources.last().unwrap(),
        &json!(format!("dht:{SHAWSHANK_1080P_SHARED}"))
    );
    let by_hash = |h: &str| s.iter().find(|x| x["infoHash"] == h).unwrap().clone();
    assert_eq!(
        by_hash(SHAWSHANK_REMUX_DV)["name"],
        "Torrentio\n4k DV | HDR"
    );
    let cam = by_hash(SHAWSHANK_CAM);
    assert_eq!(cam["name"], "Torrentio\nCAM");
    assert!(cam.get("fileIdx").is_none());
    assert!(cam.get("sources").is_none());
    assert!(cam["behaviorHints"].get("filename").is_none());
    let ita = by_hash(SHAWSHANK_ITA_ENG);
    assert!(ita["title"].as_str().unwrap().ends_with("\n🇬🇧 / 🇮🇹"));
    let multi = by_hash(SHAWSHANK_MULTI);
    assert!(multi["title"].as_str().unwrap().ends_with("\nMulti Audio"));
    let seeders: Vec<u64> = s
        .iter()
        .map(|x| {
            let t = x["title"].as_str().unwrap();
            let n = t.split("👤 ").nth(1).unwrap().split(' ').next().unwrap();
            n.parse().unwrap()
        })
        .collect();
    assert!(seeders.windows(2).all(|w| w[0] >= w[1]), "{seeders:?}");
    assert_eq!(tio.stream_calls(), 1);
}

#[tokio::test]
async fn encoded_series_id_and_pack_file_line() {
    let tio = TorrentioFake::start().await;
    let (_, v) = streams(&tio, "/stream/series/tt0903747%3A1%3A3.json").await;
    let s = v["streams"].as_array().unwrap();
    assert_eq!(s.len(), 4);
    assert_eq!(s[0]["infoHash"], BB_S01E03, "most seeders first");
    let pack = s.iter().find(|x| x["infoHash"] == BB_S01_PACK).unwrap();
    assert_eq!(pack["fileIdx"], 2);
    assert_eq!(
        pack["title"],
        "Breaking.Bad.S01.1080p.BluRay.x264-GROUP\nBreaking.Bad.S01E03.1080p.BluRay.x264-GROUP.mkv\n👤 142 💾 2.25 GB \u{2699}\u{fe0f} 1337x"
    );
    assert_eq!(
        pack["behaviorHints"]["bingeGroup"],
        format!("torrentio|{BB_S01_PACK}")
    );
    let complete = s.iter().find(|x| x["infoHash"] == BB_COMPLETE).unwrap();
    assert_eq!(complete["fileIdx"], 3, "the .nfo is file 0");
    assert!(
        complete["title"]
            .as_str()
            .unwrap()
            .contains("\nSeason 1/Breaking Bad S01E03.mkv\n")
    );
    // Raw `:` works too; every S01 episode has streams.
    for e in 1..=SERIES_SEASON_EPISODES {
        let (_, v) = streams(&tio, &format!("/stream/series/tt0903747:1:{e}.json")).await;
        assert!(v["streams"].as_array().unwrap().len() >= 3);
    }
    let (_, v) = streams(&tio, &format!("/stream/series/{}.json", EPISODE_4_ID)).await;
    assert!(
        v["streams"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["infoHash"] == BB_S01E04)
    );
}

#[tokio::test]
async fn config_segment_is_accepted_and_recorded() {
    let tio = TorrentioFake::start().await;
    let (_, v) = streams(
        &tio,
        "/providers=yts,eztv%7Csort=seeders%7Crealdebrid=abc/stream/movie/tt0111161.json",
    )
    .await;
    assert_eq!(v["streams"].as_array().unwrap().len(), 6);
    assert_eq!(
        tio.last_config().as_deref(),
        Some("providers=yts,eztv|sort=seeders|realdebrid=abc")
    );
    streams(&tio, "/stream/movie/tt0111161.json").await;
    assert_eq!(tio.last_config(), None);
}

#[tokio::test]
async fn unknown_ids_are_empty_with_short_cache() {
    let tio = TorrentioFake::start().await;
    for path in [
        "/stream/movie/tt0068646.json",
        "/stream/movie/notanid.json",
        "/stream/channel/tt0111161.json",
    ] {
        let (h, v) = streams(&tio, path).await;
        assert_eq!(v["streams"], json!([]));
        assert_eq!(v["cacheMaxAge"], 60);
        assert!(
            h["cache-control"]
                .to_str()
                .unwrap()
                .starts_with("max-age=60,")
        );
    }
    let r = reqwest::get(format!("{}/nope", tio.url())).await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(tio.stream_calls(), 3);
    assert_eq!(tio.calls(), 4);
}

#[tokio::test]
async fn put_streams_and_bad_item() {
    let tio = TorrentioFake::start().await;
    let typed = TorrentioStream::new("Some, Movie  2020", &"AB".repeat(20), "EZTV")
        .stats(0, 996_671_488)
        .quality("720p", &[]);
    let raw = json!({"name": "Torrentio", "title": "raw", "infoHash": "c".repeat(40)});
    tio.put_streams("tt1234567", vec![Value::from(typed), raw.clone()]);
    tio.inject_bad_item(true);
    let (_, v) = streams(&tio, "/stream/movie/tt1234567.json").await;
    let s = v["streams"].as_array().unwrap();
    assert_eq!(s.len(), 3);
    assert_eq!(
        s[0]["title"],
        "Some Movie 2020\n👤 0 💾 950.5 MB \u{2699}\u{fe0f} EZTV"
    );
    assert_eq!(s[0]["infoHash"], "ab".repeat(20));
    assert_eq!(s[1]["infoHash"].as_str().unwrap().len(), 12);
    assert_eq!(s[2], raw);
}
