//! The read path against the in-process backend (Redis is covered by `tests/api/cache/`).

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn cache() -> Cache {
    let settings = Settings::from_iter(Vec::new()).expect("defaults are valid");
    Cache::new(&settings, Metrics::new().expect("metrics")).expect("cache builds")
}

/// Fresh 100 ms (failures 50 ms), stale 200 ms more, usable 1 s after freshness on errors.
fn family(cache: &Cache) -> CacheFamily<String, String> {
    cache.family("test", |result: &Result<String, String>| match result {
        Ok(_) => Policy {
            fresh: Duration::from_millis(100),
            stale: Duration::from_millis(200),
            stale_if_error: Duration::from_secs(1),
        },
        Err(_) => Policy::only_fresh(Duration::from_millis(50)),
    })
}

/// A source that counts its calls and answers what `answer` says for that call number.
#[derive(Clone, Default)]
struct Source {
    calls: Arc<AtomicUsize>,
}

impl Source {
    fn fetch(
        &self,
        answer: fn(usize) -> Result<String, String>,
    ) -> impl Fn() -> futures::future::BoxFuture<'static, Result<String, String>> + Send + Sync + 'static
    {
        let calls = Arc::clone(&self.calls);
        move || {
            let call = calls.fetch_add(1, Ordering::SeqCst) + 1;
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                answer(call)
            })
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Waits (bounded) until the source has been called `count` times.
    async fn until_called(&self, count: usize) {
        let waited = tokio::time::timeout(Duration::from_secs(2), async {
            while self.calls() < count {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
        assert!(
            waited.is_ok(),
            "source called {} times, not {count}",
            self.calls()
        );
    }
}

fn numbered(call: usize) -> Result<String, String> {
    Ok(format!("answer {call}"))
}

fn failing_after_first(call: usize) -> Result<String, String> {
    if call == 1 {
        Ok("answer 1".into())
    } else {
        Err("down".into())
    }
}

fn events(cache: &Cache, event: &str) -> u64 {
    let line = format!("ferrio_cache_events_total{{event=\"{event}\",family=\"test\"}} ");
    cache
        .inner
        .metrics
        .render()
        .lines()
        .find_map(|l| l.strip_prefix(&line).map(str::to_owned))
        .and_then(|count| count.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_second_read_is_a_hit() {
    let cache = cache();
    let family = family(&cache);
    let source = Source::default();
    assert_eq!(
        family.get_or_fetch("k", source.fetch(numbered)).await,
        Ok("answer 1".into())
    );
    assert_eq!(
        family.get_or_fetch("k", source.fetch(numbered)).await,
        Ok("answer 1".into())
    );
    assert_eq!(source.calls(), 1);
    assert_eq!((events(&cache, "miss"), events(&cache, "hit")), (1, 1));
    assert_eq!(
        family.get_or_fetch("other", source.fetch(numbered)).await,
        Ok("answer 2".into())
    );
}

#[tokio::test]
async fn concurrent_cold_reads_make_one_call() {
    let cache = cache();
    let family = family(&cache);
    let source = Source::default();
    let reads = (0..100).map(|_| family.get_or_fetch("k", source.fetch(numbered)));
    let answers = futures::future::join_all(reads).await;
    assert!(answers.iter().all(|a| a == &Ok("answer 1".to_owned())));
    assert_eq!(source.calls(), 1);
    assert_eq!(events(&cache, "join"), 99);
}

#[tokio::test]
async fn a_stale_entry_is_served_while_it_is_refreshed() {
    let cache = cache();
    let family = family(&cache);
    let source = Source::default();
    family.get_or_fetch("k", source.fetch(numbered)).await.ok();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let stale = family.get_or_fetch("k", source.fetch(numbered)).await;
    assert_eq!(
        stale,
        Ok("answer 1".into()),
        "served at once, not after the call"
    );
    source.until_called(2).await;
    let refreshed = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            let answer = family.get_or_fetch("k", source.fetch(numbered)).await;
            if answer == Ok("answer 2".into()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    assert!(refreshed.await.is_ok(), "the refresh is stored");
    assert_eq!(
        source.calls(),
        2,
        "stale reads during the refresh do not call again"
    );
    assert!(events(&cache, "stale") >= 1);
}

#[tokio::test]
async fn an_expired_entry_is_fetched_again() {
    let cache = cache();
    let family = family(&cache);
    let source = Source::default();
    family.get_or_fetch("k", source.fetch(numbered)).await.ok();
    tokio::time::sleep(Duration::from_millis(1_400)).await;
    let answer = family.get_or_fetch("k", source.fetch(numbered)).await;
    assert_eq!(answer, Ok("answer 2".into()));
}

#[tokio::test]
async fn a_failed_refresh_keeps_serving_the_stale_entry() {
    let cache = cache();
    let family = family(&cache);
    let source = Source::default();
    family
        .get_or_fetch("k", source.fetch(failing_after_first))
        .await
        .ok();
    // Past the stale window: the read waits for the call, which fails; the old answer stands.
    tokio::time::sleep(Duration::from_millis(350)).await;
    let answer = family
        .get_or_fetch("k", source.fetch(failing_after_first))
        .await;
    assert_eq!(answer, Ok("answer 1".into()));
    assert_eq!(events(&cache, "stale_if_error"), 1);
    // The failure is remembered: the next reads within its TTL do not ask the source.
    let again = family
        .get_or_fetch("k", source.fetch(failing_after_first))
        .await;
    assert_eq!(again, Ok("answer 1".into()));
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn an_empty_answer_never_replaces_a_usable_non_empty_one() {
    let cache = cache();
    let family = family(&cache).empty_never_replaces(String::is_empty);
    let source = Source::default();
    let empty_after_first = |call| {
        Ok(if call == 1 {
            "answer 1".into()
        } else {
            String::new()
        })
    };
    family
        .get_or_fetch("k", source.fetch(empty_after_first))
        .await
        .ok();
    // Past the stale window: the read waits for the call, which answers empty.
    tokio::time::sleep(Duration::from_millis(350)).await;
    let answer = family
        .get_or_fetch("k", source.fetch(empty_after_first))
        .await;
    assert_eq!(answer, Ok("answer 1".into()));
    assert_eq!(events(&cache, "empty_kept"), 1);
    // Once the non-empty answer is past use, an empty one is an answer like any other.
    tokio::time::sleep(Duration::from_millis(1_400)).await;
    let answer = family
        .get_or_fetch("k", source.fetch(empty_after_first))
        .await;
    assert_eq!(answer, Ok(String::new()));
    // Without the rule, the empty answer replaces the other at once.
    let plain = self::family(&cache);
    let other = Source::default();
    let first = plain
        .get_or_fetch("p", other.fetch(empty_after_first))
        .await;
    assert_eq!(first, Ok("answer 1".into()));
    tokio::time::sleep(Duration::from_millis(350)).await;
    let answer = plain
        .get_or_fetch("p", other.fetch(empty_after_first))
        .await;
    assert_eq!(answer, Ok(String::new()));
}

#[tokio::test]
async fn a_failure_is_remembered_briefly() {
    let cache = cache();
    let family = family(&cache);
    let source = Source::default();
    let fail = |_| Err("down".to_owned());
    assert!(family.get_or_fetch("k", source.fetch(fail)).await.is_err());
    assert!(family.get_or_fetch("k", source.fetch(fail)).await.is_err());
    assert_eq!(source.calls(), 1, "negative caching");
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert!(family.get_or_fetch("k", source.fetch(fail)).await.is_err());
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn a_call_runs_to_the_end_when_its_caller_gives_up() {
    let cache = cache();
    let family = family(&cache);
    let source = Source::default();
    let read = family.get_or_fetch("k", source.fetch(numbered));
    assert!(
        tokio::time::timeout(Duration::from_millis(5), read)
            .await
            .is_err()
    );
    tokio::time::sleep(Duration::from_millis(60)).await;
    let answer = family.get_or_fetch("k", source.fetch(numbered)).await;
    assert_eq!(answer, Ok("answer 1".into()));
    assert_eq!(source.calls(), 1);
}

#[tokio::test]
async fn a_panicking_call_does_not_wedge_its_key() {
    let cache = cache();
    let family = family(&cache);
    let panics = || -> futures::future::BoxFuture<'static, Result<String, String>> {
        Box::pin(async { panic!("source bug") })
    };
    let first = tokio::spawn({
        let family = family.clone();
        async move { family.get_or_fetch("k", panics).await }
    });
    assert!(first.await.is_err(), "the panic reaches the caller");
    let source = Source::default();
    let answer = family.get_or_fetch("k", source.fetch(numbered)).await;
    assert_eq!(answer, Ok("answer 1".into()));
}

#[tokio::test]
async fn the_waiters_of_a_call_that_panicked_share_one_new_call() {
    let cache = cache();
    let family = family(&cache);
    let calls = Arc::new(AtomicUsize::new(0));
    let fetch = {
        let calls = Arc::clone(&calls);
        move || -> futures::future::BoxFuture<'static, Result<String, String>> {
            let call = calls.fetch_add(1, Ordering::SeqCst) + 1;
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(30)).await;
                assert!(call > 1, "the first call panics");
                Ok(format!("answer {call}"))
            })
        }
    };
    let readers = (0..10).map(|_| family.get_or_fetch("k", fetch.clone()));
    let answers = futures::future::join_all(readers).await;
    assert!(
        answers
            .iter()
            .all(|answer| answer == &Ok("answer 2".to_owned())),
        "{answers:?}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "one panicked call, one shared retry"
    );
}

#[tokio::test]
async fn the_memory_backend_reports_itself() {
    assert_eq!(cache().status().await, CacheStatus::Memory);
}

#[tokio::test]
async fn a_forgotten_entry_is_fetched_again() {
    let cache = cache();
    let family = family(&cache);
    let source = Source::default();
    family.get_or_fetch("k", source.fetch(numbered)).await.ok();
    family.forget("k").await;
    let answer = family.get_or_fetch("k", source.fetch(numbered)).await;
    assert_eq!(answer, Ok("answer 2".into()));
}

#[tokio::test]
async fn an_entry_put_directly_is_peeked_until_it_expires() {
    let cache = cache();
    let family = family(&cache);
    assert_eq!(family.peek("k").await, None);
    family.put("k", Ok("recorded".into())).await;
    assert_eq!(family.peek("k").await, Some(Ok("recorded".into())));
    let source = Source::default();
    let read = family.get_or_fetch("k", source.fetch(numbered)).await;
    assert_eq!((read, source.calls()), (Ok("recorded".into()), 0));
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(family.peek("k").await, None, "past fresh and stale");
}
