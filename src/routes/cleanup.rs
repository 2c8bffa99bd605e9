//! `GET|HEAD /{config}/rd/cleanup/{action}/{listing}/{expires}/{code}`: one tap on an
//! account-health action. The answer is a 302 to a short video saying what was done. A `HEAD`
//! (players probe before they play) never acts.

use super::{client::request_client, user_config::RequestConfig};
use crate::{
    debrid::cleanup::{Action, Ticket},
    error::ApiError,
    state::AppState,
};
use actix_web::{HttpRequest, HttpResponse, http::Method, http::header, web};

/// Runs the ticket's action (once, whatever the taps) and redirects to its outcome video.
pub async fn clean_up(
    request: HttpRequest,
    state: web::Data<AppState>,
    config: RequestConfig,
) -> Result<HttpResponse, ApiError> {
    let (_, token) = config.with_token()?;
    let ticket = ticket(&request)?;
    if request.method() == Method::HEAD {
        return Ok(HttpResponse::Ok()
            .content_type("video/mp4")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish());
    }
    let outcome = state
        .pipeline
        .clean_up(&token, request_client(&request, &state), &ticket)
        .await;
    Ok(HttpResponse::Found()
        .insert_header((
            header::LOCATION,
            format!("{}/static/{}", state.base_url(&request), outcome.file()),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// The ticket from the path; a malformed one is the client's mistake.
fn ticket(request: &HttpRequest) -> Result<Ticket, ApiError> {
    let segment = |name| request.match_info().get(name).unwrap_or_default();
    let action = Action::parse(segment("action"))
        .ok_or_else(|| ApiError::bad_request("unknown clean-up action"))?;
    let expires_ms = segment("expires")
        .parse()
        .map_err(|_| ApiError::bad_request("the expiry must be a number"))?;
    let hex = |value: &str| value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit());
    let (listing, code) = (segment("listing"), segment("code"));
    if !hex(listing) || !hex(code) {
        return Err(ApiError::bad_request("malformed clean-up link"));
    }
    Ok(Ticket {
        action,
        listing: listing.to_owned(),
        expires_ms,
        code: code.to_owned(),
    })
}
