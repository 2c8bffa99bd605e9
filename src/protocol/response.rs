//! Resource responses with their cache lifetimes.
//!
//! Stremio reads `cacheMaxAge` / `staleRevalidate` / `staleError` from the body; CDNs and
//! browsers read `Cache-Control`. Both come from one [`CachePolicy`] so they never disagree.

use super::{
    meta::{Meta, MetaPreview},
    stream::Stream,
};
use bytes::Bytes;
use serde::Serialize;

/// Cache lifetimes in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CachePolicy {
    pub cache_max_age: u32,
    pub stale_revalidate: u32,
    pub stale_error: u32,
    /// For one user only (a config with a token): browsers may keep it, shared caches may not.
    #[serde(skip)]
    pub private: bool,
}

const HOUR: u32 = 3600;
const DAY: u32 = 24 * HOUR;

impl CachePolicy {
    /// A stream list with results: an hour fresh, revalidated for 4 h, kept on errors for 7 d.
    pub const STREAMS: Self = Self::new(HOUR, 4 * HOUR, 7 * DAY);
    /// A Real-Debrid stream list: its cached markers change as torrents get resolved.
    pub const DEBRID_STREAMS: Self = Self::new(300, HOUR, 7 * DAY);
    /// The user's Real-Debrid library: changes when they add a torrent.
    pub const LIBRARY: Self = Self::new(60, 5 * 60, DAY);
    /// An empty list: asked again soon, since the sources may have results in a minute.
    pub const EMPTY: Self = Self::new(60, 5 * 60, HOUR);
    /// A catalog page.
    pub const CATALOG: Self = Self::new(HOUR, 6 * HOUR, 7 * DAY);
    /// Answers that must never be cached, fresh or stale (a token Real-Debrid refused).
    pub const NONE: Self = Self::new(0, 0, 0);

    /// A policy from its three lifetimes.
    pub const fn new(cache_max_age: u32, stale_revalidate: u32, stale_error: u32) -> Self {
        Self {
            cache_max_age,
            stale_revalidate,
            stale_error,
            private: false,
        }
    }

    /// Whether no cache may keep the answer at all ([`CachePolicy::NONE`]'s lifetimes).
    pub fn never_kept(&self) -> bool {
        self.lifetimes() == Self::NONE.lifetimes()
    }

    /// Whether this is an empty list's policy ([`CachePolicy::EMPTY`]'s lifetimes).
    pub fn is_empty_list(&self) -> bool {
        self.lifetimes() == Self::EMPTY.lifetimes()
    }

    fn lifetimes(&self) -> (u32, u32, u32) {
        (self.cache_max_age, self.stale_revalidate, self.stale_error)
    }

    /// The same lifetimes, for one user's eyes only when `private`.
    pub const fn private_if(self, private: bool) -> Self {
        Self { private, ..self }
    }

    /// The `Cache-Control` value, in the form the official SDK writes; `no-store` for
    /// [`CachePolicy::NONE`].
    pub fn header_value(&self) -> String {
        if self.never_kept() {
            return "no-store".to_owned();
        }
        format!(
            "max-age={}, stale-while-revalidate={}, stale-if-error={}, {}",
            self.cache_max_age,
            self.stale_revalidate,
            self.stale_error,
            if self.private { "private" } else { "public" }
        )
    }
}

/// The body of a `stream` answer.
#[derive(Debug, Serialize)]
pub struct Streams {
    pub streams: Vec<Stream>,
}

/// The body of a `catalog` answer.
#[derive(Debug, Serialize)]
pub struct Metas {
    pub metas: Vec<MetaPreview>,
}

/// The body of a `meta` answer.
#[derive(Debug, Serialize)]
pub struct MetaItem {
    pub meta: Meta,
}

/// A resource body with its cache policy, in the body and in the header.
///
/// ```json
/// {"streams": [], "cacheMaxAge": 60, "staleRevalidate": 300, "staleError": 3600}
/// ```
#[derive(Debug, Serialize)]
pub struct Cached<T> {
    #[serde(flatten)]
    pub body: T,
    #[serde(flatten)]
    pub policy: CachePolicy,
}

impl<T> Cached<T> {
    /// Wraps a body with its policy.
    pub fn new(body: T, policy: CachePolicy) -> Self {
        Self { body, policy }
    }
}

impl<T: Serialize> Cached<T> {
    /// Serialises the answer once, so it can be kept and sent again as bytes.
    pub fn render(&self) -> Rendered {
        // Serialising plain structs of strings and numbers cannot fail.
        let body = serde_json::to_vec(self).unwrap_or_default();
        Rendered {
            body: Bytes::from(body),
            policy: self.policy,
        }
    }
}

/// A serialised answer and its cache policy.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub policy: CachePolicy,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn header_matches_the_sdk_format() {
        assert_eq!(
            CachePolicy::STREAMS.header_value(),
            "max-age=3600, stale-while-revalidate=14400, stale-if-error=604800, public"
        );
    }

    #[test]
    fn body_carries_the_same_values() {
        let body = Cached::new(Streams { streams: vec![] }, CachePolicy::EMPTY);
        assert_eq!(
            serde_json::to_value(&body).expect("serialises"),
            json!({"streams": [], "cacheMaxAge": 60, "staleRevalidate": 300, "staleError": 3600})
        );
    }
}
