//! The ids of Ferrio's own "Real-Debrid library" catalog: part of the addon's protocol
//! surface (the manifest declares them), whatever fills the catalog.

/// The catalog's id in the manifest.
pub const CATALOG_ID: &str = "rd-library";
/// The id prefix of library items, declared in the manifest.
pub const ID_PREFIX: &str = "rd:";
/// The Stremio type of library items.
pub const MEDIA_TYPE: &str = "other";
/// The account-health item, first in the catalog. Real-Debrid torrent ids are upper case, so
/// it never names a torrent.
pub const HEALTH_ID: &str = "rd:health";

/// A library id: a torrent (`rd:ABC`) or one file of it (`rd:ABC:2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryId {
    pub torrent: String,
    pub file: Option<u32>,
}

impl LibraryId {
    /// Parses `rd:<torrentId>[:<fileId>]`; Real-Debrid torrent ids are alphanumeric.
    pub fn parse(id: &str) -> Option<Self> {
        let rest = id.strip_prefix(ID_PREFIX)?;
        let (torrent, file) = match rest.split_once(':') {
            Some((torrent, file)) => (torrent, Some(file.parse().ok()?)),
            None => (rest, None),
        };
        let valid = !torrent.is_empty()
            && torrent.len() <= 64
            && torrent.bytes().all(|b| b.is_ascii_alphanumeric());
        valid.then(|| Self {
            torrent: torrent.to_owned(),
            file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_strictly() {
        assert_eq!(
            LibraryId::parse("rd:ABC123"),
            Some(LibraryId {
                torrent: "ABC123".into(),
                file: None
            })
        );
        assert_eq!(
            LibraryId::parse("rd:ABC123:4"),
            Some(LibraryId {
                torrent: "ABC123".into(),
                file: Some(4)
            })
        );
        assert_eq!(LibraryId::parse("rd:"), None);
        assert_eq!(LibraryId::parse("rd:AB/C"), None);
        assert_eq!(LibraryId::parse("rd:ABC:x"), None);
        assert_eq!(LibraryId::parse("tt1"), None);
    }
}
