//! The configure form's model: the form as typed (raw strings, so an invalid submission is
//! shown back exactly as it was typed), to and from a [`UserConfig`].

use super::{discovery::DiscoveryForm, quality::QualityForm};
use crate::protocol::{
    config::{CONFIG_VERSION, ConfigError, UserConfig},
    seal::{SEALED_PREFIX, Sealer},
};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// The form as the page shows it: raw strings, so an invalid submission is shown back exactly
/// as it was typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct FormState {
    pub(super) sources: BTreeSet<String>,
    pub(super) realdebrid: String,
    pub(super) exclude_qualities: BTreeSet<String>,
    pub(super) max_size_gb: String,
    pub(super) sort: String,
    pub(super) limit_per_quality: String,
    pub(super) max_results: String,
    pub(super) exclude_keywords: String,
    pub(super) cached_only: bool,
    pub(super) show_download_links: bool,
    pub(super) clean_failed: bool,
    pub(super) free_slots: bool,
    pub(super) catalogs: BTreeSet<String>,
    /// The quality order, floor, cap, size floors and `cachedFirst`.
    pub(super) quality: QualityForm,
    /// Region, services, where-to-watch rows and personal keys (shown when the server has TMDB).
    pub(super) discovery: DiscoveryForm,
    /// With sealing: the saved config, sealed, whose token and keys empty fields keep.
    pub(super) kept_token: String,
    /// "Remove the saved token" is ticked.
    pub(super) remove_token: bool,
}

impl FormState {
    /// The form for a config, as the page may show it: with sealing on, a saved token is
    /// never written into the page, only kept sealed.
    pub(super) fn shown(config: &UserConfig, sealer: Option<&Sealer>) -> Self {
        let mut form = Self::from_config(config);
        if let Some(sealer) = sealer
            && (config.has_debrid() || form.discovery.has_keys())
        {
            form.realdebrid.clear();
            form.discovery.clear_keys();
            form.kept_token = config.encode(Some(sealer));
        }
        form
    }

    fn from_config(config: &UserConfig) -> Self {
        Self {
            sources: config
                .sources
                .iter()
                .map(|source| source.as_str().to_owned())
                .collect(),
            realdebrid: config
                .realdebrid
                .as_ref()
                .map(|token| token.expose().to_owned())
                .unwrap_or_default(),
            exclude_qualities: config
                .exclude_qualities
                .iter()
                .map(|quality| quality.as_str().to_owned())
                .collect(),
            max_size_gb: config
                .max_size_gb
                .map(|gb| gb.to_string())
                .unwrap_or_default(),
            sort: config.sort.as_str().to_owned(),
            limit_per_quality: config
                .limit_per_quality
                .map(|limit| limit.to_string())
                .unwrap_or_default(),
            max_results: config.max_results.to_string(),
            exclude_keywords: config.exclude_keywords.join(", "),
            cached_only: config.cached_only,
            show_download_links: config.show_download_links,
            clean_failed: config.clean_failed,
            free_slots: config.free_slots,
            catalogs: config
                .catalogs
                .iter()
                .map(|catalog| catalog.as_str().to_owned())
                .collect(),
            quality: QualityForm::from_config(config),
            discovery: DiscoveryForm::from_config(&config.discovery),
            kept_token: String::new(),
            remove_token: false,
        }
    }

    /// Reads a form body. Checkboxes send their value only when ticked; fields the page does
    /// not have are ignored.
    pub(super) fn from_urlencoded(body: &[u8]) -> Self {
        let mut form = Self {
            quality: QualityForm::unticked(),
            ..Self::default()
        };
        for (name, value) in url::form_urlencoded::parse(body) {
            let value = value.into_owned();
            match name.as_ref() {
                name if form.quality.read(name, &value) => {}
                name if form.discovery.read(name, &value) => {}
                "sources" => {
                    form.sources.insert(value);
                }
                "excludeQualities" => {
                    form.exclude_qualities.insert(value);
                }
                "catalogs" => {
                    form.catalogs.insert(value);
                }
                "realdebrid" => form.realdebrid = value,
                "maxSizeGb" => form.max_size_gb = value,
                "sort" => form.sort = value,
                "limitPerQuality" => form.limit_per_quality = value,
                "maxResults" => form.max_results = value,
                "excludeKeywords" => form.exclude_keywords = value,
                "cachedOnly" => form.cached_only = true,
                "showDownloadLinks" => form.show_download_links = true,
                "cleanFailed" => form.clean_failed = true,
                "freeSlots" => form.free_slots = true,
                "keptToken" => form.kept_token = value,
                "removeToken" => form.remove_token = true,
                _ => {}
            }
        }
        form
    }

    /// The config JSON the form stands for, validated by [`UserConfig::from_json`]. Only the
    /// form's own conventions live here: empty means "default", keywords are comma separated,
    /// a ticked box is `true`.
    pub(super) fn to_config(&self, sealer: Option<&Sealer>) -> Result<UserConfig, String> {
        let mut fields = Map::new();
        fields.insert("v".into(), json!(CONFIG_VERSION));
        fields.insert("sources".into(), json!(self.sources));
        let saved = self.saved(sealer)?;
        let token = self.realdebrid.trim();
        if !token.is_empty() {
            fields.insert("realdebrid".into(), json!(token));
        } else if let Some(kept) = saved
            .as_ref()
            .filter(|_| !self.remove_token)
            .and_then(|c| c.realdebrid.as_ref())
        {
            fields.insert("realdebrid".into(), json!(kept.expose()));
        }
        fields.insert("excludeQualities".into(), json!(self.exclude_qualities));
        for (name, raw) in [
            ("maxSizeGb", &self.max_size_gb),
            ("limitPerQuality", &self.limit_per_quality),
            ("maxResults", &self.max_results),
        ] {
            if let Some(number) = number(name, raw)? {
                fields.insert(name.into(), number);
            }
        }
        let sort = self.sort.trim();
        if !sort.is_empty() {
            fields.insert("sort".into(), json!(sort));
        }
        let keywords: Vec<&str> = self
            .exclude_keywords
            .split(',')
            .map(str::trim)
            .filter(|keyword| !keyword.is_empty())
            .collect();
        fields.insert("excludeKeywords".into(), json!(keywords));
        fields.insert("cachedOnly".into(), json!(self.cached_only));
        fields.insert("showDownloadLinks".into(), json!(self.show_download_links));
        fields.insert("cleanFailed".into(), json!(self.clean_failed));
        fields.insert("freeSlots".into(), json!(self.free_slots));
        fields.insert("catalogs".into(), json!(self.catalogs));
        self.quality.fields(&mut fields)?;
        self.discovery.fields(&mut fields, saved.as_ref())?;
        let json = Value::Object(fields).to_string();
        UserConfig::from_json(json.as_bytes()).map_err(|error| match error {
            // On the form, "config is not valid" says nothing: the field and reason do.
            ConfigError::Invalid(message) => message,
            error => error.to_string(),
        })
    }

    /// The saved config whose token and keys the form keeps, if any: only a sealed config
    /// this server opens.
    fn saved(&self, sealer: Option<&Sealer>) -> Result<Option<UserConfig>, String> {
        if self.kept_token.is_empty() {
            return Ok(None);
        }
        let lost = || {
            "the saved Real-Debrid token and keys could not be recovered: type them again"
                .to_owned()
        };
        if !self.kept_token.starts_with(SEALED_PREFIX) {
            return Err(lost());
        }
        UserConfig::decode(&self.kept_token, sealer)
            .map(Some)
            .map_err(|_| lost())
    }
}

/// A number field: empty is `None` (the default applies); anything else must be a number, and
/// its range is checked by [`UserConfig::from_json`].
fn number(name: &str, raw: &str) -> Result<Option<Value>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<serde_json::Number>()
        .map(|number| Some(Value::Number(number)))
        .map_err(|_| format!("field `{name}`: expected a number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::config::SourceId;

    #[test]
    fn an_untouched_default_form_gives_the_default_config() {
        let form = FormState::from_config(&UserConfig::default());
        assert_eq!(form.to_config(None), Ok(UserConfig::default()));
    }

    #[test]
    fn form_conventions() {
        let form = FormState::from_urlencoded(
            b"sources=yts&maxSizeGb=+2.5+&limitPerQuality=&maxResults=10\
              &excludeKeywords=+hdcam+%2C%2C+Line+Audio+&cachedOnly=on&unknown=1",
        );
        let config = form.to_config(None).expect("valid");
        assert_eq!(config.sources, BTreeSet::from([SourceId::Yts]));
        assert_eq!(config.max_size_gb, Some(2.5));
        assert_eq!(config.limit_per_quality, None);
        assert_eq!(config.max_results, 10);
        assert_eq!(config.exclude_keywords, ["hdcam", "Line Audio"]);
        assert!(config.cached_only);
        assert!(!config.show_download_links, "an unticked box is false");
    }

    #[test]
    fn errors_name_the_field_not_the_value() {
        let form = FormState::from_urlencoded(b"sources=dmm&maxSizeGb=lots");
        assert_eq!(
            form.to_config(None),
            Err("field `maxSizeGb`: expected a number".to_owned())
        );
        let form = FormState::from_urlencoded(b"sources=dmm&realdebrid=no+spaces+allowed");
        let error = form.to_config(None).expect_err("bad token");
        assert!(
            error.contains("realdebrid") && !error.contains("spaces"),
            "{error}"
        );
        let error = FormState::from_urlencoded(b"maxResults=5")
            .to_config(None)
            .expect_err("no source");
        assert!(error.contains("sources"), "{error}");
    }

    fn sealer() -> Sealer {
        Sealer::new(&secrecy::SecretString::from("unit-test-secret".to_owned()))
    }

    #[test]
    fn with_sealing_a_saved_token_is_kept_sealed_never_shown() {
        let sealer = sealer();
        let config = UserConfig {
            realdebrid: Some("SAVEDtoken123456".to_owned().into()),
            ..UserConfig::default()
        };
        let form = FormState::shown(&config, Some(&sealer));
        assert_eq!(form.realdebrid, "");
        assert!(form.kept_token.starts_with(SEALED_PREFIX));
        assert!(!form.kept_token.contains("SAVEDtoken"));
        assert_eq!(form.to_config(Some(&sealer)), Ok(config.clone()));

        let mut replaced = form.clone();
        replaced.realdebrid = "NEWtoken12345678".into();
        let token = replaced.to_config(Some(&sealer)).expect("valid").realdebrid;
        assert_eq!(
            token.map(|t| t.expose().to_owned()).as_deref(),
            Some("NEWtoken12345678")
        );

        let mut removed = form.clone();
        removed.remove_token = true;
        assert_eq!(
            removed.to_config(Some(&sealer)).expect("valid").realdebrid,
            None
        );

        let mut forged = form;
        forged.kept_token = UserConfig::default().encode(None);
        assert!(
            forged.to_config(Some(&sealer)).is_err(),
            "only sealed configs are kept"
        );

        // Without sealing the token is in the URL anyway, and is shown.
        let form = FormState::shown(&config, None);
        assert_eq!(form.realdebrid, "SAVEDtoken123456");
        assert_eq!(form.kept_token, "");
    }
}
