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
/// Bytes of rendered answers kept at most. Weighed in bytes, not entries: a list of 500
/// streams is half a megabyte, and on a public instance every user's config is a key of its
/// own.
const MAX_BYTES: u64 = 32 << 20;

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
                .max_capacity(MAX_BYTES)
                .weigher(|_: &[u8; 32], rendered: &Rendered| {
                    u32::try_from(rendered.body.len() + 32).unwrap_or(u32::MAX)
                })
                .time_to_live(ttl)
                .build()
        });
        Self { answers, metrics }
    }

    /// The answer rendered for `path` within the TTL, if any. Looked up before anything else
    /// of the request is decoded: an answer is only kept once its request was valid.
    pub async fn get(&self, path: &str) -> Option<Rendered> {
        let rendered = self.answers.as_ref()?.get(&key(path)).await;
        self.metrics
            .cache_event(FAMILY, if rendered.is_some() { "hit" } else { "miss" });
        rendered
    }

    /// `render`'s answer, kept for `path` (rendered once for concurrent callers of one path).
    pub async fn render<F>(&self, path: &str, render: F) -> Rendered
    where
        F: Future<Output = Rendered>,
    {
        let Some(answers) = &self.answers else {
            return render.await;
        };
        let key = key(path);
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

fn key(path: &str) -> [u8; 32] {
    Sha256::digest(path).into()
}
