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
    ($name:expr) => {
        Asset {
            name: concat!("status/", $name),
            content_type: "video/mp4",
            bytes: include_bytes!(concat!("../../static/status/", $name)),
        }
    };
}

/// The clean-up outcome videos: `nothing`, `expired`, `failed`, and `deleted-N` and
/// `retried-N` for each count a tap can reach (`cleanup::PER_TAP`).
macro_rules! cleanup_videos {
    ($($count:literal)*) => {
        &[
            video!("cleanup/nothing.mp4"),
            video!("cleanup/expired.mp4"),
            video!("cleanup/failed.mp4"),
            $(
                video!(concat!("cleanup/deleted-", $count, ".mp4")),
                video!(concat!("cleanup/retried-", $count, ".mp4")),
            )*
        ]
    };
}

const CLEANUP: &[Asset] = cleanup_videos!(
    1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25
);

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
        .chain(CLEANUP)
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

    #[test]
    fn every_clean_up_outcome_has_its_video() {
        use crate::debrid::cleanup::{Outcome, PER_TAP};
        let mut outcomes = vec![Outcome::Nothing, Outcome::Expired, Outcome::Failed];
        for count in 1..=PER_TAP {
            outcomes.extend([Outcome::Deleted(count), Outcome::Retried(count)]);
        }
        for outcome in outcomes {
            let file = outcome.file();
            let asset = CLEANUP.iter().find(|asset| asset.name == file);
            assert!(
                asset.is_some_and(|asset| asset.bytes.len() > 1000),
                "{file}"
            );
        }
    }
}
