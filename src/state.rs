//! What every handler shares. Built once at start-up and handed to actix as `web::Data`, which
//! is an `Arc`, so workers share one copy.

use crate::{
    cache::{Cache, CacheError},
    catalog::Catalogs,
    debrid::Debrid,
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
    /// Stream lists rendered in the last seconds.
    pub hot: HotResponses,
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
        );
        let catalogs = Catalogs::new(&settings, SourceHttp::new(http, metrics.clone()), &cache);
        let hot = HotResponses::new(settings.server.hot_response_ttl, metrics.clone());
        Ok(Self {
            manifest: Manifest::base()?,
            sealer,
            metrics,
            cache,
            pipeline: Pipeline::new(sources, debrid),
            catalogs,
            hot,
            settings,
        })
    }

    /// The base of absolute links: `PUBLIC_URL`, or the scheme and host the request came to
    /// (honouring `Forwarded` / `X-Forwarded-*` from a proxy such as Fly's).
    pub fn base_url(&self, request: &HttpRequest) -> String {
        match &self.settings.server.public_url {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None => {
                let info = request.connection_info();
                format!("{}://{}", info.scheme(), info.host())
            }
        }
    }
}
