//! What every handler shares. Built once at start-up and handed to actix as `web::Data`, which
//! is an `Arc`, so workers share one copy.

use crate::{
    cache::{Cache, CacheError},
    catalog::Catalogs,
    client_address::ClientKeys,
    debrid::Debrid,
    discovery::{Discovery, prewarm::Prewarm},
    metrics::Metrics,
    protocol::{manifest::Manifest, seal::Sealer},
    settings::Settings,
    sources::{SourceHttp, Sources},
    streams::{Pipeline, hot::HotResponses},
    upstream,
};
use actix_web::HttpRequest;
use secrecy::ExposeSecret;

/// Shared application state.
pub struct AppState {
    pub settings: Settings,
    /// The base manifest, parsed once.
    pub manifest: Manifest,
    /// Present when `CONFIG_SECRET` is set.
    pub sealer: Option<Sealer>,
    pub metrics: Metrics,
    /// Everything Ferrio remembers: in process, or shared through Redis.
    pub cache: Cache,
    /// Stream lists and resolve outcomes: the sources, the ranking and Real-Debrid.
    pub pipeline: Pipeline,
    /// The YTS catalogs.
    pub catalogs: Catalogs,
    /// TMDB, Trakt and Watchmode: the discovery catalogs and where to watch.
    pub discovery: Discovery,
    /// Stream lists rendered in the last seconds.
    pub hot: HotResponses,
    /// Who a request counts against for per-client limits.
    pub client_keys: ClientKeys,
}

/// Why the state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("manifest.json is invalid: {0}")]
    Manifest(#[from] serde_json::Error),
    #[error("metrics could not be registered: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("the HTTP client could not be built: {0}")]
    Http(#[from] reqwest::Error),
}

impl AppState {
    /// Builds the state from the settings.
    pub fn new(settings: Settings) -> Result<Self, StateError> {
        let sealer = settings
            .server
            .config_secret
            .as_ref()
            .filter(|secret| !secret.expose_secret().is_empty())
            .map(Sealer::new);
        let metrics = Metrics::new()?;
        let cache = Cache::new(&settings, metrics.clone())?;
        let sources = Sources::new(&settings, metrics.clone(), &cache)?;
        let http = upstream::http_client(settings.realdebrid.timeout)?;
        let debrid = Debrid::new(
            &settings,
            http.clone(),
            &cache,
            metrics.clone(),
            sources.clone(),
            sealer.as_ref(),
        );
        debrid.maintenance.clone().spawn();
        let discovery = Discovery::new(
            &settings,
            http.clone(),
            &cache,
            metrics.clone(),
            sources.limits(),
        );
        Prewarm::new(
            discovery.clone(),
            sources.clone(),
            &cache,
            settings.discovery.prewarm_top_n,
        )
        .spawn();
        let catalogs = Catalogs::new(
            &settings,
            SourceHttp::new(http, metrics.clone()),
            &cache,
            sources.limits(),
        );
        let memory = settings.cache.memory_shares();
        let hot = HotResponses::new(
            settings.server.hot_response_ttl,
            memory.rendered,
            metrics.clone(),
        );
        Ok(Self {
            client_keys: ClientKeys::new(settings.server.config_secret.as_ref()),
            manifest: Manifest::base()?,
            sealer,
            metrics,
            cache,
            pipeline: Pipeline::new(sources, debrid, discovery.clone(), memory.prepared),
            discovery,
            catalogs,
            hot,
            settings,
        })
    }

    /// The request headers answers depend on through their absolute links ([`Self::base_url`]):
    /// none with `PUBLIC_URL`, else `Host` (and the forwarded ones when believed). Said in
    /// `Vary`, so a shared cache never hands one host's links to another.
    pub fn link_headers(&self) -> Option<&'static str> {
        let server = &self.settings.server;
        match (&server.public_url, server.trust_forwarded_host) {
            (Some(_), _) => None,
            (None, false) => Some("Host"),
            (None, true) => Some("Host, Forwarded, X-Forwarded-Host, X-Forwarded-Proto"),
        }
    }

    /// The base of absolute links: `PUBLIC_URL`, or the scheme and host the request came to —
    /// its own `Host`, or the proxy's forwarded one with `TRUST_FORWARDED_HOST` — held to
    /// `PUBLIC_HOSTS` when set. A client cannot make Ferrio write links to a host of its
    /// choosing, nor a cache key per made-up host.
    pub fn base_url(&self, request: &HttpRequest) -> String {
        let server = &self.settings.server;
        if let Some(url) = &server.public_url {
            return url.as_str().trim_end_matches('/').to_owned();
        }
        let info = request.connection_info();
        let (scheme, host) = if server.trust_forwarded_host {
            (info.scheme().to_owned(), info.host().to_ascii_lowercase())
        } else {
            let host = request
                .headers()
                .get(actix_web::http::header::HOST)
                .and_then(|host| host.to_str().ok())
                .or_else(|| {
                    request
                        .uri()
                        .authority()
                        .map(|authority| authority.as_str())
                })
                .unwrap_or("localhost");
            let scheme = if request.app_config().secure() {
                "https"
            } else {
                "http"
            };
            (scheme.to_owned(), host.to_ascii_lowercase())
        };
        let host = match server.public_hosts.first() {
            Some(first) if !server.public_hosts.contains(&host) => first.clone(),
            _ => host,
        };
        format!("{scheme}://{host}")
    }
}
