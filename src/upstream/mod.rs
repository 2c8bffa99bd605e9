//! What every upstream client needs, in one place: the pooled HTTP client and URL joining
//! that keeps the base URL's path prefix, token buckets for shared budgets, the circuit breaker with its call guard,
//! `Retry-After`, lenient list parsing, and per-call metrics. The torrent sources and
//! Real-Debrid are built on it; each maps the upstream's answers to its own error type, which
//! says here how to count it ([`UpstreamError`]).

pub mod allowance;
pub mod circuit;
pub mod lenient;
pub mod observe;
pub mod pace;
pub mod retry_after;

pub use circuit::Circuit;
pub use observe::{UpstreamError, observe};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::time::Duration;
use url::Url;

/// What JavaScript's `encodeURIComponent` escapes: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The `User-Agent` Ferrio sends upstream.
pub const USER_AGENT: &str = concat!("ferrio/", env!("CARGO_PKG_VERSION"));

/// Builds the one `reqwest::Client` all upstream clients share, so connections are pooled
/// across sources. Per-call timeouts are set by each client; this is the outer bound.
pub fn http_client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(3))
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
}

/// Appends path segments to a base URL, keeping the base's own path.
///
/// `Url::join` would drop the last segment of a base without a trailing slash
/// (`http://h/rest/1.0` + `torrents` gives `http://h/rest/torrents`); upstream base URLs are
/// configured without one, so segments are pushed instead. Each segment is percent-encoded.
pub fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// Like [`endpoint`], but encodes each segment as JavaScript's `encodeURIComponent` does, the
/// way Stremio sends ids to addons: `tt0903747:1:3` becomes `tt0903747%3A1%3A3`.
pub fn endpoint_component(base: &Url, segments: &[&str]) -> Url {
    let mut path = base.path().trim_end_matches('/').to_owned();
    for segment in segments {
        path.push('/');
        path.extend(utf8_percent_encode(segment, URI_COMPONENT));
    }
    let mut url = base.clone();
    url.set_path(&path);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(value: &str) -> Url {
        Url::parse(value).expect("test URL")
    }

    #[test]
    fn keeps_the_base_path_prefix() {
        let base = url("http://127.0.0.1:9000/rd/rest/1.0");
        let joined = endpoint(&base, &["torrents", "info", "ABC"]);
        assert_eq!(
            joined.as_str(),
            "http://127.0.0.1:9000/rd/rest/1.0/torrents/info/ABC"
        );
    }

    #[test]
    fn tolerates_a_trailing_slash_and_a_bare_host() {
        assert_eq!(
            endpoint(&url("https://yts.mx/api/v2/"), &["list_movies.json"]).as_str(),
            "https://yts.mx/api/v2/list_movies.json"
        );
        assert_eq!(
            endpoint(
                &url("https://torrentio.strem.fun"),
                &["stream", "movie", "tt1.json"]
            )
            .as_str(),
            "https://torrentio.strem.fun/stream/movie/tt1.json"
        );
    }

    #[test]
    fn encodes_segments() {
        let joined = endpoint(&url("http://h/tio"), &["stream", "series", "tt1:1:2.json"]);
        assert_eq!(joined.as_str(), "http://h/tio/stream/series/tt1:1:2.json");
        let joined = endpoint(&url("http://h"), &["a b/c"]);
        assert_eq!(joined.as_str(), "http://h/a%20b%2Fc");
    }

    #[test]
    fn component_encoding_matches_stremio() {
        let joined =
            endpoint_component(&url("http://h/tio/"), &["stream", "series", "tt1:1:2.json"]);
        assert_eq!(
            joined.as_str(),
            "http://h/tio/stream/series/tt1%3A1%3A2.json"
        );
        let joined = endpoint_component(&url("https://h"), &["a b/c%", "x"]);
        assert_eq!(joined.as_str(), "https://h/a%20b%2Fc%25/x");
    }
}
