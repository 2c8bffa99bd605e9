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

mod discovery;
mod form;
mod quality;
mod view;

use super::user_config::RequestConfig;
use crate::{error::ApiError, protocol::config::UserConfig, state::AppState};
use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use form::FormState;
use futures::StreamExt;
use std::time::Duration;
use view::render;

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
    render(&request, &state, StatusCode::OK, &form, Outcome::Blank).await
}

/// `POST /configure` (`application/x-www-form-urlencoded`): validates the form through
/// [`UserConfig::from_json`], the one place configs are validated, and answers the page again
/// with the install URL, or with the error and status 400.
pub async fn submit(
    request: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = read_body(payload).await?;
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
        )
        .await;
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
            .await
        }
        Err(error) => {
            render(
                &request,
                &state,
                StatusCode::BAD_REQUEST,
                &form,
                Outcome::Invalid(error),
            )
            .await
        }
    }
}

/// The longest a client may take to send the form: a connection trickling a byte a second
/// must not stay open (and hold a worker's attention) indefinitely.
const BODY_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest form read: the real one is under 2 KiB.
const BODY_LIMIT: usize = 64 * 1024;

/// The whole request body, within [`BODY_TIMEOUT`] and [`BODY_LIMIT`].
async fn read_body(mut payload: web::Payload) -> Result<web::BytesMut, ApiError> {
    let read = async {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| ApiError::bad_request("the form could not be read"))?;
            if body.len() + chunk.len() > BODY_LIMIT {
                return Err(ApiError::too_large("the form is larger than 64 KiB"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    tokio::time::timeout(BODY_TIMEOUT, read)
        .await
        .map_err(|_| ApiError::timeout("the form was not sent in time"))?
}

/// What the page shows below the form.
pub(super) enum Outcome {
    /// Nothing yet: the form was just opened.
    Blank,
    /// The form was valid: the URLs to install it.
    Saved(Install),
    /// The form was invalid: why.
    Invalid(String),
}

/// The two ways to install a saved config.
pub(super) struct Install {
    /// `{base}/{config}/manifest.json`, for pasting into Stremio's addon search.
    pub(super) manifest_url: String,
    /// The same with `stremio://` instead of `http(s)://`, which opens the app.
    pub(super) install_link: String,
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
}
