//! Files shipped inside the binary and served under `/static/`: the logo and background the
//! manifest points at, and the Real-Debrid status videos. Embedding them keeps the container a
//! single file.

use crate::error::ApiError;
use actix_web::{HttpResponse, http::header, web};

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! video {
    ($name:literal) => {
        Asset {
            name: concat!("status/", $name),
            content_type: "video/mp4",
            bytes: include_bytes!(concat!("../../static/status/", $name)),
        }
    };
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
    video!("downloading.mp4"),
    video!("access-denied.mp4"),
    video!("address-refused.mp4"),
    video!("infringing.mp4"),
    video!("limits.mp4"),
    video!("too-big.mp4"),
    video!("no-video.mp4"),
    video!("magnet-failed.mp4"),
    video!("unavailable.mp4"),
    video!("unexpected.mp4"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::debrid::status::StatusVideo;

    #[test]
    fn every_status_video_is_embedded() {
        for video in StatusVideo::ALL {
            let asset = ASSETS.iter().find(|asset| asset.name == video.file());
            assert!(
                asset.is_some_and(|asset| asset.bytes.len() > 1000),
                "{video:?}"
            );
        }
    }
}
