//! Ferrio's own reading of what the release-name parser gets wrong in ways that cost the most:
//! one wrong token can push a 4K release below every 720p, show a release for every episode of
//! a series, or hide it from a movie. Each guard looks at the raw name and corrects one class
//! of the parser's facts; the tests show each class, its variants and what must not change.
//!
//! - A container extension is not a source: `….ts` is an MPEG transport stream (a TV capture),
//!   not a TeleSync, unless a telesync token stands elsewhere in the name.
//! - The resolution is the release's own (`stated_resolution.rs`): sites (`[720pMkv.com]`,
//!   `www.x.com -`, `….MkvCage.com`) say nothing; frame rates, frames of any shape, rungs
//!   glued to tags and the words for a resolution do.
//! - Numbers that are not episodes (`320 Kbps`, the number that begins an episode's title)
//!   are dropped, and zero-padded ranges of absolute episodes (`0001-1071`) read; Portuguese, Spanish, Italian,
//!   French and German season notations and ranges (`Temporadas 1 a 3`, `1ª a 8ª Temporada`)
//!   are read.
//! - A disc (`S07D1`) holds some episodes of a season, nobody knows which: it is shown for no
//!   episode and as no movie — not showing beats showing the wrong episode.
//! - Languages, spoken and subtitles apart, are Ferrio's own reading (`name_languages.rs`):
//!   never from a web domain (`rutracker.ru`) or a title word; the parser adds only labels
//!   that name no language (`multi audio`).

use super::{
    lexicon, name_languages, stated_resolution,
    tokens::{Token, tokens},
};
use crate::sources::names::NameFacts;

/// The facts of one name, corrected, and whether it names a disc.
pub(super) fn corrected(name: &str, mut facts: NameFacts) -> (NameFacts, bool) {
    let tokens = tokens(name);
    let texts: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    if facts.source.as_deref() == Some("TeleSync") && is_container_ts(name, &texts) {
        facts.source = texts.contains(&"hdtv").then(|| "HDTV".to_owned());
    }
    facts.resolution = stated_resolution::stated(&tokens).map(str::to_owned);
    if let Some(seasons) = foreign_seasons(&texts) {
        facts.seasons = seasons;
    }
    if facts.seasons.is_empty() && is_bitrate(&texts, &facts.episodes) {
        facts.episodes.clear();
    }
    if let Some(first) = episode_before_its_title(&tokens, &facts.episodes) {
        facts.episodes = vec![first];
    }
    if facts.seasons.is_empty() && facts.episodes.is_empty() {
        facts.episodes = padded_range(&tokens).unwrap_or_default();
    }
    let disc = disc_season(&texts);
    if let Some(season) = disc {
        facts.seasons = vec![season];
        facts.episodes.clear();
    }
    let languages = name_languages::read(name, &tokens);
    facts.languages = with_parsers_labels(languages.spoken, facts.languages);
    facts.subtitles = languages.subtitles;
    (facts, disc.is_some())
}

/// A `.ts` ending with no telesync token anywhere else in the name.
fn is_container_ts(name: &str, tokens: &[&str]) -> bool {
    const TELESYNC: [&str; 5] = ["telesync", "hdts", "tsrip", "pdvd", "hdtsrip"];
    let body = &tokens[..tokens.len().saturating_sub(1)];
    let ends_ts = name
        .len()
        .checked_sub(3)
        .and_then(|at| name.get(at..))
        .is_some_and(|end| end.eq_ignore_ascii_case(".ts"));
    ends_ts && !body.iter().any(|t| TELESYNC.contains(t) || *t == "ts")
}

fn number(text: &str) -> Option<u32> {
    (!text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `Temporada 2`, `Temporadas 1 a 3`, `Stagione 1-2`, `Saison 4`, `Staffel 1 bis 3`, and
/// with the number before the word: `10º Temporada`, `1ª a 8ª Temporada`, `3 Temporada`.
fn foreign_seasons(tokens: &[&str]) -> Option<Vec<u32>> {
    const SEASON: [&str; 7] = [
        "temporada",
        "temporadas",
        "stagione",
        "stagioni",
        "saison",
        "saisons",
        "staffel",
    ];
    let at = tokens.iter().position(|t| SEASON.contains(t))?;
    let after = tokens.get(at + 1).and_then(|t| number(t)).map(|first| {
        // `1 a 3`, or `1-3` (the dash split the tokens); anything else is one season.
        let end = match (tokens.get(at + 2), tokens.get(at + 3)) {
            (Some(to), Some(end)) if is_to(to) => number(end),
            (Some(next), _) => number(next),
            _ => None,
        };
        (first, end)
    });
    // A number marked as an ordinal before the word wins over a number after it (`10º
    // Temporada - 215 ao 220`: season 10, episodes 215 to 220).
    let before = ordinal_seasons_before(&tokens[..at]);
    let marked = tokens[..at]
        .last()
        .is_some_and(|t| t.ends_with(['ª', 'º', '°']));
    let (first, end) = if marked {
        before.or(after)
    } else {
        after.or(before)
    }?;
    let last = end
        .filter(|&last| last > first && last - first < 100)
        .unwrap_or(first);
    Some((first..=last).collect())
}

fn is_to(token: &str) -> bool {
    matches!(token, "a" | "al" | "ao" | "bis" | "e")
}

/// `10º`, `1ª a 8ª`, `4`, `1a` right before the season word.
fn ordinal_seasons_before(before: &[&str]) -> Option<(u32, Option<u32>)> {
    let last = ordinal(before.last()?)?;
    match before.len().checked_sub(3).map(|at| &before[at..]) {
        Some([first, to, _]) if is_to(to) => ordinal(first).map(|first| (first, Some(last))),
        _ => Some((last, None)),
    }
}

/// A number with an ordinal ending of at most two letters: `1ª`, `10º`, `3âº`, `1a`, `4`.
fn ordinal(token: &str) -> Option<u32> {
    let digits = token.len() - token.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let ending = &token[digits..];
    let short = ending.chars().count() <= 2 && ending.chars().all(char::is_alphabetic);
    short.then(|| number(&token[..digits])).flatten()
}

/// Episode numbers that are a bitrate: the number followed by `kbps`, `kbs`, `mbps`.
fn is_bitrate(tokens: &[&str], episodes: &[u32]) -> bool {
    !episodes.is_empty()
        && tokens.windows(2).any(|pair| {
            matches!(pair[1], "kbps" | "kbs" | "kbit" | "mbps")
                && number(pair[0]).is_some_and(|n| episodes.contains(&n))
        })
}

/// `Show - 116 - 360 Degrees of Vision`: the parser reads a range to the number that begins
/// the episode's title. A range whose end is followed by two words, the first capitalised
/// and no season or packaging word, is one episode.
fn episode_before_its_title(tokens: &[Token], episodes: &[u32]) -> Option<u32> {
    const PACKAGING: [&str; 6] = ["season", "complete", "end", "final", "batch", "temporada"];
    let (&first, &last) = (episodes.first()?, episodes.last()?);
    if last <= first {
        return None;
    }
    let at = tokens.iter().position(|t| number(&t.text) == Some(last))?;
    let word = |t: &Token| !t.bracketed && t.text.chars().all(char::is_alphabetic);
    let (next, after) = (tokens.get(at + 1)?, tokens.get(at + 2)?);
    let starts_title = word(next) && word(after) && next.capitalised;
    (starts_title && !PACKAGING.contains(&next.text.as_str())).then_some(first)
}

/// `(0001-1071+Movies)`: a zero-padded range of absolute episodes, read where the parser
/// found no numbering at all.
fn padded_range(tokens: &[Token]) -> Option<Vec<u32>> {
    tokens.windows(2).find_map(|pair| {
        let padded = pair[0].text.starts_with('0') && pair[0].text.len() >= 3;
        let (first, last) = (number(&pair[0].text)?, number(&pair[1].text)?);
        (padded && pair[1].glued && first < last && last - first <= 5000)
            .then(|| (first..=last).collect())
    })
}

/// The season of a disc: `S07D1`, `S07.D01`.
fn disc_season(tokens: &[&str]) -> Option<u32> {
    tokens.iter().enumerate().find_map(|(at, token)| {
        let rest = token.strip_prefix('s')?;
        let (season, disc) = match rest.split_once('d') {
            Some((season, disc)) => (season, disc),
            None => (rest, tokens.get(at + 1)?.strip_prefix('d')?),
        };
        number(disc)?;
        number(season)
    })
}

/// Ferrio's reading of the spoken languages, with the parser's labels that are no language
/// Ferrio reads (`multi audio`, `dual audio`) after them.
fn with_parsers_labels(mut spoken: Vec<String>, parsed: Vec<String>) -> Vec<String> {
    for label in parsed {
        if !lexicon::is_language(&label) && !spoken.contains(&label) {
            spoken.push(label);
        }
    }
    spoken
}

#[cfg(test)]
#[path = "guards_tests.rs"]
mod tests;
