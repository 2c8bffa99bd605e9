//! Real-Debrid fake: the torrent state machine, links and listing (upstream-apis.md §1.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ferrio_fakes::fixtures::*;
use reqwest::Method;
use serde_json::{Value, json};
use support::Rd;

#[tokio::test]
async fn cached_torrent_full_flow() {
    let rd = Rd::start().await;
    // Uppercase hash in the magnet (as YTS gives it) is stored lowercase.
    let magnet = format!(
        "magnet:?xt=urn:btih:{}",
        SHAWSHANK_1080P_SHARED.to_uppercase()
    );
    let (s, v) = rd
        .json(Method::POST, "/torrents/addMagnet", &[("magnet", &magnet)])
        .await;
    assert_eq!(s, 201);
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 13);
    assert_eq!(v["uri"], format!("{}/torrents/info/{id}", rd.fake.url()));
    // Too early for selectFiles.
    let (s, t) = rd
        .call(
            Method::POST,
            &format!("/torrents/selectFiles/{id}"),
            &[("files", "1")],
        )
        .await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (404, r#"{"error":"unknown_ressource","error_code":7}"#)
    );
    let v = rd.info(&id).await;
    assert_eq!(v["status"], "magnet_conversion");
    assert_eq!(v["files"], json!([]));
    assert!(v["seeders"].is_number());
    let v = rd.info(&id).await;
    assert_eq!(v["status"], "waiting_files_selection");
    assert_eq!(v["hash"], SHAWSHANK_1080P_SHARED);
    assert_eq!(v["filename"], SHAWSHANK_1080P_SHARED_NAME);
    assert_eq!(v["files"][0]["id"], 1);
    assert_eq!(v["files"][0]["selected"], 0);
    assert!(v["files"][1]["path"].as_str().unwrap().starts_with('/'));
    assert_eq!(v["links"], json!([]));
    // Bad selections.
    let (s, t) = rd
        .call(Method::POST, &format!("/torrents/selectFiles/{id}"), &[])
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        t,
        r#"{"error":"parameter_missing","error_details":"{files} is missing","error_code":1}"#
    );
    let (s, _) = rd
        .call(
            Method::POST,
            &format!("/torrents/selectFiles/{id}"),
            &[("files", "3")],
        )
        .await;
    assert_eq!(s, 404);
    let (s, t) = rd
        .call(
            Method::POST,
            &format!("/torrents/selectFiles/{id}"),
            &[("files", "1")],
        )
        .await;
    assert_eq!((s.as_u16(), t.as_str()), (204, ""));
    let (s, _) = rd
        .call(
            Method::POST,
            &format!("/torrents/selectFiles/{id}"),
            &[("files", "1")],
        )
        .await;
    assert_eq!(s, 202, "action already done");
    let v = rd.info(&id).await;
    assert_eq!(v["status"], "downloaded");
    assert_eq!(v["progress"], 100);
    assert_eq!(v["bytes"], 2_190_000_000_u64);
    assert_eq!(v["original_bytes"], 2_190_053_226_u64);
    assert_eq!(v["files"][0]["selected"], 1);
    assert!(v["ended"].as_str().unwrap().ends_with(".000Z"));
    let links = v["links"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    let link = links[0].as_str().unwrap().to_owned();
    assert!(link.starts_with("https://real-debrid.com/d/"));

    let (s, u) = rd
        .json(Method::POST, "/unrestrict/link", &[("link", &link)])
        .await;
    assert_eq!(s, 200);
    let keys: Vec<&String> = u.as_object().unwrap().keys().collect();
    for k in [
        "id",
        "filename",
        "mimeType",
        "filesize",
        "link",
        "host",
        "host_icon",
        "chunks",
        "crc",
        "download",
        "streamable",
    ] {
        assert!(keys.contains(&&k.to_owned()), "{k}");
    }
    assert_eq!(
        u["filename"],
        "The.Shawshank.Redemption.1994.1080p.BluRay.x264.YIFY.mp4"
    );
    assert_eq!(u["mimeType"], "video/mp4");
    assert_eq!(u["filesize"], 2_190_000_000_u64);
    assert_eq!(u["link"], link);
    assert_eq!(u["streamable"], 1);
    let download = u["download"].as_str().unwrap();
    assert!(
        download.starts_with(&format!("{}/dl/", rd.fake.url())),
        "{download}"
    );
    assert!(download.ends_with("/The.Shawshank.Redemption.1994.1080p.BluRay.x264.YIFY.mp4"));
    let r = reqwest::get(download).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(rd.fake.download_calls(), 1);

    let (s, _) = rd
        .call(Method::DELETE, &format!("/torrents/delete/{id}"), &[])
        .await;
    assert_eq!(s, 204);
    let (s, t) = rd
        .call(Method::GET, &format!("/torrents/info/{id}"), &[])
        .await;
    assert_eq!(
        (s.as_u16(), t.as_str()),
        (404, r#"{"error":"unknown_ressource","error_code":7}"#)
    );
    let (s, _) = rd
        .call(Method::DELETE, &format!("/torrents/delete/{id}"), &[])
        .await;
    assert_eq!(s, 404);

    assert_eq!(rd.fake.add_magnet_calls(), 1);
    assert_eq!(rd.fake.select_files_calls(), 5);
    assert_eq!(rd.fake.info_calls(), 4);
    assert_eq!(rd.fake.unrestrict_calls(), 1);
    assert_eq!(rd.fake.delete_calls(), 2);
}

#[tokio::test]
async fn season_pack_links_follow_file_order() {
    let rd = Rd::start().await;
    rd.fake.set_conversion_polls(0);
    let id = rd.add(BB_COMPLETE).await;
    let v = rd.info(&id).await;
    assert_eq!(v["status"], "waiting_files_selection");
    assert_eq!(v["files"].as_array().unwrap().len(), 63);
    assert!(v["files"][0]["path"].as_str().unwrap().ends_with(".nfo"));
    assert_eq!(v["files"][3]["path"], "/Season 1/Breaking Bad S01E03.mkv");
    let (s, _) = rd
        .call(
            Method::POST,
            &format!("/torrents/selectFiles/{id}"),
            &[("files", "6,2,4")],
        )
        .await;
    assert_eq!(s, 204);
    let v = rd.info(&id).await;
    assert_eq!(v["links"].as_array().unwrap().len(), 3);
    // links[i] belongs to the i-th selected file in file order: 2, 4, 6.
    let (_, u) = rd
        .json(
            Method::POST,
            "/unrestrict/link",
            &[("link", v["links"][1].as_str().unwrap())],
        )
        .await;
    assert_eq!(u["filename"], "Breaking Bad S01E03.mkv");
    assert_eq!(u["mimeType"], "video/x-matroska");
    assert!(
        u["download"]
            .as_str()
            .unwrap()
            .ends_with("/Breaking%20Bad%20S01E03.mkv")
    );
}

#[tokio::test]
async fn uncached_and_conversion_knob() {
    let rd = Rd::start().await;
    rd.fake.set_conversion_polls(3);
    let id = rd.add(SHAWSHANK_DMM_ONLY).await;
    for _ in 0..3 {
        assert_eq!(rd.info(&id).await["status"], "magnet_conversion");
    }
    let v = rd.info(&id).await;
    assert_eq!(v["status"], "waiting_files_selection");
    assert_eq!(v["files"][1]["bytes"], 15_600_000_000_u64);
    rd.call(
        Method::POST,
        &format!("/torrents/selectFiles/{id}"),
        &[("files", "all")],
    )
    .await;
    let v = rd.info(&id).await;
    assert_eq!(v["status"], "queued");
    let v = rd.info(&id).await;
    assert_eq!(v["status"], "downloading");
    assert!(v["progress"].as_u64().unwrap() > 0);
    assert!(v["speed"].is_number());
    assert!(v["seeders"].is_number());
    assert_eq!(v["links"], json!([]));
    let (_, list) = rd.json(Method::GET, "/torrents?filter=active", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn list_paging_preload_and_overrides() {
    let rd = Rd::start().await;
    let a = rd.fake.preload(RD_TOKEN, BB_S01_PACK);
    let b = rd.fake.preload(RD_TOKEN, SHAWSHANK_1080P_SHARED);
    let r =
        rd.c.get(format!("{}/torrents?limit=1&page=1", rd.fake.url()))
            .bearer_auth(RD_TOKEN)
            .send()
            .await
            .unwrap();
    assert_eq!(r.headers()["x-total-count"], "2");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["id"], b.as_str(), "newest first");
    assert!(v[0].get("files").is_none(), "list form has no files");
    assert_eq!(v[0]["status"], "downloaded");
    let (_, v) = rd.json(Method::GET, "/torrents?offset=1", &[]).await;
    assert_eq!(v[0]["id"], a.as_str());
    assert_eq!(
        v[0]["links"].as_array().unwrap().len(),
        7,
        "one link per episode"
    );
    let summary = rd.fake.torrents(RD_TOKEN);
    assert_eq!(summary.len(), 2);
    assert_eq!(summary[0].hash, BB_S01_PACK);

    rd.fake.set_status_override(BB_S01_PACK, "dead");
    assert_eq!(rd.info(&a).await["status"], "dead");
    rd.fake.clear_status_override(BB_S01_PACK);
    rd.fake.set_status_override(SHAWSHANK_CAM, "magnet_error");
    let id = rd.add(SHAWSHANK_CAM).await;
    assert_eq!(rd.info(&id).await["status"], "magnet_conversion");
    assert_eq!(rd.info(&id).await["status"], "magnet_error");
    let (_, v) = rd.json(Method::GET, "/torrents/activeCount", &[]).await;
    assert_eq!(v, json!({"nb": 0, "limit": 10}));
}
