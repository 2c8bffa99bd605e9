//! The resolution a release name states, read from its tokens (sites already left out): what
//! the name says outright (`1080p`, `1080p24`, `1080i`, `540p`, `1920x960`, `BD1080`, `m1080p`,
//! `1993720p`) wins over the words for a resolution (`4K`, `UHD`, `QHD`, `FHD`, a bare `1080`),
//! and `2K`, the vaguest, counts only when nothing else is said.
//!
//! Heights off the ladder go to the rung below (`540p` is 480p, `900p` 720p). A frame of a
//! cinema shape (`1920x960`, `3840x1632`, `1280x544`) is judged by its width as well as its
//! height, whichever says more: a widescreen 1080p film is cropped to fewer lines, not a lower
//! resolution.

use super::tokens::Token;

/// Heights a bare number or a tag glued to a number (`BD1080`) may state: the ladder's rungs.
/// Other bare numbers (`360`, `480`) are as often counts or episodes as heights.
const LADDER: [u32; 6] = [2160, 1440, 1080, 720, 576, 480];

/// The stated resolution, spelled as the parser spells it (`1080p`, `2160p`, …).
pub(super) fn stated(tokens: &[Token]) -> Option<&'static str> {
    let texts: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    let said =
        |read: fn(&[&str], usize) -> Option<u32>| (0..texts.len()).find_map(|at| read(&texts, at));
    let height = said(explicit)
        .or_else(|| said(|texts, at| named(texts[at])))
        .or_else(|| texts.contains(&"2k").then_some(1080))?;
    spelled(height)
}

/// Whether one token states a resolution outright or by name (not `2K`).
pub(super) fn is_resolution(token: &str) -> bool {
    explicit(&[token], 0).or_else(|| named(token)).is_some()
}

/// `1080p`, `1080p24`, `1080i`, `1280x720`, `1920 x 1080`, `BD1080`, `m1080p`, `1993720p`.
fn explicit(texts: &[&str], at: usize) -> Option<u32> {
    let token = texts[at];
    if token == "x" && at > 0 {
        let width = number(texts[at - 1]).filter(|w| *w >= 640)?;
        let height = texts
            .get(at + 1)
            .and_then(|t| number(t.trim_end_matches('p')))?;
        return Some(frame(width, height));
    }
    scanned(token)
        .or_else(|| frame_token(token))
        .or_else(|| glued_to_tag(token))
        .or_else(|| glued_to_year(token))
}

/// `1080p`, `1080i`, `540p`, and with a frame rate: `1080p24`, `2160p60`.
fn scanned(token: &str) -> Option<u32> {
    let split = token.find(['p', 'i'])?;
    let (digits, rest) = token.split_at(split);
    let rate = &rest[1..];
    let rate_ok = rate.is_empty() || (rate.len() <= 5 && rate.bytes().all(|b| b.is_ascii_digit()));
    let height = number(digits).filter(|h| (200..=4320).contains(h))?;
    rate_ok.then_some(height)
}

/// `1280x720`, `1920x960`, `720x480p`.
fn frame_token(token: &str) -> Option<u32> {
    let (width, height) = token.split_once('x')?;
    let width = number(width).filter(|w| *w >= 640)?;
    Some(frame(width, number(height.trim_end_matches('p'))?))
}

/// The rung of a frame: by its lines, or by its width where the picture was cropped to a
/// cinema shape (`1920x800` is a 1080p film).
fn frame(width: u32, height: u32) -> u32 {
    let by_width = match width {
        3800.. => 2160,
        2500.. => 1440,
        1900.. => 1080,
        1200.. => 720,
        _ => 480,
    };
    by_width.max(height)
}

/// A rung glued after letters: `BD1080`, `M1080`, `TC1080p`, `BDRip1080p`, `Name2M1080`. Not
/// after `e`, `ep` or `s` (episode and season numbers: `E1080`) nor `x` (a frame, read above).
fn glued_to_tag(token: &str) -> Option<u32> {
    let body = token.strip_suffix(['p', 'i']).unwrap_or(token);
    let digits_at = body.len() - body.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (tag, digits) = body.split_at(body.len() - digits_at);
    let letter = tag.chars().last()?;
    let height = number(digits)?;
    let episode = matches!(letter, 'e' | 's' | 'x') || tag.ends_with("ep");
    (letter.is_ascii_alphabetic() && !episode && LADDER.contains(&height)).then_some(height)
}

/// A year glued to a resolution: `1993720p`.
fn glued_to_year(token: &str) -> Option<u32> {
    let digits = token.strip_suffix('p')?;
    if !(7..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, height) = digits.split_at(4);
    let year_ok = matches!(&year[..2], "19" | "20");
    let height = height.parse().ok().filter(|h| LADDER.contains(h))?;
    year_ok.then_some(height)
}

/// `4K`, `UHD`, `QHD`, `FHD`, and the bare rungs `2160`, `1440`, `1080`, `720`.
fn named(token: &str) -> Option<u32> {
    match token {
        "4k" | "uhd" | "2160" => Some(2160),
        "qhd" | "1440" => Some(1440),
        "fhd" | "1080" => Some(1080),
        "720" => Some(720),
        _ => None,
    }
}

fn number(text: &str) -> Option<u32> {
    (!text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// The parser's spelling of the rung at or below a height.
fn spelled(height: u32) -> Option<&'static str> {
    Some(match height {
        2160.. => "2160p",
        1440.. => "1440p",
        1080.. => "1080p",
        720.. => "720p",
        576.. => "576p",
        480.. => "480p",
        360.. => "360p",
        240.. => "240p",
        _ => return None,
    })
}

#[cfg(test)]
#[path = "stated_resolution_tests.rs"]
mod tests;
