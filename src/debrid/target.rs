//! The torrent and file a resolve link names.

use super::select::FileSelector;
use crate::{
    protocol::{request::VideoId, stream::InfoHash},
    ranking::Release,
};

/// The torrent and file a resolve URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub hash: InfoHash,
    pub selector: FileSelector,
}

impl Target {
    /// The target of a ranked release: the file index when a source knew it, else the episode
    /// for a series, else the main video.
    pub fn of(release: &Release, video: &VideoId) -> Self {
        let selector = match (release.candidate.file_idx, video) {
            (Some(index), _) => FileSelector::Index(index),
            (
                None,
                VideoId::Episode {
                    season, episode, ..
                },
            ) => FileSelector::Episode {
                season: *season,
                episode: *episode,
            },
            (None, VideoId::Movie(_)) => FileSelector::Largest,
        };
        Self {
            hash: release.candidate.info_hash.clone(),
            selector,
        }
    }

    /// The key of this target's shared availability record.
    pub fn file_key(&self) -> String {
        self.selector.to_string()
    }
}
