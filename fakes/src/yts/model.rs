//! YTS movie and torrent objects, with the wire types of the yts.mx era (upstream-apis.md §3.2):
//! `is_repack`, `bit_depth` and `audio_channels` are strings, hashes are UPPERCASE, `size` is a
//! human string next to `size_bytes`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::js_date;

/// One torrent of a YTS movie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YtsTorrent {
    /// `https://yts.mx/torrent/download/<HASH>`.
    pub url: String,
    /// 40-char UPPERCASE hex info hash (YTS is the only upstream that sends uppercase).
    pub hash: String,
    /// `720p`, `1080p`, `2160p`, `3D`, `1080p.x265`, `480p`.
    pub quality: String,
    /// `bluray` or `web`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `"0"` or `"1"` (a string on the wire).
    pub is_repack: String,
    /// `x264` or `x265`.
    pub video_codec: String,
    /// `"8"` or `"10"` (a string on the wire).
    pub bit_depth: String,
    /// `"2.0"`, `"5.1"`, … (a string on the wire).
    pub audio_channels: String,
    /// Seeders.
    pub seeds: u32,
    /// Leechers.
    pub peers: u32,
    /// Human size, e.g. `"697.66 MB"`.
    pub size: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// `"2015-10-31 20:51:29"`.
    pub date_uploaded: String,
    /// Upload time, Unix seconds.
    pub date_uploaded_unix: u64,
}

impl YtsTorrent {
    /// Builds a torrent; the hash is uppercased, `size`, `url` and dates are derived. Codec and
    /// bit depth follow the quality (2160p and `1080p.x265` are x265 10-bit), audio is 5.1 for
    /// 1080p and up.
    pub fn new(hash: &str, quality: &str, kind: &str, size_bytes: u64, seeds: u32) -> Self {
        let hash = hash.to_ascii_uppercase();
        let hevc = quality == "2160p" || quality.ends_with("x265");
        let surround = quality != "720p" && quality != "480p";
        Self {
            url: format!("https://yts.mx/torrent/download/{hash}"),
            hash,
            quality: quality.to_owned(),
            kind: kind.to_owned(),
            is_repack: "0".to_owned(),
            video_codec: if hevc { "x265" } else { "x264" }.to_owned(),
            bit_depth: if hevc { "10" } else { "8" }.to_owned(),
            audio_channels: if surround { "5.1" } else { "2.0" }.to_owned(),
            seeds,
            peers: seeds / 4,
            size: human_size(size_bytes),
            size_bytes,
            date_uploaded: String::new(),
            date_uploaded_unix: 0,
        }
        .uploaded(1_446_321_089)
    }

    /// Sets the upload time (both `date_uploaded` forms).
    pub fn uploaded(mut self, unix: u64) -> Self {
        self.date_uploaded_unix = unix;
        self.date_uploaded = js_date(unix)[..19].replace('T', " ");
        self
    }
}

/// One YTS movie (list_movies / movie_details item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YtsMovie {
    /// YTS's own numeric id.
    pub id: u64,
    /// `https://yts.mx/movies/<slug>`.
    pub url: String,
    /// IMDb id; some real entries have an empty string.
    pub imdb_code: String,
    /// Title.
    pub title: String,
    /// English title.
    pub title_english: String,
    /// `"Title (Year)"`.
    pub title_long: String,
    /// URL slug.
    pub slug: String,
    /// Release year.
    pub year: u32,
    /// IMDb rating (one decimal).
    pub rating: f64,
    /// Runtime in minutes.
    pub runtime: u32,
    /// Genres; `None` reproduces entries that lack the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genres: Option<Vec<String>>,
    /// Times downloaded (a `sort_by` key).
    pub download_count: u64,
    /// Likes (a `sort_by` key).
    pub like_count: u64,
    /// Short summary.
    pub summary: String,
    /// Long description.
    pub description_full: String,
    /// Synopsis.
    pub synopsis: String,
    /// YouTube trailer code.
    pub yt_trailer_code: String,
    /// `"en"`.
    pub language: String,
    /// MPA rating (`"R"`, `"PG-13"`, …).
    pub mpa_rating: String,
    /// Background image URL.
    pub background_image: String,
    /// Original background image URL.
    pub background_image_original: String,
    /// Small cover URL.
    pub small_cover_image: String,
    /// Medium cover URL.
    pub medium_cover_image: String,
    /// Large cover URL.
    pub large_cover_image: String,
    /// `"ok"`.
    pub state: String,
    /// Torrents.
    pub torrents: Vec<YtsTorrent>,
    /// `"2015-10-31 20:51:29"`; `date_added` sorting uses this.
    pub date_uploaded: String,
    /// Upload time, Unix seconds.
    pub date_uploaded_unix: u64,
}

impl YtsMovie {
    /// Builds a movie with plausible defaults for every field; adjust the public fields or use
    /// the `with_*` helpers afterwards.
    pub fn new(id: u64, imdb: &str, title: &str, year: u32) -> Self {
        let slug = slugify(&format!("{title} {year}"));
        let img = |name: &str| format!("https://yts.mx/assets/images/movies/{slug}/{name}");
        Self {
            id,
            url: format!("https://yts.mx/movies/{slug}"),
            imdb_code: imdb.to_owned(),
            title: title.to_owned(),
            title_english: title.to_owned(),
            title_long: format!("{title} ({year})"),
            year,
            rating: 7.0,
            runtime: 110,
            genres: Some(vec!["Drama".to_owned()]),
            download_count: 1000,
            like_count: 10,
            summary: format!("{title} is a {year} film."),
            description_full: format!("{title} is a {year} film."),
            synopsis: format!("{title} is a {year} film."),
            yt_trailer_code: String::new(),
            language: "en".to_owned(),
            mpa_rating: "R".to_owned(),
            background_image: img("background.jpg"),
            background_image_original: img("background.jpg"),
            small_cover_image: img("small-cover.jpg"),
            medium_cover_image: img("medium-cover.jpg"),
            large_cover_image: img("large-cover.jpg"),
            state: "ok".to_owned(),
            torrents: Vec::new(),
            date_uploaded: String::new(),
            date_uploaded_unix: 0,
            slug,
        }
        .uploaded(1_446_321_089)
    }

    /// Adds a torrent.
    pub fn with_torrent(mut self, torrent: YtsTorrent) -> Self {
        self.torrents.push(torrent);
        self
    }

    /// Sets the genres.
    pub fn with_genres(mut self, genres: &[&str]) -> Self {
        self.genres = Some(genres.iter().map(|g| (*g).to_owned()).collect());
        self
    }

    /// Sets the rating.
    pub fn with_rating(mut self, rating: f64) -> Self {
        self.rating = rating;
        self
    }

    /// Sets the upload time (both `date_uploaded` forms).
    pub fn uploaded(mut self, unix: u64) -> Self {
        self.date_uploaded_unix = unix;
        self.date_uploaded = js_date(unix)[..19].replace('T', " ");
        self
    }
}

/// Renders a movie as JSON, optionally in the 2026 (yts.bz) shape: no rating, runtime, summary,
/// descriptions or covers, and an opaque `?token` suffix on every URL.
pub(crate) fn render(movie: &YtsMovie, shape_2026: bool, bad_torrent: bool) -> Value {
    let mut v = serde_json::to_value(movie).unwrap_or(Value::Null);
    let Some(obj) = v.as_object_mut() else {
        return v;
    };
    if shape_2026 {
        for k in [
            "rating",
            "runtime",
            "summary",
            "description_full",
            "synopsis",
            "background_image",
            "background_image_original",
            "small_cover_image",
            "medium_cover_image",
            "large_cover_image",
        ] {
            obj.remove(k);
        }
        let token = format!("?t={:016x}", movie.id.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        append_token(obj.get_mut("url"), &token);
        if let Some(Value::Array(ts)) = obj.get_mut("torrents") {
            for t in ts {
                append_token(t.get_mut("url"), &token);
            }
        }
    }
    if bad_torrent && let Some(Value::Array(ts)) = obj.get_mut("torrents") {
        // A torrent entry with a null hash, as broken mirror data has it.
        ts.push(serde_json::json!({
            "url": "https://yts.mx/torrent/download/", "hash": null, "quality": "1080p",
            "type": "web", "is_repack": "0", "video_codec": "x264", "bit_depth": "8",
            "audio_channels": "2.0", "seeds": 0, "peers": 0, "size": "0 B", "size_bytes": 0,
            "date_uploaded": "2015-10-31 20:51:29", "date_uploaded_unix": 1_446_321_089_u64
        }));
    }
    v
}

fn append_token(url: Option<&mut Value>, token: &str) {
    if let Some(Value::String(s)) = url {
        s.push_str(token);
    }
}

/// `"697.66 MB"` style sizes (1024 base, two decimals), as YTS prints them.
pub(crate) fn human_size(bytes: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.2} {}", units[i])
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}
