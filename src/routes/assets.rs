//! Files shipped inside the binary and served under `/static/`: the logo and background the
//! manifest points at. Embedding them keeps the container a single file.

use crate::error::ApiError;
use actix_web::{HttpResponse, http::header, web};

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "logo.png",
        content_type: "image/png",
        bytes: include_bytes!("../../static/logo.png"),
    },
    Asset {
        name: "background.png",
        content_type: "image/png",
        bytes: include_bytes!("../../static/background.png"),
    },
];

/// `GET /static/{file}`. Assets never change within a version, so clients may keep them a day.
pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|asset| asset.name == file.as_str())
        .ok_or_else(|| ApiError::not_found("no such file"))?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "max-age=86400, public"))
        .body(asset.bytes))
}
