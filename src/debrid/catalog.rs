//! The "Real-Debrid library" catalog: the user's downloaded torrents as `rd:<torrentId>` items,
//! each torrent's video files as the videos of its meta (`rd:<torrentId>:<fileId>`), and those
//! videos' streams through the same resolve route as everything else.

use super::{
    library::LibraryItem,
    realdebrid::types::TorrentInfo,
    select::{FileSelector, is_video},
    target::Target,
};
use crate::protocol::{
    library_id::{ID_PREFIX, MEDIA_TYPE},
    meta::{Meta, MetaPreview, Video},
    request::Extra,
    stream::InfoHash,
};
use crate::{ranking::format_size, sources::candidate::file_name};

/// Stremio pages catalogs by 100.
const PAGE: usize = 100;

/// One page of the catalog: downloaded torrents, newest first, filtered by `search`.
pub fn page(items: &[LibraryItem], extra: &Extra) -> Vec<MetaPreview> {
    let search = extra.search.as_deref().map(str::to_lowercase);
    items
        .iter()
        .filter(|item| item.downloaded)
        .filter(|item| {
            search
                .as_ref()
                .is_none_or(|term| item.filename.to_lowercase().contains(term))
        })
        .skip(extra.skip as usize)
        .take(PAGE)
        .map(preview)
        .collect()
}

fn preview(item: &LibraryItem) -> MetaPreview {
    MetaPreview {
        id: format!("{ID_PREFIX}{}", item.id),
        media_type: MEDIA_TYPE.to_owned(),
        name: item.filename.clone(),
        poster: None,
        genres: Vec::new(),
        release_info: item.added.get(..10).map(str::to_owned),
        imdb_rating: None,
        description: Some(format!(
            "{} · in your Real-Debrid library",
            format_size(item.bytes)
        )),
    }
}

/// The meta of one torrent: its selected video files, in file order.
pub fn meta(info: &TorrentInfo) -> Meta {
    let videos = info
        .files
        .iter()
        .filter(|file| file.selected && is_video(&file.path))
        .map(|file| Video {
            id: format!("{ID_PREFIX}{}:{}", info.id, file.id),
            title: file_name(&file.path).to_owned(),
            released: Some(info.added.clone()).filter(|added| !added.is_empty()),
            season: None,
            episode: None,
            thumbnail: None,
        })
        .collect();
    Meta {
        preview: MetaPreview {
            id: format!("{ID_PREFIX}{}", info.id),
            media_type: MEDIA_TYPE.to_owned(),
            name: info.filename.clone(),
            poster: None,
            genres: Vec::new(),
            release_info: info.added.get(..10).map(str::to_owned),
            imdb_rating: None,
            description: None,
        },
        background: None,
        videos,
    }
}

/// The resolve target of a library video: the torrent's hash and the file (Real-Debrid's
/// 1-based id turned into Stremio's 0-based index).
pub fn target(info: &TorrentInfo, file: u32) -> Option<(Target, String)> {
    let hash = InfoHash::parse(&info.hash)?;
    let chosen = info.files.iter().find(|candidate| candidate.id == file)?;
    let name = file_name(&chosen.path).to_owned();
    Some((
        Target {
            hash,
            selector: FileSelector::Index(file.checked_sub(1)?),
        },
        name,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, name: &str, downloaded: bool) -> LibraryItem {
        LibraryItem {
            id: id.into(),
            hash: "0123456789abcdef0123456789abcdef01234567".into(),
            filename: name.into(),
            downloaded,
            added: "2026-11-20T12:00:00.000Z".into(),
            bytes: 2 * 1024 * 1024 * 1024,
        }
    }

    #[test]
    fn pages_list_downloaded_torrents_with_search_and_skip() {
        let items: Vec<_> = (0..150)
            .map(|n| item(&format!("T{n}"), &format!("Movie {n}"), n != 3))
            .collect();
        let first = page(&items, &Extra::default());
        assert_eq!(first.len(), 100);
        assert!(
            first.iter().all(|meta| meta.id != "rd:T3"),
            "not downloaded"
        );
        assert_eq!(
            first[0].description.as_deref(),
            Some("2 GB · in your Real-Debrid library")
        );
        let second = page(
            &items,
            &Extra {
                skip: 100,
                ..Extra::default()
            },
        );
        assert_eq!(second.len(), 49);
        let found = page(
            &items,
            &Extra {
                search: Some("movie 14".into()),
                ..Extra::default()
            },
        );
        assert_eq!(
            found.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            [
                "rd:T14", "rd:T140", "rd:T141", "rd:T142", "rd:T143", "rd:T144", "rd:T145",
                "rd:T146", "rd:T147", "rd:T148", "rd:T149"
            ]
        );
    }
}
