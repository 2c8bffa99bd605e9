//! The discovery catalogs of the manifest, present only when the server has TMDB.
//!
//! ```json
//! {"type": "movie", "id": "trending", "name": "Trending",
//!  "extra": [{"name": "genre", "options": ["Today", "This week", "Trakt"]}, {"name": "skip"}]}
//! ```

use super::config::CatalogId;
use super::manifest::{ExtraProp, Manifest, ManifestCatalog};

/// What a user's discovery catalogs offer.
pub struct DiscoveryOffer {
    /// Trakt's list is part of trending.
    pub trakt: bool,
    /// The names of the user's services in their region, per type (the `genre` options of
    /// `on-my-services`); empty leaves out the two catalogs that need services.
    pub movie_services: Vec<String>,
    pub series_services: Vec<String>,
}

/// Puts the discovery catalogs first in `manifest`.
pub fn add(manifest: &mut Manifest, offer: &DiscoveryOffer) {
    let mut windows = vec!["Today".to_owned(), "This week".to_owned()];
    if offer.trakt {
        windows.push("Trakt".to_owned());
    }
    let mut catalogs = Vec::new();
    for (kind, services) in [
        ("movie", &offer.movie_services),
        ("series", &offer.series_services),
    ] {
        catalogs.push(catalog(
            kind,
            CatalogId::Trending,
            "Trending",
            Some(windows.clone()),
        ));
        if !services.is_empty() {
            catalogs.push(catalog(
                kind,
                CatalogId::OnMyServices,
                "On my services",
                Some(services.clone()),
            ));
            catalogs.push(catalog(
                kind,
                CatalogId::NotOnMyServices,
                "Not on my services",
                None,
            ));
        }
    }
    catalogs.push(catalog(
        "movie",
        CatalogId::ComingSoon,
        "Coming soon to streaming",
        None,
    ));
    catalogs.push(catalog(
        "movie",
        CatalogId::NewDigital,
        "New on digital",
        None,
    ));
    catalogs.append(&mut manifest.catalogs);
    manifest.catalogs = catalogs;
}

fn catalog(kind: &str, id: CatalogId, name: &str, genres: Option<Vec<String>>) -> ManifestCatalog {
    let mut extra = Vec::new();
    if let Some(options) = genres {
        extra.push(ExtraProp {
            name: "genre".to_owned(),
            is_required: false,
            options,
        });
    }
    extra.push(ExtraProp {
        name: "skip".to_owned(),
        is_required: false,
        options: Vec::new(),
    });
    ManifestCatalog {
        media_type: kind.to_owned(),
        id: id.as_str().to_owned(),
        name: name.to_owned(),
        extra,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_bring_their_two_catalogs_and_trakt_its_genre() {
        let mut manifest = Manifest::base().expect("base");
        let yts = manifest.catalogs.len();
        add(
            &mut manifest,
            &DiscoveryOffer {
                trakt: false,
                movie_services: vec!["Netflix".into()],
                series_services: Vec::new(),
            },
        );
        let ids: Vec<(&str, &str)> = manifest
            .catalogs
            .iter()
            .map(|c| (c.media_type.as_str(), c.id.as_str()))
            .collect();
        assert_eq!(
            ids[..6],
            [
                ("movie", "trending"),
                ("movie", "on-my-services"),
                ("movie", "not-on-my-services"),
                ("series", "trending"),
                ("movie", "coming-soon"),
                ("movie", "new-digital")
            ]
        );
        assert_eq!(manifest.catalogs.len(), yts + 6);
        assert_eq!(
            manifest.catalogs[0].extra[0].options,
            ["Today", "This week"]
        );
        assert_eq!(manifest.catalogs[1].extra[0].options, ["Netflix"]);
    }
}
