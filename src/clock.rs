//! Wall-clock time as Ferrio stores it: Unix milliseconds, comparable across instances.
//!
//! Instances sharing Redis write absolute times into it (when an entry stops being fresh, when
//! a strike was counted), and a clock a few minutes off would read every entry as expired —
//! and call the upstreams again — or serve entries past their time. So with Redis the
//! instances share *its* clock: [`align`] records how far this machine's clock is from Redis's
//! (`TIME`, read when Redis is first reached and every minute after), and [`now_ms`] applies
//! it. Without Redis there is nothing to agree with and the offset stays zero.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Shared time minus this machine's time, in ms.
static OFFSET_MS: AtomicI64 = AtomicI64::new(0);

/// The current shared time in Unix milliseconds.
pub fn now_ms() -> u64 {
    local_ms().saturating_add_signed(OFFSET_MS.load(Ordering::Relaxed))
}

/// This machine's own clock, in Unix milliseconds.
pub fn local_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, millis)
}

/// Takes `reference_ms` (read from the shared clock while this machine's read `local_ms`) as
/// the time now; returns the new offset.
pub fn align(reference_ms: u64, local_ms: u64) -> i64 {
    let offset = i64::try_from(i128::from(reference_ms) - i128::from(local_ms)).unwrap_or(0);
    OFFSET_MS.store(offset, Ordering::Relaxed);
    offset
}

/// A time in Unix milliseconds as a UTC calendar moment (the epoch for one out of range).
pub fn utc(ms: u64) -> time::OffsetDateTime {
    let secs = i64::try_from(ms / 1000).unwrap_or(0);
    time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// The UTC date of a time in Unix milliseconds, `YYYY-MM-DD`.
pub fn utc_date(ms: u64) -> String {
    let at = utc(ms);
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// A duration in whole milliseconds, saturating instead of overflowing.
pub fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
