//! Every client under every failure mode of its fake. Each client first answers once in normal
//! mode (for DMM this also mints the challenge), so the failing call is the data call.

use super::support::{Subject, TIMEOUT, upstream_calls};
use ferrio::sources::SourceError;
use ferrio_fakes::Mode;
use std::time::{Duration, Instant};

/// Primes `subject`, switches its fake to `mode`, and returns the failing call's error.
async fn fail(subject: &Subject, mode: Mode) -> SourceError {
    let primed = subject.ask().await;
    assert!(primed.is_ok(), "{}: {primed:?}", subject.name());
    subject.set_mode(mode);
    let error = subject.ask().await.expect_err(subject.name());
    assert_eq!(subject.calls(), 2, "{}: one call per ask", subject.name());
    error
}

#[tokio::test]
async fn a_cloudflare_block_is_blocked_not_empty_and_counted_as_such() {
    for (subject, metrics) in Subject::all(TIMEOUT).await {
        let error = fail(&subject, Mode::CloudflareHtml).await;
        assert_eq!(error, SourceError::Blocked, "{}", subject.name());
        assert_eq!(
            upstream_calls(&metrics, subject.name(), "blocked"),
            1,
            "{}",
            subject.name()
        );
    }
}

#[tokio::test]
async fn a_server_error_is_a_status() {
    for (subject, metrics) in Subject::all(TIMEOUT).await {
        let error = fail(&subject, Mode::ServerError).await;
        assert_eq!(error, SourceError::Status(500), "{}", subject.name());
        assert_eq!(upstream_calls(&metrics, subject.name(), "server_error"), 1);
    }
}

#[tokio::test]
async fn truncated_json_is_a_bad_response() {
    for (subject, metrics) in Subject::all(TIMEOUT).await {
        let error = fail(&subject, Mode::Garbage).await;
        assert!(
            matches!(error, SourceError::BadResponse(_)),
            "{}: {error:?}",
            subject.name()
        );
        assert_eq!(upstream_calls(&metrics, subject.name(), "bad_response"), 1);
    }
}

#[tokio::test]
async fn a_hanging_upstream_times_out_on_time() {
    let timeout = Duration::from_millis(300);
    for (subject, metrics) in Subject::all(timeout).await {
        let started = Instant::now();
        let error = fail(&subject, Mode::Hang).await;
        assert_eq!(error, SourceError::Timeout, "{}", subject.name());
        // Generous bound: the property is that a hang costs the timeout, not the hour.
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{}",
            subject.name()
        );
        assert_eq!(upstream_calls(&metrics, subject.name(), "timeout"), 1);
    }
}

#[tokio::test]
async fn a_429_is_honoured_until_retry_after_has_passed() {
    let mode = Mode::RateLimited {
        retry_after_secs: 1,
    };
    for (subject, metrics) in Subject::all(TIMEOUT).await {
        let error = fail(&subject, mode).await;
        let name = subject.name();
        assert_eq!(
            error,
            SourceError::RateLimited {
                retry_after: Duration::from_secs(1)
            },
            "{name}"
        );
        subject.set_mode(Mode::Normal);
        // Within the window the client answers by itself: nothing reaches the fake.
        assert!(
            matches!(subject.ask().await, Err(SourceError::RateLimited { .. })),
            "{name}"
        );
        assert_eq!(subject.calls(), 2, "{name}: no call before Retry-After");
        // The expiry is the property under test, so this waits it out.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(
            subject.ask().await.is_ok(),
            "{name}: calls resume afterwards"
        );
        assert_eq!(subject.calls(), 3, "{name}");
        assert_eq!(upstream_calls(&metrics, name, "rate_limited"), 1, "{name}");
    }
}

#[tokio::test]
async fn one_malformed_item_costs_only_that_item() {
    for (subject, _) in Subject::all(TIMEOUT).await {
        let clean = subject.ask().await.expect("clean answer").candidates;
        assert!(!clean.is_empty(), "{}", subject.name());
        subject.inject_bad_item(true);
        let with_bad = subject
            .ask()
            .await
            .expect("answer with a bad item")
            .candidates;
        assert_eq!(with_bad, clean, "{}", subject.name());
        assert_eq!(subject.calls(), 2, "{}", subject.name());
    }
}
