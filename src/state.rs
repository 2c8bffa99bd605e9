//! What every handler shares. Built once at start-up and handed to actix as `web::Data`, which
//! is an `Arc`, so workers share one copy.

use crate::{
    metrics::Metrics,
    protocol::{manifest::Manifest, seal::Sealer},
    settings::Settings,
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
}

/// Why the state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("manifest.json is invalid: {0}")]
    Manifest(#[from] serde_json::Error),
    #[error("metrics could not be registered: {0}")]
    Metrics(#[from] prometheus::Error),
}

impl AppState {
    /// Builds the state from the settings.
    pub fn new(settings: Settings) -> Result<Self, StateError> {
        let sealer = settings
            .config_secret
            .as_ref()
            .filter(|secret| !secret.expose_secret().is_empty())
            .map(Sealer::new);
        Ok(Self {
            manifest: Manifest::base()?,
            sealer,
            metrics: Metrics::new()?,
            settings,
        })
    }

    /// The base of absolute links: `PUBLIC_URL`, or the scheme and host the request came to
    /// (honouring `Forwarded` / `X-Forwarded-*` from a proxy such as Fly's).
    pub fn base_url(&self, request: &HttpRequest) -> String {
        match &self.settings.public_url {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None => {
                let info = request.connection_info();
                format!("{}://{}", info.scheme(), info.host())
            }
        }
    }
}
