//! The user's Real-Debrid library as a catalog (`rd-library`), its items' metadata
//! (`rd:<torrentId>`) and their videos' streams (`rd:<torrentId>:<fileId>`).

use crate::{
    debrid::{
        catalog::{self, LibraryId},
        present::LinkBase,
        realdebrid::{RdError, types::TorrentInfo},
    },
    error::ApiError,
    protocol::{
        config::{DebridToken, UserConfig},
        request::Extra,
        response::{CachePolicy, Cached, MetaItem, Metas},
        stream::{Stream, StreamBehaviorHints, StreamSource},
    },
    state::AppState,
};

/// A page of the library; a Real-Debrid failure is an empty page, never an error.
pub async fn catalog(
    state: &AppState,
    config: &UserConfig,
    extra: &Extra,
) -> Result<Cached<Metas>, ApiError> {
    let token = token(config)?;
    let metas = match state.debrid.library.items(token).await {
        Ok(items) => catalog::page(&items, extra),
        Err(error) => {
            tracing::info!(reason = error.label(), "library catalog answered empty");
            Vec::new()
        }
    };
    Ok(Cached::new(Metas { metas }, CachePolicy::LIBRARY))
}

/// The metadata of one library torrent: a video per selected video file.
pub async fn meta(
    state: &AppState,
    config: &UserConfig,
    id: &str,
) -> Result<Cached<MetaItem>, ApiError> {
    let token = token(config)?;
    let id = LibraryId::parse(id).ok_or_else(|| ApiError::bad_request("invalid library id"))?;
    let info = torrent(state, token, &id).await?;
    Ok(Cached::new(
        MetaItem {
            meta: catalog::meta(&info),
        },
        CachePolicy::LIBRARY,
    ))
}

/// The stream of one library video, through the resolve route; an item that cannot be read
/// now has no streams, as for any source.
pub async fn streams(
    state: &AppState,
    config: &UserConfig,
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
    let Ok(info) = state.debrid.client.torrent_info(token, &torrent).await else {
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
            filename: Some(filename.clone()),
            not_web_ready: !filename.to_ascii_lowercase().ends_with(".mp4"),
            ..StreamBehaviorHints::default()
        },
    }]
}

/// The library is only served under a config with a token; without one it does not exist.
fn token(config: &UserConfig) -> Result<&DebridToken, ApiError> {
    config
        .realdebrid
        .as_ref()
        .ok_or_else(|| ApiError::not_found("the Real-Debrid library needs a token in the config"))
}

async fn torrent(
    state: &AppState,
    token: &DebridToken,
    id: &LibraryId,
) -> Result<TorrentInfo, ApiError> {
    state
        .debrid
        .client
        .torrent_info(token, &id.torrent)
        .await
        .map_err(|error| match error {
            RdError::UnknownResource => ApiError::not_found("no such torrent in the library"),
            other => {
                ApiError::not_found(format!("the library cannot be read now: {}", other.label()))
            }
        })
}
