//! The trending prewarm (`PREWARM_TOP_N`, with TMDB): every 30 minutes, one instance at a time,
//! the torrent streams of the top trending movies are fetched through the sources' normal
//! cache, one title after the other (so DMM's pacing holds), and the first user to open a
//! trending title finds its list ready. Shows are left out: their streams are per episode, and
//! which episode a user opens is not known.
//!
//! It lives on budgets users share, so it is the last to get them: its Torrentio calls have a
//! day's budget of their own (`PREWARM_TORRENTIO_DAILY`) within the anonymous part of the
//! quota, and it does not run at all on an instance no user has asked anything for a day.

use super::{Asker, Discovery, model::Kind};
use crate::{
    cache::{Cache, CacheFamily, Policy},
    client_address::ClientKey,
    clock::{millis, now_ms},
    protocol::{
        config::{SourceId, UserConfig},
        request::{ImdbId, VideoId},
    },
    sources::{
        Sources,
        limits::Asker as SourceAsker,
        witness::{Known, Witness},
    },
};
use std::time::Duration;

/// How often the prewarm runs.
const EVERY: Duration = Duration::from_secs(30 * 60);
/// How long without a user's request before the prewarm stops (until the next one).
const IDLE: Duration = Duration::from_secs(24 * 3600);

/// The prewarm. Cheap to clone.
#[derive(Clone)]
pub struct Prewarm {
    discovery: Discovery,
    sources: Sources,
    top_n: usize,
    /// One entry per period: the instance that takes its lock runs the pass.
    passes: CacheFamily<usize, ()>,
}

impl Prewarm {
    pub fn new(discovery: Discovery, sources: Sources, cache: &Cache, top_n: usize) -> Self {
        let passes = cache
            .family("prewarm_pass", |_: &Result<usize, ()>| {
                Policy::only_fresh(EVERY)
            })
            .waiting_at_most(EVERY);
        Self {
            discovery,
            sources,
            top_n,
            passes,
        }
    }

    /// Starts the loop, when TMDB is configured and `PREWARM_TOP_N` is not 0.
    pub fn spawn(self) {
        if self.top_n == 0 || !self.discovery.enabled() {
            return;
        }
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(Duration::from_secs(60));
            loop {
                ticks.tick().await;
                self.run_due(now_ms()).await;
            }
        });
    }

    /// Runs this period's pass unless an instance already did, or nobody has used this one for
    /// a day (another instance that users reach still runs it).
    pub async fn run_due(&self, now_ms: u64) {
        if now_ms.saturating_sub(self.sources.last_user_ms()) >= millis(IDLE) {
            tracing::debug!("trending prewarm skipped: no user for a day");
            return;
        }
        let this = self.clone();
        let pass = move || {
            let this = this.clone();
            async move { Ok(this.pass().await) }
        };
        let key = (now_ms / millis(EVERY)).to_string();
        let _ = self.passes.get_or_fetch(&key, pass).await;
    }

    /// Fetches the streams of the top trending movies; how many titles were asked for.
    async fn pass(&self) -> usize {
        let asker: Asker = self
            .discovery
            .asker(&UserConfig::default(), ClientKey::BACKGROUND);
        let titles = self
            .discovery
            .top_trending(Kind::Movie, self.top_n, &asker)
            .await;
        let sources = SourceId::ALL.into_iter().collect();
        // Anonymous: the prewarm stops where anonymous requests do, leaving the rest of the
        // day's quota to subscribers.
        let background = SourceAsker {
            client: ClientKey::BACKGROUND,
            anonymous: true,
        };
        // TMDB listed them: they are real.
        let trending = Witness::says(Known::Yes);
        let mut warmed = 0;
        for imdb in titles.iter().filter_map(|id| ImdbId::parse(id)) {
            self.sources
                .gather(
                    &VideoId::Movie(imdb),
                    &sources,
                    background,
                    trending.clone(),
                )
                .await;
            warmed += 1;
        }
        tracing::info!(titles = warmed, "trending prewarm done");
        warmed
    }
}
