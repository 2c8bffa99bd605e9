//! The `{config}` path segment as an extractor.

use crate::{
    error::ApiError,
    protocol::config::{DebridToken, UserConfig},
    state::AppState,
};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use std::future::{Ready, ready};

/// The config of a request: `None` on routes without a config segment.
pub struct RequestConfig(pub Option<UserConfig>);

impl RequestConfig {
    /// The config, or the defaults when the URL has none.
    pub fn or_default(self) -> UserConfig {
        self.0.unwrap_or_default()
    }

    /// The config with its Real-Debrid token, for the routes that act in the user's account;
    /// without one the link is the client's mistake.
    pub fn with_token(self) -> Result<(UserConfig, DebridToken), ApiError> {
        let config = self.or_default();
        let token = config
            .realdebrid
            .clone()
            .ok_or_else(|| ApiError::bad_request("this config has no Real-Debrid token"))?;
        Ok((config, token))
    }
}

impl FromRequest for RequestConfig {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(extract(request))
    }
}

/// The raw config segment of a route that has one, as it came (still percent-encoded, or
/// sealed): links Ferrio builds for the user carry it unchanged.
pub fn config_segment(request: &HttpRequest) -> Option<&str> {
    request.match_info().get("config")?;
    request.uri().path().split('/').nth(1)
}

impl RequestConfig {
    /// The config of a request, decoded from its path (what the extractor does).
    pub fn of(request: &HttpRequest) -> Result<Self, ApiError> {
        extract(request)
    }
}

fn extract(request: &HttpRequest) -> Result<RequestConfig, ApiError> {
    // The segment is read raw from the path: decoding belongs to `UserConfig::decode`, which
    // must see the percent-encoding to tell the SDK's encoding from base64url.
    let Some(raw) = config_segment(request) else {
        return Ok(RequestConfig(None));
    };
    let state = request
        .app_data::<web::Data<AppState>>()
        .ok_or_else(ApiError::internal)?;
    UserConfig::decode(raw, state.sealer.as_ref())
        .map(|config| RequestConfig(Some(config)))
        .map_err(|error| ApiError::bad_request(error.to_string()))
}
