//! Watchmode's monthly budget (`WATCHMODE_MONTHLY_BUDGET`, the free plan's 1,000 by default),
//! shared by every instance through Redis (counted in process without it), and spent through a
//! daily allowance derived from what is left — the month's remainder over its remaining days —
//! so a busy week never leaves the rest of the month without deep links. A `402` (Watchmode's
//! own count says the month is spent) stops every call until the next month. A refused call
//! costs nothing; the rows fall back to TMDB's links.

use crate::{
    cache::{Cache, CacheFamily, Policy},
    clock::{now_ms, utc, utc_date},
    metrics::Metrics,
};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

const FAMILY: &str = "watchmode_budget";
/// Counters outlive their day and month by a margin.
const DAY_WINDOW: Duration = Duration::from_secs(2 * 24 * 3600);
const MONTH_WINDOW: Duration = Duration::from_secs(33 * 24 * 3600);

/// Where a moment falls in the calendar (UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// `2026-12`.
    pub month: String,
    /// `2026-12-01`.
    pub day: String,
    /// Days left in the month, today included.
    pub days_left: u64,
    /// The month's end, in Unix milliseconds.
    pub month_end_ms: u64,
}

impl Calendar {
    pub fn at(now_ms: u64) -> Self {
        let at = utc(now_ms);
        let (year, month, day) = (at.year(), at.month(), at.day());
        let days = time::util::days_in_month(month, year);
        let into_day = u64::from(at.hour()) * 3_600_000
            + u64::from(at.minute()) * 60_000
            + u64::from(at.second()) * 1000
            + now_ms % 1000;
        let day_start = now_ms - into_day;
        let date = utc_date(now_ms);
        Self {
            month: date[..7].to_owned(),
            day: date,
            days_left: u64::from(days - day) + 1,
            month_end_ms: day_start + u64::from(days - day + 1) * 86_400_000,
        }
    }
}

/// Today's allowance: what the month has left, spread over the days left.
pub fn daily_cap(monthly: u64, used_before_today: u64, days_left: u64) -> u64 {
    monthly.saturating_sub(used_before_today) / days_left.max(1)
}

/// The in-process count: this month's and today's calls.
#[derive(Debug, Default)]
struct Ledger {
    month: String,
    day: String,
    month_used: u64,
    day_used: u64,
}

impl Ledger {
    fn try_spend(&mut self, calendar: &Calendar, monthly: u64) -> bool {
        if self.month != calendar.month {
            *self = Self {
                month: calendar.month.clone(),
                ..Self::default()
            };
        }
        if self.day != calendar.day {
            self.day = calendar.day.clone();
            self.day_used = 0;
        }
        let cap = daily_cap(monthly, self.month_used - self.day_used, calendar.days_left);
        if self.day_used >= cap || self.month_used >= monthly {
            return false;
        }
        self.day_used += 1;
        self.month_used += 1;
        true
    }
}

/// The budget. Cheap to clone.
#[derive(Clone)]
pub struct WatchmodeBudget {
    cache: Cache,
    monthly: u64,
    metrics: Metrics,
    local: Arc<Mutex<Ledger>>,
    /// Set by a 402 until the month's end, for every instance.
    spent: CacheFamily<u64, ()>,
}

impl WatchmodeBudget {
    pub fn new(cache: &Cache, monthly: u64, metrics: Metrics) -> Self {
        Self {
            cache: cache.clone(),
            monthly,
            metrics,
            local: Arc::default(),
            spent: cache.family("watchmode_spent", |until: &Result<u64, ()>| {
                let left = until
                    .as_ref()
                    .map_or(0, |until| until.saturating_sub(now_ms()));
                Policy::only_fresh(Duration::from_millis(left))
            }),
        }
    }

    /// Counts one call, or refuses it (today's allowance or the month spent).
    pub async fn spend(&self) -> bool {
        let now = now_ms();
        if self.spent.peek("month").await.is_some() {
            return self.refuse("month");
        }
        let calendar = Calendar::at(now);
        let granted = match self.spend_shared(&calendar).await {
            Some(granted) => granted,
            None => self
                .local
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .try_spend(&calendar, self.monthly),
        };
        granted || self.refuse("day")
    }

    /// Watchmode answered 402: no call until the month's end.
    pub async fn over_quota(&self) {
        let until = Calendar::at(now_ms()).month_end_ms;
        self.spent.put("month", Ok(until)).await;
    }

    async fn spend_shared(&self, calendar: &Calendar) -> Option<bool> {
        let (month_key, day_key) = (
            format!("month:{}", calendar.month),
            format!("day:{}", calendar.day),
        );
        let month_used = self.cache.shared_count(FAMILY, &month_key).await?;
        let day_used = self.cache.shared_count(FAMILY, &day_key).await?;
        let cap = daily_cap(
            self.monthly,
            month_used.saturating_sub(day_used),
            calendar.days_left,
        );
        if !self
            .cache
            .count_shared_below(FAMILY, &day_key, DAY_WINDOW, cap)
            .await?
        {
            return Some(false);
        }
        self.cache
            .count_shared_below(FAMILY, &month_key, MONTH_WINDOW, self.monthly)
            .await
    }

    fn refuse(&self, why: &str) -> bool {
        self.metrics.refusal(&format!("watchmode_budget_{why}"));
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: u64 = 86_400_000;
    /// 2026-12-01T00:00:00Z.
    const DECEMBER: u64 = 1_796_083_200_000;

    #[test]
    fn the_calendar_knows_the_month_and_the_days_left() {
        let first = Calendar::at(DECEMBER + 3_600_000);
        assert_eq!(
            (first.month.as_str(), first.day.as_str(), first.days_left),
            ("2026-12", "2026-12-01", 31)
        );
        assert_eq!(first.month_end_ms, DECEMBER + 31 * DAY_MS);
        assert_eq!(Calendar::at(DECEMBER + 30 * DAY_MS).days_left, 1);
    }

    #[test]
    fn a_simulated_month_of_heavy_demand_never_exceeds_the_budget_nor_runs_dry_early() {
        let mut ledger = Ledger::default();
        let mut per_day = Vec::new();
        for day in 0..31 {
            let calendar = Calendar::at(DECEMBER + day * DAY_MS + 12 * 3_600_000);
            // Ten times what the budget allows is asked for every day.
            let granted = (0..330)
                .filter(|_| ledger.try_spend(&calendar, 1000))
                .count();
            per_day.push(granted);
        }
        let total: usize = per_day.iter().sum();
        assert!(total <= 1000, "{total}");
        assert!(
            per_day.iter().all(|&n| n >= 32),
            "every day keeps its share: {per_day:?}"
        );
        let january = Calendar::at(DECEMBER + 31 * DAY_MS);
        assert!(
            ledger.try_spend(&january, 1000),
            "a new month starts afresh"
        );
    }
}
