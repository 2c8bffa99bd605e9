//! The magnets Ferrio hands Real-Debrid. A first add is the bare info hash: Real-Debrid finds
//! peers through DHT and its own trackers. A torrent Real-Debrid failed to read
//! (`magnet_error`) is added again with a *rebuilt* magnet: the hash plus every tracker any
//! source reported for it, so peers can be found the ways the sources found them.

use crate::{protocol::stream::InfoHash, sources::PUBLIC_TRACKERS as TRACKERS};
use futures::future::BoxFuture;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use std::sync::Arc;

/// Where the trackers of a torrent of the title being played can be learnt (the title's source
/// answers), asked only when Ferrio adds it: most taps find the torrent ready and never ask.
pub type TrackerLookup = Arc<dyn Fn(InfoHash) -> BoxFuture<'static, Vec<String>> + Send + Sync>;

/// The trackers a lookup gives for `hash`, or none without one.
pub async fn trackers(lookup: Option<&TrackerLookup>, hash: &InfoHash) -> Vec<String> {
    match lookup {
        Some(lookup) => lookup(hash.clone()).await,
        None => Vec::new(),
    }
}

/// `magnet:?xt=urn:btih:<hash>`.
pub fn bare(hash: &InfoHash) -> String {
    format!("magnet:?xt=urn:btih:{hash}")
}

/// The hash with one `tr` per tracker (deduplicated, in order); with none known, the public
/// trackers that still answer, so the rebuilt magnet is never just the bare one again.
pub fn rebuilt(hash: &InfoHash, trackers: &[String]) -> String {
    let mut known: Vec<&str> = Vec::new();
    for tracker in trackers.iter().map(|tracker| tracker.trim()) {
        if !tracker.is_empty() && !known.contains(&tracker) {
            known.push(tracker);
        }
    }
    if known.is_empty() {
        known.extend(TRACKERS);
    }
    let mut magnet = bare(hash);
    for tracker in known {
        magnet.push_str("&tr=");
        magnet.extend(utf8_percent_encode(tracker, NON_ALPHANUMERIC));
    }
    magnet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash() -> InfoHash {
        InfoHash::parse("0123456789abcdef0123456789abcdef01234567").expect("valid")
    }

    #[test]
    fn rebuilt_magnets_carry_each_known_tracker_once() {
        let trackers = [
            "udp://a.example:1337/announce".to_owned(),
            " udp://a.example:1337/announce".to_owned(),
            "http://b.example/announce?x=1".to_owned(),
        ];
        assert_eq!(
            rebuilt(&hash(), &trackers),
            "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567\
             &tr=udp%3A%2F%2Fa%2Eexample%3A1337%2Fannounce\
             &tr=http%3A%2F%2Fb%2Eexample%2Fannounce%3Fx%3D1"
        );
    }

    #[test]
    fn without_known_trackers_the_public_ones_are_used() {
        let magnet = rebuilt(&hash(), &[]);
        assert_eq!(magnet.matches("&tr=").count(), TRACKERS.len());
        assert!(magnet.starts_with(&bare(&hash())));
    }
}
