//! Parsing of resource requests: `/{resource}/{type}/{id}[/{extra}].json`.
//!
//! Stremio percent-encodes the type, id and extra segments (`tt0903747:1:3` arrives as
//! `tt0903747%3A1%3A3`). They are decoded here from the raw request path, once, so that an
//! encoded `&` inside an extra value (`search=tom%26jerry`) survives, as it does in the SDK.

use percent_encoding::percent_decode_str;
use std::fmt;

/// A request that cannot be served, and whether that is the client's mistake (400) or
/// something Ferrio does not serve (404).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("{0}")]
    Malformed(String),
    #[error("{0}")]
    Unsupported(String),
}

/// An IMDb title id such as `tt0111161`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImdbId(String);

impl ImdbId {
    /// Parses `tt` followed by 1 to 10 digits.
    pub fn parse(value: &str) -> Option<Self> {
        let digits = value.strip_prefix("tt")?;
        let valid = (1..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        valid.then(|| Self(value.to_owned()))
    }

    /// The number after `tt`.
    pub fn number(&self) -> u64 {
        self.0[2..].parse().unwrap_or(u64::MAX)
    }

    /// The id as sent by Stremio.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ImdbId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a stream request asks for: a movie, or one episode of a series.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VideoId {
    Movie(ImdbId),
    Episode {
        show: ImdbId,
        season: u32,
        episode: u32,
    },
}

impl VideoId {
    /// Parses a stream id for a type: `tt…` for movies, `tt…:season:episode` for series.
    pub fn parse(media_type: &str, id: &str) -> Result<Self, RequestError> {
        if !id.starts_with("tt") {
            return Err(RequestError::Unsupported(
                "only IMDb ids (tt…) are served".into(),
            ));
        }
        let mut parts = id.split(':');
        let show = parts.next().and_then(ImdbId::parse);
        let numbers: Vec<Option<u32>> = parts.map(|part| part.parse().ok()).collect();
        match (media_type, show, numbers.as_slice()) {
            ("movie", Some(imdb), []) => Ok(Self::Movie(imdb)),
            ("series", Some(show), [Some(season), Some(episode)]) => Ok(Self::Episode {
                show,
                season: *season,
                episode: *episode,
            }),
            ("series", Some(_), []) => Err(RequestError::Malformed(
                "a series stream id needs a season and an episode: tt<digits>:<season>:<episode>"
                    .into(),
            )),
            ("movie" | "series", _, _) => Err(RequestError::Malformed(format!(
                "invalid {media_type} id: expected tt<digits>{}",
                if media_type == "series" {
                    ":<season>:<episode>"
                } else {
                    ""
                }
            ))),
            _ => Err(RequestError::Unsupported(
                "only movie and series streams are served".into(),
            )),
        }
    }

    /// The title this video belongs to.
    pub fn imdb(&self) -> &ImdbId {
        match self {
            Self::Movie(imdb) | Self::Episode { show: imdb, .. } => imdb,
        }
    }
}

impl fmt::Display for VideoId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Movie(imdb) => write!(f, "{imdb}"),
            Self::Episode {
                show,
                season,
                episode,
            } => write!(f, "{show}:{season}:{episode}"),
        }
    }
}

/// The longest search term kept, in characters: titles are shorter, and every term is a key
/// of the upstream's cache.
pub const MAX_SEARCH_CHARS: usize = 100;

/// A search term cut to [`MAX_SEARCH_CHARS`].
fn cut(term: &str) -> &str {
    term.char_indices()
        .nth(MAX_SEARCH_CHARS)
        .map_or(term, |(end, _)| term[..end].trim_end())
}

/// The `extra` properties Ferrio understands. Unknown names are ignored, as Stremio adds new
/// ones over time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extra {
    pub search: Option<String>,
    pub genre: Option<String>,
    pub skip: u32,
}

impl Extra {
    /// Parses the extra segment, a query string without `?`: `search=…&skip=100&genre=…`.
    pub fn parse(raw: &str) -> Result<Self, RequestError> {
        let mut extra = Self::default();
        for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            let value = value.trim();
            match name.as_ref() {
                "search" if !value.is_empty() => extra.search = Some(cut(value).to_owned()),
                "genre" if !value.is_empty() => extra.genre = Some(value.to_owned()),
                "skip" => {
                    extra.skip = value.parse().map_err(|_| {
                        RequestError::Malformed(
                            "skip must be a whole number below 4294967296".into(),
                        )
                    })?
                }
                _ => {}
            }
        }
        Ok(extra)
    }
}

/// The type, id and extra of a resource request, decoded from the raw path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePath {
    pub media_type: String,
    pub id: String,
    pub extra: Extra,
}

impl ResourcePath {
    /// Decodes a raw path (`…/{type}/{id}[/{extra}].json`, still percent-encoded) whose last
    /// segments are the resource's; `has_extra` says whether the route matched an `{extra}`
    /// segment. Segments are taken from the end, since a config segment may come first.
    pub fn decode(raw_path: &str, has_extra: bool) -> Result<Self, RequestError> {
        let raw = raw_path.trim_end_matches(".json");
        let mut segments = raw.rsplit('/');
        let extra = if has_extra { segments.next() } else { None };
        let (Some(id), Some(media_type)) = (segments.next(), segments.next()) else {
            return Err(RequestError::Malformed("path has too few segments".into()));
        };
        Ok(Self {
            media_type: decode(media_type)?,
            id: decode(id)?,
            extra: extra.map(Extra::parse).transpose()?.unwrap_or_default(),
        })
    }
}

/// Percent-decodes one path segment into UTF-8.
pub fn decode(segment: &str) -> Result<String, RequestError> {
    percent_decode_str(segment)
        .decode_utf8()
        .map(|value| value.into_owned())
        .map_err(|_| RequestError::Malformed("path segment is not valid UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn movie_and_episode_ids() {
        assert_eq!(
            VideoId::parse("movie", "tt0111161"),
            Ok(VideoId::Movie(ImdbId("tt0111161".into())))
        );
        assert_eq!(
            VideoId::parse("series", "tt0903747:1:3"),
            Ok(VideoId::Episode {
                show: ImdbId("tt0903747".into()),
                season: 1,
                episode: 3
            })
        );
        assert_eq!(
            VideoId::parse("series", "tt0903747:1:3").map(|id| id.to_string()),
            Ok("tt0903747:1:3".to_owned())
        );
    }

    #[test]
    fn malformed_ids_are_client_errors() {
        for (kind, id) in [
            ("movie", "tt"),
            ("movie", "tt12ab"),
            ("movie", "tt1:1:1"),
            ("series", "tt1"),
            ("series", "tt1:x:2"),
            ("series", "tt1:1"),
            ("movie", "tt12345678901"),
        ] {
            assert!(
                matches!(VideoId::parse(kind, id), Err(RequestError::Malformed(_))),
                "{kind} {id}"
            );
        }
    }

    #[test]
    fn unknown_prefixes_and_types_are_not_served() {
        assert!(
            matches!(VideoId::parse("movie", "kitsu:1"), Err(RequestError::Unsupported(m)) if m.contains("tt"))
        );
        assert!(matches!(
            VideoId::parse("tv", "tt1"),
            Err(RequestError::Unsupported(_))
        ));
    }

    #[test]
    fn a_search_term_is_cut_to_its_maximum() {
        let long = format!("search={}", "ab ".repeat(20_000));
        let extra = Extra::parse(&long).expect("valid");
        let search = extra.search.expect("a term");
        assert!(
            search.chars().count() <= MAX_SEARCH_CHARS,
            "{}",
            search.len()
        );
        assert!(search.starts_with("ab ab"));
        let accented = Extra::parse(&format!("search={}", "é".repeat(500))).expect("valid");
        assert_eq!(
            accented.search.map(|s| s.chars().count()),
            Some(MAX_SEARCH_CHARS)
        );
    }

    #[test]
    fn extra_is_a_query_string() {
        let extra =
            Extra::parse("search=tom%26jerry&skip=100&genre=Sci-Fi&other=1").expect("valid");
        assert_eq!(
            extra,
            Extra {
                search: Some("tom&jerry".into()),
                genre: Some("Sci-Fi".into()),
                skip: 100
            }
        );
        assert_eq!(
            Extra::parse("search=the+matrix")
                .expect("valid")
                .search
                .as_deref(),
            Some("the matrix")
        );
        assert_eq!(Extra::parse("").expect("valid"), Extra::default());
    }

    #[test]
    fn a_bad_skip_is_a_client_error() {
        assert!(matches!(
            Extra::parse("skip=-1"),
            Err(RequestError::Malformed(_))
        ));
        assert!(matches!(
            Extra::parse("skip=99999999999999"),
            Err(RequestError::Malformed(_))
        ));
    }
}
