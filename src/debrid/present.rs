//! Streams for a user with a Real-Debrid token: every entry is a resolve link, marked
//! `[RD+]` when likely cached (and why) or `[RD download]` when Real-Debrid must download it.

use super::{evidence::Evidence, resolve::Target, select::FileSelector, status::StatusVideo};
use crate::{
    protocol::{
        config::{Quality, UserConfig},
        request::VideoId,
        stream::{Stream, StreamBehaviorHints, StreamSource},
    },
    ranking::{self, Release},
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

/// The torrent and file a release's resolve link names: the file index when a source knew it,
/// else the episode for a series, else the main video.
pub fn target_for(release: &Release, video: &VideoId) -> Target {
    let selector = match (release.candidate.file_idx, video) {
        (Some(index), _) => FileSelector::Index(index),
        (
            None,
            VideoId::Episode {
                season, episode, ..
            },
        ) => FileSelector::Episode {
            season: *season,
            episode: *episode,
        },
        (None, VideoId::Movie(_)) => FileSelector::Largest,
    };
    Target {
        hash: release.candidate.info_hash.clone(),
        selector,
    }
}

/// One ranked release with what is known of its availability.
pub struct Marked {
    pub release: Release,
    pub target: Target,
    pub evidence: Option<Evidence>,
    /// Real-Debrid refused it to several accounts lately: offered last, with a note.
    pub demoted: bool,
}

/// The note on a release Real-Debrid refused to several accounts.
const DEMOTED_NOTE: &str = "⚠ Real-Debrid refused this release to several accounts today";

/// Applies `cachedOnly` / `showDownloadLinks`, then puts likely-cached streams above uncached
/// ones of the same quality without moving qualities: each quality keeps the positions the
/// user's sort gave it, and within those, cached streams come first. Demoted releases follow
/// all the others, in the same order among themselves.
pub fn arrange(marked: Vec<Marked>, config: &UserConfig) -> Vec<Marked> {
    let (demoted, kept): (Vec<_>, Vec<_>) = marked.into_iter().partition(|entry| entry.demoted);
    let mut arranged = by_quality(kept, config);
    arranged.extend(by_quality(demoted, config));
    arranged
}

fn by_quality(mut marked: Vec<Marked>, config: &UserConfig) -> Vec<Marked> {
    if config.cached_only || !config.show_download_links {
        marked.retain(|entry| entry.evidence.is_some());
    }
    let qualities: Vec<Quality> = marked
        .iter()
        .map(|entry| entry.release.info.quality)
        .collect();
    let mut slots: Vec<Option<Marked>> = marked.into_iter().map(Some).collect();
    let mut arranged: Vec<Option<Marked>> = (0..slots.len()).map(|_| None).collect();
    for quality in Quality::BEST_FIRST {
        let positions: Vec<usize> = (0..qualities.len())
            .filter(|&i| qualities[i] == quality)
            .collect();
        let mut group: Vec<Marked> = positions.iter().filter_map(|&i| slots[i].take()).collect();
        group.sort_by_key(|entry| entry.evidence.is_none());
        for (position, entry) in positions.into_iter().zip(group) {
            arranged[position] = Some(entry);
        }
    }
    arranged.into_iter().flatten().collect()
}

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
    labels.description = if entry.demoted {
        format!("{marker}\n{DEMOTED_NOTE}\n{}", labels.description)
    } else {
        format!("{marker}\n{}", labels.description)
    };
    let filename = entry
        .release
        .candidate
        .filename
        .as_deref()
        .map(|path| path.rsplit(['/', '\\']).next().unwrap_or(path))
        .unwrap_or(&entry.release.candidate.title);
    let url = links.resolve_url(&entry.target, filename, Some(video));
    labels.behavior_hints.not_web_ready = !filename.to_ascii_lowercase().ends_with(".mp4");
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
            url: format!("{base_url}/static/{}", StatusVideo::AccessDenied.file()),
        },
        behavior_hints: StreamBehaviorHints::default(),
    }
}
