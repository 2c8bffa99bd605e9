//! A release name cut into the tokens the guards read, with what a reader sees around each:
//! its case, whether it stands in brackets, and whether punctuation (not a space) joins it to
//! the token before. Sites are left out first: a `www.site.com -` prefix, a bracket group or
//! word that is a web domain (`[720pMkv.com]`, `rutracker.ru`), and a domain glued to the end
//! of a dotted name (`….720p.BRRip.MkvCage.com`) — without losing the release's own tags before
//! it.

/// One token of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    /// Lowercase.
    pub text: String,
    /// Written in capitals (`FRENCH`, `ITA`): at least two letters, none lowercase.
    pub caps: bool,
    /// Begins with a capital letter (`Ita`, `ITA`).
    pub capitalised: bool,
    /// Inside `[…]`, `(…)` or `【…】`.
    pub bracketed: bool,
    /// Joined to the token before by punctuation (`ENG+PT`, `PT-BR`, `Dk-Subs`), not a space.
    pub glued: bool,
}

/// File extensions that end names; they are not domains.
const EXTENSIONS: [&str; 12] = [
    "mkv", "mp4", "avi", "ts", "m4v", "wmv", "mov", "rmvb", "mpg", "iso", "srt", "mkvv",
];

/// Endings of web domains that release names carry. Those that are also language codes
/// (`fr`, `it`, `de`, `pl`, `ru`, …) count only for a word that is nothing but a domain.
const SITE_ENDINGS: [&str; 22] = [
    "com", "org", "net", "to", "cc", "io", "mx", "tv", "ws", "ag", "li", "cz", "yt", "pics",
    "party", "vip", "nu", "co", "club", "info", "xyz", "bz",
];
const LANGUAGE_LIKE_ENDINGS: [&str; 10] =
    ["ru", "fr", "it", "de", "pl", "in", "se", "me", "es", "lt"];

/// The tokens of a name, sites left out.
pub(super) fn tokens(name: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    for word in words(without_site_prefix(name)) {
        match word {
            Word::Open => depth += 1,
            Word::Close => depth = depth.saturating_sub(1),
            Word::Text(text) => push_word(&mut out, text, depth > 0),
        }
    }
    out
}

enum Word<'a> {
    Open,
    Close,
    Text(&'a str),
}

/// Spaces and brackets cut a name into words; brackets are reported so depth can be kept.
fn words(name: &str) -> impl Iterator<Item = Word<'_>> {
    let mut rest = name;
    std::iter::from_fn(move || {
        rest = rest.trim_start();
        let first = rest.chars().next()?;
        let len = first.len_utf8();
        if matches!(first, '[' | '(' | '【' | '{') {
            rest = &rest[len..];
            return Some(Word::Open);
        }
        if matches!(first, ']' | ')' | '】' | '}') {
            rest = &rest[len..];
            return Some(Word::Close);
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || "[]()【】{}".contains(c))
            .unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        rest = after;
        Some(Word::Text(word))
    })
}

/// `www.site.com - Title …` and `www TamilBlasters tel - Title …`: the prefix up to the dash.
fn without_site_prefix(name: &str) -> &str {
    let trimmed = name.trim_start();
    let starts_with_www = trimmed.get(..4).is_some_and(|start| {
        start.eq_ignore_ascii_case("www.") || start.eq_ignore_ascii_case("www ")
    });
    match trimmed.find(" - ") {
        Some(dash) if starts_with_www && dash < 80 => &trimmed[dash + 3..],
        _ => trimmed,
    }
}

fn push_word(out: &mut Vec<Token>, word: &str, bracketed: bool) {
    if is_domain(word) {
        return;
    }
    let word = without_domain_suffix(word);
    let mut glued = false;
    for piece in word.split(|c: char| !c.is_alphanumeric()) {
        if piece.is_empty() {
            glued = true;
            continue;
        }
        let letters = piece.chars().filter(|c| c.is_alphabetic()).count();
        out.push(Token {
            text: piece.to_lowercase(),
            caps: letters >= 2 && !piece.chars().any(char::is_lowercase),
            capitalised: piece.chars().next().is_some_and(char::is_uppercase),
            bracketed,
            glued,
        });
        glued = true;
    }
}

/// A word that is nothing but a web domain: `www.x.com`, `rutracker.ru`, `Ex-torrenty.org`.
fn is_domain(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    let lower = word.to_ascii_lowercase();
    if lower.starts_with("www.") {
        return true;
    }
    let mut parts = lower.split('.');
    let (Some(host), Some(ending), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    host.chars().any(char::is_alphabetic)
        && (SITE_ENDINGS.contains(&ending) || LANGUAGE_LIKE_ENDINGS.contains(&ending))
}

/// A dotted name without the site glued to its end (`Movie.720p.BRRip.MkvCage.com`, or
/// `Movie.www.site.com.mkv`): the release's own tags before it stay.
fn without_domain_suffix(word: &str) -> &str {
    let mut end = word.len();
    let mut stem = word;
    if let Some((before, extension)) = stem.rsplit_once('.')
        && EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
    {
        stem = before;
    }
    if let Some(www) = stem.to_ascii_lowercase().find(".www.") {
        return &word[..www];
    }
    if let Some((before, ending)) = stem.rsplit_once('.')
        && SITE_ENDINGS.contains(&ending.to_ascii_lowercase().as_str())
        && let Some((kept, host)) = before.rsplit_once('.')
        && host.chars().any(char::is_alphabetic)
    {
        end = kept.len();
    }
    &word[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(name: &str) -> Vec<String> {
        tokens(name).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn sites_are_left_out_and_the_tags_before_them_kept() {
        let table: [(&str, &[&str]); 7] = [
            ("[720pMkv.com] Movie 2019", &["movie", "2019"]),
            ("www.Torrenting.com - Movie 2019", &["movie", "2019"]),
            ("www TamilBlasters tel - Movie 2019", &["movie", "2019"]),
            (
                "Movie.720p.BRRip.999MB.MkvCage.com",
                &["movie", "720p", "brrip", "999mb"],
            ),
            ("Movie2BD1080.www.newpct.com.mkv", &["movie2bd1080"]),
            ("Movie 2019 [rutracker.ru]", &["movie", "2019"]),
            ("Movie.2019.FRENCH.mkv", &["movie", "2019", "french", "mkv"]),
        ];
        for (name, want) in table {
            assert_eq!(texts(name), want, "{name}");
        }
    }

    #[test]
    fn case_brackets_and_glue_are_kept() {
        let tokens = tokens("Movie [ITA-eng] Sub Fr");
        let seen: Vec<(&str, bool, bool, bool)> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.caps, t.bracketed, t.glued))
            .collect();
        assert_eq!(
            seen,
            [
                ("movie", false, false, false),
                ("ita", true, true, false),
                ("eng", false, true, true),
                ("sub", false, false, false),
                ("fr", false, false, false),
            ]
        );
    }
}
