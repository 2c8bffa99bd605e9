//! The facts Ferrio ranks by: what a release's name and its file's name say (read once, when
//! the source's answer was fetched: [`NameFacts`]), combined and mapped onto Ferrio's
//! vocabulary.

use super::{
    guards,
    vocabulary::{Hdr, Resolution},
};
use crate::protocol::config::Quality;
use crate::sources::{
    candidate::{Candidate, file_name},
    names::NameFacts,
};

/// What a release name (and its file name) says about the release, in Ferrio's vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseInfo {
    /// The rung on the quality ladder: a cam, telesync or screener source wins over the
    /// resolution; a non-cam release of unknown resolution counts as SD.
    pub quality: Quality,
    /// The stated resolution.
    pub resolution: Option<Resolution>,
    /// HDR formats, in display order, without duplicates.
    pub hdr: Vec<Hdr>,
    /// The names' other facts combined: the release name's, filled in by the file name's
    /// (source, codec and audio as the parser spells them, lowercase languages, the group,
    /// seasons and episodes covered — empty when the names state none — and completeness).
    pub facts: NameFacts,
    /// The release is one disc of a season (`S07D1`): which episodes it holds, nobody knows.
    pub disc: bool,
}

impl ReleaseInfo {
    /// Parses a release name and, when known, the name of the video file inside it. Ranking
    /// uses the facts read when the answer was fetched ([`ReleaseInfo::of`]); this is for
    /// names that come from nowhere else.
    pub fn parse(title: &str, filename: Option<&str>) -> Self {
        let file = filename.map(|name| (file_name(name), NameFacts::parse(file_name(name))));
        Self::guarded(
            (title, NameFacts::parse(title)),
            file.as_ref().map(|(name, facts)| (*name, facts)),
        )
    }

    /// The facts of a candidate: combined from the names' facts read at fetch time (parsed
    /// now only for a candidate that was never read, which no cached answer holds).
    pub fn of(candidate: &Candidate) -> Self {
        match &candidate.title_facts {
            Some(title) => {
                let file = candidate
                    .filename
                    .as_deref()
                    .map(file_name)
                    .zip(candidate.file_facts.as_deref());
                Self::guarded((&candidate.title, NameFacts::clone(title)), file)
            }
            None => Self::parse(&candidate.title, candidate.filename.as_deref()),
        }
    }

    /// The parser's facts of each name corrected by Ferrio's guards (`guards.rs`), combined.
    fn guarded(release: (&str, NameFacts), file: Option<(&str, &NameFacts)>) -> Self {
        let (release, release_disc) = guards::corrected(release.0, release.1);
        let file = file.map(|(name, facts)| guards::corrected(name, facts.clone()));
        let mut info = Self::combine(&release, file.as_ref().map(|(facts, _)| facts));
        info.disc = release_disc || file.is_some_and(|(_, disc)| disc);
        info
    }

    /// The release name decides each fact; the file name fills in what the release name does
    /// not say. Seasons and episodes are the exception: a file naming its episode is more
    /// precise than the pack it is in, so its numbers win.
    fn combine(release: &NameFacts, file: Option<&NameFacts>) -> Self {
        let text = |field: fn(&NameFacts) -> &Option<String>| {
            field(release)
                .clone()
                .or_else(|| file.and_then(|file| field(file).clone()))
        };
        let source = text(|facts| &facts.source);
        let resolution = text(|facts| &facts.resolution)
            .as_deref()
            .and_then(Resolution::from_ptt);
        let (seasons, episodes) = numbering(release, file);
        Self {
            quality: quality(source.as_deref(), resolution),
            resolution,
            hdr: hdr(release, file),
            facts: NameFacts {
                source,
                resolution: text(|facts| &facts.resolution),
                hdr: list(release, file, |facts| &facts.hdr).to_vec(),
                codec: text(|facts| &facts.codec),
                audio: text(|facts| &facts.audio),
                languages: list(release, file, |facts| &facts.languages).to_vec(),
                subtitles: list(release, file, |facts| &facts.subtitles).to_vec(),
                group: text(|facts| &facts.group),
                seasons,
                episodes,
                complete: release.complete,
            },
            disc: false,
        }
    }

    /// Whether this is a cam, telesync or screener: filmed or leaked, never what a user wants
    /// when anything else exists.
    pub fn is_cam(&self) -> bool {
        self.quality <= Quality::Screener
    }
}

/// Torrentio's cam sources sit below every resolution. The ladder has no TeleCine rung;
/// a telecine is a copy of the film print, grouped with telesyncs as the closest rung.
fn quality(source: Option<&str>, resolution: Option<Resolution>) -> Quality {
    match source {
        Some("CAM") => Quality::Cam,
        Some("TeleSync" | "TeleCine") => Quality::TeleSync,
        Some("SCR") => Quality::Screener,
        _ => resolution.map_or(Quality::Sd, Resolution::quality),
    }
}

fn hdr(release: &NameFacts, file: Option<&NameFacts>) -> Vec<Hdr> {
    let mut formats: Vec<Hdr> = list(release, file, |facts| &facts.hdr)
        .iter()
        .filter_map(|value| Hdr::from_ptt(value))
        .collect();
    formats.sort();
    formats.dedup();
    formats
}

/// The release's list, or the file's when the release states none.
fn list<'a>(
    release: &'a NameFacts,
    file: Option<&'a NameFacts>,
    field: fn(&NameFacts) -> &Vec<String>,
) -> &'a [String] {
    match file {
        Some(file) if field(release).is_empty() => field(file),
        _ => field(release),
    }
}

/// Seasons and episodes: the file's when it names episodes (with the release's seasons if the
/// file states none), else the release's.
fn numbering(release: &NameFacts, file: Option<&NameFacts>) -> (Vec<u32>, Vec<u32>) {
    match file.filter(|file| !file.episodes.is_empty()) {
        Some(file) => {
            let seasons = if file.seasons.is_empty() {
                &release.seasons
            } else {
                &file.seasons
            };
            (seasons.clone(), file.episodes.clone())
        }
        None => (release.seasons.clone(), release.episodes.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quality_of(title: &str) -> Quality {
        ReleaseInfo::parse(title, None).quality
    }

    #[test]
    fn the_quality_ladder_from_real_names() {
        assert_eq!(quality_of("Movie.2019.HDCAM.x264"), Quality::Cam);
        assert_eq!(quality_of("Movie 2019 HDTS"), Quality::TeleSync);
        assert_eq!(quality_of("Movie.2019.HDTC"), Quality::TeleSync);
        assert_eq!(quality_of("Movie.2019.DVDScr"), Quality::Screener);
        assert_eq!(quality_of("Movie.2019.DVDRip.XviD"), Quality::Sd);
        assert_eq!(quality_of("Movie.2019.576p.WEB"), Quality::Sd);
        assert_eq!(quality_of("Movie.2019.720p.WEB-DL"), Quality::Hd720);
        assert_eq!(
            quality_of("The Matrix (1999) [1080p] [BluRay] [YTS.MX]"),
            Quality::Hd1080
        );
        assert_eq!(quality_of("Movie.2019.1440p.WEB"), Quality::Qhd1440);
        assert_eq!(
            quality_of("Movie.2019.2160p.UHD.BluRay.x265.HDR.DV-GRP"),
            Quality::Uhd2160
        );
    }

    #[test]
    fn a_cam_source_wins_over_the_resolution() {
        let info = ReleaseInfo::parse("Movie.2019.1080p.HDCAM", None);
        assert_eq!(info.resolution, Some(Resolution::Hd1080));
        assert_eq!(info.quality, Quality::Cam);
        assert!(info.is_cam());
        assert!(!ReleaseInfo::parse("Movie.2019.DVDRip", None).is_cam());
    }

    #[test]
    fn facts_of_a_uhd_release() {
        let info = ReleaseInfo::parse("Movie.2019.2160p.UHD.BluRay.x265.HDR.DV-GRP", None);
        assert_eq!(info.resolution, Some(Resolution::Uhd2160));
        assert_eq!(info.hdr, [Hdr::DolbyVision, Hdr::Hdr10]);
        assert_eq!(info.facts.codec.as_deref(), Some("x265"));
        assert_eq!(info.facts.source.as_deref(), Some("BluRay"));
        assert_eq!(info.facts.group.as_deref(), Some("GRP"));
        assert!(info.facts.seasons.is_empty() && info.facts.episodes.is_empty());
    }

    #[test]
    fn hdr10_plus_audio_and_languages() {
        let info = ReleaseInfo::parse(
            "Movie 2019 2160p WEB-DL DV HDR10+ DDP5.1 Atmos HEVC Rus Eng-GRP",
            None,
        );
        assert_eq!(info.hdr, [Hdr::DolbyVision, Hdr::Hdr10Plus]);
        assert_eq!(info.facts.audio.as_deref(), Some("atmos"));
        // In the name's order (see `guards.rs`).
        assert_eq!(info.facts.languages, ["russian", "english"]);
    }

    #[test]
    fn resolutions_map_onto_the_labels() {
        let label = |title| {
            ReleaseInfo::parse(title, None)
                .resolution
                .map(Resolution::label)
        };
        assert_eq!(label("Movie.2019.2160p.WEB"), Some("4K"));
        assert_eq!(label("Movie.2019.576p.WEB"), Some("480p"));
        assert_eq!(label("Movie.2019.360p.WEB"), Some("SD"));
        assert_eq!(label("Movie.2019.DVDRip"), None);
    }

    #[test]
    fn season_packs_and_ranges() {
        let pack = ReleaseInfo::parse("Breaking.Bad.S01.1080p.BluRay.x264-GROUP", None);
        assert_eq!((pack.facts.seasons, pack.facts.episodes), (vec![1], vec![]));
        let series = ReleaseInfo::parse("Breaking Bad Complete Series S01-S05 1080p", None);
        assert_eq!(series.facts.seasons, [1, 2, 3, 4, 5]);
        assert!(series.facts.complete);
        let range = ReleaseInfo::parse("Breaking.Bad.S01E01-E07.720p", None);
        assert_eq!(range.facts.episodes, [1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn the_file_name_fills_in_and_its_episode_wins() {
        let info = ReleaseInfo::parse(
            "Breaking Bad Complete Series",
            Some("Breaking Bad/Season 3/Breaking.Bad.S03E02.1080p.WEB.mkv"),
        );
        assert_eq!(
            (info.facts.seasons, info.facts.episodes),
            (vec![3], vec![2])
        );
        assert_eq!(info.quality, Quality::Hd1080);
        assert!(info.facts.complete);
        let pack = ReleaseInfo::parse("Show.S02.720p.WEB-GRP", Some("Episode 05.mkv"));
        assert_eq!(
            (pack.facts.seasons, pack.facts.episodes),
            (vec![2], vec![5])
        );
    }
}
