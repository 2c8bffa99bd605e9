use super::*;
use crate::protocol::stream::InfoHash;
use crate::settings::Settings;
use crate::sources::Candidate;

fn ttls() -> SourceTtls {
    let settings = Settings::from_iter(Vec::new()).expect("defaults are valid");
    SourceTtls::from_settings(&settings.cache)
}

fn answer(releases: usize, pending: bool) -> Result<SourceAnswer, SourceError> {
    let candidate = Candidate {
        info_hash: InfoHash::parse(&"a".repeat(40)).expect("40 hex digits"),
        file_idx: None,
        title: "Movie.2019.1080p.BluRay.x264-GROUP".into(),
        filename: None,
        size: Some(1 << 30),
        size_is_file: false,
        seeders: Some(10),
        sources: [SourceId::Yts].into(),
        trackers: Vec::new(),
        provider: None,
        title_facts: None,
        file_facts: None,
    };
    Ok(SourceAnswer {
        candidates: (0..releases)
            .map(|_| std::sync::Arc::new(candidate.clone()))
            .collect(),
        pending,
    })
}

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3_600);

#[test]
fn answers_with_releases_keep_their_source_ttl_and_may_go_stale() {
    let ttls = ttls();
    let dmm = ttls.policy(SourceId::Dmm, &answer(1, false));
    assert_eq!(dmm.fresh, 10 * MINUTE);
    assert_eq!((dmm.stale, dmm.stale_if_error), (HOUR, 24 * HOUR));
    assert_eq!(
        ttls.policy(SourceId::Yts, &answer(2, false)).fresh,
        6 * HOUR
    );
    assert_eq!(
        ttls.policy(SourceId::Torrentio, &answer(3, false)).fresh,
        HOUR
    );
}

#[test]
fn empty_and_pending_answers_are_kept_briefly_and_never_stale() {
    let ttls = ttls();
    assert_eq!(
        ttls.policy(SourceId::Dmm, &answer(0, true)),
        Policy::only_fresh(MINUTE)
    );
    assert_eq!(
        ttls.policy(SourceId::Dmm, &answer(0, false)),
        Policy::only_fresh(10 * MINUTE)
    );
    assert_eq!(
        ttls.policy(SourceId::Yts, &answer(0, false)),
        Policy::only_fresh(HOUR)
    );
    assert_eq!(
        ttls.policy(SourceId::Torrentio, &answer(0, false)),
        Policy::only_fresh(MINUTE)
    );
}

#[test]
fn failures_are_kept_briefly_unless_no_call_was_made() {
    let ttls = ttls();
    let failed = ttls.policy(SourceId::Yts, &Err(SourceError::Timeout));
    assert_eq!(failed, Policy::only_fresh(Duration::from_secs(30)));
    let limited = SourceError::RateLimited {
        retry_after: Duration::from_secs(7),
    };
    assert_eq!(
        ttls.policy(SourceId::Dmm, &Err(limited)).fresh,
        Duration::from_secs(7)
    );
    for unasked in [SourceError::Throttled, SourceError::CircuitOpen] {
        assert_eq!(
            ttls.policy(SourceId::Dmm, &Err(unasked)).fresh,
            Duration::ZERO
        );
    }
}

#[test]
fn a_dmm_challenge_is_used_until_a_minute_before_it_expires() {
    assert_eq!(ttls().dmm_challenge(), Duration::from_secs(240));
}
