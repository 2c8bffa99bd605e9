//! Discovery: what is trending, what is on the user's services, what is coming to streaming,
//! and where a title can be watched — from TMDB, Trakt and Watchmode.
//!
//! Everything here is off unless the server has a TMDB key (`TMDB_API_KEY` or
//! `TMDB_READ_TOKEN`); Trakt and Watchmode add to it when their keys are set. Every answer is
//! cached for every user ([`lists`]), and each upstream is held to its own limit: TMDB and
//! Trakt through an outbound pace that honours `Retry-After`, Watchmode through a monthly
//! budget spent by a daily allowance ([`budget`]). Catalog pages are charged to the client that
//! made them cold, like the sources' calls.
//!
//! - [`catalogs`]: the five catalogs, paged as Stremio pages (100, `skip`), items as IMDb ids.
//! - [`trending`]: the fused ranking (reciprocal-rank fusion of TMDB day, week and Trakt).
//! - [`availability`]: which services offer a title in a region, with deep links when
//!   Watchmode's budget allows.

pub mod availability;
pub mod budget;
pub mod catalogs;
pub mod error;
mod feeds;
mod http;
mod lists;
pub mod model;
pub mod prewarm;
pub mod tmdb;
pub mod trakt;
mod trending;
pub mod watchmode;

use crate::{
    cache::{Cache, CacheFamily, Storable},
    client_address::ClientKey,
    metrics::Metrics,
    protocol::config::{ApiKey, UserConfig},
    settings::{self, Settings},
    sources::{daily_share::DailyShare, limits::ClientLimits},
    upstream::{
        allowance::{Allowance, ClientBuckets},
        pace::{Pace, Pacer, Priority},
    },
};
use budget::WatchmodeBudget;
use error::Failure;
use lists::Families;
use model::{Kind, Service};
use secrecy::{ExposeSecret, SecretString};
use std::future::Future;
use std::{sync::Arc, time::Duration};
use tmdb::{Auth, Tmdb};
use trakt::Trakt;
use watchmode::Watchmode;

/// TMDB's limit is about 50 requests a second per address; Ferrio keeps to 30 in any second.
const TMDB_PACE: Pace = Pace::per_second(30);
/// Watchmode's calls are bounded by its budget; the pace only keeps a burst of cold titles
/// from arriving at once, at TMDB's rate.
const WATCHMODE_PACE: Pace = TMDB_PACE;
/// Trakt allows 1,000 unauthenticated calls per 5 minutes per application: 900 of them,
/// spread at 3 a second.
const TRAKT_PACE: Pace = Pace::per_second(3);
/// The longest a call waits for its turn.
const MAX_PACE_WAIT: Duration = Duration::from_secs(5);

/// Who asks, and with what: the client the calls count against, the user's region and
/// services, and their own keys.
#[derive(Clone)]
pub struct Asker {
    pub client: ClientKey,
    pub region: String,
    pub services: Vec<u32>,
    pub tmdb_key: Option<ApiKey>,
    pub watchmode_key: Option<ApiKey>,
    /// A user's request waits for the answer, or only Ferrio's own work does (the prewarm):
    /// TMDB's pace serves users first.
    pub priority: Priority,
}

impl Asker {
    /// The asker of what is built once for everyone (the fused trending list): the server's
    /// keys instead of the user's own, and Ferrio's own standing instead of the client's — a
    /// client whose share is spent must not leave holes in everyone's list. Such a list is
    /// built at most once per lifetime, whoever asks. Its priority stays the asker's: a user
    /// may be waiting for it.
    pub fn for_everyone(&self) -> Self {
        Self {
            client: ClientKey::BACKGROUND,
            tmdb_key: None,
            watchmode_key: None,
            ..self.clone()
        }
    }
}

/// The discovery side of Ferrio. Cheap to clone.
#[derive(Clone)]
pub struct Discovery {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    tmdb: Tmdb,
    server_auth: Auth,
    trakt: Option<Trakt>,
    watchmode: Watchmode,
    watchmode_key: Option<SecretString>,
    budget: WatchmodeBudget,
    /// Each client's share of the server key's Watchmode calls a day.
    watchmode_share: DailyShare,
    families: Families,
    limits: ClientLimits,
    /// Each client's share of TMDB's pace, for the calls behind the ones it chose.
    tmdb_share: ClientBuckets,
    metrics: Metrics,
    /// `IMDB_ID_MAX`: ids above it are made up, as for the sources.
    imdb_id_max: u64,
    settings: settings::Discovery,
}

impl Discovery {
    /// Builds the clients on the shared HTTP pool; off without a TMDB key.
    pub fn new(
        settings: &Settings,
        http: reqwest::Client,
        cache: &Cache,
        metrics: Metrics,
        limits: ClientLimits,
    ) -> Self {
        let discovery = &settings.discovery;
        let server_auth = match (&discovery.tmdb_read_token, &discovery.tmdb_key) {
            (Some(token), _) => Auth::server_token(token.expose_secret()),
            (None, Some(key)) => Auth::server_key(key.expose_secret()),
            (None, None) => return Self { inner: None },
        };
        let upstream = |name, pace, map| {
            http::Upstream::new(
                name,
                http.clone(),
                discovery.timeout,
                Pacer::new(pace, MAX_PACE_WAIT),
                metrics.clone(),
                map,
            )
        };
        let inner = Inner {
            tmdb: Tmdb::new(
                upstream("tmdb", TMDB_PACE, tmdb::failure),
                discovery.tmdb_url.clone(),
            ),
            server_auth,
            trakt: discovery.trakt_client_id.clone().map(|id| {
                Trakt::new(
                    upstream("trakt", TRAKT_PACE, |s, h, _| http::common_failure(s, h)),
                    discovery.trakt_url.clone(),
                    id,
                )
            }),
            watchmode: Watchmode::new(
                upstream("watchmode", WATCHMODE_PACE, watchmode::failure),
                discovery.watchmode_url.clone(),
            ),
            watchmode_key: discovery.watchmode_key.clone(),
            budget: WatchmodeBudget::new(
                cache,
                discovery.watchmode_monthly_budget,
                metrics.clone(),
            ),
            watchmode_share: DailyShare::new(
                "watchmode",
                discovery.watchmode_client_daily_share,
                cache,
                metrics.clone(),
            ),
            metrics,
            families: Families::new(cache, &discovery.ttls, &settings.cache),
            limits,
            tmdb_share: ClientBuckets::new(Allowance::per(
                discovery.tmdb_client_calls_per_minute,
                Duration::from_secs(60),
            )),
            imdb_id_max: settings.upstreams.imdb_id_max,
            settings: discovery.clone(),
        };
        Self {
            inner: Some(Arc::new(inner)),
        }
    }

    /// Whether the server has TMDB: without it nothing of discovery appears.
    pub fn enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// Whether Trakt's list is part of trending (and offered as its own `genre`).
    pub fn has_trakt(&self) -> bool {
        self.inner
            .as_ref()
            .is_some_and(|inner| inner.trakt.is_some())
    }

    /// The region of users who name none.
    pub fn default_region(&self) -> &str {
        self.inner
            .as_ref()
            .map_or("US", |inner| inner.settings.default_region.as_str())
    }

    /// Who asks, from a request's config.
    pub fn asker(&self, config: &UserConfig, client: ClientKey) -> Asker {
        let discovery = &config.discovery;
        // In one order whatever order the config gives: the services name lists and keys.
        let mut services = discovery.my_services.clone();
        services.sort_unstable();
        Asker {
            client,
            region: discovery.region(self.default_region()).to_owned(),
            services,
            tmdb_key: discovery.tmdb_key.clone(),
            watchmode_key: discovery.watchmode_key.clone(),
            priority: if client == ClientKey::BACKGROUND {
                Priority::Background
            } else {
                Priority::User
            },
        }
    }

    /// The services of a region, by TMDB's display priority (cached a week); empty when
    /// discovery is off or TMDB cannot be asked.
    pub async fn services(&self, kind: Kind, region: &str, asker: &Asker) -> Vec<Service> {
        let Some(inner) = &self.inner else {
            return Vec::new();
        };
        let (tmdb, auth, region_owned) = (inner.tmdb.clone(), inner.auth(asker), region.to_owned());
        let fetch = move || {
            let (tmdb, auth, region) = (tmdb.clone(), auth.clone(), region_owned.clone());
            async move { tmdb.services(&auth, kind, &region).await }
        };
        let key = format!("{}:{region}", kind.tmdb());
        charged(
            inner,
            &inner.families.services,
            &key,
            asker,
            Charge::Behind,
            fetch,
        )
        .await
        .unwrap_or_default()
    }

    /// The IMDb ids of the top `n` titles of the fused trending ranking.
    pub async fn top_trending(&self, kind: Kind, n: usize, asker: &Asker) -> Vec<String> {
        let Some(inner) = self.inner() else {
            return Vec::new();
        };
        let fused = self.fused(inner, kind, asker).await;
        fused
            .into_iter()
            .filter_map(|item| item.imdb)
            .take(n)
            .collect()
    }

    /// The regions TMDB knows providers for, `(code, name)` by name (cached a week).
    pub async fn regions(&self, asker: &Asker) -> Vec<(String, String)> {
        let Some(inner) = &self.inner else {
            return Vec::new();
        };
        let (tmdb, auth) = (inner.tmdb.clone(), inner.auth(asker));
        let fetch = move || {
            let (tmdb, auth) = (tmdb.clone(), auth.clone());
            async move { tmdb.regions(&auth).await }
        };
        charged(
            inner,
            &inner.families.regions,
            "all",
            asker,
            Charge::Behind,
            fetch,
        )
        .await
        .unwrap_or_default()
    }

    fn inner(&self) -> Option<&Inner> {
        self.inner.as_deref()
    }
}

impl Inner {
    /// The user's own TMDB key, else the server's.
    fn auth(&self, asker: &Asker) -> Auth {
        let auth = asker.tmdb_key.as_ref().map_or_else(
            || self.server_auth.clone(),
            |key| Auth::of_user(key.expose()),
        );
        auth.at(asker.priority)
    }

    /// The poster URL of a `poster_path`.
    fn poster(&self, path: &str) -> String {
        format!(
            "{}/w342{path}",
            self.settings.tmdb_image_url.as_str().trim_end_matches('/')
        )
    }
}

/// What a cold fetch is charged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charge {
    /// A call the client chose (a list page, a title it names): one of its source fetches,
    /// like a source call.
    Chosen,
    /// A call behind one it chose — a page's details and release dates, a title's providers,
    /// the configure page's region and service lists: a cold page can cost a hundred of them,
    /// so they are charged to the client's share of TMDB's pace
    /// (`TMDB_CLIENT_CALLS_PER_MINUTE`) instead.
    Behind,
}

/// An answer from `family`, its fetch (when cold) charged to the asking client as `charge`
/// says; a refused charge is an answer without the call, not cached. Ferrio's own work
/// (the prewarm, what is built for everyone) has no share of TMDB's pace to spend.
async fn charged<T: Storable, F, Fut>(
    inner: &Inner,
    family: &CacheFamily<T, Failure>,
    key: &str,
    asker: &Asker,
    charge: Charge,
    fetch: F,
) -> Result<T, Failure>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, Failure>> + Send + 'static,
{
    let (limits, share, metrics) = (
        inner.limits.clone(),
        inner.tmdb_share.clone(),
        inner.metrics.clone(),
    );
    let client = asker.client;
    let take = move || match charge {
        Charge::Chosen => limits.allow_other(client),
        Charge::Behind => {
            let granted = client == ClientKey::BACKGROUND || share.take(client);
            if !granted {
                metrics.refusal("tmdb_client_share");
            }
            granted
        }
    };
    fetch_if(family, key, take, fetch).await
}

/// `family`'s answer for `key`; a cold fetch is made only if `take` grants it.
async fn fetch_if<T: Storable, F, Fut>(
    family: &CacheFamily<T, Failure>,
    key: &str,
    take: impl Fn() -> bool + Send + Sync + 'static,
    fetch: F,
) -> Result<T, Failure>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, Failure>> + Send + 'static,
{
    let guarded = move || {
        let allowed = take();
        let call = fetch();
        async move {
            if !allowed {
                return Err(Failure::held("client_budget"));
            }
            call.await
        }
    };
    family.get_or_fetch(key, guarded).await
}
