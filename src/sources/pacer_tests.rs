use super::*;
use crate::client_address::ClientKeys;
use std::sync::Arc;

fn client(n: u8) -> ClientKey {
    ClientKeys::for_tests().of(Some(std::net::IpAddr::from([10, 0, 0, n])))
}

/// Starts one search per `(client, standing)` in this order, each after the previous has
/// queued, and gives the order in which they were served.
async fn served_order(pacer: Arc<Pacer>, searches: &[(u8, Standing)]) -> Vec<usize> {
    let (done, mut served) = tokio::sync::mpsc::unbounded_channel();
    for (index, &(n, standing)) in searches.iter().enumerate() {
        let (pacer, done) = (Arc::clone(&pacer), done.clone());
        tokio::spawn(async move {
            if pacer.wait_turn(client(n), standing).await.is_ok() {
                let _ = done.send(index);
            }
        });
        tokio::task::yield_now().await;
    }
    drop(done);
    let mut order = Vec::new();
    while let Some(index) = served.recv().await {
        order.push(index);
    }
    order
}

#[tokio::test(start_paused = true)]
async fn slots_are_an_interval_apart() {
    let pacer = Pacer::new(Duration::from_millis(300));
    let start = Instant::now();
    let mut starts = Vec::new();
    for _ in 0..3 {
        assert_eq!(pacer.wait_turn(client(1), Standing::Proven).await, Ok(()));
        starts.push(Instant::now() - start);
    }
    assert_eq!(
        starts,
        [0, 300, 600].map(Duration::from_millis).to_vec(),
        "each call waits for the previous one's interval"
    );
}

#[tokio::test(start_paused = true)]
async fn an_idle_pacer_does_not_wait() {
    let pacer = Pacer::new(Duration::from_millis(300));
    assert_eq!(pacer.wait_turn(client(1), Standing::Unknown).await, Ok(()));
    tokio::time::advance(Duration::from_secs(1)).await;
    let before = Instant::now();
    assert_eq!(pacer.wait_turn(client(1), Standing::Unknown).await, Ok(()));
    assert_eq!(Instant::now(), before);
}

#[tokio::test(start_paused = true)]
async fn zero_disables_pacing() {
    let pacer = Pacer::new(Duration::ZERO);
    let before = Instant::now();
    for _ in 0..100 {
        assert_eq!(pacer.wait_turn(client(1), Standing::Unknown).await, Ok(()));
    }
    assert_eq!(Instant::now(), before);
}

#[tokio::test(start_paused = true)]
async fn better_standing_is_served_first_whatever_the_arrival() {
    let pacer = Arc::new(Pacer::new(Duration::from_secs(2)));
    let searches = [
        (1, Standing::Unknown), // served at once: nobody waits
        (1, Standing::Unknown),
        (2, Standing::Unknown),
        (3, Standing::Vouched),
        (4, Standing::Proven),
    ];
    let order = served_order(pacer, &searches).await;
    assert_eq!(order, [0, 4, 3, 1, 2]);
}

#[tokio::test(start_paused = true)]
async fn one_clients_backlog_does_not_push_another_back() {
    let pacer = Arc::new(Pacer::new(Duration::from_secs(2)));
    let mut searches = vec![(1, Standing::Unknown); 5];
    searches.push((2, Standing::Unknown));
    let order = served_order(pacer, &searches).await;
    // The first is served at once; of the four left waiting, client 2's one goes after
    // client 1's first waiting search only.
    assert_eq!(order, [0, 1, 5, 2, 3, 4]);
}

#[tokio::test(start_paused = true)]
async fn a_full_queue_refuses_the_rest_but_not_a_better_standing() {
    let pacer = Arc::new(Pacer::new(Duration::from_secs(10)));
    // One served at once and three waiting fill MAX_WAIT (30 s of slots).
    let mut searches: Vec<(u8, Standing)> = (1..=5).map(|n| (n, Standing::Unknown)).collect();
    searches.push((9, Standing::Proven));
    let order = served_order(pacer, &searches).await;
    assert_eq!(
        order,
        [0, 5, 1, 2],
        "the fifth found the queue full; the subscriber took the last place"
    );
}

#[tokio::test(start_paused = true)]
async fn a_search_dropped_while_waiting_gives_its_place_up() {
    let pacer = Arc::new(Pacer::new(Duration::from_secs(2)));
    assert_eq!(pacer.wait_turn(client(1), Standing::Unknown).await, Ok(()));
    let waiting = tokio::spawn({
        let pacer = Arc::clone(&pacer);
        async move { pacer.wait_turn(client(2), Standing::Unknown).await }
    });
    tokio::task::yield_now().await;
    waiting.abort();
    let _ = waiting.await;
    let before = Instant::now();
    assert_eq!(pacer.wait_turn(client(3), Standing::Unknown).await, Ok(()));
    assert_eq!(
        Instant::now() - before,
        Duration::from_secs(2),
        "served at the next slot, not the one after"
    );
}
