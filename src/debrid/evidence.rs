//! Why Ferrio thinks a torrent is cached on Real-Debrid, strongest signal first.
//!
//! Real-Debrid cannot be asked any more, and users complain loudest about `[RD+]` markers that
//! turn out wrong, so every marker says which signal set it and how old that signal is.

use super::{availability::View, library::LibraryItem, target::Target};
use std::collections::HashSet;

/// The signal that marked a torrent as likely cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Downloaded in the user's own account.
    InLibrary,
    /// Resolved to a link at once by Ferrio, for any user, at this Unix time (ms).
    SeenPlayable { at_ms: u64 },
    /// Debrid Media Manager's availability database lists it as downloaded on Real-Debrid.
    DmmCached,
}

impl Evidence {
    /// The marker line shown at the top of the stream description.
    pub fn describe(self, now_ms: u64) -> String {
        match self {
            Self::InLibrary => "RD+ · in your library".to_owned(),
            Self::SeenPlayable { at_ms } => {
                format!("RD+ · seen {}", age(now_ms.saturating_sub(at_ms)))
            }
            Self::DmmCached => "RD+ · cached according to DMM".to_owned(),
        }
    }
}

/// "just now", "12 min ago", "3 h ago", "2 d ago".
fn age(elapsed_ms: u64) -> String {
    let minutes = elapsed_ms / 60_000;
    match minutes {
        0 => "just now".to_owned(),
        1..=59 => format!("{minutes} min ago"),
        60..=1439 => format!("{} h ago", minutes / 60),
        _ => format!("{} d ago", minutes / 1440),
    }
}

/// The signals behind the markers of one stream list.
pub struct Signals<'a> {
    /// Hashes downloaded in the user's own account.
    downloaded: HashSet<&'a str>,
    /// Hashes DMM's availability database lists as cached on Real-Debrid.
    dmm_cached: &'a HashSet<String>,
}

impl<'a> Signals<'a> {
    /// The signals from the user's library and DMM's answer.
    pub fn new(library: &'a [LibraryItem], dmm_cached: &'a HashSet<String>) -> Self {
        let downloaded = library
            .iter()
            .filter(|item| item.downloaded)
            .map(|item| item.hash.as_str())
            .collect();
        Self {
            downloaded,
            dmm_cached,
        }
    }

    /// The strongest evidence for a target: library first, then Ferrio's own records (as this
    /// account may see them), then DMM.
    pub fn evidence(&self, target: &Target, view: &View) -> Option<Evidence> {
        let hash = target.hash.as_str();
        if self.downloaded.contains(hash) {
            Some(Evidence::InLibrary)
        } else if let Some(at_ms) = view.playable_since {
            Some(Evidence::SeenPlayable { at_ms })
        } else {
            self.dmm_cached
                .contains(hash)
                .then_some(Evidence::DmmCached)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_name_the_signal_and_its_age() {
        let now = 10 * 86_400_000;
        assert_eq!(Evidence::InLibrary.describe(now), "RD+ · in your library");
        assert_eq!(
            Evidence::SeenPlayable {
                at_ms: now - 30_000
            }
            .describe(now),
            "RD+ · seen just now"
        );
        assert_eq!(
            Evidence::SeenPlayable {
                at_ms: now - 7_200_000
            }
            .describe(now),
            "RD+ · seen 2 h ago"
        );
        assert_eq!(
            Evidence::SeenPlayable {
                at_ms: now - 3 * 86_400_000
            }
            .describe(now),
            "RD+ · seen 3 d ago"
        );
        assert_eq!(
            Evidence::DmmCached.describe(now),
            "RD+ · cached according to DMM"
        );
    }
}
