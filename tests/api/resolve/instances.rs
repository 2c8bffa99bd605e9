//! One tap whose requests land on two instances while Real-Debrid is slow: the torrent is
//! added once and every request gets the same link.

use super::resolve_path;
use crate::common::{redis::RedisServer, spawn_app_on};
use ferrio_fakes::{Fakes, fixtures};
use std::time::Duration;

#[tokio::test]
async fn a_slow_resolve_shared_by_two_instances_adds_the_torrent_once() {
    let redis = RedisServer::start().await;
    let fakes = Fakes::start().await;
    let env = |env: &mut std::collections::BTreeMap<String, String>| {
        env.insert("REDIS_URL".into(), redis.url());
        // A lock far shorter than the resolution, and waiters quick to give up by default:
        // only renewal and the resolver's own wait keep the second instance from repeating
        // the work.
        env.insert("CACHE_LOCK_TTL_MS".into(), "1500".into());
        env.insert("CACHE_LOCK_WAIT_MS".into(), "1000".into());
        env.insert("CACHE_LOCK_POLL_MS".into(), "50".into());
    };
    let a = spawn_app_on(fakes.clone(), env).await;
    let b = spawn_app_on(fakes.clone(), env).await;
    let rd = &fakes.realdebrid;
    rd.set_latency(Duration::from_millis(1200));
    let config = super::config("");
    let path = resolve_path(&config, fixtures::SHAWSHANK_MULTI, "-", None);
    let head = a.client.head(format!("{}{path}", a.address)).send();
    let get_b = b.client.get(format!("{}{path}", b.address)).send();
    let get_a = a.client.get(format!("{}{path}", a.address)).send();
    let (head, get_b, get_a) = tokio::join!(head, get_b, get_a);
    let locations: Vec<String> = [head, get_b, get_a]
        .into_iter()
        .map(|response| {
            let response = response.expect("answered");
            assert_eq!(response.status().as_u16(), 302);
            response.headers()["location"]
                .to_str()
                .expect("ascii")
                .to_owned()
        })
        .collect();
    assert!(locations[0].contains("/dl/"), "{locations:?}");
    assert!(
        locations.iter().all(|l| l == &locations[0]),
        "{locations:?}"
    );
    assert_eq!(rd.list_calls(), 1, "list-then-add ran once");
    assert_eq!(rd.add_magnet_calls(), 1);
    assert_eq!(rd.torrents(fixtures::RD_TOKEN).len(), 1);
}
