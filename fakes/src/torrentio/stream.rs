//! Typed builder for Torrentio stream objects, rendered exactly as `addon/lib/streamInfo.js`
//! does (upstream-apis.md §4.1, stremio-protocol.md §3.5): the emoji lines of `title` are parsed
//! back by clients, so their layout is load-bearing.

use serde_json::{Map, Value, json};

/// One Torrentio stream (no debrid). Convert with `Value::from` or pass it straight to
/// [`crate::TorrentioFake::put_streams`].
#[derive(Debug, Clone, PartialEq)]
pub struct TorrentioStream {
    /// Torrent title (line 1 of `title`); runs of commas/spaces are collapsed when rendered.
    pub torrent_title: String,
    /// Path of the file inside the torrent, without a leading slash.
    pub file_path: Option<String>,
    /// Whether the file differs from the torrent (packs): then `file_path` becomes line 2.
    pub file_differs: bool,
    /// Info hash (rendered lowercase).
    pub info_hash: String,
    /// 0-based file index; absent when Torrentio's DB has none.
    pub file_idx: Option<u32>,
    /// Seeders (`👤`).
    pub seeders: u32,
    /// Size in bytes (`💾`); `None` hides it.
    pub size_bytes: Option<u64>,
    /// Provider label (`⚙️`), e.g. `YTS`, `EZTV`, `1337x`.
    pub provider: String,
    /// Quality shown on `name` line 2: `4k`, `1080p`, `720p`, `CAM`, …
    pub quality: Option<String>,
    /// HDR profiles joined with `" | "` on `name`, e.g. `["DV", "HDR"]`.
    pub hdr: Vec<String>,
    /// Language line (line 4), e.g. `"🇬🇧 / 🇮🇹"` or `"Multi Audio"`; `None` for English only.
    pub languages: Option<String>,
    /// `behaviorHints.bingeGroup`.
    pub binge_group: Option<String>,
    /// Tracker URLs; rendered as `tracker:<url>` plus `dht:<hash>`. Empty means no `sources`.
    pub trackers: Vec<String>,
}

impl TorrentioStream {
    /// A stream with the given torrent title, info hash and provider; everything else empty.
    pub fn new(torrent_title: &str, info_hash: &str, provider: &str) -> Self {
        Self {
            torrent_title: torrent_title.to_owned(),
            file_path: None,
            file_differs: false,
            info_hash: info_hash.to_owned(),
            file_idx: None,
            seeders: 0,
            size_bytes: None,
            provider: provider.to_owned(),
            quality: None,
            hdr: Vec::new(),
            languages: None,
            binge_group: None,
            trackers: Vec::new(),
        }
    }

    /// Sets the file (index, path inside the torrent, whether it differs from the torrent).
    pub fn file(mut self, idx: u32, path: &str, differs: bool) -> Self {
        self.file_idx = Some(idx);
        self.file_path = Some(path.trim_start_matches('/').to_owned());
        self.file_differs = differs;
        self
    }

    /// Sets seeders and size.
    pub fn stats(mut self, seeders: u32, size_bytes: u64) -> Self {
        self.seeders = seeders;
        self.size_bytes = Some(size_bytes);
        self
    }

    /// Sets the quality label and HDR profiles shown in `name`.
    pub fn quality(mut self, quality: &str, hdr: &[&str]) -> Self {
        self.quality = Some(quality.to_owned());
        self.hdr = hdr.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Sets the language line.
    pub fn languages(mut self, languages: &str) -> Self {
        self.languages = Some(languages.to_owned());
        self
    }

    /// Sets `behaviorHints.bingeGroup`.
    pub fn binge_group(mut self, group: &str) -> Self {
        self.binge_group = Some(group.to_owned());
        self
    }

    /// Sets the tracker list.
    pub fn trackers(mut self, trackers: &[&str]) -> Self {
        self.trackers = trackers.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// `"Torrentio\n<quality> [HDR profiles joined ' | ']"`, or just `"Torrentio"`.
    pub fn name(&self) -> String {
        let mut parts: Vec<String> = self.quality.iter().cloned().collect();
        if !self.hdr.is_empty() {
            parts.push(self.hdr.join(" | "));
        }
        if parts.is_empty() {
            "Torrentio".to_owned()
        } else {
            format!("Torrentio\n{}", parts.join(" "))
        }
    }

    /// The multi-line `title`.
    pub fn title(&self) -> String {
        let mut lines = vec![collapse(&self.torrent_title)];
        if self.file_differs
            && let Some(path) = &self.file_path
        {
            lines.push(path.clone());
        }
        // ⚙️ is U+2699 U+FE0F; Torrentio's own parser matches `⚙.* ([^ \n]+)`.
        let mut stats = format!("👤 {}", self.seeders);
        if let Some(size) = self.size_bytes.and_then(format_size) {
            stats.push_str(&format!(" 💾 {size}"));
        }
        stats.push_str(&format!(" \u{2699}\u{fe0f} {}", self.provider));
        lines.push(stats);
        if let Some(l) = &self.languages {
            lines.push(l.clone());
        }
        lines.join("\n")
    }

    /// Renders the stream object; keys with no value are left out, as Torrentio does.
    pub fn to_json(&self) -> Value {
        let hash = self.info_hash.to_ascii_lowercase();
        let mut o = Map::new();
        o.insert("name".into(), json!(self.name()));
        o.insert("title".into(), json!(self.title()));
        o.insert("infoHash".into(), json!(hash));
        if let Some(i) = self.file_idx {
            o.insert("fileIdx".into(), json!(i));
        }
        let mut hints = Map::new();
        if let Some(g) = &self.binge_group {
            hints.insert("bingeGroup".into(), json!(g));
        }
        // `filename` is present only when the file index is known.
        if let (Some(_), Some(path)) = (self.file_idx, &self.file_path) {
            let name = path.rsplit('/').next().unwrap_or(path);
            hints.insert("filename".into(), json!(name));
        }
        if !hints.is_empty() {
            o.insert("behaviorHints".into(), Value::Object(hints));
        }
        if !self.trackers.is_empty() {
            let mut sources: Vec<String> = self
                .trackers
                .iter()
                .map(|t| format!("tracker:{t}"))
                .collect();
            sources.push(format!("dht:{hash}"));
            o.insert("sources".into(), json!(sources));
        }
        Value::Object(o)
    }
}

impl From<TorrentioStream> for Value {
    fn from(s: TorrentioStream) -> Self {
        s.to_json()
    }
}

/// `title.replace(/[, ]+/g, ' ')`.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_run = false;
    for c in s.chars() {
        if c == ',' || c == ' ' {
            if !in_run {
                out.push(' ');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

/// Torrentio's `formatSize`: 1024 base, `Number(x.toFixed(2))` (so `1 GB`, `950.5 MB`), units
/// `B kB MB GB TB`; 0 and the 300000000 "unknown" sentinel are hidden.
pub(crate) fn format_size(bytes: u64) -> Option<String> {
    if bytes == 0 || bytes == 300_000_000 {
        return None;
    }
    let units = ["B", "kB", "MB", "GB", "TB"];
    let i = ((bytes as f64).ln() / 1024f64.ln()).floor() as usize;
    let i = i.min(units.len() - 1);
    let v = bytes as f64 / 1024f64.powi(i as i32);
    let fixed = format!("{v:.2}");
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    Some(format!("{trimmed} {}", units[i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_like_javascript() {
        assert_eq!(format_size(1_073_741_824).as_deref(), Some("1 GB"));
        assert_eq!(format_size(996_671_488).as_deref(), Some("950.5 MB"));
        assert_eq!(format_size(1_986_422_374).as_deref(), Some("1.85 GB"));
        assert_eq!(format_size(300_000_000), None);
        assert_eq!(format_size(512).as_deref(), Some("512 B"));
    }

    #[test]
    fn title_layout() {
        let s = TorrentioStream::new("A,  B , C", "ABCDEF", "YTS")
            .stats(123, 1_986_422_374)
            .languages("🇬🇧 / 🇮🇹");
        assert_eq!(s.title(), "A B C\n👤 123 💾 1.85 GB ⚙️ YTS\n🇬🇧 / 🇮🇹");
        assert_eq!(s.name(), "Torrentio");
        let s = s.quality("4k", &["DV", "HDR"]);
        assert_eq!(s.name(), "Torrentio\n4k DV | HDR");
    }
}
