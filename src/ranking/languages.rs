//! The languages lines of a stream description: flags, as Torrentio shows them, spoken
//! languages on one line and subtitles (`💬 🇫🇷`) on the next.

/// Flags for the languages Ferrio reads. A language that shares its country's flag with
/// another (Tamil, Telugu and the other Indian languages beside Hindi) is shown by its name,
/// so a viewer can tell them apart; so are labels such as `multi audio`.
const FLAGS: [(&str, &str); 40] = [
    ("english", "🇬🇧"),
    ("japanese", "🇯🇵"),
    ("korean", "🇰🇷"),
    ("chinese", "🇨🇳"),
    ("taiwanese", "🇹🇼"),
    ("french", "🇫🇷"),
    ("latino", "🇲🇽"),
    ("spanish", "🇪🇸"),
    ("portuguese", "🇵🇹"),
    ("italian", "🇮🇹"),
    ("greek", "🇬🇷"),
    ("german", "🇩🇪"),
    ("russian", "🇷🇺"),
    ("ukrainian", "🇺🇦"),
    ("hindi", "🇮🇳"),
    ("lithuanian", "🇱🇹"),
    ("latvian", "🇱🇻"),
    ("estonian", "🇪🇪"),
    ("polish", "🇵🇱"),
    ("czech", "🇨🇿"),
    ("slovakian", "🇸🇰"),
    ("hungarian", "🇭🇺"),
    ("romanian", "🇷🇴"),
    ("bulgarian", "🇧🇬"),
    ("serbian", "🇷🇸"),
    ("croatian", "🇭🇷"),
    ("slovenian", "🇸🇮"),
    ("dutch", "🇳🇱"),
    ("danish", "🇩🇰"),
    ("finnish", "🇫🇮"),
    ("swedish", "🇸🇪"),
    ("norwegian", "🇳🇴"),
    ("arabic", "🇸🇦"),
    ("turkish", "🇹🇷"),
    ("vietnamese", "🇻🇳"),
    ("indonesian", "🇮🇩"),
    ("thai", "🇹🇭"),
    ("malay", "🇲🇾"),
    ("hebrew", "🇮🇱"),
    ("persian", "🇮🇷"),
];

/// Flags (or capitalised names) joined by ` / `, in the name's order; none when the name
/// states no language. English is shown too: a release that says so is an English one.
pub(super) fn languages_line(languages: &[String]) -> Option<String> {
    (!languages.is_empty()).then(|| joined(languages))
}

/// The subtitles the name states, in the same form after `💬`: `💬 🇫🇷`.
pub(super) fn subtitles_line(subtitles: &[String]) -> Option<String> {
    (!subtitles.is_empty()).then(|| format!("💬 {}", joined(subtitles)))
}

fn joined(languages: &[String]) -> String {
    languages
        .iter()
        .map(|language| label(language))
        .collect::<Vec<_>>()
        .join(" / ")
}

fn label(language: &str) -> String {
    FLAGS
        .iter()
        .find(|(name, _)| *name == language)
        .map_or_else(
            || capitalise_words(language),
            |(_, flag)| (*flag).to_owned(),
        )
}

/// `multi audio` → `Multi Audio`.
fn capitalise_words(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(languages: &[&str]) -> Option<String> {
        let languages: Vec<String> = languages.iter().map(|&l| l.to_owned()).collect();
        languages_line(&languages)
    }

    #[test]
    fn nothing_stated_is_not_shown_and_english_is() {
        assert_eq!(line(&[]), None);
        assert_eq!(line(&["english"]).as_deref(), Some("🇬🇧"));
    }

    #[test]
    fn subtitles_in_the_same_form() {
        let subtitles = ["french".to_owned(), "tamil".to_owned()];
        assert_eq!(subtitles_line(&subtitles).as_deref(), Some("💬 🇫🇷 / Tamil"));
        assert_eq!(subtitles_line(&[]), None);
    }

    #[test]
    fn flags_and_labels_in_the_parser_order() {
        assert_eq!(
            line(&["dual audio", "english", "hindi"]).as_deref(),
            Some("Dual Audio / 🇬🇧 / 🇮🇳")
        );
        assert_eq!(
            line(&["multi audio", "french"]).as_deref(),
            Some("Multi Audio / 🇫🇷")
        );
        assert_eq!(line(&["klingon"]).as_deref(), Some("Klingon"));
    }
}
