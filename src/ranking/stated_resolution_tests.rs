//! Each class of stated resolution, with names invented for it, and what must not count.

use super::stated;
use crate::ranking::tokens::tokens;

fn read(name: &str) -> Option<&'static str> {
    stated(&tokens(name))
}

fn check(table: &[(&str, Option<&str>)]) {
    for (name, want) in table {
        assert_eq!(read(name), *want, "{name}");
    }
}

#[test]
fn a_frame_rate_or_scan_suffix() {
    check(&[
        ("Concert.2019.1080p24.BluRay.x264-GRP", Some("1080p")),
        ("Match.Replay.2021.1080p25.HDTV-GRP", Some("1080p")),
        ("Festival 2018 1080i HDTV MPEG2", Some("1080p")),
        ("Race.2022.2160p60.WEB-DL", Some("2160p")),
        // Not a height: bit depth, a codec profile.
        ("Movie.2019.10bit.Hi10P.x264", None),
    ]);
}

#[test]
fn heights_off_the_ladder_go_to_the_rung_below() {
    check(&[
        ("Cartoon.Show.S01E02.540p.WEB", Some("480p")),
        ("Old.Film.1960.900p.WEB", Some("720p")),
        ("Nature.Doc.2020.1600p.WEB", Some("1440p")),
        ("Tiny.Clip.2010.240p", Some("240p")),
        // A bare count is no height.
        ("Naruto - 116 - 360 Degrees of Vision", None),
        ("Album 2019 480 Kbps", None),
    ]);
}

#[test]
fn a_frame_of_a_cinema_shape_is_judged_by_its_width() {
    check(&[
        ("[Raws] Film [BDRip 1920x960 HEVC]", Some("1080p")),
        ("[Raws] Film [BDRip 3840x1632 HEVC]", Some("2160p")),
        ("Film (BD 1280x544) [MP4]", Some("720p")),
        ("Film [960x544]", Some("480p")),
        ("Anime - 23 (BDRip 1440x1080p x265)", Some("1080p")),
        ("Cartoon (DVDRip 720x480p x265)", Some("480p")),
        ("Film 1920 x 800 BluRay", Some("1080p")),
        // An episode `8x11` is no frame.
        ("Doctor.Who.2005.8x11.Dark.Water.HDTV", None),
    ]);
}

#[test]
fn a_rung_glued_to_a_tag() {
    check(&[
        ("FilmParte2BD1080.mkv", Some("1080p")),
        ("Film2M1080.mkv", Some("1080p")),
        ("Film (2022) 10bit.m1080p.BRRip.H265", Some("1080p")),
        ("Film.2024.TC1080P.x264", Some("1080p")),
        ("Film [BDRip720p.x265]", Some("720p")),
        ("1993720p_101.mkv", Some("720p")),
        // Episodes, codecs and audio numbers are not resolutions.
        ("One.Piece.E1080.WEB", None),
        ("One Piece EP1080", None),
        ("Film.2019.H264.AAC", None),
        ("Film.2019.DD5.1.x264", None),
    ]);
}

#[test]
fn a_leading_group_holding_the_resolution_is_the_releases_own() {
    check(&[
        ("[720p] Anime Title Season 1", Some("720p")),
        (
            "[BluRay Rip 720p ITA AC3 - ENG AC3 SUB] Film[2005]-GRP",
            Some("720p"),
        ),
        ("[ Show S02E10 1080p WEB ]", Some("1080p")),
        ("[Team][Title][2019][17][AVC][1080P]", Some("1080p")),
        // Site tags are not: the release's own resolution, or none.
        ("[720pMkv.com] Film 2019 1080p BluRay", Some("1080p")),
        ("[720pMkv.com] Film 2019 BluRay", None),
        ("www.1080pSite.com - Film 2019 WEB", None),
        // A trailing domain does not erase the resolution before it.
        ("Film.2019.720p.BRRip.999MB.MkvCage.com", Some("720p")),
        ("Film2019.www.site.com.mkv", None),
    ]);
}

#[test]
fn the_words_for_a_resolution() {
    check(&[
        ("Film 2019 QHD WEB-DL", Some("1440p")),
        ("Film 2019 2K QHD WEB-DL", Some("1440p")),
        ("Film 2019 2K WEB-DL", Some("1080p")),
        ("Film.2019.4K.HDR.WEB", Some("2160p")),
        ("Film.2019.UHD.BluRay", Some("2160p")),
        ("Film 2019 FHD", Some("1080p")),
        // What the name says outright wins over a word.
        ("Film 2019 4K Remaster 1080p BluRay", Some("1080p")),
        ("Film 2019 2K 720p", Some("720p")),
    ]);
}
