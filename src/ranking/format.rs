//! How a ranked release looks in Stremio: name, description and hints, apart from where the
//! video comes from, so that a debrid layer can reuse them with its own source.

use super::{Release, languages, parse::ReleaseInfo};
use crate::{
    protocol::stream::{Stream, StreamBehaviorHints, StreamSource},
    sources::candidate::{Candidate, file_name},
};

/// The first line of every stream's name.
const ADDON_NAME: &str = "Ferrio";

/// Everything of a stream but its source.
///
/// [`super::present`] pairs it with [`super::p2p_source`]; a debrid layer can prefix the name
/// (`labels.name.insert_str(0, "[RD+] ")`) and pair it with a link instead.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamLabels {
    /// `Ferrio`, then the quality and HDR tags: `"Ferrio\n4K DV HDR10"`.
    pub name: String,
    /// Release name; file name when it differs; `👤 seeders 💾 size ⚙️ sources`; spoken
    /// languages; subtitles (`💬 🇫🇷`).
    pub description: String,
    /// Binge group, file name and, when it is the file's, video size.
    pub behavior_hints: StreamBehaviorHints,
}

impl StreamLabels {
    /// The stream these labels describe, playing from `source`.
    pub fn into_stream(self, source: StreamSource) -> Stream {
        Stream {
            name: self.name,
            description: self.description,
            source,
            behavior_hints: self.behavior_hints,
        }
    }
}

/// The name, description and hints of a release.
pub fn labels(release: &Release) -> StreamLabels {
    let candidate = &release.candidate;
    StreamLabels {
        name: name(&release.info),
        description: description(release),
        behavior_hints: StreamBehaviorHints {
            binge_group: Some(binge_group(&release.info)),
            filename: candidate
                .filename
                .as_deref()
                .map(|f| file_name(f).to_owned()),
            // Stremio matches subtitles by the video's size: a torrent's size would mislead it.
            video_size: candidate.size.filter(|_| candidate.size_is_file),
            not_web_ready: false,
        },
    }
}

/// Sizes with 1024-based units and at most two decimals, as Torrentio shows them: `1.85 GB`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let number = format!("{value:.2}");
    let number = number.trim_end_matches('0').trim_end_matches('.');
    format!("{number} {}", UNITS[unit])
}

fn name(info: &ReleaseInfo) -> String {
    let mut tags = vec![quality_label(info)];
    tags.extend(info.hdr.iter().map(|hdr| hdr.label()));
    format!("{ADDON_NAME}\n{}", tags.join(" "))
}

/// The cam rung for cams, else the resolution (`SD` when unknown).
fn quality_label(info: &ReleaseInfo) -> &'static str {
    match info.resolution {
        Some(resolution) if !info.is_cam() => resolution.label(),
        _ => info.quality.label(),
    }
}

fn description(release: &Release) -> String {
    let candidate = &release.candidate;
    [
        Some(candidate.title.clone()),
        shown_filename(candidate).map(str::to_owned),
        stats_line(candidate),
        languages::languages_line(&release.info.facts.languages),
        languages::subtitles_line(&release.info.facts.subtitles),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
}

/// The file name, unless it is the release name with an extension.
fn shown_filename(candidate: &Candidate) -> Option<&str> {
    let filename = candidate.filename.as_deref()?;
    let name = file_name(filename);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let same = [name, stem]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(&candidate.title));
    (!same).then_some(filename)
}

/// `👤 42 💾 1.85 GB ⚙️ DMM, Torrentio (1337x)`, without the parts that are unknown.
fn stats_line(candidate: &Candidate) -> Option<String> {
    let parts: Vec<String> = [
        candidate.seeders.map(|seeders| format!("👤 {seeders}")),
        candidate
            .size
            .map(|size| format!("💾 {}", format_size(size))),
        sources_label(candidate).map(|sources| format!("⚙️ {sources}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Source labels in their fixed order, which ends with Torrentio, so its provider follows.
fn sources_label(candidate: &Candidate) -> Option<String> {
    let labels: Vec<&str> = candidate.sources.iter().map(|s| s.label()).collect();
    let label = match (labels.join(", "), &candidate.provider) {
        (sources, Some(provider)) if sources.is_empty() => provider.clone(),
        (sources, Some(provider)) => format!("{sources} ({provider})"),
        (sources, None) => sources,
    };
    (!label.is_empty()).then_some(label)
}

/// The same for every episode of one kind of release, so autoplay of the next episode keeps
/// it: quality, HDR and release group, and nothing specific to one torrent or episode.
fn binge_group(info: &ReleaseInfo) -> String {
    let hdr = if info.hdr.is_empty() {
        "SDR".to_owned()
    } else {
        info.hdr
            .iter()
            .map(|hdr| hdr.label())
            .collect::<Vec<_>>()
            .join("+")
    };
    let mut parts = vec!["ferrio", info.quality.as_str(), &hdr];
    parts.extend(info.facts.group.as_deref());
    parts.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::config::SourceId;
    use crate::ranking::testing::{GB, candidate, release};

    #[test]
    fn names_show_the_quality_and_hdr() {
        let name_of = |title| labels(&release(title, 1, GB)).name;
        assert_eq!(
            name_of("Movie.2019.2160p.UHD.BluRay.x265.HDR.DV-GRP"),
            "Ferrio\n4K DV HDR10"
        );
        assert_eq!(
            name_of("The Matrix (1999) [1080p] [BluRay] [YTS.MX]"),
            "Ferrio\n1080p"
        );
        assert_eq!(name_of("Movie.2019.1080p.HDCAM"), "Ferrio\nCAM");
        assert_eq!(name_of("Movie 2019 HDTS"), "Ferrio\nTeleSync");
        assert_eq!(name_of("Movie.2019.DVDRip"), "Ferrio\nSD");
        assert_eq!(name_of("Movie.2019.480p.WEB"), "Ferrio\n480p");
    }

    #[test]
    fn sizes_use_1024_based_units_and_two_decimals_at_most() {
        assert_eq!(format_size(0), "0 B");
        assert_eq!(format_size(512), "512 B");
        assert_eq!(format_size(1536), "1.5 KB");
        assert_eq!(format_size(700 * 1024 * 1024), "700 MB");
        assert_eq!(format_size(1_986_422_374), "1.85 GB");
        assert_eq!(format_size(2 * GB), "2 GB");
        assert_eq!(format_size(3 * 1024 * GB), "3 TB");
    }

    #[test]
    fn the_description_layout() {
        let mut pack = release(
            "Breaking.Bad.S01.MULTI.1080p.BluRay.x264-GROUP",
            42,
            1_986_422_374,
        );
        std::sync::Arc::make_mut(&mut pack.candidate).filename =
            Some("Season 1/Breaking.Bad.S01E03.1080p.mkv".into());
        std::sync::Arc::make_mut(&mut pack.candidate).sources =
            [SourceId::Torrentio, SourceId::Dmm].into_iter().collect();
        std::sync::Arc::make_mut(&mut pack.candidate).provider = Some("1337x".into());
        std::sync::Arc::make_mut(&mut pack.info).facts.languages =
            vec!["multi audio".into(), "french".into()];
        assert_eq!(
            labels(&pack).description,
            "Breaking.Bad.S01.MULTI.1080p.BluRay.x264-GROUP\n\
             Season 1/Breaking.Bad.S01E03.1080p.mkv\n\
             👤 42 💾 1.85 GB ⚙️ DMM, Torrentio (1337x)\n\
             Multi Audio / 🇫🇷"
        );
    }

    #[test]
    fn subtitles_follow_the_spoken_languages() {
        let release = release("Show.S01E01.FRENCH.VOSTFR.PLSUB.1080p.WEB-GRP", 3, GB);
        assert_eq!(
            labels(&release).description,
            "Show.S01E01.FRENCH.VOSTFR.PLSUB.1080p.WEB-GRP\n\
             👤 3 💾 1 GB ⚙️ Torrentio\n\
             🇫🇷\n\
             💬 🇫🇷 / 🇵🇱"
        );
    }

    #[test]
    fn unknown_parts_and_a_same_named_file_are_left_out() {
        let mut movie = Release::new(candidate("Movie.2019.1080p.WEB-DL.x264-GRP"));
        std::sync::Arc::make_mut(&mut movie.candidate).filename =
            Some("movie.2019.1080p.web-dl.x264-grp.mkv".into());
        std::sync::Arc::make_mut(&mut movie.candidate).sources =
            [SourceId::Yts].into_iter().collect();
        std::sync::Arc::make_mut(&mut movie.info).facts.languages = vec!["english".into()];
        assert_eq!(
            labels(&movie).description,
            "Movie.2019.1080p.WEB-DL.x264-GRP\n⚙️ YTS\n🇬🇧"
        );
        std::sync::Arc::make_mut(&mut movie.candidate)
            .sources
            .clear();
        assert_eq!(
            labels(&movie).description,
            "Movie.2019.1080p.WEB-DL.x264-GRP\n🇬🇧"
        );
    }

    #[test]
    fn binge_groups_are_stable_across_episodes() {
        let group = |title| labels(&release(title, 5, GB)).behavior_hints.binge_group;
        let first = group("Show.S01E01.1080p.WEB.h264-GRP");
        assert_eq!(first.as_deref(), Some("ferrio|1080p|SDR|GRP"));
        assert_eq!(first, group("Show.S01E02.1080p.WEB.h264-GRP"));
        assert_ne!(first, group("Show.S01E02.720p.WEB.h264-GRP"));
        assert_ne!(first, group("Show.S01E02.1080p.WEB.h264-OTHER"));
        assert_eq!(
            group("Show.S01E02.2160p.WEB.DV.HDR.h265-GRP").as_deref(),
            Some("ferrio|2160p|DV+HDR10|GRP")
        );
    }

    #[test]
    fn video_size_only_for_a_file_size() {
        let mut release = release("Movie.2019.1080p", 5, GB);
        assert_eq!(labels(&release).behavior_hints.video_size, None);
        std::sync::Arc::make_mut(&mut release.candidate).size_is_file = true;
        assert_eq!(labels(&release).behavior_hints.video_size, Some(GB));
    }
}
