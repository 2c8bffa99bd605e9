//! The languages a release name states, spoken and subtitles apart.
//!
//! A name is a title followed by tags, often with tags before it in brackets. What counts as
//! a language depends on where it stands and how it is written (see `lexicon.rs`):
//!
//! - **Where.** The title runs from its first word to its first year, resolution, episode tag,
//!   source or codec, or bracket. Bracketed groups and everything after the title are tags.
//! - **Tags** (`VOSTFR`, `PLDUB`, `TRUEFRENCH`) count anywhere. Names (`French`,
//!   `Castellano`, `Português`) and codes (`ITA`, `eng`) count among the tags in any case, and
//!   in the title only in capitals in a name that is not all capitals (`127.Heures.FRENCH`,
//!   but not `The French Dispatch`).
//! - **Codes that are also words** (`Dan`, `Tel`, `De`, `BR`) count only in a list of
//!   languages (`Tel+Tam+hin`, `IT EN FR`, `PT-BR`; in the title only in capitals), next to
//!   an audio word (`Dual Lat`, `Greek Language`), or next to a subtitle word (`Leg. BR`,
//!   `Dk-Subs`).
//! - **Subtitles.** Languages after a subtitle word (`Sub Eng Esp`) or right before one
//!   (`En Subs`, `finsk sub`), and subtitle tags (`ESub`, `PLSUB`, `Legendado`), are subtitles.
//! - **Scripts.** A name in Cyrillic is Russian; Han characters are Chinese (with kana,
//!   Japanese; Hangul, Korean).
//! - A name cut short keeps its last language (`… Italian Englis`).

use super::{
    lexicon::{self, Entry, Strength},
    stated_resolution,
    tokens::Token,
};

/// Languages in the name's order, without duplicates.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Languages {
    pub spoken: Vec<String>,
    pub subtitles: Vec<String>,
}

impl Languages {
    fn add(&mut self, languages: &[&str], subtitles: bool) {
        let list = if subtitles {
            &mut self.subtitles
        } else {
            &mut self.spoken
        };
        for language in languages {
            if !list.iter().any(|known| known == language) {
                list.push((*language).to_owned());
            }
        }
    }
}

/// The languages of a name, from its tokens (sites already left out) and its script.
pub(super) fn read(name: &str, tokens: &[Token]) -> Languages {
    let mut found = Languages::default();
    found.add(script_languages(name), false);
    let title = title_zone(tokens);
    let mixed_case = tokens[title.clone()]
        .iter()
        .any(|t| !t.caps && t.text.chars().any(char::is_alphabetic));
    let entries: Vec<Option<Entry>> = tokens.iter().map(|t| lexicon::lookup(&t.text)).collect();
    for (at, token) in tokens.iter().enumerate() {
        let Some(entry) = entries[at] else { continue };
        let context = Context::of(tokens, &entries, at);
        let in_title = title.contains(&at) && !token.bracketed;
        let counts = match entry.strength {
            Strength::Tag => true,
            _ if context.audio || context.subtitles => true,
            Strength::Name | Strength::Code if in_title => token.caps && mixed_case,
            Strength::Name | Strength::Code => true,
            // `Title - IT EN FR`: a list in capitals ends the title.
            Strength::CapitalCode | Strength::Ambiguous if in_title => {
                token.caps && mixed_case && context.list
            }
            Strength::CapitalCode => token.caps || context.list,
            Strength::Ambiguous => context.list,
        };
        if counts {
            found.add(entry.languages, entry.subtitles || context.subtitles);
        }
    }
    if let Some(cut) = cut_language(tokens, &entries) {
        found.add(cut, false);
    }
    found
}

/// What stands around a language token.
struct Context {
    /// Next to another language: joined by punctuation, or both written alike (`Ita Dut`).
    list: bool,
    /// In a run of languages after an audio word, or right before a word such as `Audio`.
    audio: bool,
    /// In a run of languages after a subtitle word, or right before one.
    subtitles: bool,
}

impl Context {
    fn of(tokens: &[Token], entries: &[Option<Entry>], at: usize) -> Self {
        // `IT EN FR`, `Ita Dut Fre`: written alike; `de la` and `Dan Harmon` are not lists.
        let alike = |a: &Token, b: &Token| (a.caps && b.caps) || (a.capitalised && b.capitalised);
        let neighbour = |other: usize, joined: bool| {
            let (this, that) = (&tokens[at], &tokens[other]);
            entries[other].is_some()
                && this.bracketed == that.bracketed
                && (joined || alike(this, that))
        };
        let list = (at > 0 && neighbour(at - 1, tokens[at].glued))
            || (at + 1 < tokens.len() && neighbour(at + 1, tokens[at + 1].glued));
        let run_start = (0..at)
            .rev()
            .find(|&i| entries[i].is_none())
            .map(|i| &tokens[i].text);
        let run_end = (at + 1..tokens.len())
            .find(|&i| entries[i].is_none())
            .map(|i| &tokens[i].text);
        Self {
            list,
            audio: run_start.is_some_and(|t| lexicon::is_audio_word(t))
                || run_end.is_some_and(|t| lexicon::is_spoken_word(t)),
            subtitles: run_start.is_some_and(|t| lexicon::is_subtitle_word(t))
                || run_end.is_some_and(|t| lexicon::is_subtitle_word(t)),
        }
    }
}

/// The tokens of the title: from the first token outside brackets to the first year,
/// resolution, episode tag, source, codec or bracket after it.
fn title_zone(tokens: &[Token]) -> std::ops::Range<usize> {
    let Some(start) = tokens.iter().position(|t| !t.bracketed) else {
        return 0..0;
    };
    let end = (start + 1..tokens.len())
        .find(|&at| tokens[at].bracketed || ends_title(&tokens[at].text))
        .unwrap_or(tokens.len());
    start..end
}

/// A year, a resolution, an episode tag (`S01`, `S01E02`, `8x11`, `EP12`), a source or a
/// codec: what stands after a title.
fn ends_title(token: &str) -> bool {
    const TAGS: [&str; 28] = [
        "bluray", "bdrip", "brrip", "bdremux", "remux", "dvdrip", "dvdr", "dvd", "dvd5", "dvd9",
        "webrip", "web", "webdl", "hdtv", "hdrip", "hdtvrip", "tvrip", "x264", "x265", "h264",
        "h265", "hevc", "xvid", "divx", "avc", "hdcam", "hdts", "10bit",
    ];
    let digits_after = |prefix: &str| {
        token
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    let year = token.len() == 4
        && token.bytes().all(|b| b.is_ascii_digit())
        && matches!(&token[..2], "19" | "20");
    let frame = token.split_once('x').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && (a.bytes().chain(b.bytes())).all(|c| c.is_ascii_digit())
    });
    year || frame
        || digits_after("s")
        || digits_after("ep")
        || TAGS.contains(&token)
        || stated_resolution::is_resolution(token)
}

/// The last token of a name cut short, when it begins a language's name (`Englis`, `Portug`).
fn cut_language(tokens: &[Token], entries: &[Option<Entry>]) -> Option<&'static [&'static str]> {
    const NAMES: [(&str, &str); 8] = [
        ("english", "english"),
        ("italian", "italian"),
        ("spanish", "spanish"),
        ("french", "french"),
        ("german", "german"),
        ("portuguese", "portuguese"),
        ("castellano", "spanish"),
        ("russian", "russian"),
    ];
    let last = tokens
        .last()
        .filter(|_| entries.last().is_some_and(Option::is_none))?;
    if last.text.len() < 5 || tokens.len() < 2 {
        return None;
    }
    NAMES.iter().find_map(|(name, language)| {
        name.starts_with(last.text.as_str())
            .then(|| lexicon::lookup(language).map(|e| e.languages))
            .flatten()
    })
}

/// The language of a name's script: Cyrillic is Russian; Han is Chinese unless kana say
/// Japanese; Hangul is Korean.
fn script_languages(name: &str) -> &'static [&'static str] {
    let has = |range: std::ops::RangeInclusive<char>| name.chars().any(|c| range.contains(&c));
    if has('\u{0400}'..='\u{04FF}') {
        &["russian"]
    } else if has('\u{3040}'..='\u{30FF}') {
        &["japanese"]
    } else if has('\u{AC00}'..='\u{D7AF}') {
        &["korean"]
    } else if has('\u{4E00}'..='\u{9FFF}') {
        &["chinese"]
    } else {
        &[]
    }
}

#[cfg(test)]
#[path = "name_languages_tests.rs"]
mod tests;
