//! The words release names use for languages, and how much each can be trusted.
//!
//! Languages are named as the stream list names them (`french`, `latino`, …; see
//! `languages.rs`). A spelling's [`Strength`] says where it counts: a release tag (`VOSTFR`,
//! `PLDUB`) is never anything else; a language's name (`French`, `Castellano`) may also be a
//! title word; a code may also be a word (`Dan`, `Tel`, `De`) and counts only where the name
//! shows it is a language (see `name_languages.rs`).

/// How sure a spelling is to mean a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Strength {
    /// A release tag found nowhere else: counts anywhere, in any case.
    Tag,
    /// A language's name in English or in its own words: counts after the title, and in the
    /// title only in capitals.
    Name,
    /// A three-letter code that is no word: counts after the title, in the title only in
    /// capitals.
    Code,
    /// A code that is also a word or a name (`dan`, `tel`, `por`, two-letter codes): counts
    /// only in a list of languages or next to an audio or subtitle word.
    Ambiguous,
    /// A two-letter code that counts alone after the title when written in capitals (`PT`,
    /// `VF`), and otherwise as [`Strength::Ambiguous`].
    CapitalCode,
}

/// What a spelling says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Entry {
    pub languages: &'static [&'static str],
    pub strength: Strength,
    /// A subtitle tag (`VOSTFR`, `PLSUB`, `Legendado`): the language is read, not heard.
    pub subtitles: bool,
}

const fn entry(languages: &'static [&'static str], strength: Strength) -> Entry {
    Entry {
        languages,
        strength,
        subtitles: false,
    }
}

const fn subtitles(languages: &'static [&'static str]) -> Entry {
    Entry {
        languages,
        strength: Strength::Tag,
        subtitles: true,
    }
}

/// The entry of one lowercase token, including glued subtitle and dub tags (`ENSUBBED`,
/// `RoSub`, `DUBPL`).
pub(super) fn lookup(token: &str) -> Option<Entry> {
    word(token).or_else(|| compound(token))
}

/// Whether a language name (as the parser reports one) is one Ferrio reads itself.
pub(super) fn is_language(name: &str) -> bool {
    word(name).is_some_and(|entry| entry.languages.contains(&name))
}

/// Words that make the languages after them subtitles (`Sub Eng Esp`, `Leg. BR`), or before
/// them (`En Subs`, `Dk-Subs`, `finsk sub`).
pub(super) fn is_subtitle_word(token: &str) -> bool {
    matches!(
        token,
        "sub"
            | "subs"
            | "subbed"
            | "subtitle"
            | "subtitles"
            | "subtitled"
            | "legenda"
            | "legendas"
            | "legendado"
            | "leg"
            | "subtitulos"
            | "subtitulado"
            | "sottotitoli"
            | "untertitel"
            | "napisy"
            | "undertekst"
            | "undertekster"
            | "undertexter"
            | "tekstit"
    )
}

/// Words that make the languages after them spoken (`Dual Latino`, `Audio EN-BR`, `dub jpn`).
pub(super) fn is_audio_word(token: &str) -> bool {
    matches!(
        token,
        "audio" | "dual" | "dub" | "dubbed" | "dublado" | "doblado" | "dubbing"
    )
}

/// Words that make the languages before them spoken (`Greek Language`, `ITA-FRE AUDIO`).
pub(super) fn is_spoken_word(token: &str) -> bool {
    matches!(token, "audio" | "language" | "dub" | "dubbed" | "version")
}

#[rustfmt::skip]
fn word(token: &str) -> Option<Entry> {
    use Strength::{Ambiguous as A, CapitalCode as C, Code as K, Name as N, Tag as T};
    let (languages, strength): (&'static [&'static str], Strength) = match token {
        "english" | "inglés" | "ingles" | "inglês" => (&["english"], N),
        "eng" => (&["english"], K),
        "en" => (&["english"], C),
        "ing" => (&["english"], A),
        "french" | "français" | "francais" => (&["french"], N),
        "truefrench" | "vff" | "vfi" | "vf2" | "vfq" | "vof" => (&["french"], T),
        "fre" | "fra" => (&["french"], K),
        "fr" | "vf" => (&["french"], C),
        "spanish" | "español" | "espanol" | "castellano" => (&["spanish"], N),
        "spa" | "esp" => (&["spanish"], K),
        "es" => (&["spanish"], C),
        "latino" | "lati" | "latin" => (&["latino"], N),
        "lat" => (&["latino"], A),
        "portuguese" | "português" | "portugues" | "portuguesa" => (&["portuguese"], N),
        "dublado" | "ptbr" => (&["portuguese"], T),
        "por" | "port" | "br" => (&["portuguese"], A),
        "pt" => (&["portuguese"], C),
        "italian" | "italiano" => (&["italian"], N),
        "ita" => (&["italian"], K),
        "it" => (&["italian"], C),
        "german" | "deutsch" => (&["german"], N),
        "ger" | "deu" => (&["german"], K),
        "de" => (&["german"], C),
        "russian" => (&["russian"], N),
        "rus" => (&["russian"], K),
        "ru" => (&["russian"], C),
        "ukrainian" => (&["ukrainian"], N),
        "ukr" => (&["ukrainian"], K),
        "polish" | "polski" => (&["polish"], N),
        "pldub" | "dubpl" => (&["polish"], T),
        "pol" => (&["polish"], A),
        "pl" => (&["polish"], C),
        "japanese" => (&["japanese"], N),
        "jpn" | "jap" => (&["japanese"], K),
        "jp" => (&["japanese"], A),
        "ja" => (&["japanese"], C),
        "korean" => (&["korean"], N),
        "kor" => (&["korean"], K),
        "ko" => (&["korean"], A),
        "chinese" | "mandarin" | "cantonese" => (&["chinese"], N),
        "chs" | "cht" | "chn" => (&["chinese"], K),
        "chi" | "zh" => (&["chinese"], A),
        "hindi" => (&["hindi"], N),
        "hin" => (&["hindi"], K),
        "tamil" => (&["tamil"], N),
        "tam" => (&["tamil"], A),
        "telugu" => (&["telugu"], N),
        "tel" => (&["telugu"], A),
        "malayalam" => (&["malayalam"], N),
        "mal" => (&["malayalam"], A),
        "kannada" => (&["kannada"], N),
        "kan" => (&["kannada"], A),
        "bengali" => (&["bengali"], N),
        "ben" => (&["bengali"], A),
        "marathi" => (&["marathi"], N),
        "punjabi" => (&["punjabi"], N),
        "gujarati" => (&["gujarati"], N),
        "dutch" | "nederlands" | "flemish" | "vlaams" => (&["dutch"], N),
        "dut" | "nld" => (&["dutch"], K),
        "nl" => (&["dutch"], C),
        "danish" | "dansk" | "danska" => (&["danish"], N),
        "dan" => (&["danish"], A),
        // `da` and `no` are words in too many languages to name one, even in a list
        // (`Sv.Da.No`), but they do not break one.
        "da" | "no" => (&[], A),
        "dk" => (&["danish"], C),
        "swedish" | "svensk" | "svenska" => (&["swedish"], N),
        "swe" => (&["swedish"], K),
        "sv" | "se" => (&["swedish"], A),
        "norwegian" | "norsk" => (&["norwegian"], N),
        "nor" => (&["norwegian"], A),
        "finnish" | "finsk" | "suomi" => (&["finnish"], N),
        "fin" | "fi" => (&["finnish"], A),
        "nordic" => (&["danish", "finnish", "norwegian", "swedish"], N),
        "hungarian" | "magyar" => (&["hungarian"], N),
        "hun" | "hu" => (&["hungarian"], A),
        "romanian" => (&["romanian"], N),
        "rom" | "ron" | "ro" => (&["romanian"], A),
        "czech" => (&["czech"], N),
        "cze" => (&["czech"], K),
        "cz" | "cs" => (&["czech"], A),
        "slovak" => (&["slovakian"], N),
        "slo" | "sk" => (&["slovakian"], A),
        "greek" => (&["greek"], N),
        "gre" | "ell" | "el" => (&["greek"], A),
        "turkish" => (&["turkish"], N),
        "tur" | "tr" => (&["turkish"], A),
        "arabic" | "arab" => (&["arabic"], N),
        "ara" | "ar" => (&["arabic"], A),
        "hebrew" => (&["hebrew"], N),
        "heb" => (&["hebrew"], K),
        "he" => (&["hebrew"], A),
        "lithuanian" => (&["lithuanian"], N),
        "lit" => (&["lithuanian"], A),
        "lt" => (&["lithuanian"], C),
        "vietnamese" => (&["vietnamese"], N),
        "vie" | "vi" => (&["vietnamese"], A),
        "thai" => (&["thai"], N),
        "persian" | "farsi" => (&["persian"], N),
        "indonesian" => (&["indonesian"], N),
        "vostfr" | "vost" | "stfr" | "subfrench" => return Some(subtitles(&["french"])),
        "napisypl" => return Some(subtitles(&["polish"])),
        "legendado" | "legendas" | "legenda" => return Some(subtitles(&["portuguese"])),
        "esub" | "esubs" => return Some(subtitles(&["english"])),
        _ => return None,
    };
    Some(entry(languages, strength))
}

/// `ENSUBBED`, `EngSub`, `RoSub`, `SWESUB`, `PLSUB` (subtitles) and `DUBPL`, `PLDUB` (spoken):
/// a language's code glued to a subtitle or dub word.
fn compound(token: &str) -> Option<Entry> {
    const SUBTITLE_ENDINGS: [&str; 4] = ["subbed", "subs", "sub", "subtitles"];
    if let Some(code) = SUBTITLE_ENDINGS
        .iter()
        .find_map(|ending| token.strip_suffix(ending))
        .filter(|code| code.len() >= 2)
    {
        return word(code).map(|entry| subtitles(entry.languages));
    }
    let code = token
        .strip_suffix("dub")
        .or_else(|| token.strip_prefix("dub"))
        .filter(|code| code.len() >= 2)?;
    word(code).map(|entry| Entry {
        strength: Strength::Tag,
        ..entry
    })
}
