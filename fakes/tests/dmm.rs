//! Wire-level tests of the DMM fake (upstream-apis.md §2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use ferrio_fakes::fixtures::*;
use ferrio_fakes::{DmmFake, DmmFile, DmmResult};
use serde_json::{Value, json};

async fn challenge(c: &reqwest::Client, dmm: &DmmFake) -> (String, String) {
    let v: Value = c
        .get(format!("{}/api/challenge", dmm.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        v["token"].as_str().unwrap().to_owned(),
        v["hash"].as_str().unwrap().to_owned(),
    )
}

async fn search(
    c: &reqwest::Client,
    dmm: &DmmFake,
    kind: &str,
    extra: &str,
    tok: &(String, String),
) -> reqwest::Response {
    let url = format!(
        "{}/api/torrents/{kind}?dmmProblemKey={}&solution={}&{extra}",
        dmm.url(),
        tok.0,
        tok.1
    );
    c.get(url).send().await.unwrap()
}

#[tokio::test]
async fn challenge_shape() {
    let dmm = DmmFake::start().await;
    let c = reqwest::Client::new();
    let r = c
        .get(format!("{}/api/challenge", dmm.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store, private");
    let v: Value = r.json().await.unwrap();
    let token = v["token"].as_str().unwrap();
    let (nonce, ts) = token.split_once('-').unwrap();
    assert_eq!(nonce.len(), 32);
    assert!(nonce.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(ts.parse::<u64>().unwrap() > 1_700_000_000);
    let hash = v["hash"].as_str().unwrap();
    assert_eq!(hash.len(), 43, "base64url of 32 bytes, unpadded");
    assert!(
        hash.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let post = c
        .post(format!("{}/api/challenge", dmm.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
    assert_eq!(dmm.challenge_calls(), 2);
}

#[tokio::test]
async fn auth_and_parameter_errors_are_exact() {
    let dmm = DmmFake::start().await;
    let c = reqwest::Client::new();
    let r = c
        .get(format!("{}/api/torrents/movie?imdbId=tt0111161", dmm.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"errorMessage":"Authentication not provided"}"#
    );
    let bad = ("abc-123".to_owned(), "xyz".to_owned());
    let r = search(&c, &dmm, "movie", "imdbId=tt0111161", &bad).await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"errorMessage":"Authentication error"}"#
    );
    let tok = challenge(&c, &dmm).await;
    let r = search(&c, &dmm, "movie", "", &tok).await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"errorMessage":"Missing \"imdbId\" query parameter"}"#
    );
    let r = search(&c, &dmm, "tv", "imdbId=tt0903747", &tok).await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"errorMessage":"Missing \"seasonNum\" query parameter"}"#
    );
    // Expiring tokens invalidates the cached one; a fresh challenge works again.
    dmm.expire_tokens();
    let r = search(&c, &dmm, "movie", "imdbId=tt0111161", &tok).await;
    assert_eq!(r.status(), 403);
    let tok = challenge(&c, &dmm).await;
    let r = search(&c, &dmm, "movie", "imdbId=tt0111161", &tok).await;
    assert_eq!(r.status(), 200);
    assert_eq!(dmm.search_calls(), 6);
    assert_eq!(dmm.movie_search_calls(), 5);
    assert_eq!(dmm.tv_search_calls(), 1);
    assert_eq!(dmm.challenge_calls(), 2);
    assert_eq!(dmm.calls(), 8);
    dmm.reset_calls();
    assert_eq!(dmm.calls(), 0);
    assert_eq!(dmm.search_calls(), 0);
}

#[tokio::test]
async fn movie_results_sorted_lowercase_in_dmm_key_order() {
    let dmm = DmmFake::start().await;
    let c = reqwest::Client::new();
    let tok = challenge(&c, &dmm).await;
    let r = search(
        &c,
        &dmm,
        "movie",
        "imdbId=tt0111161&onlyTrusted=false&maxSize=0&page=0",
        &tok,
    )
    .await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.starts_with(r#"{"results":[{"hash":""#), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for item in results {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 3);
        let h = item["hash"].as_str().unwrap();
        assert_eq!(h, h.to_lowercase());
        assert!(item["fileSize"].is_f64());
    }
    let sizes: Vec<f64> = results
        .iter()
        .map(|i| i["fileSize"].as_f64().unwrap())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    let hashes: Vec<&str> = results
        .iter()
        .map(|i| i["hash"].as_str().unwrap())
        .collect();
    assert!(hashes.contains(&SHAWSHANK_1080P_SHARED));
    assert!(hashes.contains(&SHAWSHANK_DMM_ONLY));
    assert!(hashes.contains(&SHAWSHANK_WEB_DL));
    assert!(!hashes.contains(&SHAWSHANK_CAM), "Torrentio-only");
    // A later page or a size filter that leaves nothing gives 200 with an empty list.
    let r = search(&c, &dmm, "movie", "imdbId=tt0111161&page=1", &tok).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), r#"{"results":[]}"#);
    let r = search(&c, &dmm, "movie", "imdbId=tt0111161&maxSize=5", &tok).await;
    let v: Value = r.json().await.unwrap();
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["fileSize"].as_f64().unwrap() <= 5.0 * 1024.0)
    );
}

#[tokio::test]
async fn empty_titles_answer_204_with_status_header() {
    let dmm = DmmFake::start().await;
    let c = reqwest::Client::new();
    let tok = challenge(&c, &dmm).await;
    let q = format!("imdbId={UNKNOWN_MOVIE_ID}");
    let r = search(&c, &dmm, "movie", &q, &tok).await;
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["status"], "requested");
    assert!(r.bytes().await.unwrap().is_empty());
    let q = format!("imdbId={PROCESSING_MOVIE_ID}");
    let r = search(&c, &dmm, "movie", &q, &tok).await;
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["status"], "processing");
    dmm.set_status(UNKNOWN_MOVIE_ID, Some("processing"));
    let q = format!("imdbId={UNKNOWN_MOVIE_ID}");
    let r = search(&c, &dmm, "movie", &q, &tok).await;
    assert_eq!(r.headers()["status"], "processing");
    // With filters the empty answer is 200 `{"results":[]}` instead.
    let r = search(&c, &dmm, "movie", &format!("{q}&onlyTrusted=true"), &tok).await;
    assert_eq!(r.status(), 200);
    // Canary ids look unscraped and are noted.
    assert_eq!(dmm.canary_calls(), 0);
    let r = search(&c, &dmm, "movie", "imdbId=tt900000001", &tok).await;
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["status"], "requested");
    assert_eq!(dmm.canary_calls(), 1);
    // put_movie with no results goes back to 204.
    dmm.put_movie(MOVIE_ID, vec![]);
    let r = search(&c, &dmm, "movie", "imdbId=tt0111161", &tok).await;
    assert_eq!(r.status(), 204);
}

#[tokio::test]
async fn tv_seasons_and_fixture_control() {
    let dmm = DmmFake::start().await;
    let c = reqwest::Client::new();
    let tok = challenge(&c, &dmm).await;
    let hashes = |v: &Value| -> Vec<String> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["hash"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = search(&c, &dmm, "tv", "imdbId=tt0903747&seasonNum=1", &tok).await;
    let v: Value = r.json().await.unwrap();
    let s1 = hashes(&v);
    for h in [BB_S01_PACK, BB_COMPLETE, BB_S01_DMM_ONLY, BB_S01E03] {
        assert!(s1.contains(&h.to_owned()), "{h} missing");
    }
    assert_eq!(s1[0], BB_COMPLETE, "largest first");
    let r = search(&c, &dmm, "tv", "imdbId=tt0903747&seasonNum=3", &tok).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(hashes(&v), vec![BB_COMPLETE.to_owned()]);
    // Bad hashes are dropped and duplicates keep the first entry, as DMM's pipeline does.
    let good = "a".repeat(40);
    dmm.put_season(
        SERIES_ID,
        9,
        vec![
            DmmResult::new(&good, "First", 10.0),
            DmmResult::new(&good, "Dup", 99.0),
            DmmResult::new("A".repeat(40), "Upper", 50.0),
            DmmResult::new("b".repeat(40), "Second", 20.123),
        ],
    );
    dmm.inject_bad_item(true);
    let r = search(&c, &dmm, "tv", "imdbId=tt0903747&seasonNum=9", &tok).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v,
        json!({"results": [
            {"hash": "b".repeat(40), "title": "Second", "fileSize": 20.12},
            {"hash": 1_234_567_890_u64, "title": "Malformed.Numeric.Hash.1080p", "fileSize": 1024.0},
            {"hash": good, "title": "First", "fileSize": 10.0},
        ]})
    );
}

#[tokio::test]
async fn ip_rate_limit_runs_first_and_counts() {
    let dmm = DmmFake::start().await;
    let c = reqwest::Client::new();
    let tok = challenge(&c, &dmm).await;
    dmm.set_ip_rate_limit(Some(Duration::from_secs(2)));
    let r = search(&c, &dmm, "movie", "imdbId=tt0111161", &tok).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-ratelimit-limit"], "1");
    // Even a request without a token is refused by the limiter first.
    let r = c
        .get(format!("{}/api/torrents/movie?imdbId=tt0111161", dmm.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"error":"Rate limit exceeded"}"#
    );
    // Another client IP (as seen through cf-connecting-ip) has its own budget.
    let r = c
        .get(format!(
            "{}/api/torrents/movie?imdbId=tt0111161&dmmProblemKey={}&solution={}",
            dmm.url(),
            tok.0,
            tok.1
        ))
        .header("cf-connecting-ip", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(dmm.movie_search_calls(), 3);
    dmm.set_ip_rate_limit(None);
    let r = search(&c, &dmm, "movie", "imdbId=tt0111161", &tok).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn availability_check() {
    let dmm = DmmFake::start().await;
    let c = reqwest::Client::new();
    let tok = challenge(&c, &dmm).await;
    let url = format!("{}/api/availability/check", dmm.url());
    let post = |body: Value| c.post(&url).json(&body).send();
    let base = |hashes: Value| json!({"dmmProblemKey": tok.0, "solution": tok.1, "imdbId": MOVIE_ID, "hashes": hashes});

    let r = post(base(json!([SHAWSHANK_1080P_SHARED, SHAWSHANK_CAM])))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let avail = v["available"].as_array().unwrap();
    assert_eq!(avail.len(), 1);
    assert_eq!(avail[0]["hash"], SHAWSHANK_1080P_SHARED);
    assert_eq!(avail[0]["files"][0]["file_id"], 1);
    assert!(
        avail[0]["files"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with(".mp4")
    );

    dmm.set_available(&"c".repeat(40), vec![DmmFile::new(2, "/x.mkv", 5)]);
    let v: Value = post(base(json!(["c".repeat(40)])))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["available"][0]["files"][0]["file_id"], 2);

    let v: Value = post(base(json!([]))).await.unwrap().json().await.unwrap();
    assert_eq!(v, json!({"available": []}));

    let too_many: Vec<String> = (0..101).map(|_| "d".repeat(40)).collect();
    let r = post(base(json!(too_many))).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"error":"Maximum 100 hashes allowed"}"#
    );
    let r = post(base(json!(["nothex"]))).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"error":"Invalid hash format","hash":"nothex"}"#
    );
    let r = post(base(json!("x"))).await.unwrap();
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"error":"Hashes must be an array"}"#
    );
    let mut bad_imdb = base(json!([]));
    bad_imdb["imdbId"] = json!("0111161");
    let r = post(bad_imdb).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.text().await.unwrap(), r#"{"error":"Invalid IMDb ID"}"#);
    let r = post(json!({"imdbId": MOVIE_ID, "hashes": []}))
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.text().await.unwrap(), r#"{"error":"Method not allowed"}"#);
    assert_eq!(dmm.availability_calls(), 9);
}
