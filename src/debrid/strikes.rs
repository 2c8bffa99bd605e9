//! Strikes: which accounts reported a setback with a torrent, and when. A shared verdict needs
//! several *distinct* accounts, so one account reporting the same thing twice counts once.

use crate::clock::millis;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The most strikes kept per record: more than any verdict needs, few enough to stay small.
const KEPT: usize = 8;

/// One account's latest report, as (keyed token hash, Unix ms).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strikes(Vec<(String, u64)>);

impl Strikes {
    /// Records `account`'s report at `now`, replacing its older one and dropping reports older
    /// than `keep`.
    pub fn add(&mut self, account: &str, now: u64, keep: Duration) {
        let oldest = now.saturating_sub(millis(keep));
        self.0.retain(|(who, at)| who != account && *at >= oldest);
        self.0.push((account.to_owned(), now));
        if self.0.len() > KEPT {
            self.0.remove(0);
        }
    }

    /// How many distinct accounts reported after `since` (Unix ms, exclusive).
    pub fn distinct_after(&self, since: u64) -> usize {
        self.0.iter().filter(|(_, at)| *at > since).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);

    #[test]
    fn an_account_counts_once_however_often_it_reports() {
        let mut strikes = Strikes::default();
        strikes.add("a", 10, DAY);
        strikes.add("a", 20, DAY);
        strikes.add("b", 30, DAY);
        assert_eq!(strikes.distinct_after(0), 2);
        assert_eq!(strikes.distinct_after(20), 1, "only b reported after 20");
        assert_eq!(strikes.distinct_after(19), 2, "a's latest report is at 20");
    }

    #[test]
    fn old_reports_fall_away_and_the_list_stays_small() {
        let mut strikes = Strikes::default();
        strikes.add("old", 0, DAY);
        let later = 2 * 86_400_000;
        strikes.add("new", later, DAY);
        assert_eq!(
            strikes.distinct_after(0),
            1,
            "the report of two days ago is gone"
        );
        for account in 0..20 {
            strikes.add(&account.to_string(), later + account, DAY);
        }
        assert_eq!(strikes.0.len(), KEPT);
        assert!(
            strikes.0.iter().any(|(who, _)| who == "19"),
            "the newest stays"
        );
    }
}
