//! The languages line of a stream description: flags, as Torrentio shows them.

/// Flags for the language names `parse-torrent-title` reports. Labels such as `multi audio`
/// have no flag and are shown as words.
const FLAGS: [(&str, &str); 42] = [
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
    ("telugu", "🇮🇳"),
    ("tamil", "🇮🇳"),
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

/// Flags (or capitalised names) joined by ` / `; none when the release states no language or
/// only English, which is what users expect anyway.
pub(super) fn languages_line(languages: &[String]) -> Option<String> {
    let english_only = languages.iter().all(|language| language == "english");
    (!english_only).then(|| {
        languages
            .iter()
            .map(|language| label(language))
            .collect::<Vec<_>>()
            .join(" / ")
    })
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
    fn english_alone_or_nothing_is_not_shown() {
        assert_eq!(line(&[]), None);
        assert_eq!(line(&["english"]), None);
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
