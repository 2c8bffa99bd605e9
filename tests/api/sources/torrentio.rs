//! The Torrentio client: movies, episodes of packs, and the facts read from `title`.

use super::support::{TIMEOUT, episode, http, movie, url};
use ferrio::sources::TorrentioClient;
use ferrio_fakes::TorrentioFake;
use ferrio_fakes::fixtures::*;

async fn client() -> (TorrentioFake, TorrentioClient) {
    let fake = TorrentioFake::start().await;
    let (http, _) = http();
    let client = TorrentioClient::new(http, url(fake.url()), TIMEOUT);
    (fake, client)
}

#[tokio::test]
async fn a_movie_reads_seeders_size_provider_and_trackers() {
    let (fake, client) = client().await;
    let answer = client.streams(&movie(MOVIE_ID)).await.expect("answer");
    assert_eq!(answer.candidates.len(), 6);
    let shared = answer
        .candidates
        .iter()
        .find(|c| c.info_hash.as_str() == SHAWSHANK_1080P_SHARED)
        .expect("the shared release");
    assert_eq!(shared.title, SHAWSHANK_1080P_SHARED_NAME);
    assert_eq!(shared.seeders, Some(1480));
    assert_eq!(shared.provider.as_deref(), Some("YTS"));
    assert!(shared.file_idx.is_some() && shared.size_is_file && shared.size.is_some());
    assert!(shared.filename.is_some());
    assert!(
        !shared.trackers.is_empty() && shared.trackers.iter().all(|t| !t.starts_with("tracker:"))
    );
    let cam = answer
        .candidates
        .iter()
        .find(|c| c.info_hash.as_str() == SHAWSHANK_CAM)
        .expect("the CAM");
    assert_eq!(
        (cam.file_idx, cam.size_is_file, cam.filename.as_deref()),
        (None, false, None)
    );
    assert_eq!(cam.provider.as_deref(), Some("ThePirateBay"));
    assert_eq!(fake.stream_calls(), 1);
}

#[tokio::test]
async fn an_episode_id_is_encoded_and_pack_files_are_named() {
    let (fake, client) = client().await;
    let answer = client.streams(&episode(EPISODE_ID)).await.expect("answer");
    let pack = answer
        .candidates
        .iter()
        .find(|c| c.info_hash.as_str() == BB_S01_PACK)
        .expect("the season pack");
    assert_eq!(pack.title, BB_S01_PACK_NAME);
    assert!(
        pack.filename
            .as_deref()
            .is_some_and(|f| f.contains("S01E03")),
        "{pack:?}"
    );
    assert!(pack.file_idx.is_some());
    assert!(
        answer
            .candidates
            .iter()
            .any(|c| c.info_hash.as_str() == BB_S01E03)
    );
    assert!(
        !answer
            .candidates
            .iter()
            .any(|c| c.info_hash.as_str() == BB_S01E04)
    );
    assert_eq!(fake.stream_calls(), 1);
}

#[tokio::test]
async fn an_unknown_title_is_an_empty_answer() {
    let (fake, client) = client().await;
    let answer = client
        .streams(&movie(UNKNOWN_MOVIE_ID))
        .await
        .expect("answer");
    assert!(answer.candidates.is_empty() && !answer.pending);
    assert_eq!(fake.stream_calls(), 1);
}
