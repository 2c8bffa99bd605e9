//! `Retry-After`, in the form the upstreams send it: whole seconds (DMM, express-rate-limit,
//! Real-Debrid when it sends one at all). The HTTP-date form is not used by any of them.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::Duration;

/// The header's value, when present and a number of seconds.
pub fn parse(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_read_and_anything_else_is_none() {
        let mut headers = HeaderMap::new();
        assert_eq!(parse(&headers), None);
        headers.insert(RETRY_AFTER, " 7 ".parse().expect("header value"));
        assert_eq!(parse(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2026 07:28:00 GMT"
                .parse()
                .expect("header value"),
        );
        assert_eq!(parse(&headers), None);
    }
}
