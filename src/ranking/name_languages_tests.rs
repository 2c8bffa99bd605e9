//! Each class of language a name states, with names invented for it, and what must not count.

use super::{Languages, read};
use crate::ranking::tokens::tokens;

fn languages(name: &str) -> Languages {
    read(name, &tokens(name))
}

fn spoken(table: &[(&str, &[&str])]) {
    for (name, want) in table {
        assert_eq!(languages(name).spoken, *want, "{name}");
    }
}

fn subtitles(table: &[(&str, &[&str])]) {
    for (name, want) in table {
        assert_eq!(languages(name).subtitles, *want, "{name}");
    }
}

#[test]
fn bracketed_and_lower_case_tags() {
    spoken(&[
        ("Film Club[dvdrip][spanish]", &["spanish"]),
        ("[DVDRip-ITA]A Fast Film [GRP]", &["italian"]),
        ("Serie - Temporada 3 [HDTV][Castellano]", &["spanish"]),
        ("Film 2015 720p ita eng", &["italian", "english"]),
        (
            "[BluRay Rip 720p ITA AC3 - ENG AC3] Film[2005]",
            &["italian", "english"],
        ),
        ("127.Jours.FRENCH.DVDRip.XViD-GRP", &["french"]),
    ]);
}

#[test]
fn native_words() {
    spoken(&[
        (
            "Film (2002) [720p] Dual Ingles-Español",
            &["english", "spanish"],
        ),
        (
            "Film (2015) 1080p BluRay Dual Latino-Inglés",
            &["latino", "english"],
        ),
        ("Film 2018 Castellano 1080p", &["spanish"]),
        ("Film 2019 (inglês português)", &["english", "portuguese"]),
        ("Film 2 Dublado - Portugues BR (2011)", &["portuguese"]),
        ("Film.2019.1080p.Dual.Lat", &["latino"]),
        ("Film 1990 VFI 1080p BluRay", &["french"]),
        ("Film.2020.VFF.1080p.WEB", &["french"]),
        ("Film.2020.VF2.1080p.WEB", &["french"]),
        ("Film.2020.TRUEFRENCH.720p", &["french"]),
        ("Film 1 (1998) Versão Portuguesa", &["portuguese"]),
        ("Film (2010) Audio Latino DVDRip", &["latino"]),
    ]);
}

#[test]
fn lists_of_codes() {
    spoken(&[
        (
            "Film [H264 - Ita Dut Fre Ger Eng Spa Aac]",
            &["italian", "dutch", "french", "german", "english", "spanish"],
        ),
        (
            "Film - Other Title - IT EN FR DE ES",
            &["italian", "english", "french", "german", "spanish"],
        ),
        (
            "Film 2019 BluRay 1080p Tel+Tam+hin+eng",
            &["telugu", "tamil", "hindi", "english"],
        ),
        ("Film 2012 ( Audio EN-BR )", &["english", "portuguese"]),
        (
            "Film.1971.1080p.DUAL.PORT-BR.ENG",
            &["portuguese", "english"],
        ),
        (
            "Film (2000) [ Ing / Pt / Esp ]",
            &["english", "portuguese", "spanish"],
        ),
        (
            "Film 01-25 [dual audio JP,EN] MKV",
            &["japanese", "english"],
        ),
        ("Film.2009.DK.SWE.UK.PAL.DVDR", &["danish", "swedish"]),
        (
            "Film [1972] Eng,Deu,Fra,Esp,Rus DVDrip",
            &["english", "german", "french", "spanish", "russian"],
        ),
        ("Film 2019 1080p PT", &["portuguese"]),
        ("Film 2019 ITA-DAN 1080p", &["italian", "danish"]),
    ]);
}

#[test]
fn scripts() {
    spoken(&[
        ("Фильм / Film (2010) WEB-DL 1080p", &["russian"]),
        ("电影.Film.S01E01.2160p.WEB-DL", &["chinese"]),
        ("電影 Film.2024.TC1080P.国语中字", &["chinese"]),
        ("[Raws] 進撃の巨人 - 01 [1080p]", &["japanese"]),
        ("영화 Film 2020 1080p", &["korean"]),
    ]);
}

#[test]
fn polish_and_nordic_tags() {
    spoken(&[
        ("Film 1968 [1080p.WEB-DL] [Film Polski]", &["polish"]),
        ("Serie.S04.PLDUB.1080p.WEB-DL", &["polish"]),
        ("Serie.Sezon01.DUBPL.480p", &["polish"]),
        ("Film.NORSK.2006.DVDRip", &["norwegian"]),
    ]);
}

#[test]
fn subtitles_are_read_apart() {
    subtitles(&[
        ("Serie S01E1056 VOSTFR 1080p WEB", &["french"]),
        ("Film.Of.Night.Unrated.VostFR.BRrip", &["french"]),
        ("Film.2025.PLSUB.1080p.WEB-DL", &["polish"]),
        ("Film (2022) m1080p DUBPL-ENG-NapisyPL", &["polish"]),
        (
            "Film.2013.SWESUB.DANSUB.FiNSUB.720p",
            &["swedish", "danish", "finnish"],
        ),
        ("Film.2017.KOREAN.ENSUBBED.1080p", &["english"]),
        (
            "Film [XviD - Ita Mp3 - Sub Eng Esp Tur]",
            &["english", "spanish", "turkish"],
        ),
        ("Serie.S05E19.legendado.br.rmvb", &["portuguese"]),
        ("Film 1978 Leg. BR - Mkv", &["portuguese"]),
        ("Film.Man.Dk-Subs.2009", &["danish"]),
        ("Film 2020 1080p WEB ESub", &["english"]),
        (
            "Serie S 1 CD 1-6 svensk, danska, norsk, finsk sub",
            &["swedish", "danish", "norwegian", "finnish"],
        ),
        (
            "Serie.Complete.Subs.English+Nordic",
            &["english", "danish", "finnish", "norwegian", "swedish"],
        ),
        ("Film.2020.1080p.WEB-DL.EN-ROSub", &["romanian"]),
        ("Serie complete + en subs", &["english"]),
    ]);
    assert_eq!(
        languages("Film 2020 1080p WEB ESub").spoken,
        [] as [&str; 0]
    );
    assert_eq!(languages("Serie VOSTFR 1080p").spoken, [] as [&str; 0]);
}

#[test]
fn precision_title_words_domains_and_counts() {
    spoken(&[
        ("The French Dispatch 2021 1080p", &[]),
        ("French Kiss 1995 1080p BluRay", &[]),
        ("FRENCH KISS 1995 1080p", &[]),
        ("Latin Kings 2019 1080p WEB", &[]),
        ("The.Italian.Job.2003.720p", &[]),
        ("Film 2019 1080p WEB-DL [rutracker.ru]", &[]),
        ("Film 2019 1080p [ita.com]", &[]),
        ("Serie - Temporada 19 [HDTV]", &[]),
        ("Show 2017 09 13 Dan Harmon 720p HDTV", &[]),
        ("Film 2019 1080p Engine Room", &[]),
        ("Historia de la Ciudad 2019 1080p", &[]),
        ("Shang-Chi (2021) 720p BDRip", &[]),
        ("www TamilSite tel - Film (2023) 720p", &[]),
        ("Film 2019 1080p MultiSub", &[]),
        ("Film 2019 1080p [Multiple Subtitle]", &[]),
    ]);
}

#[test]
fn a_name_cut_short_keeps_its_last_language() {
    spoken(&[
        (
            "Film (1995) Actor.DVDrip.XviD - Italian Englis",
            &["italian", "english"],
        ),
        ("Film (1995) DVDrip XviD - Engl", &[]),
    ]);
}
