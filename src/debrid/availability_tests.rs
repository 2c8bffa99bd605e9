use super::*;

const HOUR: u64 = 3_600_000;
const NOW: u64 = 100 * 24 * HOUR;

fn strikes(accounts: &[&str], at: u64) -> Strikes {
    let mut strikes = Strikes::default();
    for account in accounts {
        strikes.add(account, at, STRIKES_COUNT_FOR);
    }
    strikes
}

fn seen(playable_at: u64, failures: Strikes) -> SeenRecord {
    SeenRecord {
        playable_at: Some(playable_at),
        failures,
    }
}

#[test]
fn one_accounts_failure_hides_the_evidence_from_that_account_only() {
    let record = seen(NOW - 2 * HOUR, strikes(&["a"], NOW - HOUR));
    let mine = AccountRecord {
        refused_at: None,
        failed: vec![("-".to_owned(), NOW - HOUR)],
    };
    let none = RefusalRecord::default();
    let for_a = judge(&record, &none, &mine, "-", NOW);
    let for_b = judge(&record, &none, &AccountRecord::default(), "-", NOW);
    assert_eq!(for_a.playable_since, None);
    assert_eq!(for_b.playable_since, Some(NOW - 2 * HOUR));
    // Another file of the same torrent is not affected by a's failure on "-".
    assert_eq!(
        judge(&record, &none, &mine, "s1e2", NOW).playable_since,
        Some(NOW - 2 * HOUR)
    );
}

#[test]
fn several_accounts_agreeing_hide_the_evidence_from_everyone() {
    let record = seen(NOW - 2 * HOUR, strikes(&["a", "b", "c"], NOW - HOUR));
    let view = judge(
        &record,
        &RefusalRecord::default(),
        &AccountRecord::default(),
        "-",
        NOW,
    );
    assert_eq!(view.playable_since, None);
    let two = seen(NOW - 2 * HOUR, strikes(&["a", "b"], NOW - HOUR));
    let view = judge(
        &two,
        &RefusalRecord::default(),
        &AccountRecord::default(),
        "-",
        NOW,
    );
    assert!(view.playable_since.is_some(), "two accounts are not enough");
}

#[test]
fn failures_before_the_last_success_do_not_count() {
    let record = seen(NOW - HOUR, strikes(&["a", "b", "c"], NOW - 2 * HOUR));
    let mine = AccountRecord {
        refused_at: None,
        failed: vec![("-".to_owned(), NOW - 2 * HOUR)],
    };
    let view = judge(&record, &RefusalRecord::default(), &mine, "-", NOW);
    assert_eq!(view.playable_since, Some(NOW - HOUR));
}

#[test]
fn a_refusal_spares_that_account_and_demotes_only_when_accounts_agree() {
    let mine = AccountRecord {
        refused_at: Some(NOW - HOUR),
        failed: Vec::new(),
    };
    let one = RefusalRecord {
        accepted_at: None,
        strikes: strikes(&["a"], NOW - HOUR),
    };
    let view = judge(&SeenRecord::default(), &one, &mine, "-", NOW);
    assert!(view.refused_here && !view.demoted);
    let others = judge(
        &SeenRecord::default(),
        &one,
        &AccountRecord::default(),
        "-",
        NOW,
    );
    assert!(!others.refused_here && !others.demoted);
    let three = RefusalRecord {
        accepted_at: None,
        strikes: strikes(&["a", "b", "c"], NOW - HOUR),
    };
    let view = judge(
        &SeenRecord::default(),
        &three,
        &AccountRecord::default(),
        "-",
        NOW,
    );
    assert!(view.demoted && !view.refused_here);
}

#[test]
fn refusals_older_than_a_day_or_than_a_success_do_not_demote() {
    let stale = RefusalRecord {
        accepted_at: None,
        strikes: strikes(&["a", "b", "c"], NOW - 25 * HOUR),
    };
    let view = judge(
        &SeenRecord::default(),
        &stale,
        &AccountRecord::default(),
        "-",
        NOW,
    );
    assert!(!view.demoted);
    let accepted = RefusalRecord {
        accepted_at: Some(NOW - HOUR),
        strikes: strikes(&["a", "b", "c"], NOW - 2 * HOUR),
    };
    let mine = AccountRecord {
        refused_at: Some(NOW - 2 * HOUR),
        failed: Vec::new(),
    };
    let view = judge(&SeenRecord::default(), &accepted, &mine, "-", NOW);
    assert!(
        !view.demoted && !view.refused_here,
        "a success anywhere clears it"
    );
}
