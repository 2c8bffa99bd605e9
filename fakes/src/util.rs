//! Pure helpers: time formatting, fake hashes, id and hash validation.

use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Formats Unix seconds like JavaScript's `Date.toJSON()` (`2021-02-20T12:33:31.000Z`), the date
/// format of the Real-Debrid API.
pub(crate) fn js_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// A deterministic 40-char lowercase hex "info hash" derived from a seed string.
pub(crate) fn fake_hash(seed: &str) -> String {
    hex(&Sha256::digest(seed.as_bytes())[..20])
}

/// Lowercase hex of some bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// True for a 40-char lowercase hex string: the only hash form DMM lets through.
pub(crate) fn is_lower_hex40(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// True for a 40-char hex string of either case.
pub(crate) fn is_hex40(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `true` for `tt` followed by digits.
pub(crate) fn is_imdb_id(s: &str) -> bool {
    s.len() > 2 && s.starts_with("tt") && s[2..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_date_matches_javascript() {
        assert_eq!(js_date(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(js_date(1_613_824_411), "2021-02-20T12:33:31.000Z");
        assert_eq!(js_date(951_782_400), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn hash_helpers() {
        let h = fake_hash("x");
        assert!(is_lower_hex40(&h));
        assert!(!is_lower_hex40(&h.to_uppercase()));
        assert!(is_hex40(&h.to_uppercase()));
        assert!(is_imdb_id("tt0111161"));
        assert!(!is_imdb_id("tt"));
        assert!(!is_imdb_id("nm0000123"));
    }
}
