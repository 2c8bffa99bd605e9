//! Wall-clock time as Ferrio stores it: Unix milliseconds, comparable across instances (each
//! instance's clock is NTP-synchronised; nothing here depends on monotonic time).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The current time in Unix milliseconds.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, millis)
}

/// A duration in whole milliseconds, saturating instead of overflowing.
pub fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
