//! Why a Real-Debrid stream cannot play now, as a short video the player is redirected to.
//! A player shows a video, not an error body, so the reason has to be on screen.

use super::realdebrid::RdError;

/// One status video per reason, served from `static/status/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StatusVideo {
    /// The torrent was added and is downloading.
    Downloading,
    /// Bad token or no permission.
    AccessDenied,
    /// Real-Debrid refused download links for this server's address (code 22).
    AddressRefused,
    /// Real-Debrid refused the release name (451, code 35).
    Infringing,
    /// Active downloads, traffic or fair-use limits (codes 21, 23, 36).
    Limits,
    /// The torrent is over Real-Debrid's size limit.
    TooBig,
    /// No playable video: archives only, or no video file.
    NoVideo,
    /// The magnet failed, or Real-Debrid marked the torrent dead, errored or a virus.
    MagnetFailed,
    /// Real-Debrid is down (code 25, hoster 19, or Ferrio's breaker is open).
    Unavailable,
    /// Anything else.
    Unexpected,
}

impl StatusVideo {
    /// Every video, for the asset table and its test.
    pub const ALL: [Self; 10] = [
        Self::Downloading,
        Self::AccessDenied,
        Self::AddressRefused,
        Self::Infringing,
        Self::Limits,
        Self::TooBig,
        Self::NoVideo,
        Self::MagnetFailed,
        Self::Unavailable,
        Self::Unexpected,
    ];

    /// The file under `/static/`.
    pub fn file(self) -> &'static str {
        match self {
            Self::Downloading => "status/downloading.mp4",
            Self::AccessDenied => "status/access-denied.mp4",
            Self::AddressRefused => "status/address-refused.mp4",
            Self::Infringing => "status/infringing.mp4",
            Self::Limits => "status/limits.mp4",
            Self::TooBig => "status/too-big.mp4",
            Self::NoVideo => "status/no-video.mp4",
            Self::MagnetFailed => "status/magnet-failed.mp4",
            Self::Unavailable => "status/unavailable.mp4",
            Self::Unexpected => "status/unexpected.mp4",
        }
    }

    /// The label used in logs and metrics.
    pub fn reason(self) -> &'static str {
        self.file()
            .trim_start_matches("status/")
            .trim_end_matches(".mp4")
    }

    /// The video for a Real-Debrid error.
    pub fn for_error(error: &RdError) -> Self {
        match error {
            RdError::BadToken | RdError::PermissionDenied => Self::AccessDenied,
            RdError::AddressRefused => Self::AddressRefused,
            RdError::Infringing => Self::Infringing,
            RdError::TooManyActiveDownloads
            | RdError::TrafficExhausted
            | RdError::FairUsageLimit => Self::Limits,
            RdError::TorrentTooBig => Self::TooBig,
            RdError::ServiceUnavailable
            | RdError::HosterUnavailable
            | RdError::TooManyRequests { .. }
            | RdError::Blocked { .. }
            | RdError::Timeout
            | RdError::Network => Self::Unavailable,
            RdError::UnknownResource
            | RdError::DisabledEndpoint
            | RdError::Other { .. }
            | RdError::BadResponse(_) => Self::Unexpected,
        }
    }

    /// Whether another candidate may play where this one failed: the torrent itself is the
    /// problem, not the account or Real-Debrid.
    pub fn torrent_is_dead(self) -> bool {
        matches!(
            self,
            Self::Infringing | Self::MagnetFailed | Self::NoVideo | Self::TooBig
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_family_has_its_video() {
        assert_eq!(
            StatusVideo::for_error(&RdError::BadToken),
            StatusVideo::AccessDenied
        );
        assert_eq!(
            StatusVideo::for_error(&RdError::FairUsageLimit),
            StatusVideo::Limits
        );
        assert_eq!(
            StatusVideo::for_error(&RdError::TrafficExhausted),
            StatusVideo::Limits
        );
        assert_eq!(
            StatusVideo::for_error(&RdError::HosterUnavailable),
            StatusVideo::Unavailable
        );
        assert_eq!(
            StatusVideo::for_error(&RdError::Infringing),
            StatusVideo::Infringing
        );
        assert_eq!(StatusVideo::Limits.reason(), "limits");
        assert_eq!(
            StatusVideo::for_error(&RdError::AddressRefused).reason(),
            "address-refused",
            "a refused server address is told apart from a refused token"
        );
        assert_eq!(
            StatusVideo::for_error(&RdError::Blocked { status: 403 }),
            StatusVideo::Unavailable
        );
    }
}
