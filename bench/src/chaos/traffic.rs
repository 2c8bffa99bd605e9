//! The traffic mix of the soak: which request comes next, sending at a fixed rate, and what
//! became of each request.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrio_fakes::fixtures;
use reqwest::StatusCode;
use tokio::task::JoinSet;

use crate::harness::{Res, why};
use crate::titles::Title;

/// The request kinds of the traffic mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Stream,
    Catalog,
    Manifest,
    Resolve,
}

/// What became of one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub phase: usize,
    pub kind: Kind,
    /// `None`: no answer (connection error or client timeout).
    pub status: Option<StatusCode>,
    pub latency: Duration,
}

/// Builds the request paths, rotating through kinds, titles and torrents.
pub(crate) struct Traffic {
    pub base: String,
    pub user: String,
    /// Path prefixes of Real-Debrid users, each with a token of their own: Ferrio keeps to
    /// Real-Debrid's per-token budget (250 calls a minute), which one user tapping ten streams a
    /// second would exhaust.
    pub rd_users: Vec<String>,
    pub titles: Vec<Title>,
    pub torrents: Vec<String>,
    pub resolves: bool,
    pub sent: usize,
}

impl Traffic {
    pub fn next(&mut self) -> (Kind, String) {
        let n = self.sent;
        self.sent += 1;
        let title = &self.titles[(n / 10) % self.titles.len()];
        let (kind, path) = match n % 10 {
            0 | 3 => (Kind::Stream, title.stream_path(&self.user)),
            1 => (
                Kind::Stream,
                format!("{}/stream/movie/{}.json", self.user, fixtures::MOVIE_ID),
            ),
            2 => (
                Kind::Stream,
                format!("{}/stream/series/tt0903747%3A1%3A3.json", self.user),
            ),
            4 => (
                Kind::Catalog,
                format!("{}/catalog/movie/yts-popular.json", self.user),
            ),
            5 => (
                Kind::Catalog,
                format!(
                    "{}/catalog/movie/yts-popular/genre=Drama&skip=20.json",
                    self.user
                ),
            ),
            6 => (Kind::Manifest, format!("{}/manifest.json", self.user)),
            7 if self.resolves => {
                let hash = &self.torrents[(n / 10) % self.torrents.len()];
                (
                    Kind::Resolve,
                    format!(
                        "{}/resolve/realdebrid/{hash}/-/Chaos.Movie.mkv",
                        self.rd_users[(n / 10) % self.rd_users.len()]
                    ),
                )
            }
            8 => (
                Kind::Stream,
                title.stream_path(&self.rd_users[(n / 10) % self.rd_users.len()]),
            ),
            9 => (
                Kind::Catalog,
                format!("{}/catalog/movie/yts-search/search=fixture.json", self.user),
            ),
            _ => (Kind::Manifest, "/manifest.json".to_owned()),
        };
        (kind, format!("{}{path}", self.base))
    }
}

/// Sends one request per tick for `length`, each in its own task so a slow answer does not
/// slow the rate.
pub(crate) async fn send_for(
    client: &Arc<reqwest::Client>,
    traffic: &mut Traffic,
    in_flight: &mut JoinSet<Sample>,
    phase: usize,
    length: Duration,
    per_second: u32,
) {
    let period = Duration::from_secs(1) / per_second;
    let mut ticks = tokio::time::interval(period);
    let end = Instant::now() + length;
    while Instant::now() < end {
        ticks.tick().await;
        let (kind, url) = traffic.next();
        let client = Arc::clone(client);
        in_flight.spawn(async move {
            let started = Instant::now();
            let status = match client.get(&url).send().await {
                Ok(response) => {
                    let status = response.status();
                    // Read the body: an answer that breaks off half-way is no answer.
                    response.bytes().await.ok().map(|_| status)
                }
                Err(_) => None,
            };
            Sample {
                phase,
                kind,
                status,
                latency: started.elapsed(),
            }
        });
    }
}

/// Whether `/resolve/...` is served yet: the default 404 says it is not.
pub(crate) async fn resolve_route_exists(
    client: &reqwest::Client,
    base: &str,
    rd_user: &str,
    torrents: &[String],
) -> Res<bool> {
    let hash = torrents.first().ok_or("no torrents")?;
    let url = format!("{base}{rd_user}/resolve/realdebrid/{hash}/-/Chaos.Movie.mkv");
    let response = client.get(url).send().await.map_err(why)?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    Ok(!(status == StatusCode::NOT_FOUND && body.contains("\"not found\"")))
}
