//! What Ferrio keeps of the discovery upstreams' answers: small, serialisable, and the same
//! whichever list or service it came from.

use crate::protocol::request::VideoId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A movie or a show, as TMDB and Stremio name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Movie,
    Series,
}

impl Kind {
    /// What a video belongs to: a movie, or (for an episode) a show.
    pub fn of(video: &VideoId) -> Self {
        match video {
            VideoId::Movie(_) => Self::Movie,
            VideoId::Episode { .. } => Self::Series,
        }
    }

    /// TMDB's path word.
    pub fn tmdb(self) -> &'static str {
        match self {
            Self::Movie => "movie",
            Self::Series => "tv",
        }
    }

    /// Stremio's type.
    pub fn stremio(self) -> &'static str {
        match self {
            Self::Movie => "movie",
            Self::Series => "series",
        }
    }

    /// From Stremio's type.
    pub fn of_stremio(media_type: &str) -> Option<Self> {
        match media_type {
            "movie" => Some(Self::Movie),
            "series" => Some(Self::Series),
            _ => None,
        }
    }
}

/// One title of a list. `imdb` is known for Trakt's, and filled in for TMDB's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listed {
    pub tmdb: u32,
    pub imdb: Option<String>,
    pub name: String,
    /// TMDB's `poster_path` (`/abc.jpg`).
    pub poster: Option<String>,
    /// `YYYY-MM-DD`.
    pub released: Option<String>,
    pub overview: Option<String>,
}

/// What a title's details add to a list item: its IMDb id (which TMDB may not know), and the
/// poster and overview Trakt's lists lack.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Details {
    pub imdb: Option<String>,
    pub poster: Option<String>,
    pub overview: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPage {
    pub items: Vec<Listed>,
    /// Pages the list has (TMDB's `total_pages`, capped at its 500).
    pub pages: u32,
}

/// How a service offers a title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    Subscription,
    Free,
    Ads,
    Rent,
    Buy,
}

impl Access {
    /// Subscription, free or with ads: watchable without paying per title.
    pub fn is_included(self) -> bool {
        matches!(self, Self::Subscription | Self::Free | Self::Ads)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Subscription => "Subscription",
            Self::Free => "Free",
            Self::Ads => "Free with ads",
            Self::Rent => "Rent",
            Self::Buy => "Buy",
        }
    }
}

/// A service offering a title in one region (TMDB's watch providers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub provider: u32,
    pub name: String,
    pub access: Access,
    pub priority: u32,
}

/// A title's offers per region, and TMDB's watch page per region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Providers {
    pub regions: BTreeMap<String, RegionOffers>,
}

/// One region's offers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionOffers {
    pub link: Option<String>,
    pub offers: Vec<Offer>,
}

/// A service in a region's directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: u32,
    pub name: String,
    pub priority: u32,
}

/// One Watchmode source row, merged by (source, region, type): best format, cheapest price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub region: String,
    pub access: Access,
    pub web_url: Option<String>,
    /// `4K`, `HD` or `SD`.
    pub format: Option<String>,
    pub price: Option<f64>,
}
