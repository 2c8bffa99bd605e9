use super::*;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

const TOKEN: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRST";

fn sealer(secret: &str) -> Sealer {
    Sealer::new(&SecretString::from(secret.to_owned()))
}

fn sample() -> UserConfig {
    UserConfig {
        sources: [SourceId::Dmm, SourceId::Yts].into_iter().collect(),
        realdebrid: Some(DebridToken::from(TOKEN.to_owned())),
        exclude_qualities: [Quality::Cam, Quality::Sd].into_iter().collect(),
        max_size_gb: Some(12.5),
        sort: SortOrder::QualitySize,
        limit_per_quality: Some(3),
        max_results: 20,
        exclude_keywords: vec!["hdcam".into()],
        cached_only: true,
        show_download_links: false,
        ..UserConfig::default()
    }
}

#[test]
fn an_empty_object_gives_the_defaults() {
    let config = UserConfig::decode("%7B%7D", None).expect("valid");
    assert_eq!(config, UserConfig::default());
    assert_eq!(config.sources.len(), 3);
    assert!(config.show_download_links);
}

#[test]
fn percent_encoded_json_as_the_sdk_writes_it() {
    let json = r#"{"sort":"size","excludeQualities":["cam","scr","480p"],"maxSizeGb":4}"#;
    let segment = utf8_percent_encode(json, NON_ALPHANUMERIC).to_string();
    let config = UserConfig::decode(&segment, None).expect("valid");
    assert_eq!(config.sort, SortOrder::Size);
    assert_eq!(
        config.exclude_qualities,
        [Quality::Cam, Quality::Screener, Quality::Sd]
            .into_iter()
            .collect()
    );
    assert_eq!(config.max_size_gb, Some(4.0));
}

#[test]
fn base64url_round_trip_omits_defaults() {
    let encoded = sample().encode(None);
    assert_eq!(UserConfig::decode(&encoded, None).expect("valid"), sample());
    let short = UserConfig::default().encode(None);
    let json = URL_SAFE_NO_PAD.decode(&short).expect("base64");
    assert_eq!(json, br#"{"v":1}"#);
}

#[test]
fn sealed_round_trip_hides_the_token() {
    let sealer = sealer("server secret");
    let sealed = sample().encode(Some(&sealer));
    assert!(sealed.starts_with("s."));
    assert!(!sealed.contains(TOKEN));
    assert_eq!(
        UserConfig::decode(&sealed, Some(&sealer)).expect("opens"),
        sample()
    );
}

#[test]
fn sealed_with_another_key_or_without_a_secret_is_refused() {
    let sealed = sample().encode(Some(&sealer("one")));
    assert!(matches!(
        UserConfig::decode(&sealed, Some(&sealer("two"))),
        Err(ConfigError::Sealed(_))
    ));
    assert_eq!(
        UserConfig::decode(&sealed, None),
        Err(ConfigError::SealingDisabled)
    );
}

#[test]
fn bad_configs_say_what_is_wrong_without_echoing_values() {
    let cases = [
        (r#"{"sort":"SECRETVALUE"}"#, "sort"),
        (r#"{"maxSizeGb":"big"}"#, "maxSizeGb"),
        (r#"{"maxSizeGb":-1}"#, "maxSizeGb"),
        (r#"{"sources":[]}"#, "sources"),
        (r#"{"sources":["SECRETVALUE"]}"#, "sources"),
        (r#"{"realdebrid":"SECRET VALUE!"}"#, "realdebrid"),
        (r#"{"maxResults":0}"#, "maxResults"),
        (r#"{"limitPerQuality":0}"#, "limitPerQuality"),
        (
            r#"{"excludeQualities":["SECRETVALUE"]}"#,
            "excludeQualities",
        ),
        (r#"{"cachedOnly":"SECRETVALUE"}"#, "cachedOnly"),
    ];
    for (json, field) in cases {
        let error = UserConfig::decode(&URL_SAFE_NO_PAD.encode(json), None).expect_err(json);
        let message = error.to_string();
        assert!(message.contains(field), "{json}: {message}");
        assert!(!message.contains("SECRET"), "{json}: {message}");
    }
}

#[test]
fn undecodable_too_long_and_unknown_versions_are_refused() {
    assert_eq!(
        UserConfig::decode("not-a-config", None),
        Err(ConfigError::NotDecodable)
    );
    assert_eq!(
        UserConfig::decode("%7Bbroken", None).map_err(|e| matches!(e, ConfigError::Invalid(_))),
        Err(true)
    );
    assert_eq!(
        UserConfig::decode(&"a".repeat(MAX_CONFIG_BYTES + 1), None),
        Err(ConfigError::TooLong)
    );
    assert_eq!(
        UserConfig::decode(&URL_SAFE_NO_PAD.encode(r#"{"v":2}"#), None),
        Err(ConfigError::Version(2))
    );
}

#[test]
fn debug_output_redacts_the_token() {
    let printed = format!("{:?}", sample());
    assert!(!printed.contains(TOKEN), "{printed}");
    assert!(printed.contains("redacted"));
}
