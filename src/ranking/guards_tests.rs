//! Each class of parser mistake the guards correct: the class, its variants, and cases that
//! must not change.

use crate::protocol::config::Quality;
use crate::ranking::ReleaseInfo;
use crate::ranking::episodes;
use crate::ranking::testing::{episode, movie};

fn info(name: &str) -> ReleaseInfo {
    ReleaseInfo::parse(name, None)
}

#[test]
fn a_container_extension_is_not_a_source() {
    let table = [
        (
            "Some.Show.2019.1080i.HDTV.MPA2.0.H.264-GRP.ts",
            Quality::Hd1080,
        ),
        ("Game.2020.720p.HDTV.x264.TS", Quality::Hd720),
        ("Movie.2019.HDTS.x264.ts", Quality::TeleSync),
        ("Movie 2019 TS XviD", Quality::TeleSync),
        ("Movie.2019.TELESYNC.x264-GRP", Quality::TeleSync),
        ("Movie.2019.1080p.WEB-DL.mkv", Quality::Hd1080),
    ];
    for (name, quality) in table {
        assert_eq!(info(name).quality, quality, "{name}");
    }
}

#[test]
fn the_resolution_is_the_releases_own() {
    let table = [
        ("[720pMkv.com] Movie 2019 1080p BluRay", Quality::Hd1080),
        (
            "www.Torrenting.com - Movie 2019 2160p WEB",
            Quality::Uhd2160,
        ),
        ("[SiteName] Movie 2019 1280x720 x264", Quality::Hd720),
        ("Movie 2019 1920 x 1080 BluRay", Quality::Hd1080),
        ("Movie.2019.2160.WEB-DL.x265", Quality::Uhd2160),
        ("Movie 2019 2K WEB-DL", Quality::Hd1080),
        ("Movie 2019 QHD WEB-DL", Quality::Qhd1440),
        ("Movie.2019.UHD.BluRay.x265-GRP", Quality::Uhd2160),
        ("Movie.2019.4K.HDR.WEB", Quality::Uhd2160),
        // Unchanged: the ordinary spellings, and no resolution at all.
        ("Movie.2019.1080p.BluRay.x264-GRP", Quality::Hd1080),
        ("Movie.2019.720p.WEB-DL", Quality::Hd720),
        ("Movie.2019.DVDRip.XviD", Quality::Sd),
        ("Movie.2019.HDCAM.x264", Quality::Cam),
    ];
    for (name, quality) in table {
        assert_eq!(info(name).quality, quality, "{name}");
    }
}

#[test]
fn numbers_that_are_not_episodes_and_seasons_in_other_languages() {
    let bitrate = info("Artist - Album (2019) 320 Kbps");
    assert!(
        bitrate.facts.episodes.is_empty(),
        "a bitrate is not an episode"
    );
    let table: [(&str, Vec<u32>); 6] = [
        ("Show Temporadas 1 a 3 1080p", vec![1, 2, 3]),
        ("Show Temporada 2 Completa 720p", vec![2]),
        ("Serie Stagione 1-2 1080p", vec![1, 2]),
        ("Serie Staffel 1 bis 3 German 1080p", vec![1, 2, 3]),
        ("Show S01-S03 1080p", vec![1, 2, 3]),
        ("Show.S01E01.DDP5.1.H264-GRP", vec![1]),
    ];
    for (name, seasons) in table {
        assert_eq!(info(name).facts.seasons, seasons, "{name}");
    }
    assert_eq!(
        info("Show.S01E01.DDP5.1.H264-GRP").facts.episodes,
        [1],
        "a codec is not an episode"
    );
    assert_eq!(info("Show S01E01-E03 1080p").facts.episodes, [1, 2, 3]);
}

#[test]
fn a_season_number_before_its_word() {
    let table: [(&str, Vec<u32>); 6] = [
        ("Serie 10º Temporada - 215 ao 220 - [GRP]", vec![10]),
        ("Serie 1ª a 4ª Temporada Completa [720p]", vec![1, 2, 3, 4]),
        ("Serie 3 Temporada 720p", vec![3]),
        ("Serie 04ª Temporada 720p", vec![4]),
        // The number after the word wins where none before is marked as an ordinal.
        ("Serie 2019 Temporada 2 720p", vec![2]),
        ("Serie Temporada 1 Capitulo 25", vec![1]),
    ];
    for (name, seasons) in table {
        assert_eq!(info(name).facts.seasons, seasons, "{name}");
    }
    assert_eq!(
        info("Serie 10º Temporada - 215 ao 220 - [GRP]")
            .facts
            .episodes,
        [215, 216, 217, 218, 219, 220]
    );
}

#[test]
fn a_number_that_begins_the_episodes_title_is_no_range() {
    let table: [(&str, Vec<u32>); 4] = [
        ("[Group] Anime - 116 - 360 Degrees of Vision.mkv", vec![116]),
        ("[Group] Anime - 12 - 100 Years Later [1080p]", vec![12]),
        // Real ranges stay ranges.
        ("Show.S01E01-E03.The.Pilot.1080p", vec![1, 2, 3]),
        ("[Group] Anime - 01 ~ 03 [720p]", vec![1, 2, 3]),
    ];
    for (name, episodes) in table {
        assert_eq!(info(name).facts.episodes, episodes, "{name}");
    }
}

#[test]
fn a_zero_padded_range_is_absolute_episodes() {
    let pack = info("[Group] Anime (0001-0120+Movies) [1080p]");
    assert_eq!(pack.facts.episodes, (1..=120).collect::<Vec<u32>>());
    assert!(episodes::plays(&pack, &episode(1, 120)));
    assert!(!episodes::plays(&pack, &episode(1, 121)));
    // Years and unpadded numbers are not.
    assert!(
        info("Film Collection (1994-2019) 1080p")
            .facts
            .episodes
            .is_empty()
    );
}

#[test]
fn names_without_readable_episodes_are_decided_per_case() {
    let disc = info("Show.S07D1.1080p.BluRay");
    assert!(
        !episodes::plays(&disc, &episode(7, 1)),
        "a disc: not shown for an episode"
    );
    assert!(!episodes::plays(&disc, &movie()), "nor as a movie");
    let special = info("Show.S00E01.Special.720p");
    assert!(episodes::plays(&special, &episode(0, 1)));
    assert!(!episodes::plays(&special, &episode(1, 1)));
    // A bare absolute number is taken as the requested season's episode, never a movie.
    let absolute = info("Show - 125 [1080p]");
    assert!(!episodes::plays(&absolute, &movie()));
    assert!(!episodes::plays(&absolute, &episode(5, 3)));
}

#[test]
fn complete_releases_that_list_episodes_cover_those_episodes() {
    let listed = info("Show Complete Series S01E01-E10 1080p");
    assert!(episodes::plays(&listed, &episode(1, 3)));
    assert!(!episodes::plays(&listed, &episode(1, 11)));
    assert!(!episodes::plays(&listed, &episode(2, 1)));
    assert!(!episodes::plays(&listed, &movie()));
    let unlisted = info("Show.Complete.Series.720p");
    assert!(episodes::plays(&unlisted, &episode(5, 16)));
}

#[test]
fn languages_come_from_the_releases_own_tokens() {
    let table: [(&str, &[&str]); 12] = [
        ("Movie 2019 1080p PT", &["portuguese"]),
        ("Movie 2019 VF 1080p", &["french"]),
        ("Movie 2019 Latin 1080p", &["latino"]),
        ("Movie 2019 DUBPL 1080p", &["polish"]),
        (
            "Movie 2019 ENG+PT+DE 1080p",
            &["english", "portuguese", "german"],
        ),
        ("Movie 2019 ITA-DAN 1080p", &["italian", "danish"]),
        ("Movie 2019 Kannada 1080p", &["kannada"]),
        ("Movie 2019 Malayalam 1080p", &["malayalam"]),
        ("Movie 2019 Bengali 1080p", &["bengali"]),
        ("Movie 2019 1080p WEB-DL [rutracker.ru]", &[]),
        ("The French Dispatch 2021 1080p", &[]),
        ("Movie 2019 1080p ESub", &[]),
    ];
    for (name, languages) in table {
        assert_eq!(info(name).facts.languages, languages, "{name}");
    }
    assert!(
        info("Movie 2019 1080p MULTi")
            .facts
            .languages
            .iter()
            .any(|l| l.contains("multi")),
        "what the table does not know, the parser still says"
    );
}

proptest::proptest! {
    /// Any name at all is read without a panic: a stream list never fails on one bad name.
    #[test]
    fn any_name_is_read(name in "\\PC{0,120}") {
        let _ = info(&name);
    }

    /// Names made of the pieces the guards look at most closely, glued in any order.
    #[test]
    fn any_mix_of_tags_is_read(pieces in proptest::collection::vec(
        proptest::sample::select(vec![
            "10º", "ª", "Temporada", "1080p24", "x", "1920", "BD1080", "[", "]", "(", "www.",
            ".com", "-", "+", "Sub", "ENG", "Ita", "0001", "1071", "é", "国语", "Сезон", " ",
            ".", "Dual", "Audio", "s01", "e1080", "ESub", "1993720p",
        ]),
        0..24,
    )) {
        let _ = info(&pieces.concat());
    }
}
