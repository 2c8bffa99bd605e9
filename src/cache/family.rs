//! A family of entries of one type (`dmm`, `yts`, …): the read path of the cache.
//!
//! A read is a hit while the entry is fresh; while it is stale it is served at once and one
//! background call refreshes it; past that (or with nothing stored) the caller waits for one
//! call — one per key in this process (a map of in-flight calls that later callers join) and,
//! with Redis, one per key across instances (see `flight.rs`).

use super::{
    Cache,
    decoded::Decoded,
    entry::{Envelope, Freshness, Policy, now_ms},
    key,
};
use futures::{
    FutureExt,
    future::{BoxFuture, Shared},
};
use serde::{Serialize, de::DeserializeOwned};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tracing::Instrument;

/// What can be cached: serialisable, cloneable (joined callers each get a copy) and sendable.
pub trait Storable: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {}

impl<V: Serialize + DeserializeOwned + Clone + Send + Sync + 'static> Storable for V {}

/// Chooses how long an answer is kept; failures too are kept (briefly), so a failing source is
/// not asked again by every request.
pub type PolicyFn<T, E> = dyn Fn(&Result<T, E>) -> Policy + Send + Sync;

/// One in-flight call, shared by every caller of its key. `None` if the call panicked.
type Flight<T, E> = Shared<BoxFuture<'static, Option<Result<T, E>>>>;

/// The entries of one family. Cheap to clone; make one per family and share it, since the
/// in-process single-flight map lives in it.
pub struct CacheFamily<T, E> {
    pub(super) inner: Arc<FamilyInner<T, E>>,
}

impl<T, E> Clone for CacheFamily<T, E> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

pub(super) struct FamilyInner<T, E> {
    pub name: &'static str,
    pub cache: Cache,
    pub policy: Box<PolicyFn<T, E>>,
    /// How long a caller waits for another instance's call while its lock is alive; `None`
    /// for `CACHE_LOCK_WAIT_MS`.
    pub lock_wait: Option<Duration>,
    flights: Mutex<HashMap<String, Flight<T, E>>>,
    /// Decoded values kept beside their bytes, for families whose values are large.
    decoded: Option<Decoded<Result<T, E>>>,
    /// Says a value is empty, for families where an empty answer must not replace a
    /// non-empty one that is still usable.
    emptiness: Option<fn(&T) -> bool>,
}

impl<T: Storable, E: Storable> CacheFamily<T, E> {
    pub(super) fn new(cache: Cache, name: &'static str, policy: Box<PolicyFn<T, E>>) -> Self {
        let inner = FamilyInner {
            name,
            cache,
            policy,
            lock_wait: None,
            flights: Mutex::default(),
            decoded: None,
            emptiness: None,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Lets callers wait up to `wait` for another instance's call to this family while that
    /// call's lock is alive (the holder renews it as it works). For families whose calls can
    /// legitimately take longer than `CACHE_LOCK_WAIT_MS`, such as a Real-Debrid resolution,
    /// so a waiter never gives up on a working holder and repeats what it is doing. Set it
    /// where the family is made, before it is shared.
    pub fn waiting_at_most(mut self, wait: Duration) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.lock_wait = Some(wait);
        }
        self
    }

    /// Keeps each key's last decoded value beside the bytes it came from, within the family's
    /// share of the memory budget: for families of large values read on every request (the
    /// sources' answers), whose decoding would cost more than the rest of a warm request. At
    /// most [`DECODING_FAMILIES`](super) families may; set it where the family is made.
    pub fn keeping_decoded(mut self) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.decoded = Some(Decoded::new(inner.cache.inner.decoded_budget));
        }
        self
    }

    /// Keeps a non-empty answer, while it is usable, over a newer empty one (`is_empty` says
    /// which is which), as it would over a failure: a source that answers nothing for a title
    /// it knew a moment ago is having a hiccup. Set it where the family is made.
    pub fn empty_never_replaces(mut self, is_empty: fn(&T) -> bool) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.emptiness = Some(is_empty);
        }
        self
    }

    /// The cached answer for `key`, or the answer of `fetch` (called at most once per key at
    /// a time across every caller and instance, and run to the end even if the caller gives
    /// up, so a late answer is still stored).
    pub async fn get_or_fetch<F, Fut>(&self, key: &str, fetch: F) -> Result<T, E>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
    {
        let inner = &self.inner;
        let key = key::entry(inner.name, key);
        let found = inner.cache.inner.store.load(inner.name, &key).await;
        let now = now_ms();
        let fetch = Arc::new(fetch);
        let freshness = found
            .as_ref()
            .map_or(Freshness::Expired, |entry| entry.lifetime.at(now));
        let served = match (&found, freshness) {
            (Some(entry), Freshness::Fresh | Freshness::Stale) => inner.read(&key, entry),
            _ => None,
        };
        if let Some(value) = served {
            if freshness == Freshness::Stale {
                inner.event("stale");
                // The refresh is driven by its own task; nobody waits for it here.
                let _refresh = self.flight(&key, Arc::clone(&fetch), found);
            } else {
                inner.event("hit");
            }
            return value;
        }
        inner.event("miss");
        let reserve = found.filter(|_| freshness == Freshness::Reserve);
        let (flight, joined) = self.flight(&key, Arc::clone(&fetch), reserve);
        if joined {
            inner.event("join");
        }
        if let Some(result) = flight.await {
            return result;
        }
        // The call panicked. Its waiters start one new call between them (the first to come
        // starts it, the others join), so a panic never turns into a call per waiter.
        inner.event("panicked");
        let (again, _) = self.flight(&key, Arc::clone(&fetch), None);
        match again.await {
            Some(result) => result,
            None => fetch().await,
        }
    }

    /// Forgets the entry of `key` (an answer found wrong, such as a token the upstream refused),
    /// so the next read calls the source. Other instances may still serve their in-process copy
    /// for up to `CACHE_FRONT_TTL_MS`.
    pub async fn forget(&self, key: &str) {
        let inner = &self.inner;
        let key = key::entry(inner.name, key);
        inner.cache.inner.store.remove(inner.name, &key).await;
    }

    /// The in-flight call of `key`, started if there is none; true when it was already running.
    fn flight<F, Fut>(
        &self,
        key: &str,
        fetch: Arc<F>,
        reserve: Option<Envelope>,
    ) -> (Flight<T, E>, bool)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
    {
        let flight = {
            let mut flights = self.inner.lock_flights();
            if let Some(flight) = flights.get(key) {
                return (flight.clone(), true);
            }
            let family = Arc::clone(&self.inner);
            let owned = key.to_owned();
            // The call carries the span of the request that started it, so the source's log
            // lines name that request.
            let lead = async move { family.lead(&owned, fetch, reserve).await };
            let call = tokio::spawn(lead.in_current_span());
            let family = Arc::clone(&self.inner);
            let owned = key.to_owned();
            // Landing runs once, when the call ends (a panic ends it too, as a `JoinError`),
            // so the next caller after it starts a new call.
            let flight = call
                .map(move |ended| {
                    family.lock_flights().remove(&owned);
                    ended.ok()
                })
                .boxed()
                .shared();
            flights.insert(key.to_owned(), flight.clone());
            flight
        };
        // Drives the landing even when no caller waits (a background refresh, or callers that
        // gave up), so the map never keeps a finished call.
        tokio::spawn(flight.clone());
        (flight, false)
    }
}

impl<T: Storable, E: Storable> FamilyInner<T, E> {
    /// The value of the entry of `key`, decoded once per stored version; an undecodable one
    /// (another build's format) counts as absent.
    pub fn read(&self, key: &str, entry: &Envelope) -> Option<Result<T, E>> {
        let decode = || match entry.decode() {
            Ok(value) => Some(value),
            Err(error) => {
                tracing::debug!(family = self.name, %error, "unreadable cache entry");
                self.event("unreadable");
                None
            }
        };
        match &self.decoded {
            Some(decoded) => decoded.get_or_decode(key, entry, decode),
            None => decode(),
        }
    }

    /// Whether `value` is empty by the family's measure (never, without one).
    pub fn is_empty(&self, value: &T) -> bool {
        self.emptiness.is_some_and(|is_empty| is_empty(value))
    }

    fn lock_flights(&self) -> MutexGuard<'_, HashMap<String, Flight<T, E>>> {
        self.flights.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn event(&self, event: &str) {
        self.cache.inner.metrics.cache_event(self.name, event);
    }
}
