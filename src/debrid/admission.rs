//! Which tokens may cost a Real-Debrid call. Anyone can put any string in a config, and each
//! made-up token would be one call — from Ferrio's address, which Real-Debrid may block for
//! sending many bad tokens, taking it away from every user. So a token Real-Debrid has not yet
//! accepted (see [`Standing`]) is admitted only while its client's hourly allowance
//! (`RD_NEW_TOKENS_PER_CLIENT_HOUR`) and everyone's per-minute one (`RD_NEW_TOKENS_PER_MINUTE`,
//! counted across instances when they share Redis) last. What is counted is distinct tokens,
//! not requests: an admitted token stays admitted for [`TRIAL`], so a new user's first burst
//! of requests (Stremio sends several at once) spends one admission. Half of everyone's minute
//! is kept for clients that have shown they are real users ([`Returning`]): made-up tokens
//! from many addresses can spend the other half only, and a returning user's new token still
//! gets in. A refused token costs nothing at all for ten minutes; an accepted one is never
//! held back here. A token that is not admitted is
//! treated as Real-Debrid being unavailable: the list still shows, without library evidence,
//! and a tap plays the "unavailable" video.

use super::realdebrid::{RdError, Standing};
use crate::{
    cache::Cache,
    client_address::ClientKey,
    metrics::Metrics,
    protocol::config::DebridToken,
    settings::RealDebrid as RealDebridSettings,
    sources::returning::Returning,
    upstream::allowance::{Allowance, ClientBuckets, SharedBucket},
};
use moka::future::Cache as Moka;
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
/// How long an admitted new token stays admitted: long enough for its first calls to end, by
/// which time Real-Debrid has accepted or refused it.
const TRIAL: Duration = MINUTE;
/// Tokens on trial remembered at once; past it the oldest are forgotten (each then needs
/// another admission, which the caps bound).
const TRIALS_HELD: u64 = 10_000;

/// The caps on new tokens. Cheap to clone.
#[derive(Clone)]
pub struct Admission {
    /// Keyed token hashes admitted in the last [`TRIAL`].
    on_trial: Moka<String, ()>,
    per_client: ClientBuckets,
    everyone: MinuteCap,
    /// The part of everyone's minute clients without standing may take.
    strangers: MinuteCap,
    returning: Returning,
    metrics: Metrics,
}

/// A cap on admissions a minute: in this instance, and across instances sharing Redis.
#[derive(Clone)]
struct MinuteCap {
    name: &'static str,
    per_minute: u32,
    bucket: SharedBucket,
    cache: Cache,
}

impl MinuteCap {
    fn new(name: &'static str, per_minute: u32, cache: &Cache) -> Self {
        Self {
            name,
            per_minute,
            bucket: SharedBucket::new(Allowance::per(per_minute, MINUTE)),
            cache: cache.clone(),
        }
    }

    async fn take(&self) -> bool {
        self.bucket.take() && self.within_shared_minute().await
    }

    /// Whether this minute's count across instances is within the cap; true without Redis
    /// (each instance's own bucket is then the cap).
    async fn within_shared_minute(&self) -> bool {
        let minute = crate::clock::now_ms() / crate::clock::millis(MINUTE);
        let count = self
            .cache
            .count_shared(self.name, &minute.to_string(), MINUTE)
            .await;
        count.is_none_or(|count| count <= u64::from(self.per_minute))
    }
}

impl Admission {
    pub fn new(
        settings: &RealDebridSettings,
        cache: &Cache,
        returning: Returning,
        metrics: Metrics,
    ) -> Self {
        let per_minute = settings.new_tokens_per_minute;
        Self {
            on_trial: Moka::builder()
                .max_capacity(TRIALS_HELD)
                .time_to_live(TRIAL)
                .build(),
            per_client: ClientBuckets::new(Allowance::per(
                settings.new_tokens_per_client_hour,
                HOUR,
            )),
            everyone: MinuteCap::new("rd_new_tokens", per_minute, cache),
            strangers: MinuteCap::new(
                "rd_new_tokens_strangers",
                per_minute - per_minute / 2,
                cache,
            ),
            returning,
            metrics,
        }
    }

    /// Whether calls may be made for a token of this standing from `client`: `Err(BadToken)`
    /// for a token refused lately, `Err(TooManyRequests)` for a new token past a cap.
    pub async fn admit(
        &self,
        token_hash: &str,
        standing: Standing,
        client: ClientKey,
    ) -> Result<(), RdError> {
        match standing {
            Standing::Accepted => Ok(()),
            Standing::Refused => {
                self.metrics.refusal("rd_refused_token");
                Err(RdError::BadToken)
            }
            // Concurrent requests with one new token (a new user's first burst) wait for one
            // admission between them; a refusal is not remembered.
            Standing::Unknown => self
                .on_trial
                .try_get_with(token_hash.to_owned(), self.admit_new(client))
                .await
                .map_err(|refused| (*refused).clone()),
        }
    }

    async fn admit_new(&self, client: ClientKey) -> Result<(), RdError> {
        let stranger = !self.returning.contains(client);
        let refusal = if !self.per_client.take(client) {
            Some("rd_new_token_client")
        } else if stranger && !self.strangers.take().await {
            Some("rd_new_token_strangers")
        } else if !self.everyone.take().await {
            Some("rd_new_token_global")
        } else {
            None
        };
        match refusal {
            Some(reason) => {
                self.metrics.refusal(reason);
                Err(RdError::TooManyRequests { retry_after: None })
            }
            None => Ok(()),
        }
    }
}

impl super::Debrid {
    /// Whether Real-Debrid has accepted `token`: what makes a request a subscriber's for the
    /// shared budgets (any string can stand in a config; only an accepted one counts).
    pub async fn is_accepted(&self, token: &DebridToken) -> bool {
        let standing = self.client.standing(&self.hasher.hash(token)).await;
        standing == Standing::Accepted
    }

    /// Whether Real-Debrid calls may be made for `token` on behalf of `client` (see the module
    /// documentation); every route that calls Real-Debrid with a user's token asks first.
    pub async fn admit(&self, token: &DebridToken, client: ClientKey) -> Result<(), RdError> {
        let token_hash = self.hasher.hash(token);
        let standing = self.client.standing(&token_hash).await;
        self.admission.admit(&token_hash, standing, client).await
    }
}
