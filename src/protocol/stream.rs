//! Stream objects, as Stremio expects them in `{"streams": [...]}`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A BitTorrent v1 info hash: 40 hex digits, always held in lowercase so that sources that send
/// uppercase (YTS) and lowercase (DMM, Torrentio) agree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct InfoHash(String);

impl InfoHash {
    /// Parses 40 hex digits in either case.
    pub fn parse(value: &str) -> Option<Self> {
        (value.len() == 40 && value.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(value.to_ascii_lowercase()))
    }

    /// The lowercase hex form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InfoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for InfoHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).ok_or_else(|| serde::de::Error::custom("info hash must be 40 hex digits"))
    }
}

/// Where the player gets the video from. Stremio requires exactly one source per stream, which
/// an enum guarantees.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StreamSource {
    /// A direct link, e.g. a Real-Debrid download or Ferrio's own resolve URL.
    Url { url: String },
    /// A torrent the Stremio streaming server plays peer-to-peer.
    ///
    /// ```json
    /// {"infoHash": "4f8e…", "fileIdx": 2, "sources": ["tracker:udp://…", "dht:4f8e…"]}
    /// ```
    /// A page opened in a browser or the service's app ("watch on Netflix"). Some TV apps
    /// cannot open these, which is why users can turn them off.
    ///
    /// ```json
    /// {"externalUrl": "https://www.netflix.com/watch/70236428"}
    /// ```
    #[serde(rename_all = "camelCase")]
    External { external_url: String },
    #[serde(rename_all = "camelCase")]
    Torrent {
        info_hash: InfoHash,
        #[serde(skip_serializing_if = "Option::is_none")]
        file_idx: Option<u32>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        sources: Vec<String>,
    },
}

/// Hints for the player. Empty hints are omitted from the JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamBehaviorHints {
    /// Streams of the next episode with the same group are picked automatically when binging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binge_group: Option<String>,
    /// The video's file name; used by Stremio for subtitle matching.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// The video's size in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_size: Option<u64>,
    /// True when a `url` is not playable by a web player as is (not https, or not MP4).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_web_ready: bool,
}

impl StreamBehaviorHints {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Whether a file of this name plays in Stremio's web player as is: MP4 only (Matroska, AVI
/// and the rest need the streaming server), which is what `notWebReady` says.
pub fn is_web_ready(filename: &str) -> bool {
    filename.to_ascii_lowercase().ends_with(".mp4")
}

/// One entry of a stream list.
///
/// ```json
/// {"name": "Ferrio\n1080p", "description": "Movie.2019.1080p.BluRay\n👤 42 💾 1.9 GB ⚙️ DMM, YTS",
///  "infoHash": "…", "fileIdx": 0, "behaviorHints": {"bingeGroup": "ferrio|1080p|BluRay"}}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stream {
    /// Short label, two lines: addon name, then quality tags.
    pub name: String,
    /// Details shown under the name (Stremio's replacement for the deprecated `title`).
    pub description: String,
    #[serde(flatten)]
    pub source: StreamSource,
    #[serde(skip_serializing_if = "StreamBehaviorHints::is_empty")]
    pub behavior_hints: StreamBehaviorHints,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HASH: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn info_hash_is_lowercased_and_validated() {
        let hash = InfoHash::parse(&HASH.to_uppercase()).expect("valid");
        assert_eq!(hash.as_str(), HASH);
        assert!(InfoHash::parse("abc").is_none());
        assert!(InfoHash::parse(&"g".repeat(40)).is_none());
    }

    #[test]
    fn a_torrent_stream_has_exactly_one_source_and_omits_empty_fields() {
        let stream = Stream {
            name: "Ferrio\n1080p".into(),
            description: "Movie".into(),
            source: StreamSource::Torrent {
                info_hash: InfoHash::parse(HASH).expect("valid"),
                file_idx: Some(2),
                sources: vec![format!("dht:{HASH}")],
            },
            behavior_hints: StreamBehaviorHints::default(),
        };
        assert_eq!(
            serde_json::to_value(&stream).expect("serialises"),
            json!({"name": "Ferrio\n1080p", "description": "Movie", "infoHash": HASH,
                   "fileIdx": 2, "sources": [format!("dht:{HASH}")]})
        );
    }

    #[test]
    fn a_url_stream_carries_its_hints() {
        let stream = Stream {
            name: "Ferrio".into(),
            description: String::new(),
            source: StreamSource::Url {
                url: "https://x/y.mkv".into(),
            },
            behavior_hints: StreamBehaviorHints {
                binge_group: Some("ferrio|1080p".into()),
                filename: Some("y.mkv".into()),
                video_size: Some(5),
                not_web_ready: true,
            },
        };
        assert_eq!(
            serde_json::to_value(&stream).expect("serialises"),
            json!({"name": "Ferrio", "description": "", "url": "https://x/y.mkv",
                   "behaviorHints": {"bingeGroup": "ferrio|1080p", "filename": "y.mkv",
                                     "videoSize": 5, "notWebReady": true}})
        );
    }
}
