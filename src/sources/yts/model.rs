//! YTS API v2 types: the `list_movies.json` query and the movies it lists.
//!
//! Mirrors differ in what they send (the 2026 ones drop `rating`, `runtime`, `summary` and the
//! covers), so only `imdb_code`, `title` and `torrents` are required; one malformed movie or
//! torrent is skipped, not the page.

use crate::protocol::stream::InfoHash;
use crate::upstream::lenient;
use serde::Deserialize;
use url::Url;

/// `sort_by` of `list_movies.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Title,
    Year,
    Rating,
    Peers,
    Seeds,
    DownloadCount,
    LikeCount,
    DateAdded,
}

impl SortBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Year => "year",
            Self::Rating => "rating",
            Self::Peers => "peers",
            Self::Seeds => "seeds",
            Self::DownloadCount => "download_count",
            Self::LikeCount => "like_count",
            Self::DateAdded => "date_added",
        }
    }
}

/// `order_by` of `list_movies.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderBy {
    Desc,
    Asc,
}

/// The parameters of `list_movies.json`; `None` leaves YTS's default (20 per page, page 1,
/// newest first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListMovies {
    /// A title, an IMDb id (`tt0111161`), an actor or a director.
    pub query_term: Option<String>,
    pub genre: Option<String>,
    pub sort_by: Option<SortBy>,
    pub order_by: Option<OrderBy>,
    /// 1 to 50.
    pub limit: Option<u8>,
    /// 1-based.
    pub page: Option<u32>,
}

impl ListMovies {
    /// Appends the set parameters to `url`.
    pub(crate) fn apply(&self, url: &mut Url) {
        let mut query = url.query_pairs_mut();
        if let Some(term) = &self.query_term {
            query.append_pair("query_term", term);
        }
        if let Some(genre) = &self.genre {
            query.append_pair("genre", genre);
        }
        if let Some(sort) = self.sort_by {
            query.append_pair("sort_by", sort.as_str());
        }
        if let Some(order) = self.order_by {
            let order = match order {
                OrderBy::Desc => "desc",
                OrderBy::Asc => "asc",
            };
            query.append_pair("order_by", order);
        }
        if let Some(limit) = self.limit {
            query.append_pair("limit", &limit.to_string());
        }
        if let Some(page) = self.page {
            query.append_pair("page", &page.to_string());
        }
    }
}

/// One page of `list_movies.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct MoviePage {
    /// Matches over all pages.
    pub movie_count: u64,
    pub movies: Vec<YtsMovie>,
}

/// One YTS movie.
///
/// ```json
/// {"imdb_code": "tt0133093", "title": "The Matrix", "year": 1999, "rating": 8.7,
///  "genres": ["Action", "Sci-Fi"], "large_cover_image": "https://…/large-cover.jpg",
///  "torrents": [{"hash": "5A0E…", "quality": "1080p", "type": "bluray", "video_codec": "x264",
///                "bit_depth": "8", "audio_channels": "5.1", "is_repack": "0",
///                "seeds": 412, "size_bytes": 2147483648}]}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct YtsMovie {
    /// IMDb id; some entries have an empty string.
    pub imdb_code: String,
    pub title: String,
    #[serde(default)]
    pub year: Option<u32>,
    #[serde(default)]
    pub rating: Option<f64>,
    #[serde(default, deserialize_with = "lenient::vec")]
    pub genres: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub large_cover_image: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec")]
    pub torrents: Vec<YtsTorrent>,
}

/// One torrent of a YTS movie. YTS sends `is_repack`, `bit_depth` and `audio_channels` as
/// strings (`"0"`, `"10"`, `"5.1"`) and hashes in uppercase (lowercased here).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct YtsTorrent {
    pub hash: InfoHash,
    /// `720p`, `1080p`, `2160p`, `3D`, `1080p.x265`, …
    pub quality: String,
    /// `bluray` or `web`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub video_codec: Option<String>,
    #[serde(default)]
    pub bit_depth: Option<String>,
    #[serde(default)]
    pub audio_channels: Option<String>,
    #[serde(default)]
    pub is_repack: Option<String>,
    #[serde(default)]
    pub seeds: Option<u32>,
    #[serde(default)]
    pub size_bytes: Option<u64>,
}

/// The `{"status": …, "data": {…}}` envelope of `list_movies.json`.
#[derive(Deserialize)]
pub(crate) struct Envelope {
    pub status: String,
    #[serde(default)]
    pub status_message: Option<String>,
    #[serde(default)]
    pub data: Option<ListData>,
}

/// `data` of `list_movies.json`: `movies` is absent when nothing matches.
#[derive(Deserialize)]
pub(crate) struct ListData {
    #[serde(default)]
    pub movie_count: u64,
    #[serde(default, deserialize_with = "lenient::vec")]
    pub movies: Vec<YtsMovie>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_is_sent_by_its_wire_name() {
        let mut url =
            Url::parse("http://h/api/v2/list_movies.json").unwrap_or_else(|e| panic!("{e}"));
        ListMovies {
            query_term: Some("the matrix".into()),
            genre: Some("Sci-Fi".into()),
            sort_by: Some(SortBy::DownloadCount),
            order_by: Some(OrderBy::Asc),
            limit: Some(50),
            page: Some(2),
        }
        .apply(&mut url);
        assert_eq!(
            url.query(),
            Some(
                "query_term=the+matrix&genre=Sci-Fi&sort_by=download_count&order_by=asc&limit=50&page=2"
            )
        );
    }

    #[test]
    fn a_2026_movie_without_extras_parses() {
        let movie: YtsMovie = serde_json::from_str(
            r#"{"imdb_code":"tt1","title":"T","year":2020,"torrents":[
                {"hash":"ABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD","quality":"720p"},
                {"hash":null,"quality":"1080p"}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(movie.rating, None);
        assert!(movie.genres.is_empty());
        assert_eq!(
            movie.torrents.len(),
            1,
            "the torrent with a null hash is skipped"
        );
        assert_eq!(
            movie.torrents[0].hash.as_str(),
            "abcdef".repeat(7)[..40].to_owned()
        );
    }
}
