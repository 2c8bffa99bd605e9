//! The configure page's view model: the choices the template shows, and the page with its
//! security headers.

use super::{
    Install, Outcome,
    discovery::{DiscoverySection, section},
    form::FormState,
    quality::PRESETS,
};
use crate::routes::client::request_client;
use crate::{
    error::ApiError,
    protocol::config::{CatalogId, Quality, SortOrder, SourceId},
    state::AppState,
};
use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
};
use askama::Template;

/// The page's own policy: nothing is loaded from anywhere, the form posts only here, and no
/// other site may frame the page (it shows the token).
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     script-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

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
    /// The quality order's presets.
    presets: Vec<Choice>,
    /// Options of the target, floor and cap selects (value, label).
    quality_options: Vec<(&'static str, &'static str)>,
    /// The server has `CONFIG_SECRET`: install URLs are sealed.
    sealed: bool,
    /// Links will be plain http on a non-loopback host, which Stremio refuses to install.
    insecure: bool,
    install: Option<Install>,
    error: Option<String>,
    /// The discovery section, when the server has TMDB.
    discovery: Option<DiscoverySection>,
}

pub(super) async fn render(
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
    let client = request_client(request, state);
    let discovery = section(&state.discovery, &form.discovery, client).await;
    let with_discovery = discovery.is_some();
    let shown = |catalog: &CatalogId| with_discovery || !CatalogId::DISCOVERY.contains(catalog);
    let page = ConfigurePage {
        form,
        discovery,
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
            .filter(shown)
            .map(|catalog| Choice {
                value: catalog.as_str(),
                label: catalog_label(catalog),
                hint: "",
                checked: form.catalogs.contains(catalog.as_str()),
            })
            .collect(),
        presets: PRESETS
            .into_iter()
            .map(|(value, label, hint)| Choice {
                value,
                label,
                hint,
                checked: form.quality.preset == value,
            })
            .collect(),
        quality_options: Quality::BEST_FIRST
            .into_iter()
            .map(|quality| (quality.as_str(), quality.label()))
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
        CatalogId::Trending => "Trending",
        CatalogId::OnMyServices => "On my services",
        CatalogId::NotOnMyServices => "Not on my services",
        CatalogId::ComingSoon => "Coming soon to streaming",
        CatalogId::NewDigital => "New on digital",
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
    fn only_plain_http_off_loopback_is_insecure() {
        assert!(!is_insecure("https://ferrio.example"));
        assert!(!is_insecure("http://127.0.0.1:7000"));
        assert!(!is_insecure("http://localhost:7000"));
        assert!(is_insecure("http://192.168.1.10:7000"));
    }
}
