//! Calendar dates for the discovery fakes (`YYYY-MM-DD`, UTC).

use crate::common::{js_date, unix_now};

/// Today, `YYYY-MM-DD`.
pub fn today() -> String {
    date_in_days(0)
}

/// The date `days` from today (negative: in the past).
pub fn date_in_days(days: i64) -> String {
    let now = unix_now() as i64;
    let at = u64::try_from(now + days * 86_400).unwrap_or(0);
    js_date(at)[..10].to_owned()
}
