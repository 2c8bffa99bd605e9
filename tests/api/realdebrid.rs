//! The Real-Debrid client against the Real-Debrid fake: typed calls, error codes, and the
//! per-token budget that keeps a 429 from turning into a storm.

use crate::common::redis::RedisServer;
use ferrio::{
    cache::Cache,
    client_address::ClientAddress,
    debrid::realdebrid::{RdError, RealDebrid, types::TorrentStatus},
    metrics::Metrics,
    protocol::config::DebridToken,
    settings::Settings,
};
use ferrio_fakes::{Mode, RealDebridFake, fixtures};
use std::time::Duration;

fn client(fake: &RealDebridFake) -> RealDebrid {
    client_on(fake, Vec::new())
}

/// A client whose cache is built from `env` (e.g. a `REDIS_URL` shared with another client).
fn client_on(fake: &RealDebridFake, env: Vec<(String, String)>) -> RealDebrid {
    let http = reqwest::Client::new();
    let base = fake.url().parse().expect("fake URL");
    let metrics = Metrics::new().expect("metrics");
    let settings = Settings::from_iter(env).expect("settings");
    let cache = Cache::new(&settings, metrics.clone()).expect("cache");
    RealDebrid::new(http, base, Duration::from_secs(2), metrics, &cache)
}

fn token() -> DebridToken {
    DebridToken::from(fixtures::RD_TOKEN.to_owned())
}

/// One cheap call for a token: the first page of its torrents.
async fn probe(rd: &RealDebrid, token: &DebridToken) -> Result<(), RdError> {
    rd.torrents(token, 1, 1).await.map(drop)
}

#[tokio::test]
async fn calls_check_the_token() {
    let fake = RealDebridFake::start().await;
    let rd = client(&fake);
    assert_eq!(probe(&rd, &token()).await, Ok(()), "known token");
    let unknown = DebridToken::from("UNKNOWNTOKEN000000000000000000000000000000000000".to_owned());
    assert_eq!(probe(&rd, &unknown).await, Err(RdError::BadToken));
    fake.set_token_permission_denied(fixtures::RD_TOKEN);
    assert_eq!(probe(&rd, &token()).await, Err(RdError::PermissionDenied));
}

#[tokio::test]
async fn a_cached_torrent_goes_from_magnet_to_download_link() {
    let fake = RealDebridFake::start().await;
    let rd = client(&fake);
    let token = token();
    let added = rd
        .add_magnet(
            &token,
            format!("magnet:?xt=urn:btih:{}", fixtures::SHAWSHANK_1080P_SHARED),
            None,
        )
        .await
        .expect("added");
    let mut info = rd.torrent_info(&token, &added.id).await.expect("info");
    while info.status == TorrentStatus::MagnetConversion {
        info = rd.torrent_info(&token, &added.id).await.expect("info");
    }
    assert_eq!(info.status, TorrentStatus::WaitingFilesSelection);
    let video = info
        .files
        .iter()
        .max_by_key(|file| file.bytes)
        .expect("files");
    rd.select_files(&token, &added.id, &[video.id])
        .await
        .expect("selected");
    let info = rd.torrent_info(&token, &added.id).await.expect("info");
    assert_eq!(info.status, TorrentStatus::Downloaded);
    assert_eq!(info.links.len(), 1);
    let link = rd
        .unrestrict(&token, &info.links[0], None)
        .await
        .expect("unrestricted");
    assert!(link.download.starts_with("http"), "{}", link.download);
    let page = rd.torrents(&token, 1, 50).await.expect("list");
    assert!(page.total >= 1);
    assert!(
        page.torrents
            .iter()
            .any(|t| t.hash == fixtures::SHAWSHANK_1080P_SHARED)
    );
    assert_eq!(fake.add_magnet_calls(), 1);
}

#[tokio::test]
async fn error_codes_become_typed_errors() {
    let fake = RealDebridFake::start().await;
    let rd = client(&fake);
    let token = token();
    assert_eq!(
        rd.add_magnet(
            &token,
            format!("magnet:?xt=urn:btih:{}", fixtures::SHAWSHANK_WEB_DL),
            None
        )
        .await
        .map(drop),
        Err(RdError::Infringing)
    );
    assert_eq!(
        rd.torrent_info(&token, "NOSUCHTORRENT").await.map(drop),
        Err(RdError::UnknownResource)
    );
    fake.set_slots_full(true);
    assert_eq!(
        rd.add_magnet(
            &token,
            format!("magnet:?xt=urn:btih:{}", fixtures::SHAWSHANK_CAM),
            None
        )
        .await
        .map(drop),
        Err(RdError::TooManyActiveDownloads)
    );
    fake.set_slots_full(false);
    let id = fake.preload(fixtures::RD_TOKEN, fixtures::SHAWSHANK_1080P_SHARED);
    let info = rd.torrent_info(&token, &id).await.expect("info");
    fake.set_hoster_unavailable(true);
    assert_eq!(
        rd.unrestrict(&token, &info.links[0], None).await.map(drop),
        Err(RdError::HosterUnavailable)
    );
    fake.set_service_unavailable(true);
    assert_eq!(probe(&rd, &token).await, Err(RdError::ServiceUnavailable));
}

#[tokio::test]
async fn a_429_closes_the_token_budget_instead_of_retrying() {
    let fake = RealDebridFake::start().await;
    let rd = client(&fake);
    let token = token();
    fake.set_rate_limit_per_minute(2);
    fake.set_retry_after(Some(30));
    assert!(probe(&rd, &token).await.is_ok());
    assert!(probe(&rd, &token).await.is_ok());
    let limited = probe(&rd, &token).await;
    assert!(
        matches!(limited, Err(RdError::TooManyRequests { .. })),
        "{limited:?}"
    );
    let calls = fake.calls();
    for _ in 0..10 {
        let again = probe(&rd, &token).await;
        assert!(
            matches!(again, Err(RdError::TooManyRequests { .. })),
            "{again:?}"
        );
    }
    assert_eq!(
        fake.calls(),
        calls,
        "no request reaches Real-Debrid during the backoff"
    );
}

#[tokio::test]
async fn an_outage_opens_the_circuit_but_a_bad_token_does_not() {
    let fake = RealDebridFake::start().await;
    let rd = client(&fake);
    let stranger = DebridToken::from("UNKNOWNTOKEN000000000000000000000000000000000000".to_owned());
    for _ in 0..8 {
        assert_eq!(probe(&rd, &stranger).await, Err(RdError::BadToken));
    }
    assert!(
        probe(&rd, &token()).await.is_ok(),
        "bad tokens are one user's problem"
    );
    fake.set_service_unavailable(true);
    for _ in 0..5 {
        assert_eq!(probe(&rd, &token()).await, Err(RdError::ServiceUnavailable));
    }
    let calls = fake.calls();
    assert_eq!(probe(&rd, &token()).await, Err(RdError::ServiceUnavailable));
    assert_eq!(
        fake.calls(),
        calls,
        "the open circuit answers without calling"
    );
}

#[tokio::test]
async fn instances_sharing_redis_share_the_token_backoff() {
    let redis = RedisServer::start().await;
    let fake = RealDebridFake::start().await;
    let env = || vec![("REDIS_URL".to_owned(), redis.url())];
    let (first, second) = (client_on(&fake, env()), client_on(&fake, env()));
    fake.set_rate_limit_per_minute(1);
    fake.set_retry_after(Some(30));
    assert!(probe(&first, &token()).await.is_ok());
    let limited = probe(&first, &token()).await;
    assert!(
        matches!(limited, Err(RdError::TooManyRequests { .. })),
        "{limited:?}"
    );
    let calls = fake.calls();
    let other = probe(&second, &token()).await;
    assert!(
        matches!(other, Err(RdError::TooManyRequests { .. })),
        "{other:?}"
    );
    assert_eq!(
        fake.calls(),
        calls,
        "the other instance waits out the same backoff"
    );
}

#[tokio::test]
async fn a_hosting_address_is_refused_links_unless_the_viewers_address_is_sent() {
    let fake = RealDebridFake::start().await;
    fake.set_require_client_ip(true);
    let rd = client(&fake);
    let token = token();
    let viewer = ClientAddress::from_header("81.2.69.160").expect("public");
    let added = rd
        .add_magnet(
            &token,
            format!("magnet:?xt=urn:btih:{}", fixtures::SHAWSHANK_1080P_SHARED),
            Some(&viewer),
        )
        .await
        .expect("added");
    let waiting = rd.torrent_info(&token, &added.id).await.expect("info");
    rd.torrent_info(&token, &waiting.id).await.expect("info");
    rd.select_files(&token, &added.id, &[1])
        .await
        .expect("selected");
    let info = rd.torrent_info(&token, &added.id).await.expect("info");
    assert_eq!(
        rd.unrestrict(&token, &info.links[0], None).await.map(drop),
        Err(RdError::AddressRefused),
        "code 22 is its own error, not a refused token"
    );
    let link = rd
        .unrestrict(&token, &info.links[0], Some(&viewer))
        .await
        .expect("the viewer's address unlocks the link");
    assert!(link.download.contains("/dl/"), "{}", link.download);
    assert_eq!(
        fake.ip_fields("unrestrict"),
        vec![None, Some("81.2.69.160".to_owned())]
    );
    assert_eq!(
        fake.ip_fields("add_magnet"),
        vec![Some("81.2.69.160".to_owned())]
    );
}

#[tokio::test]
async fn a_cloudflare_block_is_an_outage_never_a_refused_token() {
    let fake = RealDebridFake::start().await;
    let rd = client(&fake);
    fake.set_mode(Mode::CloudflareHtml);
    for _ in 0..5 {
        assert_eq!(
            probe(&rd, &token()).await,
            Err(RdError::Blocked { status: 403 })
        );
    }
    let calls = fake.calls();
    assert!(probe(&rd, &token()).await.is_err());
    assert_eq!(
        fake.calls(),
        calls,
        "a block opens the circuit shared by every user, as any outage does"
    );
}

#[tokio::test]
async fn a_rate_limit_marks_the_token_throttled_and_no_other() {
    let fake = RealDebridFake::start().await;
    let rd = client(&fake);
    let other_token = "ANOTHERUSERTOKEN00000000000000000000000000000000";
    fake.add_token(other_token);
    let other = DebridToken::from(other_token.to_owned());
    assert!(!rd.recently_throttled(&token()).await);
    fake.throttle_account(fixtures::RD_TOKEN, 1);
    let limited = probe(&rd, &token()).await;
    assert!(
        matches!(limited, Err(RdError::TooManyRequests { .. })),
        "{limited:?}"
    );
    assert!(rd.recently_throttled(&token()).await);
    assert!(!rd.recently_throttled(&other).await);
}

#[tokio::test]
async fn a_refused_token_is_refused_again_without_a_call() {
    let fake = RealDebridFake::start().await;
    let rd = client(&fake);
    let made_up = DebridToken::from("MADEUPTOKEN0000000000000000000000000000000000000".to_owned());
    assert_eq!(probe(&rd, &made_up).await, Err(RdError::BadToken));
    let calls = fake.calls();
    for _ in 0..20 {
        assert_eq!(probe(&rd, &made_up).await, Err(RdError::BadToken));
        assert_eq!(
            rd.torrent_info(&made_up, "ABC").await.map(drop),
            Err(RdError::BadToken)
        );
    }
    assert_eq!(fake.calls(), calls, "remembered: no further call");
    assert!(probe(&rd, &token()).await.is_ok(), "other tokens are asked");
}
