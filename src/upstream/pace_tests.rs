use super::*;

/// Starts `count` callers at once on `pacer` and gives the instants they got their turns, in
/// order, after `origin`.
async fn turns(pacer: &Pacer, count: usize) -> Vec<Duration> {
    let origin = Instant::now();
    let callers = (0..count).map(|_| {
        let pacer = pacer.clone();
        tokio::spawn(async move { pacer.turn(Priority::User).await.then(Instant::now) })
    });
    let mut started: Vec<Duration> = futures::future::join_all(callers)
        .await
        .into_iter()
        .filter_map(|joined| joined.ok().flatten())
        .map(|at| at - origin)
        .collect();
    started.sort();
    started
}

/// The most calls that started within any window of `window`.
fn most_in_any_window(started: &[Duration], window: Duration) -> usize {
    started
        .iter()
        .enumerate()
        .map(|(i, start)| {
            started[i..]
                .iter()
                .take_while(|s| **s < *start + window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn never_more_than_the_pace_in_any_window_burst_included() {
    let pacer = Pacer::new(Pace::per_second(30), Duration::from_secs(60));
    let started = turns(&pacer, 100).await;
    assert_eq!(started.len(), 100, "everyone got a turn");
    assert_eq!(most_in_any_window(&started, Duration::from_secs(1)), 30);
    assert!(started[99] >= Duration::from_secs(3), "{:?}", started[99]);
}

#[tokio::test(start_paused = true)]
async fn a_caller_that_would_wait_too_long_is_refused() {
    let pacer = Pacer::new(Pace::per_second(2), Duration::from_millis(500));
    assert_eq!(
        turns(&pacer, 5).await.len(),
        2,
        "the window's two, then no turn in time"
    );
}

#[tokio::test(start_paused = true)]
async fn after_a_429_nobody_calls_then_the_pace_resumes_at_half_and_rises() {
    let pacer = Pacer::new(Pace::per_second(30), Duration::from_secs(60));
    pacer.back_off(Duration::from_secs(5));
    let origin = Instant::now();
    let started = turns(&pacer, 60).await;
    assert!(
        started[0] >= Duration::from_secs(5),
        "no call before Retry-After: {:?}",
        started[0]
    );
    let first_window = started
        .iter()
        .filter(|at| **at < Duration::from_secs(6))
        .count();
    assert_eq!(first_window, 15, "half the pace at first");
    let second_window = started
        .iter()
        .filter(|at| (Duration::from_secs(6)..Duration::from_secs(7)).contains(*at))
        .count();
    assert_eq!(second_window, 16, "one more a window after that");
    assert!(Instant::now() > origin);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_longer_than_the_wait_refuses_at_once() {
    let pacer = Pacer::new(Pace::per_second(30), Duration::from_secs(1));
    pacer.back_off(Duration::from_secs(30));
    let before = Instant::now();
    assert!(!pacer.turn(Priority::User).await);
    assert_eq!(Instant::now(), before);
    tokio::time::advance(Duration::from_secs(31)).await;
    assert!(pacer.turn(Priority::User).await);
}

#[tokio::test(start_paused = true)]
async fn background_work_takes_two_thirds_of_a_window_at_most_and_yields_to_users() {
    let pacer = Pacer::new(Pace::per_second(30), Duration::from_secs(60));
    let background = (0..60).map(|_| {
        let pacer = pacer.clone();
        tokio::spawn(async move { pacer.turn(Priority::Background).await.then(Instant::now) })
    });
    let background: Vec<_> = background.collect();
    tokio::task::yield_now().await;
    let origin = Instant::now();
    // Users arrive while the background's 60 calls are waiting: they have the window's third.
    let users = turns(&pacer, 10).await;
    assert_eq!(users.len(), 10);
    assert!(
        users[9] < Duration::from_millis(100),
        "users went at once: {:?}",
        users[9]
    );
    let mut starts: Vec<Duration> = futures::future::join_all(background)
        .await
        .into_iter()
        .filter_map(|joined| joined.ok().flatten())
        .map(|at| at.saturating_duration_since(origin))
        .collect();
    starts.sort();
    let first_window = starts
        .iter()
        .filter(|at| **at < Duration::from_secs(1))
        .count();
    assert_eq!(first_window, 20, "two thirds of 30 in the first window");
}
