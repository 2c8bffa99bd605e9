//! JSON renderings of RD torrents (list and info forms), status overrides, and the per-poll
//! state advance.

use serde_json::{Value, json};

use super::state::{Phase, RdState, Torrent, file_at};
use crate::common::js_date;

impl RdState {
    /// The status string a torrent shows, after any per-hash override.
    pub(crate) fn status(&self, t: &Torrent) -> String {
        if let Some(failed) = &t.failed {
            return failed.clone();
        }
        let over = self
            .hashes
            .get(&t.hash)
            .and_then(|h| h.status_override.clone());
        let base = match t.phase {
            Phase::Converting { .. } => "magnet_conversion",
            Phase::WaitingSelection => "waiting_files_selection",
            Phase::Queued => "queued",
            Phase::Downloading { .. } => "downloading",
            Phase::Downloaded => "downloaded",
        };
        match over {
            // A bad magnet fails once metadata conversion is over.
            Some(o) if o == "magnet_error" && base != "magnet_conversion" => o,
            // error / virus / dead appear once files are selected.
            Some(o)
                if o != "magnet_error"
                    && !matches!(base, "magnet_conversion" | "waiting_files_selection") =>
            {
                o
            }
            _ => base.to_owned(),
        }
    }

    /// Renders a torrent; `full` adds the `info`-only fields (files, original_*).
    pub(crate) fn render(&self, t: &Torrent, full: bool) -> Value {
        let status = self.status(t);
        let converting = matches!(t.phase, Phase::Converting { .. });
        let progress = match t.phase {
            Phase::Downloading { progress } => progress,
            Phase::Downloaded => 100,
            _ => 0,
        };
        let selected_bytes: u64 = t
            .selected
            .iter()
            .filter_map(|i| file_at(&t.files, *i).map(|f| f.1))
            .sum();
        let total: u64 = if converting {
            0
        } else {
            t.files.iter().map(|f| f.1).sum()
        };
        let dead_links = status == "error" || status == "virus" || status == "magnet_error";
        let links: &[String] = if dead_links { &[] } else { &t.links };
        let mut v = json!({
            "id": t.id, "filename": t.filename, "hash": t.hash, "bytes": selected_bytes,
            "host": "real-debrid.com", "split": 2000, "progress": progress, "status": status,
            "added": js_date(t.added), "links": links,
        });
        if full {
            v["original_filename"] = json!(t.filename);
            v["original_bytes"] = json!(total);
            // `files` is empty while the magnet is being converted.
            let files: Vec<Value> = if converting {
                Vec::new()
            } else {
                t.files
                    .iter()
                    .enumerate()
                    .map(|(i, (path, bytes))| {
                        let id = i as u32 + 1;
                        let sel = u8::from(t.selected.contains(&id));
                        json!({"id": id, "path": path, "bytes": bytes, "selected": sel})
                    })
                    .collect()
            };
            v["files"] = json!(files);
        }
        if let Some(e) = t.ended {
            v["ended"] = json!(js_date(e));
        }
        if let Phase::Downloading { progress } = t.phase {
            let speed = if t.stalled {
                0
            } else {
                u64::from(100 - progress.min(99)) * 125_000
            };
            v["speed"] = json!(speed);
        }
        if matches!(
            t.phase,
            Phase::Downloading { .. } | Phase::Converting { .. }
        ) {
            v["seeders"] = json!(if t.stalled { 0 } else { 12 });
        }
        v
    }

    /// Advances a torrent by one `info` poll (after the current state was rendered).
    pub(crate) fn advance(t: &mut Torrent) {
        t.phase = match t.phase {
            Phase::Converting { polls_left } if polls_left > 1 => Phase::Converting {
                polls_left: polls_left - 1,
            },
            Phase::Converting { .. } => Phase::WaitingSelection,
            // Uncached torrents crawl and never finish: a test must not wait on a real download.
            Phase::Queued => Phase::Downloading { progress: 5 },
            Phase::Downloading { progress } if !t.stalled => Phase::Downloading {
                progress: (progress + 5).min(99),
            },
            ref p => p.clone(),
        };
    }
}
