//! One client of each kind against its own fake, and reading the metrics back.

use ferrio::metrics::Metrics;
use ferrio::protocol::request::{ImdbId, VideoId};
use ferrio::sources::{
    DmmClient, Searcher, SourceAnswer, SourceError, SourceHttp, TorrentioClient, YtsClient,
};
use ferrio_fakes::{DmmFake, Mode, TorrentioFake, YtsFake, fixtures::MOVIE_ID};
use std::time::Duration;
use url::Url;

/// Per-call timeout of the clients under test; the hang tests use a shorter one.
pub const TIMEOUT: Duration = Duration::from_secs(5);

pub fn movie(id: &str) -> VideoId {
    VideoId::Movie(ImdbId::parse(id).expect("valid id"))
}

pub fn episode(id: &str) -> VideoId {
    VideoId::parse("series", id).expect("valid episode id")
}

/// A DMM client on its own in-process cache (for its challenges), with a fresh challenge kept
/// four minutes, as in production.
pub fn dmm_client(http: SourceHttp, base: Url, timeout: Duration, interval: Duration) -> DmmClient {
    let settings = ferrio::settings::Settings::from_iter(Vec::new()).expect("default settings");
    let metrics = Metrics::new().expect("metrics");
    let cache = ferrio::cache::Cache::new(&settings, metrics).expect("cache");
    DmmClient::new(
        http,
        base,
        timeout,
        interval,
        &cache,
        Duration::from_secs(240),
    )
}

pub fn http() -> (SourceHttp, Metrics) {
    let metrics = Metrics::new().expect("metrics");
    let client = ferrio::upstream::http_client(TIMEOUT).expect("client");
    (SourceHttp::new(client, metrics.clone()), metrics)
}

pub fn url(value: String) -> Url {
    Url::parse(&value).expect("fake URL")
}

/// `ferrio_upstream_calls_total` for one source and outcome (0 when never recorded).
pub fn upstream_calls(metrics: &Metrics, source: &str, outcome: &str) -> u64 {
    let (source, outcome) = (
        format!("source=\"{source}\""),
        format!("outcome=\"{outcome}\""),
    );
    metrics
        .render()
        .lines()
        .filter(|line| line.starts_with("ferrio_upstream_calls_total{"))
        .find(|line| line.contains(&source) && line.contains(&outcome))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0)
}

/// The three kinds of client, each with its fake, asked about the standard movie.
pub enum Subject {
    Dmm(DmmFake, Box<DmmClient>),
    Yts(YtsFake, YtsClient),
    Torrentio(TorrentioFake, TorrentioClient),
}

impl Subject {
    /// Every kind, with its own fake and per-call `timeout`.
    pub async fn all(timeout: Duration) -> Vec<(Subject, Metrics)> {
        let mut all = Vec::new();
        for kind in ["dmm", "yts", "torrentio"] {
            let (http, metrics) = http();
            let subject = match kind {
                "dmm" => {
                    let fake = DmmFake::start().await;
                    let client = dmm_client(http, url(fake.url()), timeout, Duration::ZERO);
                    Subject::Dmm(fake, Box::new(client))
                }
                "yts" => {
                    let fake = YtsFake::start().await;
                    Subject::Yts(fake.clone(), YtsClient::new(http, url(fake.url()), timeout))
                }
                _ => {
                    let fake = TorrentioFake::start().await;
                    let client = TorrentioClient::new(http, url(fake.url()), timeout);
                    Subject::Torrentio(fake, client)
                }
            };
            all.push((subject, metrics));
        }
        all
    }

    /// The metric label of the client's data calls.
    pub fn name(&self) -> &'static str {
        match self {
            Subject::Dmm(..) => "dmm",
            Subject::Yts(..) => "yts",
            Subject::Torrentio(..) => "torrentio",
        }
    }

    /// Asks about the standard movie.
    pub async fn ask(&self) -> Result<SourceAnswer, SourceError> {
        let video = movie(MOVIE_ID);
        match self {
            Subject::Dmm(_, client) => client.search(&video, Searcher::BACKGROUND).await,
            Subject::Yts(_, client) => client.streams(video.imdb()).await,
            Subject::Torrentio(_, client) => client.streams(&video).await,
        }
    }

    /// Requests that reached the fake's data endpoint (DMM: searches, not challenges).
    pub fn calls(&self) -> usize {
        match self {
            Subject::Dmm(fake, _) => fake.search_calls(),
            Subject::Yts(fake, _) => fake.list_calls(),
            Subject::Torrentio(fake, _) => fake.stream_calls(),
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        match self {
            Subject::Dmm(fake, _) => fake.set_mode(mode),
            Subject::Yts(fake, _) => fake.set_mode(mode),
            Subject::Torrentio(fake, _) => fake.set_mode(mode),
        }
    }

    pub fn inject_bad_item(&self, on: bool) {
        match self {
            Subject::Dmm(fake, _) => fake.inject_bad_item(on),
            Subject::Yts(fake, _) => fake.inject_bad_item(on),
            Subject::Torrentio(fake, _) => fake.inject_bad_item(on),
        }
    }
}
