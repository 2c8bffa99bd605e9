//! The hottest path: the same stream list asked again within seconds. Stremio asks when a
//! title opens and again when it comes back to it, players retry, and a popular title is
//! asked by many users with the same config. Rendered answers are kept in process for a few
//! seconds, so such a request costs a lookup instead of a merge, a ranking and a
//! serialisation. The key is a digest of the request path: the path carries the user's
//! config and token, which must not be kept as a key.

use crate::{metrics::Metrics, protocol::response::Rendered};
use sha2::{Digest, Sha256};
use std::{future::Future, time::Duration};

/// The metrics label of this cache.
const FAMILY: &str = "hot_response";
/// Answers kept at most: a few MB of JSON.
const CAPACITY: u64 = 10_000;

/// Rendered answers by request. Cheap to clone; disabled with a zero TTL.
#[derive(Clone)]
pub struct HotResponses {
    answers: Option<moka::future::Cache<[u8; 32], Rendered>>,
    metrics: Metrics,
}

impl HotResponses {
    /// Keeps answers for `ttl`; zero keeps nothing. Hits and misses are counted as the
    /// `hot_response` cache family.
    pub fn new(ttl: Duration, metrics: Metrics) -> Self {
        let answers = (!ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build()
        });
        Self { answers, metrics }
    }

    /// The answer rendered for `path` within the TTL, or `render`'s (run once for concurrent
    /// callers of one path).
    pub async fn get_or_render<F>(&self, path: &str, render: F) -> Rendered
    where
        F: Future<Output = Rendered>,
    {
        let Some(answers) = &self.answers else {
            return render.await;
        };
        let key: [u8; 32] = Sha256::digest(path).into();
        if let Some(rendered) = answers.get(&key).await {
            self.metrics.cache_event(FAMILY, "hit");
            return rendered;
        }
        self.metrics.cache_event(FAMILY, "miss");
        answers.get_with(key, render).await
    }
}
