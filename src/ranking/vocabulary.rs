//! Ferrio's names for what `parse-torrent-title` reports: resolutions and HDR formats.

use crate::protocol::config::Quality;

/// A video resolution as stated in a release name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resolution {
    /// Below 480p.
    Sd,
    /// 480p or 576p, the DVD resolutions.
    Sd480,
    /// 720p.
    Hd720,
    /// 1080p, also written `FHD`.
    Hd1080,
    /// 1440p.
    Qhd1440,
    /// 2160p, also written `4K` or `UHD`.
    Uhd2160,
}

impl Resolution {
    /// Reads the crate's value: `4k`, or a number of lines such as `1080p` or `576p`.
    pub(super) fn from_ptt(value: &str) -> Option<Self> {
        if value.ends_with('k') {
            return Some(Self::Uhd2160);
        }
        let lines: u32 = value.trim_end_matches(['p', 'i']).parse().ok()?;
        Some(match lines {
            2160.. => Self::Uhd2160,
            1440.. => Self::Qhd1440,
            1080.. => Self::Hd1080,
            720.. => Self::Hd720,
            480.. => Self::Sd480,
            _ => Self::Sd,
        })
    }

    /// The rung of the quality ladder a non-cam release of this resolution stands on.
    pub fn quality(self) -> Quality {
        match self {
            Self::Sd | Self::Sd480 => Quality::Sd,
            Self::Hd720 => Quality::Hd720,
            Self::Hd1080 => Quality::Hd1080,
            Self::Qhd1440 => Quality::Qhd1440,
            Self::Uhd2160 => Quality::Uhd2160,
        }
    }

    /// The label shown in a stream's name: `4K`, `1440p`, `1080p`, `720p`, `480p` or `SD`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Sd480 => "480p",
            other => other.quality().label(),
        }
    }
}

/// A high-dynamic-range format. The declaration order is the display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hdr {
    /// Dolby Vision, `DV` or `DoVi` in names.
    DolbyVision,
    /// HDR10+, with dynamic metadata.
    Hdr10Plus,
    /// HDR10, the base format, written `HDR` or `HDR10` in names.
    Hdr10,
}

impl Hdr {
    /// Reads the crate's value. It reports plain `HDR` for both `HDR` and `HDR10`: HDR10 is the
    /// base layer every HDR release carries, so that is what it means.
    pub(super) fn from_ptt(value: &str) -> Option<Self> {
        match value {
            "DV" => Some(Self::DolbyVision),
            "HDR10+" => Some(Self::Hdr10Plus),
            "HDR" => Some(Self::Hdr10),
            _ => None,
        }
    }

    /// The tag shown in a stream's name: `DV`, `HDR10+` or `HDR10`.
    pub fn label(self) -> &'static str {
        match self {
            Self::DolbyVision => "DV",
            Self::Hdr10Plus => "HDR10+",
            Self::Hdr10 => "HDR10",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_round_to_the_rung_below() {
        assert_eq!(Resolution::from_ptt("4k"), Some(Resolution::Uhd2160));
        assert_eq!(Resolution::from_ptt("1600p"), Some(Resolution::Qhd1440));
        assert_eq!(Resolution::from_ptt("1080i"), Some(Resolution::Hd1080));
        assert_eq!(Resolution::from_ptt("576p"), Some(Resolution::Sd480));
        assert_eq!(Resolution::from_ptt("360p"), Some(Resolution::Sd));
        assert_eq!(Resolution::from_ptt("hd"), None);
        assert_eq!(Resolution::Sd480.quality(), Quality::Sd);
        assert_eq!(Resolution::Uhd2160.label(), "4K");
    }

    #[test]
    fn plain_hdr_means_hdr10() {
        assert_eq!(Hdr::from_ptt("HDR"), Some(Hdr::Hdr10));
        assert_eq!(Hdr::from_ptt("HDR10+"), Some(Hdr::Hdr10Plus));
        assert_eq!(Hdr::from_ptt("DV"), Some(Hdr::DolbyVision));
        assert_eq!(Hdr::from_ptt("SDR"), None);
        assert!(Hdr::DolbyVision < Hdr::Hdr10Plus && Hdr::Hdr10Plus < Hdr::Hdr10);
    }
}
