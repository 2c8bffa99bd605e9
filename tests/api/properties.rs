//! Property tests of everything that reads input Ferrio does not control: the config segment
//! (both plain encodings and sealed), stream ids, `extra` segments, file selectors, and the
//! bodies of YTS and Real-Debrid. Arbitrary input may be refused, never panic; what is accepted
//! keeps its invariants; what is encoded decodes back to itself.
//!
//! DMM's and Torrentio's parsers are private to their modules, so they are driven end to end:
//! arbitrary release names and stream objects are served by the fakes to a running Ferrio,
//! which must answer 200 with well-formed streams.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio::debrid::realdebrid::{
    RdError,
    error::ErrorBody,
    types::{Added, TorrentInfo, TorrentSummary, Unrestricted},
};
use ferrio::debrid::select::FileSelector;
use ferrio::protocol::config::{
    CONFIG_VERSION, CatalogId, ConfigError, DebridToken, MAX_CONFIG_BYTES, Quality, SortOrder,
    SourceId, UserConfig,
};
use ferrio::protocol::request::{Extra, RequestError, VideoId};
use ferrio::protocol::seal::Sealer;
use ferrio::protocol::stream::InfoHash;
use ferrio::sources::{YtsMovie, YtsTorrent};
use ferrio::upstream::UpstreamError;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;
use secrecy::SecretString;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

fn sealer() -> Sealer {
    Sealer::new(&SecretString::from("property-test-secret".to_owned()))
}

/// What every accepted config satisfies, whatever it was decoded from.
fn assert_valid(config: &UserConfig) -> Result<(), TestCaseError> {
    prop_assert_eq!(config.v, CONFIG_VERSION);
    prop_assert!(!config.sources.is_empty());
    prop_assert!((1..=500).contains(&config.max_results));
    prop_assert!(config.limit_per_quality != Some(0));
    prop_assert!(
        config
            .max_size_gb
            .is_none_or(|gb| gb.is_finite() && gb > 0.0)
    );
    prop_assert!(config.exclude_keywords.len() <= 50);
    Ok(())
}

/// Decodes with and without a sealer; checks whatever was accepted.
fn decode_both(segment: &str) -> Result<(), TestCaseError> {
    let sealer = sealer();
    for result in [
        UserConfig::decode(segment, None),
        UserConfig::decode(segment, Some(&sealer)),
    ] {
        match result {
            Ok(config) => assert_valid(&config)?,
            Err(ConfigError::TooLong) => prop_assert!(segment.len() > MAX_CONFIG_BYTES),
            Err(_) => {}
        }
    }
    Ok(())
}

/// Field names and values the parsers under test know, so that arbitrary documents come
/// close enough to valid ones to reach deep into the parsers.
const KEYS: &[&str] = &[
    "v",
    "sources",
    "realdebrid",
    "excludeQualities",
    "maxSizeGb",
    "sort",
    "limitPerQuality",
    "maxResults",
    "excludeKeywords",
    "cachedOnly",
    "showDownloadLinks",
    "imdb_code",
    "title",
    "year",
    "rating",
    "genres",
    "summary",
    "large_cover_image",
    "torrents",
    "hash",
    "quality",
    "type",
    "video_codec",
    "bit_depth",
    "audio_channels",
    "is_repack",
    "seeds",
    "size_bytes",
    "id",
    "filename",
    "bytes",
    "status",
    "added",
    "files",
    "path",
    "selected",
    "links",
    "progress",
    "username",
    "premium",
    "error",
    "error_code",
    "download",
    "mimeType",
    "filesize",
    "name",
    "infoHash",
    "fileIdx",
    "behaviorHints",
    "bingeGroup",
    "sources",
];
const WORDS: &[&str] = &[
    "dmm",
    "yts",
    "torrentio",
    "cam",
    "1080p",
    "2160p",
    "4k",
    "quality",
    "size",
    "downloaded",
    "magnet_error",
    "waiting_files_selection",
    "premium",
    "/Movie.2020.1080p.mkv",
    "7f087f41abbb1982d4385e8243d0ad2760e0b003",
    "7F087F41ABBB1982D4385E8243D0AD2760E0B003",
    "FERRIOSANDBOXRDTOKEN9F6194D012E32351219374C1B15C7675",
    "",
    " ",
    "0",
    "1",
    "tt0111161",
];

/// Arbitrary JSON, biased towards the parsers' own vocabulary.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop::sample::select(WORDS).prop_map(|w| json!(w)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let key = prop_oneof![
            3 => prop::sample::select(KEYS).prop_map(str::to_owned),
            1 => any::<String>(),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Arbitrary valid configs: every field within its documented range.
fn valid_config() -> impl Strategy<Value = UserConfig> {
    let sources = prop::sample::subsequence(SourceId::ALL.to_vec(), 1..=3);
    let qualities = prop::sample::subsequence(Quality::BEST_FIRST.to_vec(), 0..=8);
    let catalogs = prop::sample::subsequence(CatalogId::ALL.to_vec(), 0..=4);
    let token = prop::option::of("[A-Za-z0-9_-]{8,128}");
    let keyword = "[\\p{L}\\p{N}\\p{P}]{1,7}( [\\p{L}\\p{N}\\p{P}]{1,7})?";
    // Sizes as the configure page's number field produces them (two decimals): an arbitrary
    // f64 may come back one ULP off, as serde_json is built without `float_roundtrip`.
    let gb = (1u32..=1_000_000).prop_map(|hundredths| f64::from(hundredths) / 100.0);
    let numbers = (
        prop::option::of(gb),
        prop::option::of(1u32..=1000),
        1u32..=500,
    );
    (
        sources,
        qualities,
        token,
        prop::sample::select(SortOrder::ALL.to_vec()),
        numbers,
        prop::collection::vec(keyword, 0..=10),
        (any::<bool>(), any::<bool>(), catalogs),
        quality_policy(),
    )
        .prop_map(
            |(
                sources,
                qualities,
                token,
                sort,
                (gb, limit, max),
                keywords,
                (cached, links, catalogs),
                policy,
            )| {
                let (preferred, target, (min, max_quality), lower, floors, cached_first) = policy;
                UserConfig {
                    v: CONFIG_VERSION,
                    sources: sources.into_iter().collect(),
                    realdebrid: token.map(DebridToken::from),
                    exclude_qualities: qualities.into_iter().collect::<BTreeSet<_>>(),
                    max_size_gb: gb,
                    sort,
                    limit_per_quality: limit,
                    max_results: max,
                    exclude_keywords: keywords,
                    cached_only: cached,
                    show_download_links: links,
                    catalogs: catalogs.into_iter().collect(),
                    preferred_qualities: preferred,
                    target_quality: target,
                    min_quality: min,
                    lower_until_better: lower,
                    max_quality,
                    min_size_gb_by_quality: floors,
                    cached_first,
                    clean_failed: cached,
                    free_slots: links,
                    discovery: Default::default(),
                }
            },
        )
}

type Policy = (
    Vec<Quality>,
    Option<Quality>,
    (Option<Quality>, Option<Quality>),
    bool,
    std::collections::BTreeMap<Quality, f64>,
    Option<bool>,
);

/// The quality policy's fields, valid: each quality listed once, the floor at or below the cap.
fn quality_policy() -> impl Strategy<Value = Policy> {
    let ladder = Quality::BEST_FIRST.to_vec();
    let preferred = prop::sample::subsequence(ladder.clone(), 0..=8).prop_shuffle();
    let quality = prop::option::of(prop::sample::select(ladder.clone()));
    let bounds = (quality.clone(), quality.clone()).prop_map(|(a, b)| match (a, b) {
        (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
        pair => pair,
    });
    let gb = (1u32..=10_000).prop_map(|hundredths| f64::from(hundredths) / 100.0);
    let floors = prop::collection::btree_map(prop::sample::select(ladder), gb, 0..=3);
    (
        preferred,
        quality,
        bounds,
        any::<bool>(),
        floors,
        prop::option::of(any::<bool>()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_config_segment_is_decoded_or_refused(segment in any::<String>()) {
        decode_both(&segment)?;
        decode_both(&format!("s.{segment}"))?;
    }

    #[test]
    fn any_bytes_in_base64url_are_decoded_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..800)) {
        let encoded = URL_SAFE_NO_PAD.encode(&bytes);
        decode_both(&encoded)?;
        // Random bytes never authenticate as a sealed config.
        let sealed = UserConfig::decode(&format!("s.{encoded}"), Some(&sealer()));
        prop_assert!(matches!(sealed, Err(ConfigError::Sealed(_) | ConfigError::TooLong)), "{sealed:?}");
    }

    #[test]
    fn any_json_in_either_plain_encoding_is_decoded_or_refused(value in json_value()) {
        let text = value.to_string();
        decode_both(&URL_SAFE_NO_PAD.encode(&text))?;
        decode_both(&utf8_percent_encode(&text, NON_ALPHANUMERIC).to_string())?;
    }

    #[test]
    fn a_sealed_config_with_a_flipped_bit_is_refused(
        config in valid_config(),
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let sealer = sealer();
        let sealed = config.encode(Some(&sealer));
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed[2..]).expect("we sealed it");
        let at = position.index(bytes.len());
        bytes[at] ^= 1 << bit;
        let tampered = format!("s.{}", URL_SAFE_NO_PAD.encode(&bytes));
        let result = UserConfig::decode(&tampered, Some(&sealer));
        prop_assert!(matches!(result, Err(ConfigError::Sealed(_))), "{result:?}");
        // Cut short anywhere, it is refused too.
        let cut = UserConfig::decode(&sealed[..2 + at.min(sealed.len() - 3)], Some(&sealer));
        prop_assert!(cut.is_err());
    }

    #[test]
    fn valid_configs_round_trip_through_every_encoding(config in valid_config()) {
        let sealer = sealer();
        prop_assert_eq!(&UserConfig::decode(&config.encode(None), None).expect("base64url"), &config);
        let sealed = config.encode(Some(&sealer));
        prop_assert_eq!(&UserConfig::decode(&sealed, Some(&sealer)).expect("sealed"), &config);
        prop_assert_eq!(UserConfig::decode(&sealed, None), Err(ConfigError::SealingDisabled));
        let json = serde_json::to_string(&config).expect("serialises");
        let sdk = utf8_percent_encode(&json, NON_ALPHANUMERIC).to_string();
        if sdk.len() <= MAX_CONFIG_BYTES {
            prop_assert_eq!(&UserConfig::decode(&sdk, None).expect("percent-encoded"), &config);
        }
    }

    /// A token pasted into the wrong field is refused without being repeated: error messages
    /// end up in answers and logs.
    #[test]
    fn a_misplaced_token_never_appears_in_the_error(
        token in "[A-Za-z0-9]{24,60}",
        field in prop::sample::select(vec![
            "v", "sources", "excludeQualities", "maxSizeGb", "sort", "limitPerQuality",
            "maxResults", "excludeKeywords", "cachedOnly", "showDownloadLinks", "catalogs",
        ]),
        in_list in any::<bool>(),
    ) {
        let value = if in_list { json!([token]) } else { json!(token) };
        let json = json!({ field: value }).to_string();
        match UserConfig::decode(&URL_SAFE_NO_PAD.encode(&json), None) {
            // Only a keyword list may hold it, and then it is a keyword, not an error.
            Ok(config) => prop_assert_eq!(config.exclude_keywords, vec![token]),
            Err(error) => prop_assert!(!error.to_string().contains(&token), "{error}"),
        }
    }

    #[test]
    fn any_stream_id_is_parsed_or_refused_and_what_parses_prints_back(
        kind in prop_oneof![Just("movie".to_owned()), Just("series".to_owned()), any::<String>()],
        id in prop_oneof![
            "tt[0-9]{0,12}(:[0-9]{0,11}){0,3}",
            "tt[0-9]{1,10}:[+-]?[0-9]{1,3}:[0-9]{1,3}",
            any::<String>(),
        ],
    ) {
        if let Ok(video) = VideoId::parse(&kind, &id) {
            prop_assert!(video.imdb().as_str().starts_with("tt"));
            prop_assert_eq!(VideoId::parse(&kind, &video.to_string()), Ok(video));
        }
    }

    #[test]
    fn well_formed_ids_are_accepted(digits in "[0-9]{1,10}", season in any::<u32>(), episode in any::<u32>()) {
        let movie = VideoId::parse("movie", &format!("tt{digits}")).expect("a movie id");
        prop_assert_eq!(movie.imdb().as_str(), format!("tt{digits}"));
        let id = format!("tt{digits}:{season}:{episode}");
        let parsed = VideoId::parse("series", &id);
        let is_episode = matches!(
            parsed,
            Ok(VideoId::Episode { season: s, episode: e, .. }) if s == season && e == episode
        );
        prop_assert!(is_episode, "{parsed:?}");
    }

    #[test]
    fn any_extra_is_parsed_or_refused(raw in any::<String>(), skip in any::<u64>(), search in any::<String>()) {
        let _ = Extra::parse(&raw);
        let parsed = Extra::parse(&format!("skip={skip}"));
        match u32::try_from(skip) {
            Ok(small) => prop_assert_eq!(parsed.map(|e| e.skip), Ok(small)),
            Err(_) => prop_assert!(matches!(parsed, Err(RequestError::Malformed(_)))),
        }
        let encoded: String = url::form_urlencoded::byte_serialize(search.as_bytes()).collect();
        let extra = Extra::parse(&format!("search={encoded}&genre=Drama")).expect("no skip");
        let trimmed = search.trim();
        prop_assert_eq!(extra.search.as_deref(), (!trimmed.is_empty()).then_some(trimmed));
        prop_assert_eq!(extra.genre.as_deref(), Some("Drama"));
    }

    #[test]
    fn any_file_selector_is_parsed_or_refused_and_prints_back(segment in prop_oneof![
        "-|[0-9]{1,11}|s[0-9]{1,11}e[0-9]{1,11}",
        any::<String>(),
    ]) {
        if let Some(selector) = FileSelector::parse(&segment) {
            prop_assert_eq!(FileSelector::parse(&selector.to_string()), Some(selector));
        }
    }

    #[test]
    fn any_json_is_read_as_yts_or_real_debrid_or_refused(value in json_value(), text in any::<String>()) {
        for hash in [
            serde_json::from_value::<InfoHash>(value.clone()).ok(),
            serde_json::from_str::<InfoHash>(&text).ok(),
        ].into_iter().flatten() {
            prop_assert!(hash.as_str().len() == 40);
            prop_assert!(hash.as_str().bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        }
        for movie in [
            serde_json::from_value::<YtsMovie>(value.clone()).ok(),
            serde_json::from_str::<YtsMovie>(&text).ok(),
        ].into_iter().flatten() {
            prop_assert!(movie.torrents.iter().all(|t| t.hash.as_str().len() == 40));
        }
        let _ = serde_json::from_value::<YtsTorrent>(value.clone());
        let _ = serde_json::from_value::<TorrentInfo>(value.clone());
        let _ = serde_json::from_value::<Vec<TorrentSummary>>(value.clone());
        let _ = serde_json::from_value::<Added>(value.clone());
        let _ = serde_json::from_value::<Unrestricted>(value.clone());
        let _ = serde_json::from_str::<TorrentInfo>(&text);
        let body = serde_json::from_value::<ErrorBody>(value).ok();
        let status = 100 + (text.len() as u16 % 500);
        prop_assert!(!RdError::from_response(status, body, Some(Duration::from_secs(1))).outcome().is_empty());
    }

    /// YTS drops a malformed torrent, not the movie: the good ones are kept, in order.
    #[test]
    fn yts_keeps_the_good_torrents_among_bad_ones(
        good in prop::collection::vec(("[0-9a-fA-F]{40}", prop::sample::select(vec!["720p", "1080p", "2160p"])), 0..5),
        // Scalars only: serde also reads a struct from an array of its fields in order.
        bad in prop::collection::vec(json_value().prop_filter("a scalar", |v| !v.is_object() && !v.is_array()), 0..5),
        interleave in any::<u64>(),
    ) {
        let mut torrents: Vec<Value> = good.iter().map(|(hash, quality)| json!({"hash": hash, "quality": quality})).collect();
        for (i, item) in bad.into_iter().enumerate() {
            let at = (interleave as usize).wrapping_add(i) % (torrents.len() + 1);
            torrents.insert(at, item);
        }
        let movie: YtsMovie = serde_json::from_value(json!({
            "imdb_code": "tt0133093", "title": "The Matrix", "torrents": torrents,
        })).expect("the movie parses whatever its torrents");
        let kept: Vec<String> = movie.torrents.iter().map(|t| t.hash.as_str().to_owned()).collect();
        let expected: Vec<String> = good.iter().map(|(hash, _)| hash.to_ascii_lowercase()).collect();
        prop_assert_eq!(kept, expected);
    }
}

mod end_to_end {
    //! DMM's and Torrentio's answers are parsed inside private modules: arbitrary content is
    //! served by the fakes to a running Ferrio instead.

    use super::*;
    use crate::common::{TestApp, spawn_app};
    use ferrio_fakes::{
        DmmResult, TorrentioStream, YtsMovie as FakeMovie, YtsTorrent as FakeTorrent,
    };
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// One runtime and one app for every case: the server task must outlive each case.
    fn app() -> &'static (tokio::runtime::Runtime, TestApp) {
        static APP: OnceLock<(tokio::runtime::Runtime, TestApp)> = OnceLock::new();
        APP.get_or_init(|| {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            let app = runtime.block_on(spawn_app());
            (runtime, app)
        })
    }

    /// A title no earlier case used, so nothing is served from cache.
    fn fresh_id() -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        format!("tt95{:05}", NEXT.fetch_add(1, Ordering::SeqCst))
    }

    /// Torrentio stream objects: mostly its real shape with arbitrary values, sometimes anything.
    fn torrentio_stream() -> impl Strategy<Value = Value> {
        let shaped = (
            any::<String>(),
            any::<String>(),
            prop_oneof!["[0-9a-f]{40}", any::<String>()],
            prop::option::of(any::<i64>()),
            prop::option::of(any::<String>()),
        )
            .prop_map(|(name, title, hash, file_idx, filename)| {
                json!({
                    "name": name, "title": title, "infoHash": hash, "fileIdx": file_idx,
                    "behaviorHints": {"filename": filename, "bingeGroup": "torrentio|x"},
                })
            });
        prop_oneof![4 => shaped, 1 => json_value()]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn arbitrary_upstream_releases_still_make_a_well_formed_answer(
            dmm_titles in prop::collection::vec((any::<String>(), 0.0f64..1e9), 0..6),
            yts_title in any::<String>(),
            yts_quality in prop_oneof![Just("1080p".to_owned()), any::<String>()],
            streams in prop::collection::vec(torrentio_stream(), 0..6),
            release_name in any::<String>(),
        ) {
            let (runtime, app) = app();
            let id = fresh_id();
            let results = dmm_titles
                .iter()
                .enumerate()
                .map(|(i, (title, mb))| DmmResult::new(format!("{:040x}", i + 1), title.clone(), *mb))
                .collect();
            app.fakes.dmm.put_movie(&id, results);
            app.fakes.yts.put_movie(
                FakeMovie::new(9_000_000, &id, &yts_title, 2020)
                    .with_torrent(FakeTorrent::new(&format!("{:040x}", 99), &yts_quality, "web", 1, 1)),
            );
            let mut streams = streams;
            streams.push(TorrentioStream::new(&release_name, &format!("{:040x}", 7), "1337x").to_json());
            app.fakes.torrentio.put_streams(&id, streams);

            let (status, body) = runtime.block_on(async {
                let response = app.get(&format!("/stream/movie/{id}.json")).await;
                let status = response.status().as_u16();
                (status, response.json::<Value>().await.expect("a JSON body"))
            });
            prop_assert_eq!(status, 200, "{}", body);
            let answered = body["streams"].as_array().expect("a streams list");
            for stream in answered {
                let hash = stream["infoHash"].as_str().unwrap_or_default();
                let playable = InfoHash::parse(hash).is_some() || stream["url"].is_string();
                prop_assert!(playable, "{stream}");
                prop_assert!(stream["name"].is_string(), "{stream}");
            }
        }
    }
}
