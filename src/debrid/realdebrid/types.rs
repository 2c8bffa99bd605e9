//! Real-Debrid response bodies. Only the fields Ferrio uses are read; everything else on the
//! wire is ignored, and fields the API omits in some states are optional.

use serde::{Deserialize, Deserializer, Serialize};

/// Where a torrent is in its life on Real-Debrid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TorrentStatus {
    MagnetError,
    MagnetConversion,
    WaitingFilesSelection,
    Queued,
    Downloading,
    Downloaded,
    Error,
    Virus,
    Compressing,
    Uploading,
    Dead,
    /// A status this build does not know; treated as "in progress".
    #[serde(other)]
    Unknown,
}

impl TorrentStatus {
    /// Real-Debrid counts the torrent among the account's active downloads.
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Self::MagnetConversion
                | Self::WaitingFilesSelection
                | Self::Queued
                | Self::Downloading
                | Self::Compressing
                | Self::Uploading
        )
    }

    /// Real-Debrid could not read the torrent's magnet: a rebuilt one may do.
    pub fn is_magnet_error(&self) -> bool {
        *self == Self::MagnetError
    }

    /// Real-Debrid will never make this torrent playable.
    pub fn is_failed(&self) -> bool {
        matches!(
            self,
            Self::MagnetError | Self::Error | Self::Virus | Self::Dead
        )
    }
}

/// One entry of `GET /torrents` (no files in the list form).
///
/// ```json
/// {"id": "ABC123", "filename": "Movie.mkv", "hash": "4f8e…", "bytes": 1, "status": "downloaded",
///  "added": "2026-11-20T12:33:31.000Z", "links": ["https://real-debrid.com/d/X"], "progress": 100}
/// ```
#[derive(Debug, Clone, Deserialize)]
pub struct TorrentSummary {
    pub id: String,
    pub filename: String,
    pub hash: String,
    #[serde(default)]
    pub bytes: u64,
    pub status: TorrentStatus,
    #[serde(default)]
    pub added: String,
    /// Percent downloaded, 0 to 100 (an integer on the wire; floats are accepted).
    #[serde(default)]
    pub progress: f64,
}

impl TorrentSummary {
    /// When the torrent was added, in Unix milliseconds; `None` if `added` is not RFC 3339.
    pub fn added_ms(&self) -> Option<u64> {
        let at = time::OffsetDateTime::parse(
            &self.added,
            &time::format_description::well_known::Rfc3339,
        )
        .ok()?;
        u64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
    }
}

/// `GET /torrents/activeCount`: the account's active downloads and how many it may hold.
///
/// ```json
/// {"nb": 43, "limit": 50}
/// ```
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ActiveCount {
    pub nb: u32,
    pub limit: u32,
}

/// One file of a torrent; ids are 1-based, paths start with `/`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TorrentFile {
    pub id: u32,
    pub path: String,
    pub bytes: u64,
    /// `0` or `1` on the wire.
    #[serde(deserialize_with = "flag")]
    pub selected: bool,
}

/// `GET /torrents/info/{id}`. Serialisable so the library's items can be cached.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TorrentInfo {
    pub id: String,
    pub filename: String,
    pub hash: String,
    pub status: TorrentStatus,
    /// Documented as an integer; some clients see floats, so either is accepted.
    #[serde(default)]
    pub progress: f64,
    #[serde(default)]
    pub files: Vec<TorrentFile>,
    /// One link per selected file, in file order.
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default)]
    pub added: String,
}

/// `POST /torrents/addMagnet` → 201.
#[derive(Debug, Clone, Deserialize)]
pub struct Added {
    pub id: String,
}

/// `POST /unrestrict/link`.
#[derive(Debug, Clone, Deserialize)]
pub struct Unrestricted {
    pub filename: String,
    #[serde(default, rename = "mimeType")]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub filesize: u64,
    /// The direct download URL the player is redirected to.
    pub download: String,
}

fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(match value {
        serde_json::Value::Bool(flag) => flag,
        serde_json::Value::Number(number) => number.as_i64() == Some(1),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torrent_info_reads_the_documented_shape() {
        let info: TorrentInfo = serde_json::from_str(
            r#"{"id":"ABC","filename":"Night.mp4","original_filename":"Night.mp4",
                "hash":"0123456789abcdef0123456789abcdef01234567","bytes":828760756,
                "original_bytes":828818888,"host":"real-debrid.com","split":2000,"progress":100,
                "status":"downloaded","added":"2021-02-20T12:33:31.000Z",
                "files":[{"id":1,"path":"/Night.mp4","bytes":828760756,"selected":1},
                         {"id":2,"path":"/www.YTS.AM.jpg","bytes":58132,"selected":0}],
                "links":["https://real-debrid.com/d/GHI789"],"ended":"2021-02-20T12:34:31.000Z"}"#,
        )
        .expect("parses");
        assert_eq!(info.status, TorrentStatus::Downloaded);
        assert!(info.files[0].selected && !info.files[1].selected);
        assert_eq!(info.links.len(), 1);
    }

    #[test]
    fn unknown_statuses_and_float_progress_are_accepted() {
        let info: TorrentInfo = serde_json::from_str(
            r#"{"id":"A","filename":"x","hash":"h","status":"teleporting","progress":12.5}"#,
        )
        .expect("parses");
        assert_eq!(info.status, TorrentStatus::Unknown);
        assert!(info.files.is_empty());
        assert!(TorrentStatus::Virus.is_failed() && !TorrentStatus::Queued.is_failed());
        assert!(TorrentStatus::Queued.is_active() && !TorrentStatus::Dead.is_active());
    }

    #[test]
    fn added_times_read_as_milliseconds() {
        let summary: TorrentSummary = serde_json::from_str(
            r#"{"id":"A","filename":"x","hash":"h","status":"downloading","progress":12,
                "added":"2021-02-20T12:33:31.000Z"}"#,
        )
        .expect("parses");
        assert_eq!(summary.added_ms(), Some(1_613_824_411_000));
        assert_eq!(summary.progress, 12.0);
    }
}
