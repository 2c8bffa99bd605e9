//! Ferrio's own reading of what the release-name parser gets wrong in ways that cost the most:
//! one wrong token can push a 4K release below every 720p, show a release for every episode of
//! a series, or hide it from a movie. Each guard looks at the raw name and corrects one class
//! of the parser's facts; the tests show each class, its variants and what must not change.
//!
//! - A container extension is not a source: `….ts` is an MPEG transport stream (a TV capture),
//!   not a TeleSync, unless a telesync token stands elsewhere in the name.
//! - The resolution is the release's own: a site or tag prefix (`[720pMkv.com]`, `www.x.com -`)
//!   says nothing; `1280x720`, `1920 x 1080`, a bare `2160`, `2K`, `QHD`, `UHD` and `4K` do.
//! - Numbers that are not episodes (`320 Kbps`) are dropped; Portuguese, Spanish, Italian,
//!   French and German season notations and ranges (`Temporadas 1 a 3`) are read.
//! - A disc (`S07D1`) holds some episodes of a season, nobody knows which: it is shown for no
//!   episode and as no movie — not showing beats showing the wrong episode.
//! - Languages are read from the tokens after the title (`PT`, `VF`, `Latin`, `DUBPL`,
//!   `ENG+PT+DE`, `ITA-DAN`, Indian languages), never from a web domain (`rutracker.ru`) or a
//!   title word, and subtitle tags (`ESub`, `VOSTFR`) are not spoken languages.

use crate::sources::names::NameFacts;

/// The facts of one name, corrected, and whether it names a disc.
pub(super) fn corrected(name: &str, mut facts: NameFacts) -> (NameFacts, bool) {
    let lower = name.to_lowercase();
    let tokens = tokens(&lower);
    if facts.source.as_deref() == Some("TeleSync") && is_container_ts(&lower, &tokens) {
        facts.source = tokens.contains(&"hdtv").then(|| "HDTV".to_owned());
    }
    facts.resolution = own_resolution(&tokens).map(str::to_owned);
    if let Some(seasons) = foreign_seasons(&tokens) {
        facts.seasons = seasons;
    }
    if facts.seasons.is_empty() && is_bitrate(&tokens, &facts.episodes) {
        facts.episodes.clear();
    }
    let disc = disc_season(&tokens);
    if let Some(season) = disc {
        facts.seasons = vec![season];
        facts.episodes.clear();
    }
    facts.languages = languages(&tokens, facts.languages);
    (facts, disc.is_some())
}

/// The name's tokens, with leading tags (`[…]`, `www.site.com -`) and web domains left out.
fn tokens(lower: &str) -> Vec<&str> {
    let mut rest = lower.trim_start();
    while let Some(after) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        rest = after.1.trim_start();
    }
    rest.split(|c: char| c.is_whitespace() || c == '[' || c == ']' || c == '(' || c == ')')
        .filter(|word| !is_domain(word))
        .flat_map(|word| word.split(|c: char| !c.is_alphanumeric()))
        .filter(|token| !token.is_empty())
        .collect()
}

/// `www.site.com`, `rutracker.ru`, `site.org`: a word with a dot before a short alphabetic
/// ending that is not a file extension Ferrio knows.
fn is_domain(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    word.starts_with("www.")
        || word.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty()
                && host.chars().any(char::is_alphabetic)
                && !host.contains(' ')
                && matches!(
                    tld,
                    "com"
                        | "org"
                        | "net"
                        | "ru"
                        | "to"
                        | "me"
                        | "io"
                        | "cc"
                        | "mx"
                        | "fr"
                        | "it"
                        | "de"
                        | "pl"
                        | "in"
                        | "tv"
                        | "ws"
                        | "se"
                        | "ag"
                        | "li"
                )
        })
}

/// A `.ts` ending with no telesync token anywhere else in the name.
fn is_container_ts(lower: &str, tokens: &[&str]) -> bool {
    const TELESYNC: [&str; 5] = ["telesync", "hdts", "tsrip", "pdvd", "hdtsrip"];
    let body = &tokens[..tokens.len().saturating_sub(1)];
    lower.ends_with(".ts") && !body.iter().any(|t| TELESYNC.contains(t) || *t == "ts")
}

/// The resolution the name itself states, as the parser spells it (`2160p`, `1080p`, …).
fn own_resolution(tokens: &[&str]) -> Option<&'static str> {
    tokens.iter().enumerate().find_map(|(at, token)| {
        let height = match *token {
            "4k" | "uhd" | "2160" => Some(2160),
            "qhd" | "1440" => Some(1440),
            "2k" | "fhd" | "1080" => Some(1080),
            "720" => Some(720),
            "576" => Some(576),
            "480" => Some(480),
            "360" => Some(360),
            // `1920 x 1080`: the height follows an `x`.
            "x" if at > 0 && number(tokens[at - 1]).is_some_and(|w| w >= 640) => {
                tokens.get(at + 1).and_then(|t| number(t))
            }
            _ => scan_token(token),
        }?;
        spelled(height)
    })
}

/// `1080p`, `1080i`, `1280x720`.
fn scan_token(token: &str) -> Option<u32> {
    if let Some((width, height)) = token.split_once('x') {
        return number(width).filter(|w| *w >= 640).and(number(height));
    }
    let digits = token
        .strip_suffix('p')
        .or_else(|| token.strip_suffix('i'))?;
    number(digits)
}

fn number(text: &str) -> Option<u32> {
    (text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn spelled(height: u32) -> Option<&'static str> {
    Some(match height {
        2160 => "2160p",
        1440 => "1440p",
        1080 => "1080p",
        720 => "720p",
        576 => "576p",
        480 => "480p",
        360 => "360p",
        240 => "240p",
        _ => return None,
    })
}

/// `Temporada 2`, `Temporadas 1 a 3`, `Stagione 1-2`, `Saison 4`, `Staffel 1 bis 3`.
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
    const TO: [&str; 5] = ["a", "al", "ao", "bis", "e"];
    let at = tokens.iter().position(|t| SEASON.contains(t))?;
    let first = number(tokens.get(at + 1)?)?;
    // `1 a 3`, or `1-3` (the dash split the tokens); anything else is one season.
    let end = match (tokens.get(at + 2), tokens.get(at + 3)) {
        (Some(to), Some(end)) if TO.contains(to) => number(end),
        (Some(next), _) => number(next),
        _ => None,
    };
    let last = end
        .filter(|&last| last > first && last - first < 100)
        .unwrap_or(first);
    Some((first..=last).collect())
}

/// Episode numbers that are a bitrate: the number followed by `kbps`, `kbs`, `mbps`.
fn is_bitrate(tokens: &[&str], episodes: &[u32]) -> bool {
    !episodes.is_empty()
        && tokens.windows(2).any(|pair| {
            matches!(pair[1], "kbps" | "kbs" | "kbit" | "mbps")
                && number(pair[0]).is_some_and(|n| episodes.contains(&n))
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

/// Languages from the tokens after the title (at its first year, resolution or episode tag),
/// with the parser's kept only for languages this table does not know.
fn languages(tokens: &[&str], parsed: Vec<String>) -> Vec<String> {
    let start = tokens
        .iter()
        .position(|t| is_boundary(t))
        .unwrap_or(tokens.len());
    let mut found: Vec<String> = Vec::new();
    for token in &tokens[start..] {
        if let Some(language) = language_of(token)
            && !found.iter().any(|known| known == language)
        {
            found.push(language.to_owned());
        }
    }
    for language in parsed {
        let known = LANGUAGES.iter().any(|(_, name)| *name == language);
        if !known && !found.contains(&language) {
            found.push(language);
        }
    }
    found
}

/// Where a title ends: a year, a resolution, an episode tag.
fn is_boundary(token: &str) -> bool {
    let year = number(token).is_some_and(|n| (1900..=2100).contains(&n));
    let episode = token.starts_with('s') && token[1..].starts_with(|c: char| c.is_ascii_digit());
    year || episode || scan_token(token).is_some() || own_resolution(&[token]).is_some()
}

/// Tokens of spoken languages (subtitle tags such as `esub` or `vostfr` are not here).
const LANGUAGES: [(&str, &str); 40] = [
    ("eng", "english"),
    ("english", "english"),
    ("pt", "portuguese"),
    ("por", "portuguese"),
    ("portuguese", "portuguese"),
    ("ptbr", "portuguese"),
    ("de", "german"),
    ("ger", "german"),
    ("german", "german"),
    ("deu", "german"),
    ("ita", "italian"),
    ("italian", "italian"),
    ("dan", "danish"),
    ("danish", "danish"),
    ("fr", "french"),
    ("fre", "french"),
    ("french", "french"),
    ("vf", "french"),
    ("vff", "french"),
    ("truefrench", "french"),
    ("spa", "spanish"),
    ("esp", "spanish"),
    ("spanish", "spanish"),
    ("castellano", "spanish"),
    ("latin", "latino"),
    ("latino", "latino"),
    ("pl", "polish"),
    ("pol", "polish"),
    ("polish", "polish"),
    ("dubpl", "polish"),
    ("rus", "russian"),
    ("russian", "russian"),
    ("hindi", "hindi"),
    ("tamil", "tamil"),
    ("telugu", "telugu"),
    ("kannada", "kannada"),
    ("malayalam", "malayalam"),
    ("bengali", "bengali"),
    ("marathi", "marathi"),
    ("punjabi", "punjabi"),
];

fn language_of(token: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(spelling, _)| *spelling == token)
        .map(|(_, language)| *language)
}

#[cfg(test)]
#[path = "guards_tests.rs"]
mod tests;
