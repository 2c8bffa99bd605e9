//! The peer-to-peer source of a stream, played by Stremio's streaming server.

use super::Release;
use crate::protocol::stream::StreamSource;

/// The peer-to-peer source: the torrent, its file, and its trackers plus DHT for peers.
pub fn p2p_source(release: &Release) -> StreamSource {
    let candidate = &release.candidate;
    let mut sources: Vec<String> = Vec::with_capacity(candidate.trackers.len() + 1);
    for tracker in candidate.trackers.iter().map(|t| t.trim()) {
        let source = format!("tracker:{tracker}");
        if !tracker.is_empty() && !sources.contains(&source) {
            sources.push(source);
        }
    }
    sources.push(format!("dht:{}", candidate.info_hash));
    StreamSource::Torrent {
        info_hash: candidate.info_hash.clone(),
        file_idx: candidate.file_idx,
        sources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ranking::testing::{GB, release};

    #[test]
    fn p2p_sources_list_trackers_then_dht() {
        let mut release = release("Movie.2019.1080p", 5, GB);
        std::sync::Arc::make_mut(&mut release.candidate).trackers = vec![
            "udp://a:1/announce".into(),
            " udp://a:1/announce".into(),
            String::new(),
            "http://b/announce".into(),
        ];
        let StreamSource::Torrent { sources, .. } = p2p_source(&release) else {
            panic!("a torrent source");
        };
        let hash = release.candidate.info_hash.as_str();
        assert_eq!(
            sources,
            [
                "tracker:udp://a:1/announce".to_owned(),
                "tracker:http://b/announce".to_owned(),
                format!("dht:{hash}")
            ]
        );
    }
}
