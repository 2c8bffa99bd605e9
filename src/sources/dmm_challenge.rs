//! DMM's server-signed search tokens (`GET /api/challenge`), minted once and shared.
//!
//! ```json
//! {"token": "3f2a…9c-1767225600", "hash": "q1w2e3…"}
//! ```
//! The token goes out as `dmmProblemKey` and the hash as `solution`. DMM accepts a token for
//! 300 s after the timestamp after its last `-`.

use super::SourceError;
use serde::Deserialize;
use std::time::Duration;
use tokio::{sync::Mutex, time::Instant};

/// A token is replaced this long after it was minted, a minute before DMM stops accepting it.
/// Counted on our clock from receipt rather than from the token's timestamp, which is on DMM's
/// clock: the two may disagree by more than the margin.
const REFRESH_AFTER: Duration = Duration::from_secs(240);

/// The body of `GET /api/challenge`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ChallengeBody {
    token: String,
    hash: String,
}

/// A usable challenge: `token` → `dmmProblemKey`, `hash` → `solution`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub token: String,
    pub hash: String,
    refresh_at: Instant,
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
            refresh_at: Instant::now() + REFRESH_AFTER,
        })
    }
}

/// The current challenge. Concurrent callers that find none (or a stale one) wait on one
/// mint instead of each asking DMM.
#[derive(Default)]
pub(crate) struct Challenges {
    current: Mutex<Option<Challenge>>,
}

impl Challenges {
    /// The current challenge, minted with `mint` when there is none or it is due for renewal.
    pub(crate) async fn get<F, Fut>(&self, mint: F) -> Result<Challenge, SourceError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<ChallengeBody, SourceError>>,
    {
        // The lock is held across the mint on purpose: it is what makes callers share it.
        let mut current = self.current.lock().await;
        if let Some(challenge) = current.as_ref().filter(|c| Instant::now() < c.refresh_at) {
            return Ok(challenge.clone());
        }
        let fresh = Challenge::from_body(mint().await?)?;
        *current = Some(fresh.clone());
        Ok(fresh)
    }

    /// Forgets `rejected` after DMM refused it. A newer challenge (minted by a concurrent
    /// caller that saw the same refusal) is kept, so one refusal costs one mint.
    pub(crate) async fn invalidate(&self, rejected: &Challenge) {
        let mut current = self.current.lock().await;
        if current.as_ref() == Some(rejected) {
            *current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    #[tokio::test(start_paused = true)]
    async fn a_challenge_is_reused_then_renewed_after_four_minutes() {
        let challenges = Challenges::default();
        let count = Arc::new(AtomicUsize::new(0));
        let first = challenges.get(|| minter(&count)).await;
        let again = challenges.get(|| minter(&count)).await;
        assert_eq!(first, again);
        assert_eq!(count.load(Ordering::SeqCst), 1);
        tokio::time::advance(REFRESH_AFTER).await;
        let renewed = challenges.get(|| minter(&count)).await.map(|c| c.token);
        assert_eq!(renewed.as_deref(), Ok("nonce1-1767225600"));
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_mint() {
        let challenges = Arc::new(Challenges::default());
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

    #[tokio::test(start_paused = true)]
    async fn only_the_rejected_challenge_is_forgotten() {
        let challenges = Challenges::default();
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
    async fn a_token_without_timestamp_is_a_bad_response() {
        let challenges = Challenges::default();
        let body = ChallengeBody {
            token: "abc".into(),
            hash: "h".into(),
        };
        let result = challenges.get(|| async { Ok(body) }).await;
        assert!(matches!(result, Err(SourceError::BadResponse(_))));
    }
}
