//! A circuit breaker per upstream: one that keeps failing is left alone for a while instead
//! of costing every request a timeout. [`Circuit::call`] is the guard every client uses.
//!
//! Closed: calls go through, consecutive failures are counted. After [`FAILURES_TO_OPEN`] the
//! circuit opens: no calls for [`OPEN_FOR`]. Then one trial call goes through; its success
//! closes the circuit, its failure opens it again.

use super::UpstreamError;
use crate::metrics::Metrics;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// Consecutive failures that open the circuit.
const FAILURES_TO_OPEN: u32 = 5;
/// How long an open circuit refuses calls before letting a trial through.
const OPEN_FOR: Duration = Duration::from_secs(30);

#[derive(Default)]
struct State {
    consecutive_failures: u32,
    /// Set while open (and half-open, once it has passed).
    open_until: Option<Instant>,
    /// Whether the one trial call of a half-open circuit is under way.
    trial_running: bool,
}

/// The circuit breaker of one upstream; its state is mirrored in the `circuit_open` gauge.
pub struct Circuit {
    source: &'static str,
    metrics: Metrics,
    state: Mutex<State>,
}

impl Circuit {
    /// A closed circuit for `source` (the metric label).
    pub fn new(source: &'static str, metrics: Metrics) -> Self {
        metrics.circuit_state(source, false);
        Self {
            source,
            metrics,
            state: Mutex::new(State::default()),
        }
    }

    /// Runs `call` unless the circuit is open (then `open` is the answer, without a call),
    /// and counts its outcome.
    pub async fn call<T, E: UpstreamError>(
        &self,
        open: impl FnOnce() -> E,
        call: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        if !self.try_acquire() {
            return Err(open());
        }
        let result = call.await;
        self.record(&result);
        result
    }

    /// Whether a call may go out now. In the half-open state only the first caller gets
    /// through; it must report with [`Circuit::record`].
    fn try_acquire(&self) -> bool {
        let mut state = self.lock();
        match state.open_until {
            None => true,
            Some(until) if Instant::now() < until => false,
            Some(_) if state.trial_running => false,
            Some(_) => {
                state.trial_running = true;
                true
            }
        }
    }

    /// Records how a call went. Any answer, even an empty one, proves the upstream healthy;
    /// errors count only when they say so ([`UpstreamError::is_outage`]).
    fn record<T, E: UpstreamError>(&self, result: &Result<T, E>) {
        let mut state = self.lock();
        state.trial_running = false;
        match result {
            Ok(_) => {
                if state.open_until.is_some() {
                    tracing::info!(source = self.source, "circuit closed");
                    self.metrics.circuit_state(self.source, false);
                }
                *state = State::default();
            }
            Err(error) if error.is_outage() => {
                state.consecutive_failures = state.consecutive_failures.saturating_add(1);
                let was_open = state.open_until.is_some();
                if was_open || state.consecutive_failures >= FAILURES_TO_OPEN {
                    state.open_until = Some(Instant::now() + OPEN_FOR);
                    if !was_open {
                        tracing::warn!(
                            source = self.source,
                            failures = state.consecutive_failures,
                            "circuit opened"
                        );
                        self.metrics.circuit_state(self.source, true);
                    }
                }
            }
            Err(_) => {}
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upstream's error: an outage, or a refusal that says nothing of its health.
    #[derive(Debug)]
    enum TestError {
        Outage,
        Refused,
    }

    impl std::fmt::Display for TestError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{self:?}")
        }
    }

    impl UpstreamError for TestError {
        fn outcome(&self) -> &'static str {
            "test"
        }
        fn is_outage(&self) -> bool {
            matches!(self, Self::Outage)
        }
    }

    fn circuit() -> (Circuit, Metrics) {
        let metrics = Metrics::new().unwrap_or_else(|e| panic!("{e}"));
        (Circuit::new("dmm", metrics.clone()), metrics)
    }

    fn fail(circuit: &Circuit, times: u32) {
        for _ in 0..times {
            assert!(circuit.try_acquire());
            circuit.record::<(), TestError>(&Err(TestError::Outage));
        }
    }

    fn gauge_open(metrics: &Metrics) -> bool {
        metrics
            .render()
            .contains("ferrio_circuit_open{source=\"dmm\"} 1")
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_five_failures_and_lets_one_trial_through_later() {
        let (circuit, metrics) = circuit();
        fail(&circuit, FAILURES_TO_OPEN - 1);
        assert!(circuit.try_acquire(), "four failures keep it closed");
        circuit.record::<(), TestError>(&Err(TestError::Outage));
        assert!(!circuit.try_acquire(), "the fifth opens it");
        assert!(gauge_open(&metrics));

        tokio::time::advance(OPEN_FOR).await;
        assert!(circuit.try_acquire(), "one trial after the open period");
        assert!(!circuit.try_acquire(), "and only one");
        circuit.record::<(), TestError>(&Ok(()));
        assert!(
            circuit.try_acquire() && circuit.try_acquire(),
            "closed again"
        );
        assert!(!gauge_open(&metrics));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_trial_opens_it_again() {
        let (circuit, _) = circuit();
        fail(&circuit, FAILURES_TO_OPEN);
        tokio::time::advance(OPEN_FOR).await;
        fail(&circuit, 1);
        assert!(!circuit.try_acquire());
        tokio::time::advance(OPEN_FOR).await;
        assert!(circuit.try_acquire());
    }

    #[tokio::test(start_paused = true)]
    async fn successes_reset_the_count_and_refusals_are_not_failures() {
        let (circuit, _) = circuit();
        fail(&circuit, FAILURES_TO_OPEN - 1);
        circuit.record::<(), TestError>(&Ok(()));
        fail(&circuit, FAILURES_TO_OPEN - 1);
        for _ in 0..10 {
            circuit.record::<(), TestError>(&Err(TestError::Refused));
        }
        assert!(circuit.try_acquire(), "never five failures in a row");
    }

    #[tokio::test(start_paused = true)]
    async fn a_neutral_trial_frees_the_trial_slot() {
        let (circuit, _) = circuit();
        fail(&circuit, FAILURES_TO_OPEN);
        tokio::time::advance(OPEN_FOR).await;
        assert!(circuit.try_acquire());
        circuit.record::<(), TestError>(&Err(TestError::Refused));
        assert!(circuit.try_acquire(), "another trial may go");
    }
}
