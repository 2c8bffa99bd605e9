//! Asking every enabled source at once, within one deadline.

use super::{
    Candidate, DmmClient, SourceAnswer, SourceCache, SourceError, SourceHttp, SourceTtls,
    TorrentioClient, YtsClient,
};
use super::{
    daily_share::DailyShare,
    gathered::Gathered,
    limits::{Asker, ClientLimits},
    pacer::Searcher,
    quota::DailyQuota,
    returning::Returning,
    witness::{Corroboration, Evidence, Witness},
};
use crate::{
    cache::Cache,
    client_address::ClientKey,
    metrics::Metrics,
    protocol::{
        config::SourceId,
        request::{ImdbId, VideoId},
        stream::InfoHash,
    },
    settings::Settings,
    upstream::{self, Circuit, UpstreamError, allowance::Allowance},
};
use futures::FutureExt;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::Instant;
use tracing::Instrument;

/// The three sources, their circuit breakers and the request deadline. Cheap to clone.
#[derive(Clone)]
pub struct Sources {
    inner: Arc<Inner>,
}

struct Inner {
    dmm: DmmClient,
    yts: YtsClient,
    torrentio: TorrentioClient,
    dmm_circuit: Circuit,
    yts_circuit: Circuit,
    torrentio_circuit: Circuit,
    deadline: Duration,
    cache: SourceCache,
    metrics: Metrics,
    limits: ClientLimits,
    torrentio_quota: DailyQuota,
    torrentio_share: DailyShare,
    imdb_id_max: u64,
    /// Clients whose requests found releases lately: real users, whose searches go first.
    returning: Returning,
    /// When a user's request last asked the sources (ms since the epoch; the start counts).
    last_user_ms: AtomicU64,
}

impl Sources {
    /// Builds the clients on one shared HTTP client, with the URLs and timings of `settings`;
    /// their answers are kept in `cache`.
    pub fn new(settings: &Settings, metrics: Metrics, cache: &Cache) -> reqwest::Result<Self> {
        let upstreams = &settings.upstreams;
        let timeout = upstreams.source_timeout;
        let http = SourceHttp::new(upstream::http_client(timeout)?, metrics.clone());
        let circuit = |source: SourceId| Circuit::new(source.as_str(), metrics.clone());
        let ttls = SourceTtls::from_settings(&settings.cache);
        let inner = Inner {
            dmm: DmmClient::new(
                http.clone(),
                upstreams.dmm_url.clone(),
                timeout,
                upstreams.dmm_min_interval,
                cache,
                ttls.dmm_challenge(),
            ),
            yts: YtsClient::new(http.clone(), upstreams.yts_url.clone(), timeout),
            torrentio: TorrentioClient::new(http, upstreams.torrentio_url.clone(), timeout),
            dmm_circuit: circuit(SourceId::Dmm),
            yts_circuit: circuit(SourceId::Yts),
            torrentio_circuit: circuit(SourceId::Torrentio),
            deadline: upstreams.request_deadline,
            cache: SourceCache::new(cache, &ttls),
            limits: ClientLimits::new(
                Allowance {
                    burst: f64::from(upstreams.client_fetch_burst),
                    per_second: f64::from(upstreams.client_fetches_per_minute) / 60.0,
                },
                metrics.clone(),
            ),
            torrentio_quota: DailyQuota::new(
                "torrentio",
                upstreams.torrentio_daily_quota,
                cache,
                metrics.clone(),
            ),
            torrentio_share: DailyShare::new(
                "torrentio",
                upstreams.torrentio_client_daily_share,
                cache,
                metrics.clone(),
            )
            .with_background(upstreams.prewarm_torrentio_daily),
            imdb_id_max: upstreams.imdb_id_max,
            returning: Returning::default(),
            last_user_ms: AtomicU64::new(crate::clock::now_ms()),
            metrics: metrics.clone(),
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// Asks one source about one video, through its circuit breaker and charged to `client`'s
    /// allowance ([`ClientLimits`]) and, for Torrentio, to the client's share of the day
    /// ([`DailyShare`]) and the day's quota ([`DailyQuota`]); a call past either — or, from a
    /// client without standing, a Torrentio call about a title nothing else knows — is
    /// answered [`SourceError::Throttled`], which is not cached. DMM serves searches by
    /// standing ([`Searcher`]). This is the unit a cache wraps: its answer does not depend on
    /// the user's config.
    async fn fetch(
        &self,
        source: SourceId,
        video: &VideoId,
        asker: Asker,
        evidence: &Evidence,
    ) -> Result<SourceAnswer, SourceError> {
        let inner = &self.inner;
        if let (SourceId::Yts, VideoId::Episode { .. }) = (source, video) {
            // YTS has movies only: nothing to ask.
            return Ok(SourceAnswer::default());
        }
        // Held while the call runs: a DMM search counts as pending until it ends.
        let _allowed = inner
            .limits
            .allow(asker.client, source)
            .ok_or(SourceError::Throttled)?;
        let proven = self.is_proven(asker);
        let call = match (source, video) {
            (SourceId::Dmm, _) => {
                let standing = evidence.standing(proven).await;
                let searcher = Searcher {
                    client: asker.client,
                    standing,
                };
                inner.dmm.search(video, searcher).boxed()
            }
            (SourceId::Yts, _) => inner.yts.streams(video.imdb()).boxed(),
            (SourceId::Torrentio, _) => {
                // The client pays its allowance for the ask, the shared quota only once the
                // title is known to be real.
                let patience = inner.deadline;
                if !proven
                    && !evidence
                        .corroboration
                        .vouches(&evidence.witness, patience)
                        .await
                {
                    inner.metrics.refusal("torrentio_unknown_title");
                    return Err(SourceError::Throttled);
                }
                // The client's share of the day first: a call it may not make spends no quota.
                if !(inner.torrentio_share.take(asker.client).await
                    && inner.torrentio_quota.spend(asker.anonymous).await)
                {
                    return Err(SourceError::Throttled);
                }
                inner.torrentio.streams(video).boxed()
            }
        };
        let answer = inner
            .circuit(source)
            .call(|| SourceError::CircuitOpen, call)
            .await?;
        Ok(read_names(answer, &inner.metrics).await)
    }

    /// A subscriber's request, Ferrio's own, or one from a client whose requests found
    /// releases before: one that can only be a real user's.
    fn is_proven(&self, asker: Asker) -> bool {
        !asker.anonymous
            || asker.client == ClientKey::BACKGROUND
            || self.inner.returning.contains(asker.client)
    }

    /// One source's answer about one video from the cache, or from [`Sources::fetch`] — which
    /// the cache calls once for all concurrent requests, and runs to its end even when this
    /// request has stopped waiting, so a late answer is stored for the next one.
    async fn fetch_cached(
        &self,
        source: SourceId,
        video: &VideoId,
        asker: Asker,
        evidence: Evidence,
    ) -> Result<SourceAnswer, SourceError> {
        let (sources, owned) = (self.clone(), video.clone());
        let fetch = move || {
            let (sources, video, evidence) = (sources.clone(), owned.clone(), evidence.clone());
            async move { sources.fetch(source, &video, asker, &evidence).await }
        };
        self.inner.cache.get_or_fetch(source, video, fetch).await
    }

    /// Asks the `enabled` sources concurrently and gathers what they answer by the request
    /// deadline. Each source runs as its own task: one that misses the deadline is left out of
    /// this answer but keeps running, so its result still counts for its circuit and can
    /// still be stored by a cache. A failing source is left out, never an error.
    ///
    /// An id beyond any IMDb id issued so far (`IMDB_ID_MAX`) is answered empty at once: no
    /// source knows it, and asking them would only spend their budgets. Below it, `witness`
    /// says whether the title is real ([`super::witness`]).
    pub async fn gather(
        &self,
        video: &VideoId,
        enabled: &BTreeSet<SourceId>,
        asker: Asker,
        witness: Witness,
    ) -> Gathered {
        if asker.client != ClientKey::BACKGROUND {
            let now = crate::clock::now_ms();
            self.inner.last_user_ms.fetch_max(now, Ordering::Relaxed);
        }
        if video.imdb().number() > self.inner.imdb_id_max {
            self.inner.metrics.refusal("imdb_frontier");
            return Gathered::default();
        }
        let deadline = Instant::now() + self.inner.deadline;
        let others = enabled
            .iter()
            .filter(|&&s| s != SourceId::Torrentio)
            .count();
        let (corroboration, teller) = Corroboration::new(others);
        let evidence = Evidence {
            witness,
            corroboration,
        };
        let tasks = enabled.iter().map(|&source| {
            let (sources, video) = (self.clone(), video.clone());
            let (evidence, teller) = (evidence.clone(), teller.clone_voice());
            // The task carries the request's span, so a source's log lines name the request
            // that caused them.
            let fetch = async move {
                let answer = sources.fetch_cached(source, &video, asker, evidence).await;
                if source != SourceId::Torrentio {
                    teller.tell(answer.as_ref().is_ok_and(|a| !a.candidates.is_empty()));
                }
                answer
            };
            let task = tokio::spawn(fetch.in_current_span());
            async move { (source, tokio::time::timeout_at(deadline, task).await) }
        });
        let mut gathered = Gathered::default();
        let mut report = Vec::new();
        for (source, outcome) in futures::future::join_all(tasks).await {
            let status = match outcome {
                Ok(Ok(Ok(answer))) => {
                    let status = answer.candidates.len().to_string();
                    gathered.push(source, answer.candidates);
                    status
                }
                Ok(Ok(Err(error))) => error.outcome().to_owned(),
                Ok(Err(_panicked)) => "panicked".to_owned(),
                Err(_late) => "late".to_owned(),
            };
            report.push(format!("{}={status}", source.as_str()));
        }
        tracing::debug!(video = %video, sources = %report.join(" "), "sources asked");
        if !gathered.is_empty() {
            self.inner.returning.found(asker.client);
        }
        gathered
    }
}

impl Sources {
    /// When a user's request last asked the sources, in ms since the epoch (the instance's
    /// start when none has yet): Ferrio's own background work stops on an unused instance.
    pub fn last_user_ms(&self) -> u64 {
        self.inner.last_user_ms.load(Ordering::Relaxed)
    }

    /// The clients whose requests found releases lately, for the other shared budgets.
    pub fn returning(&self) -> Returning {
        self.inner.returning.clone()
    }

    /// The per-client allowances, for other callers of the same upstreams (the catalogs).
    pub fn limits(&self) -> ClientLimits {
        self.inner.limits.clone()
    }

    /// Which of `hashes` DMM's availability database lists as cached on Real-Debrid, through
    /// DMM's circuit breaker (an open circuit answers at once, without a call).
    pub async fn dmm_availability(
        &self,
        imdb: &ImdbId,
        hashes: &[InfoHash],
    ) -> Result<HashSet<String>, SourceError> {
        let call = self.inner.dmm.availability(imdb, hashes);
        self.inner
            .circuit(SourceId::Dmm)
            .call(|| SourceError::CircuitOpen, call)
            .await
    }
}

impl Inner {
    fn circuit(&self, source: SourceId) -> &Circuit {
        match source {
            SourceId::Dmm => &self.dmm_circuit,
            SourceId::Yts => &self.yts_circuit,
            SourceId::Torrentio => &self.torrentio_circuit,
        }
    }
}

/// Reads every release's names once, off the async workers, before the answer is cached: the
/// parser's cost is then paid once per fetch, not once per request.
async fn read_names(answer: SourceAnswer, metrics: &Metrics) -> SourceAnswer {
    let pending = answer.pending;
    let metrics = metrics.clone();
    let read = tokio::task::spawn_blocking(move || {
        let mut answer = answer;
        // Just fetched, so not shared yet: `make_mut` changes them in place.
        let mut candidates: Vec<Arc<Candidate>> = answer.candidates.to_vec();
        candidates.retain(|candidate| candidate.is_plausible());
        let parsed: usize = candidates
            .iter_mut()
            .map(|candidate| {
                let candidate = Arc::make_mut(candidate);
                candidate.trim();
                candidate.read_names()
            })
            .sum();
        answer.candidates = candidates.into();
        metrics.names_parsed(parsed);
        answer
    });
    read.await.unwrap_or(SourceAnswer {
        candidates: Arc::from([]),
        pending,
    })
}
