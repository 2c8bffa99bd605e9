//! Reads back the facts Torrentio writes into a stream's multi-line `title`:
//!
//! ```text
//! Show.S01.1080p.WEB.x264-GRP          ← the release name
//! Show.S01E03.1080p.WEB.x264-GRP.mkv   ← the file, only when it differs (packs)
//! 👤 123 💾 1.85 GB ⚙️ EZTV             ← seeders, size, provider
//! 🇬🇧 / 🇮🇹                              ← languages, when not English only
//! ```
//! The patterns are Torrentio's own (`addon/lib/titleHelper.js`): `👤 (\d+)`,
//! `💾 ([\d.]+ \w+)` with 1024-based units, `⚙.* ([^ \n]+)`.

/// What a Torrentio `title` says.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TitleFacts {
    pub release: String,
    /// The file's path inside the torrent, when Torrentio shows it.
    pub file_path: Option<String>,
    pub seeders: Option<u32>,
    /// Bytes, from the human size.
    pub size: Option<u64>,
    pub provider: Option<String>,
}

/// Parses a Torrentio stream `title`.
pub(crate) fn parse(title: &str) -> TitleFacts {
    let lines: Vec<&str> = title.lines().collect();
    let stats = lines.iter().position(|line| line.contains('👤'));
    // The file line sits right above the stats line, and is never the first line.
    let file_path = stats
        .filter(|index| *index >= 2)
        .map(|index| lines[index - 1].trim().to_owned())
        .filter(|path| !path.is_empty());
    TitleFacts {
        release: lines.first().map_or("", |line| line.trim()).to_owned(),
        file_path,
        seeders: after(title, "👤 ")
            .and_then(|rest| leading(rest, |c| c.is_ascii_digit()).parse().ok()),
        size: after(title, "💾 ").and_then(size),
        provider: provider(title),
    }
}

/// The text after the first `marker`.
fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.find(marker).map(|at| &text[at + marker.len()..])
}

/// The longest prefix of `text` whose characters satisfy `keep`.
fn leading(text: &str, keep: impl Fn(char) -> bool) -> &str {
    let end = text.find(|c| !keep(c)).unwrap_or(text.len());
    &text[..end]
}

/// `1.85 GB` → bytes, with Torrentio's units `B kB MB GB TB` (any case), 1024-based.
fn size(text: &str) -> Option<u64> {
    let number = leading(text, |c| c.is_ascii_digit() || c == '.');
    let unit = leading(
        text[number.len()..].strip_prefix(' ')?,
        char::is_alphanumeric,
    );
    let power = match unit.to_ascii_lowercase().as_str() {
        "b" => 0,
        "kb" => 1,
        "mb" => 2,
        "gb" => 3,
        "tb" => 4,
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    Some((value * 1024f64.powi(power)).round() as u64)
}

/// `⚙.* ([^ \n]+)`: the last word of the `⚙` line that follows a space.
fn provider(title: &str) -> Option<String> {
    let rest = &title[title.find('⚙')?..];
    let line = rest.lines().next()?.trim_end_matches(' ');
    let (_, word) = line.rsplit_once(' ')?;
    Some(word.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_movie_title() {
        let facts =
            parse("The.Matrix.1999.1080p.BluRay.x264-GRP\n👤 123 💾 1.85 GB ⚙️ YTS\n🇬🇧 / 🇮🇹");
        assert_eq!(
            facts,
            TitleFacts {
                release: "The.Matrix.1999.1080p.BluRay.x264-GRP".into(),
                file_path: None,
                seeders: Some(123),
                size: Some(1_986_422_374),
                provider: Some("YTS".into()),
            }
        );
    }

    #[test]
    fn a_pack_title_names_the_file() {
        let facts =
            parse("Show.S01.1080p\nShow/Season 1/Show.S01E03.1080p.mkv\n👤 0 💾 950.5 MB ⚙️ 1337x");
        assert_eq!(facts.release, "Show.S01.1080p");
        assert_eq!(
            facts.file_path.as_deref(),
            Some("Show/Season 1/Show.S01E03.1080p.mkv")
        );
        assert_eq!(facts.seeders, Some(0));
        assert_eq!(facts.size, Some(996_671_488));
        assert_eq!(facts.provider.as_deref(), Some("1337x"));
    }

    #[test]
    fn units_and_missing_parts() {
        assert_eq!(parse("x\n👤 5 💾 1 TB ⚙️ EZTV").size, Some(1 << 40));
        assert_eq!(parse("x\n👤 5 💾 12 kB ⚙️ EZTV").size, Some(12 * 1024));
        assert_eq!(parse("x\n👤 5 💾 3 parsecs ⚙️ EZTV").size, None);
        let bare = parse("Only.A.Name");
        assert_eq!((bare.seeders, bare.size, bare.provider), (None, None, None));
        assert_eq!(
            parse("x\n👤 5 ⚙️ ThePirateBay ").provider.as_deref(),
            Some("ThePirateBay")
        );
    }
}
