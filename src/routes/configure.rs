//! The configure page: `GET /configure`, `GET /{config}/configure` (prefilled from the URL's
//! config, which is where Stremio's "Configure" button lands) and `POST /configure`, which turns
//! the form into an install URL. `GET /` redirects to the page.
//!
//! One self-contained HTML page rendered with askama (`templates/configure.html`): inline CSS,
//! a small inline script for the Copy and Show buttons, and it works with JavaScript off.
//!
//! The page carries the user's Real-Debrid token, so every answer is `no-store`, sends no
//! referrer, cannot be framed, and nothing here logs the form or the URL.
//!
//! When the server seals configs (`CONFIG_SECRET`), the page never shows a saved token: a
//! sealed install URL is meant to be shareable without revealing the token, and anyone holding
//! it can open `/{config}/configure`. The form instead carries the token sealed in a hidden
//! field, and an empty token field on submit keeps it.

use super::user_config::RequestConfig;
use crate::{
    error::ApiError,
    protocol::{
        config::{
            CONFIG_VERSION, CatalogId, ConfigError, Quality, SortOrder, SourceId, UserConfig,
        },
        seal::{SEALED_PREFIX, Sealer},
    },
    state::AppState,
};
use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use askama::Template;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// The page's own policy: nothing is loaded from anywhere, the form posts only here, and no
/// other site may frame the page (it shows the token).
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     script-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

/// `GET /`: the configure page is the landing page.
pub async fn root() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/configure"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// `GET /configure` and `GET /{config}/configure`: the form, prefilled with the URL's config or
/// the defaults. A config that does not decode is refused by [`RequestConfig`] with the usual
/// JSON 400.
pub async fn page(
    request: HttpRequest,
    state: web::Data<AppState>,
    config: RequestConfig,
) -> Result<HttpResponse, ApiError> {
    let form = FormState::shown(&config.or_default(), state.sealer.as_ref());
    render(&request, &state, StatusCode::OK, &form, Outcome::Blank)
}

/// `POST /configure` (`application/x-www-form-urlencoded`): validates the form through
/// [`UserConfig::from_json`], the one place configs are validated, and answers the page again
/// with the install URL, or with the error and status 400.
pub async fn submit(
    request: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        let form = FormState::shown(&UserConfig::default(), None);
        let error = "the form must be posted as application/x-www-form-urlencoded".to_owned();
        return render(
            &request,
            &state,
            StatusCode::BAD_REQUEST,
            &form,
            Outcome::Invalid(error),
        );
    }
    let form = FormState::from_urlencoded(&body);
    match form.to_config(state.sealer.as_ref()) {
        Ok(config) => {
            let encoded = config.encode(state.sealer.as_ref());
            let manifest_url = format!("{}/{encoded}/manifest.json", state.base_url(&request));
            render(
                &request,
                &state,
                StatusCode::OK,
                // Re-read from the config so the page shows what was saved (trimmed keywords,
                // normalised numbers), exactly as `/{config}/configure` would.
                &FormState::shown(&config, state.sealer.as_ref()),
                Outcome::Saved(Install::new(manifest_url)),
            )
        }
        Err(error) => render(
            &request,
            &state,
            StatusCode::BAD_REQUEST,
            &form,
            Outcome::Invalid(error),
        ),
    }
}

/// What the page shows below the form.
enum Outcome {
    /// Nothing yet: the form was just opened.
    Blank,
    /// The form was valid: the URLs to install it.
    Saved(Install),
    /// The form was invalid: why.
    Invalid(String),
}

/// The two ways to install a saved config.
struct Install {
    /// `{base}/{config}/manifest.json`, for pasting into Stremio's addon search.
    manifest_url: String,
    /// The same with `stremio://` instead of `http(s)://`, which opens the app.
    install_link: String,
}

impl Install {
    fn new(manifest_url: String) -> Self {
        let without_scheme = manifest_url
            .split_once("://")
            .map_or(manifest_url.as_str(), |(_, rest)| rest);
        let install_link = format!("stremio://{without_scheme}");
        Self {
            manifest_url,
            install_link,
        }
    }
}

/// The form as the page shows it: raw strings, so an invalid submission is shown back exactly
/// as it was typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct FormState {
    sources: BTreeSet<String>,
    realdebrid: String,
    exclude_qualities: BTreeSet<String>,
    max_size_gb: String,
    sort: String,
    limit_per_quality: String,
    max_results: String,
    exclude_keywords: String,
    cached_only: bool,
    show_download_links: bool,
    catalogs: BTreeSet<String>,
    /// With sealing: the saved config, sealed, whose token an empty token field keeps.
    kept_token: String,
    /// "Remove the saved token" is ticked.
    remove_token: bool,
}

impl FormState {
    /// The form for a config, as the page may show it: with sealing on, a saved token is
    /// never written into the page, only kept sealed.
    fn shown(config: &UserConfig, sealer: Option<&Sealer>) -> Self {
        let mut form = Self::from_config(config);
        if let Some(sealer) = sealer
            && config.has_debrid()
        {
            form.realdebrid.clear();
            form.kept_token = config.encode(Some(sealer));
        }
        form
    }

    fn from_config(config: &UserConfig) -> Self {
        Self {
            sources: config
                .sources
                .iter()
                .map(|source| source.as_str().to_owned())
                .collect(),
            realdebrid: config
                .realdebrid
                .as_ref()
                .map(|token| token.expose().to_owned())
                .unwrap_or_default(),
            exclude_qualities: config
                .exclude_qualities
                .iter()
                .map(|quality| quality.as_str().to_owned())
                .collect(),
            max_size_gb: config
                .max_size_gb
                .map(|gb| gb.to_string())
                .unwrap_or_default(),
            sort: config.sort.as_str().to_owned(),
            limit_per_quality: config
                .limit_per_quality
                .map(|limit| limit.to_string())
                .unwrap_or_default(),
            max_results: config.max_results.to_string(),
            exclude_keywords: config.exclude_keywords.join(", "),
            cached_only: config.cached_only,
            show_download_links: config.show_download_links,
            catalogs: config
                .catalogs
                .iter()
                .map(|catalog| catalog.as_str().to_owned())
                .collect(),
            kept_token: String::new(),
            remove_token: false,
        }
    }

    /// Reads a form body. Checkboxes send their value only when ticked; fields the page does
    /// not have are ignored.
    fn from_urlencoded(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            let value = value.into_owned();
            match name.as_ref() {
                "sources" => {
                    form.sources.insert(value);
                }
                "excludeQualities" => {
                    form.exclude_qualities.insert(value);
                }
                "catalogs" => {
                    form.catalogs.insert(value);
                }
                "realdebrid" => form.realdebrid = value,
                "maxSizeGb" => form.max_size_gb = value,
                "sort" => form.sort = value,
                "limitPerQuality" => form.limit_per_quality = value,
                "maxResults" => form.max_results = value,
                "excludeKeywords" => form.exclude_keywords = value,
                "cachedOnly" => form.cached_only = true,
                "showDownloadLinks" => form.show_download_links = true,
                "keptToken" => form.kept_token = value,
                "removeToken" => form.remove_token = true,
                _ => {}
            }
        }
        form
    }

    /// The config JSON the form stands for, validated by [`UserConfig::from_json`]. Only the
    /// form's own conventions live here: empty means "default", keywords are comma separated,
    /// a ticked box is `true`.
    fn to_config(&self, sealer: Option<&Sealer>) -> Result<UserConfig, String> {
        let mut fields = Map::new();
        fields.insert("v".into(), json!(CONFIG_VERSION));
        fields.insert("sources".into(), json!(self.sources));
        let token = self.realdebrid.trim();
        if !token.is_empty() {
            fields.insert("realdebrid".into(), json!(token));
        } else if let Some(kept) = self.saved_token(sealer)? {
            fields.insert("realdebrid".into(), json!(kept));
        }
        fields.insert("excludeQualities".into(), json!(self.exclude_qualities));
        for (name, raw) in [
            ("maxSizeGb", &self.max_size_gb),
            ("limitPerQuality", &self.limit_per_quality),
            ("maxResults", &self.max_results),
        ] {
            if let Some(number) = number(name, raw)? {
                fields.insert(name.into(), number);
            }
        }
        let sort = self.sort.trim();
        if !sort.is_empty() {
            fields.insert("sort".into(), json!(sort));
        }
        let keywords: Vec<&str> = self
            .exclude_keywords
            .split(',')
            .map(str::trim)
            .filter(|keyword| !keyword.is_empty())
            .collect();
        fields.insert("excludeKeywords".into(), json!(keywords));
        fields.insert("cachedOnly".into(), json!(self.cached_only));
        fields.insert("showDownloadLinks".into(), json!(self.show_download_links));
        fields.insert("catalogs".into(), json!(self.catalogs));
        let json = Value::Object(fields).to_string();
        UserConfig::from_json(json.as_bytes()).map_err(|error| match error {
            // On the form, "config is not valid" says nothing: the field and reason do.
            ConfigError::Invalid(message) => message,
            error => error.to_string(),
        })
    }

    /// The saved token the form keeps, if any: only from a sealed config this server opens.
    fn saved_token(&self, sealer: Option<&Sealer>) -> Result<Option<String>, String> {
        if self.remove_token || self.kept_token.is_empty() {
            return Ok(None);
        }
        let lost =
            || "the saved Real-Debrid token could not be recovered: type it again".to_owned();
        if !self.kept_token.starts_with(SEALED_PREFIX) {
            return Err(lost());
        }
        let saved = UserConfig::decode(&self.kept_token, sealer).map_err(|_| lost())?;
        Ok(saved.realdebrid.map(|token| token.expose().to_owned()))
    }
}

/// A number field: empty is `None` (the default applies); anything else must be a number, and
/// its range is checked by [`UserConfig::from_json`].
fn number(name: &str, raw: &str) -> Result<Option<Value>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<serde_json::Number>()
        .map(|number| Some(Value::Number(number)))
        .map_err(|_| format!("field `{name}`: expected a number"))
}

/// One checkbox or select option.
struct Choice {
    value: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "configure.html")]
struct ConfigurePage<'a> {
    form: &'a FormState,
    sources: Vec<Choice>,
    qualities: Vec<Choice>,
    sorts: Vec<Choice>,
    catalogs: Vec<Choice>,
    /// The server has `CONFIG_SECRET`: install URLs are sealed.
    sealed: bool,
    /// Links will be plain http on a non-loopback host, which Stremio refuses to install.
    insecure: bool,
    install: Option<Install>,
    error: Option<String>,
}

fn render(
    request: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    form: &FormState,
    outcome: Outcome,
) -> Result<HttpResponse, ApiError> {
    let base_url = state.base_url(request);
    let (install, error) = match outcome {
        Outcome::Blank => (None, None),
        Outcome::Saved(install) => (Some(install), None),
        Outcome::Invalid(error) => (None, Some(error)),
    };
    let page = ConfigurePage {
        form,
        sources: SourceId::ALL
            .into_iter()
            .map(|source| Choice {
                value: source.as_str(),
                label: source.label(),
                hint: source_hint(source),
                checked: form.sources.contains(source.as_str()),
            })
            .collect(),
        qualities: Quality::BEST_FIRST
            .into_iter()
            .map(|quality| Choice {
                value: quality.as_str(),
                label: quality.label(),
                hint: "",
                checked: form.exclude_qualities.contains(quality.as_str()),
            })
            .collect(),
        sorts: SortOrder::ALL
            .into_iter()
            .map(|order| Choice {
                value: order.as_str(),
                label: sort_label(order),
                hint: "",
                checked: form.sort == order.as_str(),
            })
            .collect(),
        catalogs: CatalogId::ALL
            .into_iter()
            .map(|catalog| Choice {
                value: catalog.as_str(),
                label: catalog_label(catalog),
                hint: "",
                checked: form.catalogs.contains(catalog.as_str()),
            })
            .collect(),
        sealed: state.sealer.is_some(),
        insecure: is_insecure(&base_url),
        install,
        error,
    };
    let html = page.render().map_err(|error| {
        tracing::error!(%error, "the configure page could not be rendered");
        ApiError::internal()
    })?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(html))
}

fn source_hint(source: SourceId) -> &'static str {
    match source {
        SourceId::Dmm => {
            "Debrid Media Manager: the largest index of releases, many already cached on Real-Debrid."
        }
        SourceId::Yts => "YTS: small, good-quality movie encodes; movies only.",
        SourceId::Torrentio => "Torrentio: movies and series from many public trackers.",
    }
}

fn sort_label(order: SortOrder) -> &'static str {
    match order {
        SortOrder::Quality => "Best quality, then most seeders",
        SortOrder::QualitySize => "Best quality, then largest",
        SortOrder::Seeders => "Most seeders",
        SortOrder::Size => "Largest",
    }
}

fn catalog_label(catalog: CatalogId) -> &'static str {
    match catalog {
        CatalogId::Popular => "Popular",
        CatalogId::Latest => "Latest",
        CatalogId::TopRated => "Top rated",
        CatalogId::Search => "Search",
    }
}

/// Stremio installs addons over HTTPS only, except from the loopback address.
fn is_insecure(base_url: &str) -> bool {
    let Some(rest) = base_url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(host, _)| host);
    !matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_link_swaps_the_scheme_and_keeps_the_path() {
        let install = Install::new("https://ferrio.example/base/abc/manifest.json".into());
        assert_eq!(
            install.install_link,
            "stremio://ferrio.example/base/abc/manifest.json"
        );
    }

    #[test]
    fn an_untouched_default_form_gives_the_default_config() {
        let form = FormState::from_config(&UserConfig::default());
        assert_eq!(form.to_config(None), Ok(UserConfig::default()));
    }

    #[test]
    fn form_conventions() {
        let form = FormState::from_urlencoded(
            b"sources=yts&maxSizeGb=+2.5+&limitPerQuality=&maxResults=10\
              &excludeKeywords=+hdcam+%2C%2C+Line+Audio+&cachedOnly=on&unknown=1",
        );
        let config = form.to_config(None).expect("valid");
        assert_eq!(config.sources, BTreeSet::from([SourceId::Yts]));
        assert_eq!(config.max_size_gb, Some(2.5));
        assert_eq!(config.limit_per_quality, None);
        assert_eq!(config.max_results, 10);
        assert_eq!(config.exclude_keywords, ["hdcam", "Line Audio"]);
        assert!(config.cached_only);
        assert!(!config.show_download_links, "an unticked box is false");
    }

    #[test]
    fn errors_name_the_field_not_the_value() {
        let form = FormState::from_urlencoded(b"sources=dmm&maxSizeGb=lots");
        assert_eq!(
            form.to_config(None),
            Err("field `maxSizeGb`: expected a number".to_owned())
        );
        let form = FormState::from_urlencoded(b"sources=dmm&realdebrid=no+spaces+allowed");
        let error = form.to_config(None).expect_err("bad token");
        assert!(
            error.contains("realdebrid") && !error.contains("spaces"),
            "{error}"
        );
        let error = FormState::from_urlencoded(b"maxResults=5")
            .to_config(None)
            .expect_err("no source");
        assert!(error.contains("sources"), "{error}");
    }

    fn sealer() -> Sealer {
        Sealer::new(&secrecy::SecretString::from("unit-test-secret".to_owned()))
    }

    #[test]
    fn with_sealing_a_saved_token_is_kept_sealed_never_shown() {
        let sealer = sealer();
        let config = UserConfig {
            realdebrid: Some("SAVEDtoken123456".to_owned().into()),
            ..UserConfig::default()
        };
        let form = FormState::shown(&config, Some(&sealer));
        assert_eq!(form.realdebrid, "");
        assert!(form.kept_token.starts_with(SEALED_PREFIX));
        assert!(!form.kept_token.contains("SAVEDtoken"));
        assert_eq!(form.to_config(Some(&sealer)), Ok(config.clone()));

        let mut replaced = form.clone();
        replaced.realdebrid = "NEWtoken12345678".into();
        let token = replaced.to_config(Some(&sealer)).expect("valid").realdebrid;
        assert_eq!(
            token.map(|t| t.expose().to_owned()).as_deref(),
            Some("NEWtoken12345678")
        );

        let mut removed = form.clone();
        removed.remove_token = true;
        assert_eq!(
            removed.to_config(Some(&sealer)).expect("valid").realdebrid,
            None
        );

        let mut forged = form;
        forged.kept_token = UserConfig::default().encode(None);
        assert!(
            forged.to_config(Some(&sealer)).is_err(),
            "only sealed configs are kept"
        );

        // Without sealing the token is in the URL anyway, and is shown.
        let form = FormState::shown(&config, None);
        assert_eq!(form.realdebrid, "SAVEDtoken123456");
        assert_eq!(form.kept_token, "");
    }

    #[test]
    fn only_plain_http_off_loopback_is_insecure() {
        assert!(!is_insecure("https://ferrio.example"));
        assert!(!is_insecure("http://127.0.0.1:7000"));
        assert!(!is_insecure("http://localhost:7000"));
        assert!(is_insecure("http://192.168.1.10:7000"));
    }
}
