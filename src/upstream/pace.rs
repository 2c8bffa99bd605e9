//! Outbound pacing for an upstream with a published rate limit (TMDB's, kept at 30 a second;
//! Trakt's 1,000 per 5 minutes): at most a [`Pace`]'s `calls` start in any window of its
//! length. The burst is part of the rate, not on top of it, so what the upstream counts at the
//! wire never passes it — a bucket of 30 refilled at 30 a second lets 59 through in the first
//! second. Callers wait their turn a bounded time. After a 429 nobody calls until its
//! `Retry-After` has passed; then the pace resumes at half and rises again by one call a window
//! for every window without a 429, rather than coming back at full speed into the limit it just
//! hit.
//!
//! Users come first ([`Priority`]): Ferrio's own background work (the prewarm) takes a turn only
//! while no user's call is waiting, and never the last third of a window, so a user's call
//! that arrives mid-prewarm finds the pace free.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// Whose call waits for a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    /// A user's request is waiting for it.
    #[default]
    User,
    /// Ferrio's own background work: it yields to users.
    Background,
}

/// At most `calls` starting in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub calls: u32,
    pub window: Duration,
}

impl Pace {
    /// `calls` a second.
    pub const fn per_second(calls: u32) -> Self {
        Self {
            calls,
            window: Duration::from_secs(1),
        }
    }
}

/// The pace of one upstream. Cheap to clone.
#[derive(Clone)]
pub struct Pacer {
    pace: Pace,
    max_wait: Duration,
    state: Arc<Mutex<State>>,
}

struct State {
    /// When the calls of the last window started, oldest first.
    starts: VecDeque<Instant>,
    /// The calls a window allowed now: the pace's, or less since a 429.
    allowed: u32,
    /// When `allowed` last rose (or was cut).
    since: Instant,
    resume_at: Option<Instant>,
    /// Users' calls waiting for a turn now.
    users_waiting: usize,
}

/// What a caller may do now.
enum Turn {
    Go,
    WaitUntil(Instant),
}

impl Pacer {
    /// Calls at `pace`, a caller waiting at most `max_wait` for its turn.
    pub fn new(pace: Pace, max_wait: Duration) -> Self {
        let state = State {
            starts: VecDeque::with_capacity(pace.calls as usize),
            allowed: pace.calls.max(1),
            since: Instant::now(),
            resume_at: None,
            users_waiting: 0,
        };
        Self {
            pace,
            max_wait,
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// Waits for a turn; `false` when none comes in time (or a `Retry-After` runs longer),
    /// and the call must not be made.
    pub async fn turn(&self, priority: Priority) -> bool {
        let deadline = Instant::now() + self.max_wait;
        let _waiting = (priority == Priority::User).then(|| UserWaiting::new(self));
        loop {
            match self.try_turn(priority) {
                Turn::Go => return true,
                Turn::WaitUntil(at) if at > deadline => return false,
                Turn::WaitUntil(at) => tokio::time::sleep_until(at).await,
            }
        }
    }

    /// The upstream answered 429: no call before `retry_after` has passed, and then half the
    /// pace, rising again.
    pub fn back_off(&self, retry_after: Duration) {
        let at = Instant::now() + retry_after;
        let mut state = self.lock();
        let resume = state.resume_at.map_or(at, |current| current.max(at));
        state.resume_at = Some(resume);
        state.allowed = (state.allowed / 2).max(1);
        state.since = resume;
    }

    fn try_turn(&self, priority: Priority) -> Turn {
        let now = Instant::now();
        let mut state = self.lock();
        if let Some(at) = state.resume_at.filter(|at| *at > now) {
            return Turn::WaitUntil(at);
        }
        self.rise(&mut state, now);
        while state
            .starts
            .front()
            .is_some_and(|start| *start + self.pace.window <= now)
        {
            state.starts.pop_front();
        }
        let allowed = state.allowed as usize;
        let room = match priority {
            Priority::User => allowed,
            // Two thirds of the window at most, and none while a user waits (who is in the
            // loop of `turn` and goes next).
            Priority::Background if state.users_waiting > 0 => 0,
            Priority::Background => (allowed - allowed / 3).max(1),
        };
        if state.starts.len() < room {
            state.starts.push_back(now);
            return Turn::Go;
        }
        match state.starts.len().checked_sub(room) {
            // The call that must leave the window before this one may start.
            Some(index) if room > 0 => Turn::WaitUntil(state.starts[index] + self.pace.window),
            // Behind a waiting user: look again shortly.
            _ => Turn::WaitUntil(now + self.pace.window / 10),
        }
    }

    /// One more call a window for every whole window since the last rise, up to the pace.
    fn rise(&self, state: &mut State, now: Instant) {
        let windows = now.saturating_duration_since(state.since).as_nanos()
            / self.pace.window.as_nanos().max(1);
        if windows > 0 {
            let raised = u64::from(state.allowed) + windows as u64;
            state.allowed = raised.min(u64::from(self.pace.calls.max(1))) as u32;
            state.since += self.pace.window * windows as u32;
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A user's call counted as waiting while it lives.
struct UserWaiting<'a>(&'a Pacer);

impl<'a> UserWaiting<'a> {
    fn new(pacer: &'a Pacer) -> Self {
        pacer.lock().users_waiting += 1;
        Self(pacer)
    }
}

impl Drop for UserWaiting<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.users_waiting = state.users_waiting.saturating_sub(1);
    }
}

#[cfg(test)]
#[path = "pace_tests.rs"]
mod tests;
