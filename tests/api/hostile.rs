//! Malformed and hostile requests against a running Ferrio: each must get a clear 4xx (with
//! the JSON error shape wherever Ferrio itself answers) or an empty 200, never a 5xx, never a
//! hang, and the server must keep serving afterwards.
//!
//! Requests go over raw TCP: an HTTP client would refuse to send most of them (invalid UTF-8,
//! NUL bytes) or would quietly "fix" them (`..` segments, bad percent-encoding).

use crate::common::{TestApp, spawn_app_with};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio::protocol::{
    config::{DebridToken, UserConfig},
    seal::Sealer,
};
use ferrio_fakes::fixtures::{MOVIE_ID, RD_TOKEN, SHAWSHANK_1080P_SHARED};
use secrecy::SecretString;
use serde_json::Value;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = "hostile-test-secret-of-at-least-32-bytes";
/// Longer than any answer may take: the deadline is 2 s in tests.
const ANSWER_WITHIN: Duration = Duration::from_secs(15);

/// What a request must get.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// A 4xx with `{"error": "..."}`: Ferrio's router saw the request and refused it.
    JsonRefusal,
    /// Ferrio's JSON 4xx, or a 200 with an empty `streams`/`metas` list.
    JsonRefusalOrEmpty,
    /// A 4xx of any shape: the HTTP parser refused the request before any route saw it.
    HttpRefusal,
    /// A 4xx of any shape or an empty list: a request the HTTP parser may take or refuse.
    AnyRefusalOrEmpty,
}

/// One answer, as read off the socket.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

/// Sends raw bytes and reads the answer until the server closes the connection.
async fn send(app: &TestApp, request: &[u8]) -> Result<Answer, String> {
    let address = app.address.trim_start_matches("http://");
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        // A server may answer and close before it has read everything (431 on a huge head):
        // what it answered is what counts, so a failed write is not yet a failure.
        let _ = stream.write_all(request).await;
        let mut raw = Vec::new();
        let read = stream.read_to_end(&mut raw).await;
        if raw.is_empty() {
            return Err(format!("no answer ({read:?})"));
        }
        parse(&raw)
    };
    tokio::time::timeout(ANSWER_WITHIN, exchange)
        .await
        .map_err(|_| format!("no answer within {ANSWER_WITHIN:?}"))?
}

fn parse(raw: &[u8]) -> Result<Answer, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of head")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Ok(Answer { status, head, body })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16);
        let Ok(size) = size else { break };
        let start = end + 2;
        if size == 0 || data.len() < start + size {
            break;
        }
        out.extend_from_slice(&data[start..start + size]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

fn request(method: &str, target: &[u8], extra_headers: &str) -> Vec<u8> {
    let mut bytes = format!("{method} ").into_bytes();
    bytes.extend_from_slice(target);
    bytes.extend_from_slice(
        format!(" HTTP/1.1\r\nHost: ferrio.test\r\n{extra_headers}Connection: close\r\n\r\n")
            .as_bytes(),
    );
    bytes
}

fn get(target: impl AsRef<[u8]>) -> Vec<u8> {
    request("GET", target.as_ref(), "")
}

/// Checks an answer against what was expected; `Err` says what was wrong.
fn check(answer: &Answer, expect: Expect) -> Result<(), String> {
    if answer.status >= 500 {
        return Err(format!("{} (server error)", answer.status));
    }
    let json: Option<Value> = serde_json::from_slice(&answer.body).ok();
    let refusal = (400..500).contains(&answer.status);
    let json_refusal = refusal && json.as_ref().is_some_and(|body| body["error"].is_string());
    let empty = answer.status == 200
        && json.as_ref().is_some_and(|body| {
            ["streams", "metas"]
                .iter()
                .any(|list| body[list].as_array().is_some_and(Vec::is_empty))
        });
    let ok = match expect {
        Expect::JsonRefusal => json_refusal,
        Expect::JsonRefusalOrEmpty => json_refusal || empty,
        Expect::HttpRefusal => refusal,
        Expect::AnyRefusalOrEmpty => refusal || empty,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {expect:?}, got {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body[..answer.body.len().min(200)])
        ))
    }
}

fn sealer() -> Sealer {
    Sealer::new(&SecretString::from(SECRET.to_owned()))
}

/// `s.…` with one bit flipped at `at` (counted from the end when negative).
fn flipped(sealed: &str, at: isize) -> String {
    let mut bytes = URL_SAFE_NO_PAD
        .decode(&sealed[2..])
        .expect("our own sealing");
    let index = at.rem_euclid(bytes.len() as isize) as usize;
    bytes[index] ^= 0x01;
    format!("s.{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The corpus: a name, the raw request, what it must get.
fn corpus() -> Vec<(String, Vec<u8>, Expect)> {
    use Expect::*;
    let rd = UserConfig {
        realdebrid: Some(DebridToken::from(RD_TOKEN.to_owned())),
        ..UserConfig::default()
    };
    let sealed = rd.encode(Some(&sealer()));
    let hash = SHAWSHANK_1080P_SHARED;
    let resolve =
        |hash: &str, file: &str| format!("/{sealed}/resolve/realdebrid/{hash}/{file}/Movie.mkv");
    let deep = format!("/{}%5D/manifest.json", "%5B".repeat(1000));
    let mut cases: Vec<(String, Vec<u8>, Expect)> = vec![
        // Length.
        (
            "10 KB path".into(),
            get(format!("/{}", "a".repeat(10_240))),
            JsonRefusal,
        ),
        (
            "100 KB path".into(),
            get(format!("/{}", "a".repeat(102_400))),
            HttpRefusal,
        ),
        (
            "10 KB config segment".into(),
            get(format!("/{}/manifest.json", "e".repeat(10_240))),
            JsonRefusal,
        ),
        (
            "10 KB sealed config".into(),
            get(format!("/s.{}/manifest.json", "A".repeat(10_240))),
            JsonRefusal,
        ),
        (
            "10 KB stream id".into(),
            get(format!("/stream/movie/tt{}.json", "1".repeat(10_240))),
            JsonRefusal,
        ),
        (
            "100 KB stream id".into(),
            get(format!("/stream/movie/tt{}.json", "1".repeat(102_400))),
            HttpRefusal,
        ),
        (
            "10 KB genre".into(),
            get(format!(
                "/catalog/movie/yts-popular/genre={}.json",
                "A".repeat(10_240)
            )),
            JsonRefusalOrEmpty,
        ),
        (
            "10 KB search".into(),
            get(format!(
                "/catalog/movie/yts-search/search={}.json",
                "x".repeat(10_240)
            )),
            JsonRefusalOrEmpty,
        ),
        (
            "64 KB header on an unknown title".into(),
            request(
                "GET",
                b"/stream/movie/tt0000001.json",
                &format!("X-Big: {}\r\n", "b".repeat(65_536)),
            ),
            AnyRefusalOrEmpty,
        ),
        (
            "1 MB header".into(),
            request(
                "GET",
                b"/manifest.json",
                &format!("X-Big: {}\r\n", "b".repeat(1 << 20)),
            ),
            HttpRefusal,
        ),
        (
            "200 headers".into(),
            request("GET", b"/manifest.json", &"X-Many: 1\r\n".repeat(200)),
            HttpRefusal,
        ),
        // Encoding.
        (
            "raw invalid UTF-8 in an id".into(),
            get(b"/stream/movie/\xff\xfe.json"),
            HttpRefusal,
        ),
        (
            "raw invalid UTF-8 in the config".into(),
            get(b"/\xc3\x28/manifest.json"),
            HttpRefusal,
        ),
        (
            "percent-encoded invalid UTF-8 in an id".into(),
            get("/stream/movie/%ff%fe.json"),
            JsonRefusal,
        ),
        (
            "percent-encoded invalid UTF-8 in the type".into(),
            get("/stream/%C0%AF/tt0111161.json"),
            JsonRefusal,
        ),
        (
            "percent-encoded invalid UTF-8 in the config".into(),
            get("/%ff%fe%fd/manifest.json"),
            JsonRefusal,
        ),
        (
            "percent-encoded invalid UTF-8 in an extra".into(),
            get("/catalog/movie/yts-search/search=%ff%fe.json"),
            JsonRefusalOrEmpty,
        ),
        (
            "bad percent-encoding in an id".into(),
            get("/stream/movie/tt%zz.json"),
            JsonRefusal,
        ),
        (
            "truncated percent-encoding in the config".into(),
            get("/%E0%A4%A/manifest.json"),
            JsonRefusal,
        ),
        (
            "a lone percent sign as config".into(),
            get("/%/manifest.json"),
            JsonRefusal,
        ),
        (
            "an emoji id".into(),
            get("/stream/movie/%F0%9F%98%80.json"),
            JsonRefusal,
        ),
        // NUL bytes.
        (
            "encoded NUL in an id".into(),
            get("/stream/movie/tt011%00161.json"),
            JsonRefusal,
        ),
        (
            "encoded NUL as config".into(),
            get("/%00/manifest.json"),
            JsonRefusal,
        ),
        (
            "raw NUL in the path".into(),
            get(b"/stream/movie/tt01\x00.json"),
            HttpRefusal,
        ),
        // Types, ids, extras.
        (
            "unknown type".into(),
            get(format!("/stream/anime/{MOVIE_ID}.json")),
            JsonRefusal,
        ),
        (
            "unknown catalog type".into(),
            get("/catalog/tv/yts-popular.json"),
            JsonRefusal,
        ),
        (
            "unknown catalog".into(),
            get("/catalog/movie/nope.json"),
            JsonRefusal,
        ),
        (
            "unknown resource".into(),
            get(format!("/subtitles/movie/{MOVIE_ID}.json")),
            JsonRefusal,
        ),
        (
            "catalog search without a term".into(),
            get("/catalog/movie/yts-search.json"),
            JsonRefusal,
        ),
        (
            "kitsu id".into(),
            get("/stream/movie/kitsu%3A1.json"),
            JsonRefusal,
        ),
        (
            "episode number overflow".into(),
            get("/stream/series/tt0903747%3A1%3A99999999999.json"),
            JsonRefusal,
        ),
        (
            "series id without episode".into(),
            get("/stream/series/tt0903747.json"),
            JsonRefusal,
        ),
        (
            "huge skip".into(),
            get("/catalog/movie/yts-popular/skip=99999999999.json"),
            JsonRefusal,
        ),
        (
            "negative skip".into(),
            get("/catalog/movie/yts-popular/skip=-1.json"),
            JsonRefusal,
        ),
        (
            "non-numeric skip".into(),
            get("/catalog/movie/yts-popular/skip=abc.json"),
            JsonRefusal,
        ),
        (
            "empty config segment".into(),
            get("//manifest.json"),
            JsonRefusal,
        ),
        ("empty id".into(), get("/stream/movie/.json"), JsonRefusal),
        // Configs.
        ("config nested 1000 deep".into(), get(deep), JsonRefusal),
        (
            "config with an infinite number".into(),
            get("/%7B%22maxResults%22%3A1e999%7D/manifest.json"),
            JsonRefusal,
        ),
        (
            "config of another version".into(),
            get("/%7B%22v%22%3A2%7D/manifest.json"),
            JsonRefusal,
        ),
        (
            "config that is an array".into(),
            get("/%5B%5D/manifest.json"),
            JsonRefusal,
        ),
        (
            "sealed prefix and nothing else".into(),
            get("/s./manifest.json"),
            JsonRefusal,
        ),
        (
            "sealed prefix and no base64".into(),
            get("/s.%25%25%25/manifest.json"),
            JsonRefusal,
        ),
        // Resolve URLs.
        (
            "resolve: hash not hex".into(),
            get(resolve(&"g".repeat(40), "-")),
            JsonRefusal,
        ),
        (
            "resolve: hash too short".into(),
            get(resolve(&hash[..39], "-")),
            JsonRefusal,
        ),
        (
            "resolve: hash too long".into(),
            get(resolve(&format!("{hash}0"), "-")),
            JsonRefusal,
        ),
        (
            "resolve: hash with NUL".into(),
            get(resolve(&format!("{}%00", &hash[..39]), "-")),
            JsonRefusal,
        ),
        (
            "resolve: bad file selector".into(),
            get(resolve(hash, "s1x2")),
            JsonRefusal,
        ),
        (
            "resolve: file index overflow".into(),
            get(resolve(hash, "99999999999")),
            JsonRefusal,
        ),
        (
            "resolve: without a config".into(),
            get(format!("/resolve/realdebrid/{hash}/-/Movie.mkv")),
            JsonRefusal,
        ),
        (
            "resolve: config without a token".into(),
            get(format!("/%7B%7D/resolve/realdebrid/{hash}/-/Movie.mkv")),
            JsonRefusal,
        ),
        (
            "resolve: unknown debrid service".into(),
            get(format!("/{sealed}/resolve/alldebrid/{hash}/-/Movie.mkv")),
            JsonRefusal,
        ),
        // Dot segments: never a file from disk.
        (
            "dot segments under static".into(),
            get("/static/../Cargo.toml"),
            JsonRefusal,
        ),
        (
            "encoded dot segments under static".into(),
            get("/static/%2e%2e/%2e%2e/Cargo.toml"),
            JsonRefusal,
        ),
        (
            "encoded slashes under static".into(),
            get("/static/..%2f..%2fCargo.toml"),
            JsonRefusal,
        ),
        (
            "dot segments at the root".into(),
            get("/../../../etc/passwd"),
            JsonRefusal,
        ),
        (
            "dot segments in an id".into(),
            get("/stream/movie/..%2f..%2fetc%2fpasswd.json"),
            JsonRefusal,
        ),
        // Not HTTP at all.
        (
            "garbage request line".into(),
            b"GARBAGE\r\n\r\n".to_vec(),
            HttpRefusal,
        ),
        (
            "HTTP/9.9".into(),
            b"GET /manifest.json HTTP/9.9\r\nHost: x\r\n\r\n".to_vec(),
            HttpRefusal,
        ),
        (
            "bad chunked body".into(),
            request(
                "POST",
                b"/configure",
                "Transfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n",
            )
            .into_iter()
            .chain(b"zz\r\nnope\r\n0\r\n\r\n".iter().copied())
            .collect(),
            HttpRefusal,
        ),
    ];
    for at in [0, 5, 11, 12, 20, -17, -1] {
        cases.push((
            format!("sealed config, bit flipped at byte {at}"),
            get(format!(
                "/{}/stream/movie/{MOVIE_ID}.json",
                flipped(&sealed, at)
            )),
            JsonRefusal,
        ));
    }
    // Methods other than GET and HEAD, on protocol routes.
    for method in [
        "POST", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "PROPFIND", "FOO",
    ] {
        for path in ["/manifest.json", "/stream/movie/tt0111161.json"] {
            let body = "Content-Length: 2\r\n";
            let mut bytes = request(method, path.as_bytes(), body);
            bytes.extend_from_slice(b"{}");
            cases.push((format!("{method} {path}"), bytes, JsonRefusal));
        }
    }
    cases
}

async fn hostile_app() -> TestApp {
    spawn_app_with(|env| {
        env.insert("CONFIG_SECRET".into(), SECRET.into());
    })
    .await
}

#[tokio::test]
async fn every_hostile_request_gets_a_clear_refusal_and_the_server_keeps_serving() {
    let app = hostile_app().await;
    let mut failures = Vec::new();
    for (name, bytes, expect) in corpus() {
        match send(&app, &bytes).await {
            Ok(answer) => {
                if let Err(why) = check(&answer, expect) {
                    failures.push(format!("{name}: {why}"));
                }
                // Whatever the refusal, nothing from the disk or the environment leaks.
                let text = String::from_utf8_lossy(&answer.body);
                for secret in ["[package]", "root:", SECRET, RD_TOKEN] {
                    if text.contains(secret) {
                        failures.push(format!("{name}: the answer contains {secret:?}"));
                    }
                }
            }
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    let health = send(&app, &get("/healthz")).await;
    assert!(
        health.as_ref().is_ok_and(|a| a.status == 200),
        "still serving: {health:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn a_cors_preflight_is_an_empty_200() {
    let app = hostile_app().await;
    let preflight = request(
        "OPTIONS",
        b"/manifest.json",
        "Origin: https://web.stremio.com\r\nAccess-Control-Request-Method: GET\r\n",
    );
    let answer = send(&app, &preflight).await.expect("an answer");
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(answer.body.is_empty(), "{answer:?}");
    assert!(
        answer
            .head
            .to_ascii_lowercase()
            .contains("access-control-allow-origin: *"),
        "{}",
        answer.head
    );
}

#[tokio::test]
async fn the_corpus_is_checked_for_real() {
    // The checker itself: a 5xx, a non-JSON refusal and a non-empty 200 are all caught.
    let answer = |status: u16, body: &str| Answer {
        status,
        head: String::new(),
        body: body.as_bytes().to_vec(),
    };
    assert!(check(&answer(500, r#"{"error":"x"}"#), Expect::HttpRefusal).is_err());
    assert!(check(&answer(404, "not found"), Expect::JsonRefusal).is_err());
    assert!(check(&answer(404, r#"{"error":"x"}"#), Expect::JsonRefusal).is_ok());
    assert!(
        check(
            &answer(200, r#"{"streams":[{}]}"#),
            Expect::JsonRefusalOrEmpty
        )
        .is_err()
    );
    assert!(
        check(
            &answer(200, r#"{"streams":[]}"#),
            Expect::JsonRefusalOrEmpty
        )
        .is_ok()
    );
    assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), b"abcde");
}

/// A form sent a byte at a time (or not at all past its first byte) gets a JSON 408 once the
/// body's time is up, instead of holding the connection open indefinitely; an oversized form
/// gets a 413.
#[tokio::test]
async fn a_trickled_or_oversized_form_is_refused_with_a_clear_answer() {
    let app = crate::common::spawn_app().await;
    let mut trickle = request(
        "POST",
        b"/configure",
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n",
    );
    trickle.extend_from_slice(b"s");
    let answer = send(&app, &trickle)
        .await
        .expect("answered, not left hanging");
    assert_eq!(answer.status, 408, "{}", answer.head);
    let body: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
    assert!(body["error"].is_string());

    let mut huge = request(
        "POST",
        b"/configure",
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n",
    );
    huge.extend(std::iter::repeat_n(b'a', 100_000));
    let answer = send(&app, &huge).await.expect("answered");
    assert_eq!(answer.status, 413, "{}", answer.head);
}
