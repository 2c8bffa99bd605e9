//! The user's Real-Debrid library as a catalog (`rd-library`), its items' metadata
//! (`rd:<torrentId>`) and their videos' streams (`rd:<torrentId>:<fileId>`).

use super::{Listing, Pipeline, present::LinkBase};
use crate::{
    client_address::ClientKey,
    debrid::{
        catalog,
        library::LibraryItem,
        realdebrid::{RdError, types::TorrentInfo},
    },
    protocol::{
        config::{DebridToken, UserConfig},
        library_id::{HEALTH_ID, LibraryId},
        meta::{Meta, MetaPreview},
        request::Extra,
        stream::{Stream, StreamBehaviorHints, StreamSource, is_web_ready},
    },
    upstream::UpstreamError,
};

/// Why a library item's metadata cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("invalid library id")]
    BadId,
    #[error("no such torrent in the library")]
    Unknown,
    #[error("the library cannot be read now: {0}")]
    Unreadable(&'static str),
}

impl Pipeline {
    /// The user's library items, if the token may cost calls (see `debrid/admission.rs`).
    pub(super) async fn library_items(
        &self,
        token: &DebridToken,
        client: ClientKey,
    ) -> Result<Vec<LibraryItem>, RdError> {
        self.debrid.admit(token, client).await?;
        self.debrid.library.items(token).await
    }

    /// One torrent of the user's library, if the token may cost calls.
    async fn library_torrent(
        &self,
        token: &DebridToken,
        client: ClientKey,
        id: &str,
    ) -> Result<TorrentInfo, RdError> {
        self.debrid.admit(token, client).await?;
        self.debrid.library.torrent(token, id).await
    }

    /// A page of the library; a Real-Debrid failure is an empty page, never an error.
    pub async fn library_page(
        &self,
        token: &DebridToken,
        client: ClientKey,
        extra: &Extra,
    ) -> Vec<MetaPreview> {
        let first = extra.skip == 0 && extra.search.is_none();
        let (items, health) = tokio::join!(self.library_items(token, client), async {
            if first {
                self.health_preview(token, client).await
            } else {
                None
            }
        });
        match items {
            Ok(items) => health
                .into_iter()
                .chain(catalog::page(&items, extra))
                .collect(),
            Err(error) => {
                tracing::info!(reason = error.outcome(), "library catalog answered empty");
                Vec::new()
            }
        }
    }

    /// The metadata of one library torrent: a video per selected video file.
    pub async fn library_meta(
        &self,
        token: &DebridToken,
        client: ClientKey,
        id: &str,
    ) -> Result<Meta, LibraryError> {
        if id == HEALTH_ID {
            return self
                .health_meta(token, client)
                .await
                .ok_or(LibraryError::Unreadable("account health"));
        }
        let id = LibraryId::parse(id).ok_or(LibraryError::BadId)?;
        let info = self
            .library_torrent(token, client, &id.torrent)
            .await
            .map_err(|error| match error {
                RdError::UnknownResource => LibraryError::Unknown,
                other => LibraryError::Unreadable(other.outcome()),
            })?;
        Ok(catalog::meta(&info))
    }

    /// The stream of one library video, through the resolve route; an item that cannot be
    /// read now has no streams, as for any source.
    pub async fn library_streams(
        &self,
        config: &UserConfig,
        client: ClientKey,
        id: &str,
        links: &LinkBase<'_>,
    ) -> Listing {
        match &config.realdebrid {
            Some(token) if id == HEALTH_ID => self.health_streams(token, client, links).await,
            _ => self
                .library_video_streams(config, client, id, links)
                .await
                .into(),
        }
    }

    async fn library_video_streams(
        &self,
        config: &UserConfig,
        client: ClientKey,
        id: &str,
        links: &LinkBase<'_>,
    ) -> Vec<Stream> {
        let (
            Some(token),
            Some(LibraryId {
                torrent,
                file: Some(file),
            }),
        ) = (&config.realdebrid, LibraryId::parse(id))
        else {
            return Vec::new();
        };
        let Ok(info) = self.library_torrent(token, client, &torrent).await else {
            return Vec::new();
        };
        let Some((target, filename)) = catalog::target(&info, file) else {
            return Vec::new();
        };
        vec![Stream {
            name: "Ferrio\nRD library".to_owned(),
            description: format!("RD+ · in your library\n{filename}"),
            source: StreamSource::Url {
                url: links.resolve_url(&target, &filename, None),
            },
            behavior_hints: StreamBehaviorHints {
                binge_group: Some(format!("ferrio|rd|{}", info.id)),
                not_web_ready: !is_web_ready(&filename),
                filename: Some(filename),
                ..StreamBehaviorHints::default()
            },
        }]
    }
}
