//! Streams for a user with a Real-Debrid token: every entry is a resolve link, marked
//! `[RD+]` when likely cached (and why) or `[RD download]` when Real-Debrid must download it.
//! Also where status videos are served from, for the resolve route and the error stream.

use crate::{
    debrid::{mark::Marked, status::StatusVideo, target::Target},
    protocol::{
        request::VideoId,
        stream::{Stream, StreamBehaviorHints, StreamSource, is_web_ready},
    },
    ranking,
    sources::candidate::file_name,
};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// Where resolve links point: the public base URL and the request's own config segment (kept
/// as it came, so a sealed config stays sealed).
pub struct LinkBase<'a> {
    pub base_url: &'a str,
    pub config_segment: &'a str,
}

impl LinkBase<'_> {
    /// `{base}/{config}/resolve/realdebrid/{hash}/{file}/{filename}[?video={id}]`; the video
    /// id lets the resolve route fall over to another torrent of the same title.
    pub fn resolve_url(&self, target: &Target, filename: &str, video: Option<&VideoId>) -> String {
        let mut url = format!(
            "{}/{}/resolve/realdebrid/{}/{}/{}",
            self.base_url,
            self.config_segment,
            target.hash,
            target.selector,
            utf8_percent_encode(filename, NON_ALPHANUMERIC),
        );
        if let Some(video) = video {
            url.push_str("?video=");
            url.extend(utf8_percent_encode(&video.to_string(), NON_ALPHANUMERIC));
        }
        url
    }
}

/// The note on a release Real-Debrid refused to several accounts.
const DEMOTED_NOTE: &str = "⚠ Real-Debrid refused this release to several accounts today";

/// The stream of one marked release.
pub fn stream(entry: &Marked, links: &LinkBase<'_>, video: &VideoId, now_ms: u64) -> Stream {
    let mut labels = ranking::labels(&entry.release);
    let (prefix, marker) = match entry.evidence {
        Some(evidence) => ("[RD+] ", evidence.describe(now_ms)),
        None => (
            "[RD download] ",
            "RD download · Real-Debrid will download it first".to_owned(),
        ),
    };
    labels.name.insert_str(0, prefix);
    let notes = [
        entry.demoted.then_some(DEMOTED_NOTE),
        entry.verdict.map(|verdict| verdict.note()),
    ];
    let notes: String = notes
        .iter()
        .flatten()
        .map(|note| format!("{note}\n"))
        .collect();
    labels.description = format!("{marker}\n{notes}{}", labels.description);
    let filename = entry
        .release
        .candidate
        .filename
        .as_deref()
        .map_or(entry.release.candidate.title.as_str(), file_name);
    let url = links.resolve_url(&entry.target, filename, Some(video));
    labels.behavior_hints.not_web_ready = !is_web_ready(filename);
    labels.into_stream(StreamSource::Url { url })
}

/// The single stream shown when Real-Debrid refuses the token: one clear entry instead of a
/// list of links that would all fail.
pub fn token_error(base_url: &str) -> Stream {
    Stream {
        name: "Ferrio\nRD error".to_owned(),
        description: "Real-Debrid refused your API token.\nCheck it on Ferrio's configure page."
            .to_owned(),
        source: StreamSource::Url {
            url: status_url(base_url, StatusVideo::AccessDenied),
        },
        behavior_hints: StreamBehaviorHints::default(),
    }
}

/// Where a status video is served.
pub fn status_url(base_url: &str, video: StatusVideo) -> String {
    format!("{base_url}/static/{}", video.file())
}
