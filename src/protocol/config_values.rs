//! The closed vocabularies of the user config: sources, qualities and sort orders.

use serde::{Deserialize, Serialize};

/// A torrent source Ferrio can ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceId {
    Dmm,
    Yts,
    Torrentio,
}

impl SourceId {
    /// Every source, in the order they are shown.
    pub const ALL: [Self; 3] = [Self::Dmm, Self::Yts, Self::Torrentio];

    /// The config and metric name: `dmm`, `yts`, `torrentio`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dmm => "dmm",
            Self::Yts => "yts",
            Self::Torrentio => "torrentio",
        }
    }

    /// The name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::Dmm => "DMM",
            Self::Yts => "YTS",
            Self::Torrentio => "Torrentio",
        }
    }
}

/// Source quality of a release, as a strict ladder from worst to best:
/// CAM < TeleSync < SCR < SD < 720p < 1080p < 1440p < 2160p.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Quality {
    #[serde(rename = "cam")]
    Cam,
    #[serde(rename = "telesync", alias = "ts")]
    TeleSync,
    #[serde(rename = "scr")]
    Screener,
    #[serde(rename = "480p", alias = "sd")]
    Sd,
    #[serde(rename = "720p")]
    Hd720,
    #[serde(rename = "1080p")]
    Hd1080,
    #[serde(rename = "1440p")]
    Qhd1440,
    #[serde(rename = "2160p", alias = "4k")]
    Uhd2160,
}

impl Quality {
    /// Every quality, best first.
    pub const BEST_FIRST: [Self; 8] = [
        Self::Uhd2160,
        Self::Qhd1440,
        Self::Hd1080,
        Self::Hd720,
        Self::Sd,
        Self::Screener,
        Self::TeleSync,
        Self::Cam,
    ];

    /// The config value: `cam`, `telesync`, `scr`, `480p`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cam => "cam",
            Self::TeleSync => "telesync",
            Self::Screener => "scr",
            Self::Sd => "480p",
            Self::Hd720 => "720p",
            Self::Hd1080 => "1080p",
            Self::Qhd1440 => "1440p",
            Self::Uhd2160 => "2160p",
        }
    }

    /// The label shown in a stream's name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Cam => "CAM",
            Self::TeleSync => "TeleSync",
            Self::Screener => "SCR",
            Self::Sd => "SD",
            Self::Hd720 => "720p",
            Self::Hd1080 => "1080p",
            Self::Qhd1440 => "1440p",
            Self::Uhd2160 => "4K",
        }
    }
}

/// A catalog the user can turn off: the YTS ones, and the discovery ones (present when the
/// server has TMDB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CatalogId {
    /// Most downloaded first.
    #[serde(rename = "yts-popular")]
    Popular,
    /// Newest additions first.
    #[serde(rename = "yts-latest")]
    Latest,
    /// Best rated first.
    #[serde(rename = "yts-top-rated")]
    TopRated,
    /// Search, shown by Stremio's search only.
    #[serde(rename = "yts-search")]
    Search,
    /// TMDB day and week and Trakt trending, fused.
    #[serde(rename = "trending")]
    Trending,
    /// Popular on the user's services in their region.
    #[serde(rename = "on-my-services")]
    OnMyServices,
    /// Trending titles none of the user's services carries.
    #[serde(rename = "not-on-my-services")]
    NotOnMyServices,
    /// Digital releases of the next 60 days.
    #[serde(rename = "coming-soon")]
    ComingSoon,
    /// Digital releases of the last 30 days.
    #[serde(rename = "new-digital")]
    NewDigital,
}

impl CatalogId {
    /// The YTS catalogs, in manifest order.
    pub const YTS: [Self; 4] = [Self::Popular, Self::Latest, Self::TopRated, Self::Search];
    /// The discovery catalogs, in manifest order.
    pub const DISCOVERY: [Self; 5] = [
        Self::Trending,
        Self::OnMyServices,
        Self::NotOnMyServices,
        Self::ComingSoon,
        Self::NewDigital,
    ];
    /// Every catalog.
    pub const ALL: [Self; 9] = [
        Self::Popular,
        Self::Latest,
        Self::TopRated,
        Self::Search,
        Self::Trending,
        Self::OnMyServices,
        Self::NotOnMyServices,
        Self::ComingSoon,
        Self::NewDigital,
    ];

    /// The catalog id in the manifest and the config value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Popular => "yts-popular",
            Self::Latest => "yts-latest",
            Self::TopRated => "yts-top-rated",
            Self::Search => "yts-search",
            Self::Trending => "trending",
            Self::OnMyServices => "on-my-services",
            Self::NotOnMyServices => "not-on-my-services",
            Self::ComingSoon => "coming-soon",
            Self::NewDigital => "new-digital",
        }
    }

    /// The catalog with this manifest id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|catalog| catalog.as_str() == id)
    }
}

/// How the stream list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best quality first, then most seeders.
    #[default]
    Quality,
    /// Best quality first, then largest.
    QualitySize,
    /// Most seeders first.
    Seeders,
    /// Largest first.
    Size,
}

impl SortOrder {
    /// Every order, as offered on the configure page.
    pub const ALL: [Self; 4] = [Self::Quality, Self::QualitySize, Self::Seeders, Self::Size];

    /// The config value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quality => "quality",
            Self::QualitySize => "qualitysize",
            Self::Seeders => "seeders",
            Self::Size => "size",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualities_form_a_strict_ladder() {
        let mut ladder = Quality::BEST_FIRST;
        ladder.reverse();
        assert!(ladder.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(ladder[0], Quality::Cam);
    }

    #[test]
    fn quality_names_round_trip_and_aliases_are_accepted() {
        for quality in Quality::BEST_FIRST {
            let json = serde_json::to_string(&quality).expect("serialises");
            assert_eq!(json, format!("\"{}\"", quality.as_str()));
            assert_eq!(
                serde_json::from_str::<Quality>(&json).expect("parses"),
                quality
            );
        }
        assert_eq!(
            serde_json::from_str::<Quality>("\"4k\"").expect("alias"),
            Quality::Uhd2160
        );
        assert_eq!(
            serde_json::from_str::<Quality>("\"sd\"").expect("alias"),
            Quality::Sd
        );
        assert_eq!(
            serde_json::from_str::<Quality>("\"ts\"").expect("alias"),
            Quality::TeleSync
        );
    }

    #[test]
    fn catalog_ids_match_their_config_values() {
        for catalog in CatalogId::ALL {
            assert_eq!(
                serde_json::to_string(&catalog).expect("ok"),
                format!("\"{}\"", catalog.as_str())
            );
            assert_eq!(CatalogId::from_id(catalog.as_str()), Some(catalog));
        }
    }

    #[test]
    fn sort_and_source_names_match_their_config_values() {
        for order in SortOrder::ALL {
            assert_eq!(
                serde_json::to_string(&order).expect("ok"),
                format!("\"{}\"", order.as_str())
            );
        }
        for source in SourceId::ALL {
            assert_eq!(
                serde_json::to_string(&source).expect("ok"),
                format!("\"{}\"", source.as_str())
            );
        }
    }
}
