//! The hottest path: the same stream list asked again within seconds. Stremio asks when a
//! title opens and again when it comes back to it, players retry, and a popular title is
//! asked by many users with the same config. Rendered answers are kept in process for a few
//! seconds, so such a request costs a lookup instead of a merge, a ranking and a
//! serialisation. The key is a digest of what the answer depends on (the decoded request: base
//! URL, config segment, type and id; see `routes/resources.rs`): it carries the user's config
//! and token, which must not be kept as a key.

use crate::{metrics::Metrics, protocol::response::Rendered};
use sha2::{Digest, Sha256};
use std::{future::Future, time::Duration};

/// The metrics label of this cache.
const FAMILY: &str = "hot_response";

/// Rendered answers by request. Cheap to clone; disabled with a zero TTL.
#[derive(Clone)]
pub struct HotResponses {
    answers: Option<moka::future::Cache<[u8; 32], Rendered>>,
    metrics: Metrics,
}

impl HotResponses {
    /// Keeps answers for `ttl`, weighing `max_bytes` at most — in bytes, not entries: a list
    /// of 500 streams is half a megabyte, and on a public instance every user's config is a
    /// key of its own. A zero TTL keeps nothing. Hits and misses are counted as the
    /// `hot_response` cache family.
    pub fn new(ttl: Duration, max_bytes: u64, metrics: Metrics) -> Self {
        let answers = (!ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_: &[u8; 32], rendered: &Rendered| {
                    u32::try_from(rendered.body.len() + 32).unwrap_or(u32::MAX)
                })
                .time_to_live(ttl)
                .build()
        });
        Self { answers, metrics }
    }

    /// The answer rendered for `request` within the TTL, if any. Looked up before anything else
    /// of the request is decoded: an answer is only kept once its request was valid.
    pub async fn get(&self, request: &str) -> Option<Rendered> {
        let rendered = self.answers.as_ref()?.get(&key(request)).await;
        self.metrics
            .cache_event(FAMILY, if rendered.is_some() { "hit" } else { "miss" });
        rendered
    }

    /// `render`'s answer, kept for `request` (rendered once for its concurrent callers).
    pub async fn render<F>(&self, request: &str, render: F) -> Rendered
    where
        F: Future<Output = Rendered>,
    {
        let Some(answers) = &self.answers else {
            return render.await;
        };
        let key = key(request);
        let rendered = answers.get_with(key, render).await;
        if rendered.policy.never_kept() || rendered.policy.is_empty_list() {
            // An answer that may not be cached is shared with the requests that arrived while
            // it was rendered, and no later one. Nor is an empty list: its sources may only
            // have been late, and their answers land in the cache a moment later.
            answers.invalidate(&key).await;
        }
        rendered
    }
}

fn key(request: &str) -> [u8; 32] {
    Sha256::digest(request).into()
}
