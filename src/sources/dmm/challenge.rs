//! DMM's server-signed search tokens (`GET /api/challenge`), minted once and shared.
//!
//! ```json
//! {"token": "3f2a…9c-1767225600", "hash": "q1w2e3…"}
//! ```
//! The token goes out as `dmmProblemKey` and the hash as `solution`. DMM accepts a token for
//! 300 s after the timestamp after its last `-`.

use crate::cache::{Cache, CacheFamily, Policy};
use crate::sources::SourceError;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::Mutex;

/// The one key of the challenge family: every instance shares the current challenge.
const KEY: &str = "current";

/// The body of `GET /api/challenge`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ChallengeBody {
    token: String,
    hash: String,
}

/// A usable challenge: `token` → `dmmProblemKey`, `hash` → `solution`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Challenge {
    pub token: String,
    pub hash: String,
}

impl Challenge {
    fn from_body(body: ChallengeBody) -> Result<Self, SourceError> {
        let stamped = body
            .token
            .rsplit_once('-')
            .is_some_and(|(_, ts)| !ts.is_empty() && ts.bytes().all(|b| b.is_ascii_digit()));
        if !stamped || body.hash.is_empty() {
            return Err(SourceError::BadResponse(
                "challenge token without a timestamp or hash".into(),
            ));
        }
        Ok(Self {
            token: body.token,
            hash: body.hash,
        })
    }
}

/// The current challenge, kept in the cache so that every instance on one Redis uses the same
/// one until it is due for renewal. Within an instance, concurrent callers that find none wait
/// on one mint instead of each asking DMM.
pub(crate) struct Challenges {
    stored: CacheFamily<Challenge, SourceError>,
    minting: Mutex<()>,
}

impl Challenges {
    /// Challenges kept for `ttl` from receipt — counted on our clock rather than from the
    /// token's timestamp, which is on DMM's: the two may disagree by more than the margin.
    pub(crate) fn new(cache: &Cache, ttl: Duration) -> Self {
        Self {
            stored: cache.family("dmm_challenge", move |_| Policy::only_fresh(ttl)),
            minting: Mutex::new(()),
        }
    }

    /// The current challenge, minted with `mint` when there is none or it is due for renewal.
    pub(crate) async fn get<F, Fut>(&self, mint: F) -> Result<Challenge, SourceError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<ChallengeBody, SourceError>>,
    {
        if let Some(Ok(challenge)) = self.stored.peek(KEY).await {
            return Ok(challenge);
        }
        // Held across the mint on purpose: it is what makes this instance's callers share it.
        let _minting = self.minting.lock().await;
        if let Some(Ok(challenge)) = self.stored.peek(KEY).await {
            return Ok(challenge);
        }
        let fresh = Challenge::from_body(mint().await?)?;
        self.stored.put(KEY, Ok(fresh.clone())).await;
        Ok(fresh)
    }

    /// Forgets `rejected` after DMM refused it. A newer challenge (minted by a concurrent
    /// caller that saw the same refusal) is kept, so one refusal costs one mint.
    pub(crate) async fn invalidate(&self, rejected: &Challenge) {
        let _minting = self.minting.lock().await;
        if self.stored.peek(KEY).await.as_ref() == Some(&Ok(rejected.clone())) {
            self.stored.forget(KEY).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{metrics::Metrics, settings::Settings};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn cache() -> Cache {
        let settings = Settings::from_iter(Vec::new()).unwrap_or_else(|_| panic!("defaults"));
        let metrics = Metrics::new().unwrap_or_else(|_| panic!("metrics"));
        Cache::new(&settings, metrics).unwrap_or_else(|_| panic!("cache"))
    }

    /// A mint that counts its calls and hands out numbered tokens.
    fn minter(
        count: &Arc<AtomicUsize>,
    ) -> impl Future<Output = Result<ChallengeBody, SourceError>> {
        let count = Arc::clone(count);
        async move {
            let n = count.fetch_add(1, Ordering::SeqCst);
            // Let a concurrent caller reach the lock while this mint is under way.
            tokio::time::sleep(Duration::from_millis(10)).await;
            Ok(ChallengeBody {
                token: format!("nonce{n}-1767225600"),
                hash: format!("hash{n}"),
            })
        }
    }

    #[tokio::test]
    async fn a_challenge_is_reused_then_renewed_after_its_ttl() {
        let challenges = Challenges::new(&cache(), Duration::from_millis(100));
        let count = Arc::new(AtomicUsize::new(0));
        let first = challenges.get(|| minter(&count)).await;
        let again = challenges.get(|| minter(&count)).await;
        assert_eq!(first, again);
        assert_eq!(count.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(150)).await;
        let renewed = challenges.get(|| minter(&count)).await.map(|c| c.token);
        assert_eq!(renewed.as_deref(), Ok("nonce1-1767225600"));
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn clients_on_one_cache_share_the_challenge() {
        let cache = cache();
        let ttl = Duration::from_secs(60);
        let (one, other) = (Challenges::new(&cache, ttl), Challenges::new(&cache, ttl));
        let count = Arc::new(AtomicUsize::new(0));
        let minted = one.get(|| minter(&count)).await;
        assert_eq!(other.get(|| minter(&count)).await, minted);
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_mint() {
        let challenges = Arc::new(Challenges::new(&cache(), Duration::from_secs(60)));
        let count = Arc::new(AtomicUsize::new(0));
        let callers = (0..5).map(|_| {
            let (challenges, count) = (Arc::clone(&challenges), Arc::clone(&count));
            tokio::spawn(async move { challenges.get(|| minter(&count)).await })
        });
        for caller in futures::future::join_all(callers).await {
            assert!(matches!(caller, Ok(Ok(_))));
        }
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn only_the_rejected_challenge_is_forgotten() {
        let challenges = Challenges::new(&cache(), Duration::from_secs(60));
        let count = Arc::new(AtomicUsize::new(0));
        let Ok(old) = challenges.get(|| minter(&count)).await else {
            panic!("mint works")
        };
        challenges.invalidate(&old).await;
        let new = challenges.get(|| minter(&count)).await;
        // A second caller reporting the same old token must not throw the new one away.
        challenges.invalidate(&old).await;
        assert_eq!(challenges.get(|| minter(&count)).await, new);
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_token_without_timestamp_is_a_bad_response_and_not_kept() {
        let challenges = Challenges::new(&cache(), Duration::from_secs(60));
        let body = ChallengeBody {
            token: "abc".into(),
            hash: "h".into(),
        };
        let result = challenges.get(|| async { Ok(body) }).await;
        assert!(matches!(result, Err(SourceError::BadResponse(_))));
        let count = Arc::new(AtomicUsize::new(0));
        assert!(challenges.get(|| minter(&count)).await.is_ok());
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }
}
