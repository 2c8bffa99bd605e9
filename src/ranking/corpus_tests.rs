//! The reading of real release names, judged the way a user sees a stream list.
//!
//! Every row of `shared/title-corpus/names.jsonl` (real names with the labels other parsers'
//! test suites give them) goes through the code a stream list runs: the name is parsed and
//! guarded once ([`prepare`]), the list is ranked for a video ([`rank`]), and each release is
//! presented ([`labels`]). Each field is then read back from what Stremio shows: the
//! resolution from the stream's name, the quality rung from its binge group, HDR tags from the
//! name, languages (spoken and subtitles) from the description, and for an episode whether the
//! release is listed at all. The test reports every field's accuracy on standard error (so the
//! figures stand in the suite's output) and fails below each field's floor.

use super::{Release, labels, prepare, rank, testing};
use crate::protocol::{config::UserConfig, request::VideoId};
use serde::Deserialize;
use std::{collections::BTreeSet, fmt::Write as _, io::Write as _, sync::Arc};

/// Where the corpus lives: `shared/` beside the checkout, as on every machine of the project.
const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/title-corpus/names.jsonl"
);

/// The floors, in percent of the labelled rows of each field. Raise them as the reading
/// improves; never lower one to let a change land.
const FLOORS: [(Field, f64); 6] = [
    (Field::Resolution, 99.6),
    (Field::Quality, 99.6),
    (Field::Hdr, 100.0),
    (Field::Languages, 97.6),
    (Field::EpisodeKept, 99.5),
    (Field::WrongEpisodeDropped, 99.3),
];

/// One row as the corpus states it: `null` is "not labelled", and that row is not judged on
/// that field.
#[derive(Debug, Deserialize)]
struct Row {
    title: String,
    resolution: Option<String>,
    quality: Option<String>,
    seasons: Option<Vec<u32>>,
    episodes: Option<Vec<u32>>,
    languages: Option<Vec<String>>,
    hdr: Option<Vec<String>>,
    kind: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Resolution,
    Quality,
    Hdr,
    Languages,
    EpisodeKept,
    WrongEpisodeDropped,
}

/// Right and wrong answers of one field, with the names it got wrong.
#[derive(Default)]
struct Tally {
    right: usize,
    misses: Vec<String>,
}

impl Tally {
    fn judge(&mut self, right: bool, miss: impl FnOnce() -> String) {
        if right {
            self.right += 1;
        } else {
            self.misses.push(miss());
        }
    }

    fn percent(&self) -> f64 {
        let total = self.right + self.misses.len();
        if total == 0 {
            return 100.0;
        }
        100.0 * self.right as f64 / total as f64
    }
}

/// What a stream list shows for one name.
struct Shown {
    /// The tag after `Ferrio` in the name: `4K`, `1080p`, `SD`, `CAM`, …
    label: String,
    hdr: BTreeSet<String>,
    /// The rung of the binge group: `2160p`, `480p`, `cam`, …
    rung: String,
    /// Languages read back from the description's flags and names, subtitles included.
    languages: BTreeSet<String>,
}

fn shown(release: &Release) -> Shown {
    let labels = labels(release);
    let mut tags = labels.name.lines().nth(1).unwrap_or_default().split(' ');
    let label = tags.next().unwrap_or_default().to_owned();
    let rung = labels
        .behavior_hints
        .binge_group
        .as_deref()
        .and_then(|group| group.split('|').nth(1))
        .unwrap_or_default()
        .to_owned();
    let languages = labels
        .description
        .lines()
        .skip_while(|line| !line.starts_with("⚙️"))
        .skip(1)
        .flat_map(|line| line.trim_start_matches("💬 ").split(" / "))
        .filter_map(code_of)
        .map(str::to_owned)
        .collect();
    Shown {
        label,
        hdr: tags.map(str::to_owned).collect(),
        rung,
        languages,
    }
}

/// The ISO 639-1 code a viewer reads from a flag or a language's name (`la`: Latin-American
/// Spanish); labels such as `Multi Audio` are no language.
fn code_of(shown: &str) -> Option<&'static str> {
    const CODES: [(&str, &str); 50] = [
        ("🇬🇧", "en"),
        ("🇯🇵", "ja"),
        ("🇰🇷", "ko"),
        ("🇨🇳", "zh"),
        ("🇹🇼", "zh"),
        ("🇫🇷", "fr"),
        ("🇲🇽", "la"),
        ("🇪🇸", "es"),
        ("🇵🇹", "pt"),
        ("🇧🇷", "pt"),
        ("🇮🇹", "it"),
        ("🇬🇷", "el"),
        ("🇩🇪", "de"),
        ("🇷🇺", "ru"),
        ("🇺🇦", "uk"),
        ("🇮🇳", "hi"),
        ("🇱🇹", "lt"),
        ("🇱🇻", "lv"),
        ("🇪🇪", "et"),
        ("🇵🇱", "pl"),
        ("🇨🇿", "cs"),
        ("🇸🇰", "sk"),
        ("🇭🇺", "hu"),
        ("🇷🇴", "ro"),
        ("🇧🇬", "bg"),
        ("🇷🇸", "sr"),
        ("🇭🇷", "hr"),
        ("🇸🇮", "sl"),
        ("🇳🇱", "nl"),
        ("🇩🇰", "da"),
        ("🇫🇮", "fi"),
        ("🇸🇪", "sv"),
        ("🇳🇴", "no"),
        ("🇸🇦", "ar"),
        ("🇹🇷", "tr"),
        ("🇻🇳", "vi"),
        ("🇮🇩", "id"),
        ("🇹🇭", "th"),
        ("🇲🇾", "ms"),
        ("🇮🇱", "he"),
        ("🇮🇷", "fa"),
        ("🇮🇸", "is"),
        ("Tamil", "ta"),
        ("Telugu", "te"),
        ("Malayalam", "ml"),
        ("Kannada", "kn"),
        ("Bengali", "bn"),
        ("Marathi", "mr"),
        ("Punjabi", "pa"),
        ("Gujarati", "gu"),
    ];
    CODES
        .iter()
        .find(|(text, _)| *text == shown)
        .map(|(_, code)| *code)
}

/// The label a stream's name should show for a labelled resolution (`none`: SD).
fn expected_label(resolution: &str) -> &'static str {
    let lines: u32 = resolution.trim_end_matches(['p', 'i']).parse().unwrap_or(0);
    match lines {
        2160.. => "4K",
        1440.. => "1440p",
        1080.. => "1080p",
        720.. => "720p",
        480.. => "480p",
        _ => "SD",
    }
}

/// The cam rung a labelled source stands on, shown instead of a resolution.
fn cam_rung(quality: Option<&str>) -> Option<(&'static str, &'static str)> {
    match quality? {
        "CAM" => Some(("CAM", "cam")),
        "TeleSync" | "TeleCine" => Some(("TeleSync", "telesync")),
        "SCR" => Some(("SCR", "scr")),
        _ => None,
    }
}

/// The rung of the binge group for a labelled resolution.
fn expected_rung(resolution: &str) -> &'static str {
    match expected_label(resolution) {
        "4K" => "2160p",
        "SD" => "480p",
        label => label,
    }
}

fn judge_row(row: &Row, tallies: &mut [Tally; 6]) {
    let release = single(&row.title);
    let shown = shown(&release);
    let name = || row.title.clone();
    let cam = cam_rung(row.quality.as_deref());
    if let Some(resolution) = &row.resolution {
        let want = cam.map_or_else(|| expected_label(resolution), |(label, _)| label);
        tallies[0].judge(shown.label == want, || {
            format!("{} — shown {}, labelled {want}", row.title, shown.label)
        });
    }
    let rung = cam
        .map(|(_, rung)| rung)
        .or_else(|| row.resolution.as_deref().map(expected_rung));
    if let (Some(_), Some(want)) = (&row.quality, rung) {
        tallies[1].judge(shown.rung == want, || {
            format!("{} — rung {}, labelled {want}", row.title, shown.rung)
        });
    }
    if let Some(hdr) = &row.hdr {
        let want: BTreeSet<String> = hdr.iter().cloned().collect();
        tallies[2].judge(shown.hdr == want, || {
            format!("{} — shown {:?}, labelled {want:?}", row.title, shown.hdr)
        });
    }
    if let Some(languages) = &row.languages {
        let want: BTreeSet<String> = languages.iter().cloned().collect();
        tallies[3].judge(shown.languages == want, || {
            format!(
                "{} — shown {:?}, labelled {want:?}",
                row.title, shown.languages
            )
        });
    }
    if let Some((right, wrong)) = videos(row) {
        tallies[4].judge(listed(&release, &right), name);
        if let Some(wrong) = wrong {
            tallies[5].judge(!listed(&release, &wrong), name);
        }
    }
}

/// The video a labelled name plays, and one it must not be listed for.
///
/// - A movie plays the movie (episodes that list it are the sources' matter, not its name's).
/// - A series plays its first labelled season and episode (episode numbers without a season
///   are the requested season's, as anime numbers them); it must not be listed for the
///   episode after its last or, for a pack of whole seasons, for the season after its last.
/// - A series name is judged only where both its seasons and its episodes are labelled.
fn videos(row: &Row) -> Option<(VideoId, Option<VideoId>)> {
    if row.kind.as_deref()? == "movie" {
        return Some((testing::movie(), None));
    }
    let (seasons, episodes) = (row.seasons.as_deref()?, row.episodes.as_deref()?);
    let season = seasons.first().copied().unwrap_or(1);
    let right = testing::episode(season, episodes.first().copied().unwrap_or(1));
    let wrong = match (episodes.last(), seasons.last()) {
        (Some(last), _) => Some(testing::episode(season, last + 1)),
        (None, Some(last)) => Some(testing::episode(last + 1, 1)),
        (None, None) => None,
    };
    Some((right, wrong))
}

fn single(title: &str) -> Release {
    prepare(vec![Arc::new(testing::candidate(title))])
        .pop()
        .unwrap_or_else(|| unreachable!("one candidate in, one release out"))
}

fn listed(release: &Release, video: &VideoId) -> bool {
    !rank(std::slice::from_ref(release), video, &UserConfig::default())
        .releases
        .is_empty()
}

#[test]
fn real_names_read_above_every_floor() {
    let text = std::fs::read_to_string(CORPUS)
        .unwrap_or_else(|error| panic!("the title corpus at {CORPUS}: {error}"));
    let mut tallies: [Tally; 6] = Default::default();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let row: Row = serde_json::from_str(line)
            .unwrap_or_else(|error| panic!("a corpus row that does not read: {error}: {line}"));
        judge_row(&row, &mut tallies);
    }
    let mut report = String::from("title corpus:");
    let mut failures = String::new();
    for (field, floor) in FLOORS {
        let tally = &tallies[field as usize];
        let percent = tally.percent();
        let total = tally.right + tally.misses.len();
        let _ = write!(report, " {field:?} {percent:.1}% of {total};");
        if percent < floor {
            let _ = writeln!(failures, "{field:?} {percent:.1}% < {floor}%:");
            for miss in &tally.misses {
                let _ = writeln!(failures, "  {miss}");
            }
        }
    }
    // Straight to standard error, past the test harness's capture: the figures are part of
    // every run's output, not only of a failing one.
    let _ = writeln!(std::io::stderr(), "{report}");
    assert!(failures.is_empty(), "{failures}");
}
