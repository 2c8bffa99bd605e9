//! The addon manifest. The base manifest is the top-level `manifest.json`, embedded at build
//! time; each user's manifest is derived from it and their config.

use super::config::{CatalogId, UserConfig};
use super::library_id::{CATALOG_ID, ID_PREFIX, MEDIA_TYPE};
use serde::{Deserialize, Serialize};

/// The base manifest as shipped in the repository.
const BASE_MANIFEST: &str = include_str!("../../manifest.json");

/// An addon manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub id: String,
    /// Semver; Stremio refuses a manifest whose version is not.
    pub version: String,
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_prefixes: Vec<String>,
    pub resources: Vec<ManifestResource>,
    pub catalogs: Vec<ManifestCatalog>,
    #[serde(default)]
    pub behavior_hints: ManifestBehaviorHints,
}

/// A resource, by name (inheriting the top-level types and prefixes) or in full.
///
/// ```json
/// ["catalog", {"name": "stream", "types": ["movie", "series"], "idPrefixes": ["tt"]}]
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ManifestResource {
    Short(String),
    #[serde(rename_all = "camelCase")]
    Full {
        name: String,
        types: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        id_prefixes: Vec<String>,
    },
}

/// A catalog the addon offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestCatalog {
    #[serde(rename = "type")]
    pub media_type: String,
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<ExtraProp>,
}

/// An `extra` property a catalog accepts.
///
/// ```json
/// {"name": "genre", "options": ["Action", "Drama"]}, {"name": "search", "isRequired": true}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtraProp {
    pub name: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// Hints for the Stremio app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestBehaviorHints {
    /// Shows a "Configure" button that opens `/configure`.
    #[serde(default)]
    pub configurable: bool,
    /// Hides "Install" until configured; omitted from configured manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_required: Option<bool>,
}

impl Manifest {
    /// Parses the embedded base manifest. Its validity is checked by the tests, so a failure
    /// here means a broken build and is reported at start-up.
    pub fn base() -> Result<Self, serde_json::Error> {
        serde_json::from_str(BASE_MANIFEST)
    }

    /// The manifest a user installs: links made absolute against `base_url`, and, under a
    /// config, installable as is and named after the debrid service in use.
    pub fn for_user(&self, config: Option<&UserConfig>, base_url: &str) -> Self {
        let mut manifest = self.clone();
        manifest.logo = manifest.logo.map(|path| absolute(base_url, &path));
        manifest.background = manifest.background.map(|path| absolute(base_url, &path));
        if let Some(config) = config {
            manifest.catalogs.retain(|catalog| {
                CatalogId::from_id(&catalog.id).is_none_or(|id| config.catalogs.contains(&id))
            });
            manifest.behavior_hints.configuration_required = None;
            manifest.behavior_hints.configurable = true;
            if config.has_debrid() {
                manifest.add_debrid_library();
            }
        }
        manifest
    }
}

impl Manifest {
    /// Names the debrid service and offers the user's Real-Debrid library: a catalog of
    /// `rd:` items of type `other`, their metadata and their streams.
    fn add_debrid_library(&mut self) {
        self.name = format!("{} RD", self.name);
        self.description = format!("{} Real-Debrid enabled.", self.description);
        self.types.push(MEDIA_TYPE.to_owned());
        self.id_prefixes.push(ID_PREFIX.to_owned());
        for name in ["meta", "stream"] {
            self.resources.push(ManifestResource::Full {
                name: name.to_owned(),
                types: vec![MEDIA_TYPE.to_owned()],
                id_prefixes: vec![ID_PREFIX.to_owned()],
            });
        }
        let prop = |name: &str| ExtraProp {
            name: name.to_owned(),
            is_required: false,
            options: Vec::new(),
        };
        self.catalogs.push(ManifestCatalog {
            media_type: MEDIA_TYPE.to_owned(),
            id: CATALOG_ID.to_owned(),
            name: "Real-Debrid library".to_owned(),
            extra: vec![prop("skip"), prop("search")],
        });
    }
}

/// Joins a site-relative path onto the base URL; absolute URLs are kept.
fn absolute(base_url: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        path.to_owned()
    } else {
        format!("{}{path}", base_url.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::config::DebridToken;

    #[test]
    fn the_base_manifest_is_valid() {
        let manifest = Manifest::base().expect("manifest.json parses");
        assert!(manifest.id.contains('.'));
        assert_eq!(manifest.version.split('.').count(), 3, "semver");
        assert!(
            manifest
                .version
                .split('.')
                .all(|part| part.parse::<u64>().is_ok())
        );
        assert!(manifest.behavior_hints.configurable);
        assert!(!manifest.resources.is_empty());
    }

    #[test]
    fn links_become_absolute() {
        let manifest = Manifest::base()
            .expect("valid")
            .for_user(None, "https://ferrio.example/");
        assert_eq!(
            manifest.logo.as_deref(),
            Some("https://ferrio.example/static/logo.png")
        );
        assert_eq!(manifest.behavior_hints.configuration_required, Some(false));
    }

    #[test]
    fn catalogs_turned_off_in_the_config_are_absent() {
        let config = UserConfig {
            catalogs: [CatalogId::Latest, CatalogId::Search].into_iter().collect(),
            ..UserConfig::default()
        };
        let base = Manifest::base().expect("valid");
        let ids: Vec<String> = base
            .catalogs
            .iter()
            .map(|catalog| catalog.id.clone())
            .collect();
        assert_eq!(
            ids,
            ["yts-popular", "yts-latest", "yts-top-rated", "yts-search"]
        );
        let manifest = base.for_user(Some(&config), "http://127.0.0.1:7000");
        let ids: Vec<&str> = manifest
            .catalogs
            .iter()
            .map(|catalog| catalog.id.as_str())
            .collect();
        assert_eq!(ids, ["yts-latest", "yts-search"]);
    }

    #[test]
    fn a_configured_manifest_is_installable_and_names_the_debrid_service() {
        let config = UserConfig {
            realdebrid: Some(DebridToken::from("TOKEN12345".to_owned())),
            ..UserConfig::default()
        };
        let base = Manifest::base().expect("valid");
        let manifest = base.for_user(Some(&config), "http://127.0.0.1:7000");
        assert_eq!(manifest.name, format!("{} RD", base.name));
        assert!(manifest.behavior_hints.configurable);
        let json = serde_json::to_value(&manifest).expect("serialises");
        assert!(json["behaviorHints"].get("configurationRequired").is_none());
        assert!(
            manifest
                .catalogs
                .iter()
                .any(|catalog| catalog.id == "rd-library")
        );
        assert!(manifest.id_prefixes.contains(&"rd:".to_owned()));
        let plain = base.for_user(Some(&UserConfig::default()), "http://127.0.0.1:7000");
        assert_eq!(plain.name, base.name);
        assert!(
            plain
                .catalogs
                .iter()
                .all(|catalog| catalog.id != "rd-library")
        );
    }
}
