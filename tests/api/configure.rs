//! The configure page: rendering, prefilling from the URL's config, turning the form into an
//! install URL (plain and sealed), refusing invalid forms, and the `/` redirect.

use ferrio::protocol::config::{CatalogId, DebridToken, Quality, SortOrder, SourceId, UserConfig};
use ferrio::protocol::seal::Sealer;
use secrecy::SecretString;
use std::collections::BTreeSet;

const TOKEN: &str = "FAKETOKENabc123XYZ456";
const SECRET: &str = "configure-test-secret-of-at-least-32-bytes";

/// A config far from the defaults in every field.
fn chosen_config() -> UserConfig {
    UserConfig {
        sources: BTreeSet::from([SourceId::Dmm, SourceId::Yts]),
        realdebrid: Some(DebridToken::from(TOKEN.to_owned())),
        exclude_qualities: BTreeSet::from([Quality::Cam, Quality::Sd]),
        max_size_gb: Some(8.5),
        sort: SortOrder::Seeders,
        limit_per_quality: Some(3),
        max_results: 25,
        exclude_keywords: vec!["hdcam".into(), "line audio".into()],
        cached_only: true,
        show_download_links: false,
        // The form shows no discovery section without TMDB: those catalogs keep their default.
        catalogs: [CatalogId::Popular, CatalogId::Search]
            .into_iter()
            .chain(CatalogId::DISCOVERY)
            .collect(),
        target_quality: Some(Quality::Hd1080),
        min_quality: Some(Quality::Hd720),
        max_quality: Some(Quality::Uhd2160),
        min_size_gb_by_quality: [(Quality::Uhd2160, 8.0)].into(),
        cached_first: Some(false),
        ..UserConfig::default()
    }
}

/// The form a browser sends for [`chosen_config`]: unticked boxes are absent.
fn chosen_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("sources", "dmm"),
        ("sources", "yts"),
        ("realdebrid", TOKEN),
        ("excludeQualities", "cam"),
        ("excludeQualities", "480p"),
        ("maxSizeGb", "8.5"),
        ("sort", "seeders"),
        ("limitPerQuality", "3"),
        ("maxResults", "25"),
        ("excludeKeywords", " hdcam , line audio ,"),
        ("cachedOnly", "on"),
        ("catalogs", "yts-popular"),
        ("catalogs", "yts-search"),
        ("qualityOrder", "1080p"),
        ("preferredQualities", ""),
        ("targetQuality", ""),
        ("minQuality", "720p"),
        ("lowerUntilBetter", "on"),
        ("maxQuality", "2160p"),
        ("minSizeGbByQuality", " 2160p : 8 "),
        ("cachedFirst", "off"),
        ("cleanFailed", "on"),
    ]
}

/// Asserts the headers every configure page carries, and returns the body.
async fn page(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status().as_u16(), status);
    let headers = response.headers();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    response.text().await.expect("body")
}

/// The whole start tag (`<input …>`, `<option …>`, `<a …>`) containing `needle`.
fn tag<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in page"));
    let start = html[..at].rfind('<').expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    &html[start..=end]
}

fn is_checked(html: &str, id: &str) -> bool {
    tag(html, &format!("id=\"{id}\"")).contains(" checked")
}

/// The value of the `value` attribute of the element with this id, unescaped.
fn value_of(html: &str, id: &str) -> String {
    let tag = tag(html, &format!("id=\"{id}\""));
    let start = tag.find("value=\"").expect("has a value") + "value=\"".len();
    let end = start + tag[start..].find('"').expect("value ends");
    unescape(&tag[start..end])
}

fn href_of(html: &str, id: &str) -> String {
    let tag = tag(html, &format!("id=\"{id}\""));
    let start = tag.find("href=\"").expect("has an href") + "href=\"".len();
    let end = start + tag[start..].find('"').expect("href ends");
    unescape(&tag[start..end])
}

fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// The config segment of a manifest URL `{base}/{segment}/manifest.json`.
fn segment_of(manifest_url: &str) -> &str {
    manifest_url
        .strip_suffix("/manifest.json")
        .and_then(|rest| rest.rsplit('/').next())
        .expect("a manifest URL")
}

#[tokio::test]
async fn the_page_has_a_field_for_every_setting() {
    let app = crate::common::spawn_app().await;
    let html = page(app.get("/configure").await, 200).await;

    for source in SourceId::ALL {
        let id = format!("sources-{}", source.as_str());
        assert!(is_checked(&html, &id), "{id} is ticked by default");
        assert!(tag(&html, &format!("id=\"{id}\"")).contains("name=\"sources\""));
    }
    for quality in Quality::BEST_FIRST {
        let id = format!("excludeQualities-{}", quality.as_str());
        assert!(!is_checked(&html, &id), "{id} is not excluded by default");
        assert_eq!(value_of(&html, &id), quality.as_str());
    }
    for order in SortOrder::ALL {
        let option = tag(&html, &format!("<option value=\"{}\"", order.as_str()));
        assert_eq!(option.contains("selected"), order == SortOrder::default());
    }
    for catalog in CatalogId::YTS {
        let id = format!("catalogs-{}", catalog.as_str());
        assert!(is_checked(&html, &id), "{id} is on by default");
        assert_eq!(value_of(&html, &id), catalog.as_str());
    }
    assert!(tag(&html, "id=\"realdebrid\"").contains("type=\"password\""));
    assert!(html.contains("id=\"toggle-token\""), "a show toggle");
    assert_eq!(value_of(&html, "realdebrid"), "");
    assert_eq!(value_of(&html, "maxSizeGb"), "");
    assert_eq!(value_of(&html, "limitPerQuality"), "");
    assert_eq!(value_of(&html, "maxResults"), "50");
    assert_eq!(value_of(&html, "excludeKeywords"), "");
    assert!(!is_checked(&html, "cachedOnly"));
    assert!(is_checked(&html, "showDownloadLinks"));
    assert!(tag(&html, "<form").contains("method=\"post\" action=\"/configure\""));

    // Explains itself, says the URL is not sealed here, and has no result yet.
    assert!(html.matches("class=\"hint\"").count() >= 10);
    assert!(html.contains("does not seal install URLs"));
    assert!(!html.contains("id=\"manifest-url\""));
    assert!(!html.contains("id=\"error\""));

    // Self-contained: nothing is loaded from elsewhere.
    for external in ["<link", "src=", "@import", "url(", "http://", "https://"] {
        assert!(!html.contains(external), "page loads {external}");
    }
}

/// Every config field has a form field of the same name, so saving a reopened form cannot
/// silently reset a setting the page does not know about.
#[tokio::test]
async fn every_config_field_is_on_the_form() {
    let app = with_discovery().await;
    let html = page(app.get("/configure").await, 200).await;
    let fields = serde_json::to_value(chosen_config()).expect("serialises");
    for name in fields.as_object().expect("an object").keys() {
        if name != "v" {
            assert!(
                html.contains(&format!("name=\"{name}\"")),
                "the configure page has no field `{name}`"
            );
        }
    }
}

#[tokio::test]
async fn the_page_is_prefilled_from_the_url_config() {
    let app = crate::common::spawn_app().await;
    let segment = chosen_config().encode(None);
    let html = page(app.get(&format!("/{segment}/configure")).await, 200).await;

    assert!(is_checked(&html, "sources-dmm"));
    assert!(is_checked(&html, "sources-yts"));
    assert!(!is_checked(&html, "sources-torrentio"));
    for quality in Quality::BEST_FIRST {
        let id = format!("excludeQualities-{}", quality.as_str());
        let excluded = matches!(quality, Quality::Cam | Quality::Sd);
        assert_eq!(is_checked(&html, &id), excluded, "{id}");
    }
    assert!(tag(&html, "<option value=\"seeders\"").contains(" selected"));
    assert!(!tag(&html, "<option value=\"quality\"").contains(" selected"));
    assert_eq!(value_of(&html, "realdebrid"), TOKEN);
    assert_eq!(value_of(&html, "maxSizeGb"), "8.5");
    assert_eq!(value_of(&html, "limitPerQuality"), "3");
    assert_eq!(value_of(&html, "maxResults"), "25");
    assert_eq!(value_of(&html, "excludeKeywords"), "hdcam, line audio");
    assert!(is_checked(&html, "cachedOnly"));
    assert!(!is_checked(&html, "showDownloadLinks"));
    assert!(is_checked(&html, "catalogs-yts-popular"));
    assert!(!is_checked(&html, "catalogs-yts-latest"));
    assert!(!is_checked(&html, "catalogs-yts-top-rated"));
    assert!(is_checked(&html, "catalogs-yts-search"));

    // The SDK's percent-encoded JSON works too.
    let html = page(
        app.get("/%7B%22sort%22%3A%22size%22%7D/configure").await,
        200,
    )
    .await;
    assert!(tag(&html, "<option value=\"size\"").contains(" selected"));
}

#[tokio::test]
async fn a_bad_url_config_is_the_usual_json_400() {
    let app = crate::common::spawn_app().await;
    let response = app.get("/not-a-config/configure").await;
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert!(body["error"].as_str().expect("message").contains("config"));
}

#[tokio::test]
async fn posting_the_form_gives_an_install_url_for_exactly_that_config() {
    let app = crate::common::spawn_app().await;
    let html = page(app.submit_configure(&chosen_form()).await, 200).await;

    let manifest_url = value_of(&html, "manifest-url");
    let base = format!("{}/", app.address);
    assert!(manifest_url.starts_with(&base), "{manifest_url}");
    let segment = segment_of(&manifest_url);
    assert_eq!(
        UserConfig::decode(segment, None).expect("decodes"),
        chosen_config()
    );
    let host = app.address.trim_start_matches("http://");
    assert_eq!(
        href_of(&html, "install-link"),
        format!("stremio://{host}/{segment}/manifest.json")
    );
    assert!(html.contains("id=\"copy\""));
    assert!(html.contains("navigator.clipboard"));

    // The page shows what was saved, and the URL really serves the configured manifest.
    assert!(!is_checked(&html, "sources-torrentio"));
    assert_eq!(value_of(&html, "excludeKeywords"), "hdcam, line audio");
    let manifest = app
        .get_json(&format!("/{segment}/manifest.json"), 200)
        .await;
    assert_eq!(manifest["name"], "Ferrio RD");
}

#[tokio::test]
async fn the_default_form_gives_the_default_config() {
    let app = crate::common::spawn_app().await;
    let form = [
        ("sources", "dmm"),
        ("sources", "yts"),
        ("sources", "torrentio"),
        ("realdebrid", ""),
        ("maxSizeGb", ""),
        ("sort", "quality"),
        ("limitPerQuality", ""),
        ("maxResults", "50"),
        ("excludeKeywords", ""),
        ("showDownloadLinks", "on"),
        ("catalogs", "yts-popular"),
        ("catalogs", "yts-latest"),
        ("catalogs", "yts-top-rated"),
        ("catalogs", "yts-search"),
        ("qualityOrder", "best"),
        ("preferredQualities", ""),
        ("targetQuality", ""),
        ("minQuality", ""),
        ("lowerUntilBetter", "on"),
        ("maxQuality", ""),
        ("minSizeGbByQuality", ""),
        ("cachedFirst", ""),
        ("cleanFailed", "on"),
    ];
    let html = page(app.submit_configure(&form).await, 200).await;
    let manifest_url = value_of(&html, "manifest-url");
    let config = UserConfig::decode(segment_of(&manifest_url), None).expect("decodes");
    assert_eq!(config, UserConfig::default());
}

#[tokio::test]
async fn with_a_config_secret_the_install_url_is_sealed() {
    let app = crate::common::spawn_app_with(|env| {
        env.insert("CONFIG_SECRET".into(), SECRET.into());
    })
    .await;
    let html = page(app.submit_configure(&chosen_form()).await, 200).await;
    assert!(html.contains("This server seals install URLs"));

    let manifest_url = value_of(&html, "manifest-url");
    let segment = segment_of(&manifest_url);
    assert!(segment.starts_with("s."), "{segment}");
    assert!(!manifest_url.contains(TOKEN));
    assert!(!href_of(&html, "install-link").contains(TOKEN));
    assert!(
        UserConfig::decode(segment, None).is_err(),
        "needs the secret"
    );
    let sealer = Sealer::new(&SecretString::from(SECRET.to_owned()));
    assert_eq!(
        UserConfig::decode(segment, Some(&sealer)).expect("opens"),
        chosen_config()
    );

    // The page that answers the POST does not show the token either.
    assert!(!html.contains(TOKEN), "the token is shown after saving");

    // The server opens its own sealed URL, for the manifest and for the configure page.
    let manifest = app
        .get_json(&format!("/{segment}/manifest.json"), 200)
        .await;
    assert_eq!(manifest["name"], "Ferrio RD");
    let html = page(app.get(&format!("/{segment}/configure")).await, 200).await;
    assert!(tag(&html, "<option value=\"seeders\"").contains(" selected"));
    assert!(!is_checked(&html, "sources-torrentio"));
}

/// A sealed URL is meant to be shareable without revealing the token, and anyone holding it
/// can open its configure page: the page keeps the token sealed instead of showing it.
#[tokio::test]
async fn with_a_config_secret_the_page_never_shows_a_saved_token() {
    let app = crate::common::spawn_app_with(|env| {
        env.insert("CONFIG_SECRET".into(), SECRET.into());
    })
    .await;
    let sealer = Sealer::new(&SecretString::from(SECRET.to_owned()));
    let segment = chosen_config().encode(Some(&sealer));
    let html = page(app.get(&format!("/{segment}/configure")).await, 200).await;
    assert!(!html.contains(TOKEN), "the saved token is in the page");
    assert_eq!(value_of(&html, "realdebrid"), "");
    assert!(html.contains("id=\"token-kept\""));
    let kept = value_of(&html, "kept-token");
    assert!(kept.starts_with("s.") && !kept.contains(TOKEN));

    // The reopened form, submitted as it is, keeps the token.
    let resubmit = |extra: Vec<(&'static str, String)>| {
        let mut form: Vec<(&str, String)> = chosen_form()
            .into_iter()
            .filter(|(name, _)| *name != "realdebrid")
            .map(|(name, value)| (name, value.to_owned()))
            .collect();
        form.push(("realdebrid", String::new()));
        form.extend(extra);
        form
    };
    let form = resubmit(vec![("keptToken", kept.clone())]);
    let html = page(app.submit_configure(&form).await, 200).await;
    assert!(!html.contains(TOKEN));
    let saved = segment_of(&value_of(&html, "manifest-url")).to_owned();
    assert_eq!(
        UserConfig::decode(&saved, Some(&sealer)).expect("opens"),
        chosen_config()
    );

    // "Remove the saved token" drops it.
    let form = resubmit(vec![
        ("keptToken", kept.clone()),
        ("removeToken", "on".into()),
    ]);
    let html = page(app.submit_configure(&form).await, 200).await;
    let saved = segment_of(&value_of(&html, "manifest-url")).to_owned();
    let config = UserConfig::decode(&saved, Some(&sealer)).expect("opens");
    assert_eq!(config.realdebrid, None);

    // Only a config this server sealed can lend its token.
    let form = resubmit(vec![("keptToken", chosen_config().encode(None))]);
    let html = page(app.submit_configure(&form).await, 400).await;
    assert!(html.contains("type them again"), "{html}");
}

#[tokio::test]
async fn without_a_config_secret_the_token_is_prefilled_and_nothing_is_kept() {
    let app = crate::common::spawn_app().await;
    let html = page(app.submit_configure(&chosen_form()).await, 200).await;
    assert_eq!(value_of(&html, "realdebrid"), TOKEN);
    assert!(!html.contains("keptToken"));
}

#[tokio::test]
async fn an_invalid_form_is_shown_back_with_the_error_and_400() {
    let app = crate::common::spawn_app().await;

    // No source ticked.
    let form = [("maxSizeGb", "12"), ("sort", "size"), ("realdebrid", TOKEN)];
    let html = page(app.submit_configure(&form).await, 400).await;
    let error = tag(&html, "id=\"error\"");
    assert!(error.contains("role=\"alert\""));
    assert!(html.contains("choose at least one source"), "{html}");
    assert!(!html.contains("id=\"manifest-url\""));
    // What was typed is kept.
    assert_eq!(value_of(&html, "maxSizeGb"), "12");
    assert!(tag(&html, "<option value=\"size\"").contains(" selected"));
    assert!(!is_checked(&html, "sources-dmm"));

    // Out of range, not a number, a malformed token (never repeated in the error).
    for (field, value, message) in [
        (
            "maxResults",
            "900",
            "field `maxResults`: expected a number from 1 to 500",
        ),
        ("maxSizeGb", "lots", "field `maxSizeGb`: expected a number"),
        (
            "limitPerQuality",
            "0",
            "field `limitPerQuality`: expected a number above 0",
        ),
        ("realdebrid", "not-a-token!", "field `realdebrid`"),
        ("sort", "random", "field `sort`"),
        ("excludeQualities", "8k", "field `excludeQualities"),
    ] {
        let form = [("sources", "yts"), (field, value)];
        let html = page(app.submit_configure(&form).await, 400).await;
        let at = html.find("id=\"error\"").expect("error shown");
        let shown = &html[at..at + html[at..].find("</p>").expect("error ends")];
        assert!(shown.contains(message), "{field}: {shown}");
        if value.len() > 3 {
            assert!(
                !shown.contains(value),
                "{field}: the error repeats the value"
            );
        }
    }

    // Not a form at all.
    let response = app
        .client
        .post(format!("{}/configure", app.address))
        .json(&serde_json::json!({"sources": ["yts"]}))
        .send()
        .await
        .expect("request reaches the app");
    let html = page(response, 400).await;
    assert!(html.contains("application/x-www-form-urlencoded"));
}

#[tokio::test]
async fn the_root_redirects_to_the_configure_page() {
    let app = crate::common::spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status().as_u16(), 302);
    assert_eq!(response.headers()["location"], "/configure");
}

/// Ferrio with TMDB, Trakt and Watchmode keys.
async fn with_discovery() -> crate::common::TestApp {
    let fakes = ferrio_fakes::Fakes::start().await;
    let keys = ferrio_fakes::Fakes::discovery_keys();
    crate::common::spawn_app_on(fakes, |env| {
        for (name, value) in keys {
            env.insert(name.to_owned(), value);
        }
        env.insert("CONFIG_SECRET".into(), SECRET.into());
        env.insert("PREWARM_TOP_N".into(), "0".into());
    })
    .await
}

#[tokio::test]
async fn the_discovery_section_offers_the_region_and_its_services_and_keeps_keys_sealed() {
    let plain = crate::common::spawn_app().await;
    let html = page(plain.get("/configure").await, 200).await;
    assert!(!html.contains("id=\"discovery\"") && !html.contains("catalogs-trending"));

    let app = with_discovery().await;
    let html = page(app.get("/configure").await, 200).await;
    assert!(
        tag(&html, "<option value=\"US\"").contains(" selected"),
        "the server's region"
    );
    let services: Vec<&str> = html
        .match_indices("id=\"service-")
        .map(|(at, _)| &html[at + 12..at + 12 + html[at + 12..].find('"').unwrap_or(0)])
        .collect();
    assert_eq!(services[..3], ["8", "9", "337"], "TMDB's display priority");
    assert!(is_checked(&html, "whereToWatch-mine"));
    assert!(is_checked(&html, "catalogs-trending"));
    assert!(
        html.contains("cannot open such rows"),
        "the TV apps warning"
    );

    const KEY: &str = "PERSONALTMDBKEYCONFIGURE01";
    let form = vec![
        ("sources", "dmm".to_owned()),
        ("discoveryShown", "1".to_owned()),
        ("region", "GB".to_owned()),
        ("myServices", "8".to_owned()),
        ("myServices", "337".to_owned()),
        ("whereToWatch", "all".to_owned()),
        ("tmdbKey", KEY.to_owned()),
        ("catalogs", "trending".to_owned()),
    ];
    let html = page(app.submit_configure(&form).await, 200).await;
    assert!(
        !html.contains(KEY),
        "a saved key is never written into the page"
    );
    let sealer = Sealer::new(&SecretString::from(SECRET.to_owned()));
    let segment = segment_of(&value_of(&html, "manifest-url")).to_owned();
    let config = UserConfig::decode(&segment, Some(&sealer)).expect("opens");
    assert_eq!(config.discovery.region.as_deref(), Some("GB"));
    assert_eq!(config.discovery.my_services, [8, 337]);
    assert_eq!(
        config.discovery.tmdb_key.as_ref().map(|k| k.expose()),
        Some(KEY)
    );
    assert_eq!(config.catalogs, BTreeSet::from([CatalogId::Trending]));
    assert!(tag(&html, "<option value=\"GB\"").contains(" selected"));
    // Saved again with the key field empty, the sealed key is kept.
    let kept = value_of(&html, "kept-token");
    let mut again: Vec<(&str, String)> = form
        .into_iter()
        .filter(|(name, _)| *name != "tmdbKey")
        .collect();
    again.push(("keptToken", kept));
    let html = page(app.submit_configure(&again).await, 200).await;
    let segment = segment_of(&value_of(&html, "manifest-url")).to_owned();
    let config = UserConfig::decode(&segment, Some(&sealer)).expect("opens");
    assert_eq!(
        config.discovery.tmdb_key.as_ref().map(|k| k.expose()),
        Some(KEY)
    );
}

#[tokio::test]
async fn an_odd_region_asks_tmdb_nothing_and_keys_nothing() {
    let redis = crate::common::redis::RedisServer::start().await;
    let fakes = ferrio_fakes::Fakes::start().await;
    let keys = ferrio_fakes::Fakes::discovery_keys();
    let url = redis.url();
    let app = crate::common::spawn_app_on(fakes, move |env| {
        for (name, value) in keys {
            env.insert(name.to_owned(), value);
        }
        env.insert("REDIS_URL".into(), url);
        env.insert("CONFIG_SECRET".into(), SECRET.into());
        env.insert("PREWARM_TOP_N".into(), "0".into());
    })
    .await;
    // The server's region, once: what any page shows is then cached.
    page(app.get("/configure").await, 200).await;
    let before = app.fakes.tmdb.calls();
    for region in [
        "Z".repeat(20_000),
        "ZZ".to_owned(),
        "us".to_owned(),
        "U\u{e9}".to_owned(),
    ] {
        let form = vec![
            ("sources", "dmm".to_owned()),
            ("discoveryShown", "1".to_owned()),
            ("region", region),
        ];
        let response = app.submit_configure(&form).await;
        let status = response.status().as_u16();
        let html = response.text().await.expect("a body");
        // Refused as a config, or shown with the server's region: never used.
        assert!(
            status == 400 || tag(&html, "<option value=\"US\"").contains(" selected"),
            "{status}"
        );
    }
    assert_eq!(
        app.fakes.tmdb.calls(),
        before,
        "no TMDB call for an odd region"
    );
    for (key, _) in redis.dump().await {
        assert!(key.len() < 1024, "{} bytes: {}", key.len(), &key[..80]);
        assert!(!key.contains("ZZ"), "{key}");
    }
}
