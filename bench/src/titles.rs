//! Titles the fixtures do not have: every cold request needs a title no cache has seen, that
//! all three sources know. They are put in the fakes through their public setters.

use ferrio_fakes::{DmmResult, Fakes, TorrentioStream, YtsMovie, YtsTorrent};

/// One generated movie and the release each source has of it.
#[derive(Debug, Clone)]
pub struct Title {
    pub imdb: String,
    /// DMM only.
    pub dmm_hash: String,
    /// YTS only.
    pub yts_hash: String,
    /// Torrentio only.
    pub torrentio_hash: String,
    /// Known to all three (the merge has work to do).
    pub shared_hash: String,
}

impl Title {
    /// `/stream/movie/<imdb>.json` under `prefix` (`""` or `/<config>`).
    pub fn stream_path(&self, prefix: &str) -> String {
        format!("{prefix}/stream/movie/{}.json", self.imdb)
    }
}

/// A 40-hex-digit info hash derived from a label, distinct from the fixtures' hashes.
pub fn hash(label: &str) -> String {
    // FNV-1a seeds five rounds of splitmix64: not cryptographic, just distinct and stable.
    let mut seed = label.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let mut hex = String::with_capacity(40);
    while hex.len() < 40 {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        hex.push_str(&format!("{:016x}", z ^ (z >> 31)));
    }
    hex.truncate(40);
    hex
}

/// Puts movies `tt8000001`, `tt8000002`, … (`count` of them, numbered from `first`) in the
/// three source fakes.
pub fn seed(fakes: &Fakes, first: u32, count: u32) -> Vec<Title> {
    (first..first + count)
        .map(|n| {
            let imdb = format!("tt{}", 8_000_000 + n);
            let name = format!("Bench Movie {n}");
            let title = Title {
                dmm_hash: hash(&format!("{imdb}-dmm")),
                yts_hash: hash(&format!("{imdb}-yts")),
                torrentio_hash: hash(&format!("{imdb}-torrentio")),
                shared_hash: hash(&format!("{imdb}-shared")),
                imdb,
            };
            let dotted = name.replace(' ', ".");
            fakes.dmm.put_movie(
                &title.imdb,
                vec![
                    DmmResult::new(
                        &title.shared_hash,
                        format!("{dotted}.2020.1080p.BluRay.x264-GRP"),
                        2_150.5,
                    ),
                    DmmResult::new(
                        &title.dmm_hash,
                        format!("{dotted}.2020.2160p.UHD.BluRay.x265-GRP"),
                        14_800.0,
                    ),
                ],
            );
            fakes.yts.put_movie(
                YtsMovie::new(900_000 + u64::from(n), &title.imdb, &name, 2020)
                    .with_torrent(YtsTorrent::new(
                        &title.shared_hash,
                        "1080p",
                        "bluray",
                        2_255_000_000,
                        420,
                    ))
                    .with_torrent(YtsTorrent::new(
                        &title.yts_hash,
                        "720p",
                        "web",
                        1_100_000_000,
                        130,
                    )),
            );
            fakes.torrentio.put_streams(
                &title.imdb,
                vec![
                    TorrentioStream::new(
                        &format!("{dotted}.2020.1080p.BluRay.x264-GRP"),
                        &title.shared_hash,
                        "YTS",
                    )
                    .stats(420, 2_255_000_000)
                    .quality("1080p", &[]),
                    TorrentioStream::new(
                        &format!("{dotted}.2020.1080p.WEBRip.x265-RARBG"),
                        &title.torrentio_hash,
                        "RARBG",
                    )
                    .file(
                        0,
                        &format!("{dotted}.2020.1080p.WEBRip.x265-RARBG.mkv"),
                        false,
                    )
                    .stats(77, 1_700_000_000)
                    .quality("1080p", &[]),
                ],
            );
            title
        })
        .collect()
}
