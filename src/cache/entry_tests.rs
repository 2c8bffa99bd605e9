use super::*;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Sample {
    name: String,
    sizes: Vec<u64>,
}

fn policy(fresh: u64, stale: u64, stale_if_error: u64) -> Policy {
    Policy {
        fresh: Duration::from_millis(fresh),
        stale: Duration::from_millis(stale),
        stale_if_error: Duration::from_millis(stale_if_error),
    }
}

#[test]
fn a_lifetime_passes_through_its_phases() {
    let lifetime = Lifetime::starting(1_000, policy(100, 50, 500));
    assert_eq!(lifetime.at(1_000), Freshness::Fresh);
    assert_eq!(lifetime.at(1_099), Freshness::Fresh);
    assert_eq!(lifetime.at(1_100), Freshness::Stale);
    assert_eq!(lifetime.at(1_150), Freshness::Reserve);
    assert_eq!(lifetime.at(1_599), Freshness::Reserve);
    assert_eq!(lifetime.at(1_600), Freshness::Expired);
    assert_eq!(lifetime.remaining(1_100), Duration::from_millis(500));
}

#[test]
fn a_failure_extends_freshness_but_never_the_end() {
    let lifetime = Lifetime::starting(0, policy(100, 0, 1_000));
    let kept = lifetime.after_failure(500, Duration::from_millis(200));
    assert_eq!(kept.at(699), Freshness::Fresh);
    assert_eq!(kept.at(700), Freshness::Stale);
    assert_eq!(kept.usable_until, 1_100);
    let late = lifetime.after_failure(1_000, Duration::from_millis(200));
    assert_eq!(
        late.fresh_until, 1_100,
        "capped at the stale-if-error limit"
    );
}

#[test]
fn small_values_round_trip_uncompressed() {
    let value = Sample {
        name: "Movie.2019.1080p".into(),
        sizes: vec![1, 2, 3],
    };
    let lifetime = Lifetime::starting(5, policy(1, 2, 3));
    let envelope = Envelope::encode(&value, lifetime).expect("encodes");
    assert_eq!(envelope.bytes()[1], 0, "not compressed");
    let parsed = Envelope::parse(envelope.bytes().clone()).expect("parses");
    assert_eq!(parsed.lifetime, lifetime);
    assert_eq!(parsed.decode::<Sample>().expect("decodes"), value);
}

#[test]
fn large_values_are_compressed() {
    let value = Sample {
        name: "Movie.2019.1080p.BluRay.x264-GROUP".repeat(100),
        sizes: (0..500).collect(),
    };
    let plain = rmp_serde::to_vec_named(&value).expect("encodes");
    let envelope = Envelope::encode(&value, Lifetime::starting(0, policy(1, 1, 1))).expect("ok");
    assert_eq!(envelope.bytes()[1], COMPRESSED);
    assert!(envelope.bytes().len() < plain.len() / 2);
    let parsed = Envelope::parse(envelope.bytes().clone()).expect("parses");
    assert_eq!(parsed.decode::<Sample>().expect("decodes"), value);
}

#[test]
fn another_format_or_garbage_is_not_read() {
    assert!(Envelope::parse(Bytes::from_static(b"short")).is_none());
    let envelope = Envelope::encode(&1u8, Lifetime::starting(0, policy(1, 1, 1))).expect("ok");
    let mut bytes = envelope.bytes().to_vec();
    bytes[0] = FORMAT + 1;
    assert!(Envelope::parse(Bytes::from(bytes)).is_none());
    let mut bytes = envelope.bytes().to_vec();
    bytes.truncate(HEADER);
    let truncated = Envelope::parse(Bytes::from(bytes)).expect("header is intact");
    assert!(truncated.decode::<u8>().is_err());
}

#[test]
fn a_new_lifetime_keeps_the_value() {
    let value = Sample {
        name: "x".into(),
        sizes: vec![],
    };
    let envelope = Envelope::encode(&value, Lifetime::starting(0, policy(1, 1, 1))).expect("ok");
    let later = Lifetime::starting(10_000, policy(5, 5, 5));
    let moved = envelope.with_lifetime(later);
    let parsed = Envelope::parse(moved.bytes().clone()).expect("parses");
    assert_eq!(parsed.lifetime, later);
    assert_eq!(parsed.decode::<Sample>().expect("decodes"), value);
}
