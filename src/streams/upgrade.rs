//! The upgrade row: when the user's Real-Debrid library already holds this title in a lower
//! quality than the best likely-cached release available now, the list starts with that
//! release, offered as an upgrade (`⬆ Upgrade to 4K [RD+] — you have 1080p`). It is the
//! release's normal resolve link: tapping it adds the better copy; nothing is replaced or
//! deleted. The user's copy is recognised by its info hash among the title's releases.

use super::present::{self, LinkBase};
use crate::{
    debrid::{evidence::Evidence, mark::Marked},
    protocol::{request::VideoId, stream::Stream},
};

/// The upgrade row for a marked list, if the library holds a lower copy and a better
/// likely-cached release exists.
pub fn row(
    marked: &[Marked],
    links: &LinkBase<'_>,
    video: &VideoId,
    now_ms: u64,
) -> Option<Stream> {
    let owned = marked
        .iter()
        .filter(|entry| entry.evidence == Some(Evidence::InLibrary))
        .map(|entry| entry.release.info.quality)
        .max()?;
    let best = marked
        .iter()
        .filter(|entry| entry.evidence.is_some() && !entry.demoted)
        .filter(|entry| entry.release.info.quality > owned)
        // The first of the best quality: the list's own order among equals.
        .reduce(|best, entry| {
            if entry.release.info.quality > best.release.info.quality {
                entry
            } else {
                best
            }
        })?;
    let mut stream = present::stream(best, links, video, now_ms);
    // `[RD+] Ferrio ⬆ Upgrade` over the quality line: still an `[RD+]` stream first.
    stream.name = stream.name.replacen("Ferrio", "Ferrio ⬆ Upgrade", 1);
    stream.description = format!(
        "⬆ Upgrade to {} [RD+] — you have {}\n{}",
        best.release.info.quality.label(),
        owned.label(),
        stream.description
    );
    Some(stream)
}
