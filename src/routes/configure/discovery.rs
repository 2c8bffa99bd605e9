//! The configure page's discovery section (present when the server has TMDB): the region, the
//! region's services to tick (TMDB's list for it, by display priority), the where-to-watch
//! rows, and personal TMDB and Watchmode keys.

use crate::{
    client_address::ClientKey,
    discovery::{Discovery, model::Kind},
    protocol::{
        config::{CatalogId, DiscoveryConfig, UserConfig, WhereToWatch},
        region::is_region,
    },
};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// The section as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct DiscoveryForm {
    /// The page showed the section (a hidden field): without it, the discovery catalogs keep
    /// their default, on.
    pub(super) shown: bool,
    pub(super) region: String,
    pub(super) my_services: BTreeSet<String>,
    pub(super) where_to_watch: String,
    pub(super) tmdb_key: String,
    pub(super) watchmode_key: String,
    pub(super) remove_keys: bool,
}

impl DiscoveryForm {
    pub(super) fn from_config(config: &DiscoveryConfig) -> Self {
        let key = |key: &Option<crate::protocol::config::ApiKey>| {
            key.as_ref()
                .map(|k| k.expose().to_owned())
                .unwrap_or_default()
        };
        Self {
            shown: true,
            region: config.region.clone().unwrap_or_default(),
            my_services: config.my_services.iter().map(u32::to_string).collect(),
            where_to_watch: rows_value(config.where_to_watch).to_owned(),
            tmdb_key: key(&config.tmdb_key),
            watchmode_key: key(&config.watchmode_key),
            remove_keys: false,
        }
    }

    /// Takes one form field if it is the section's.
    pub(super) fn read(&mut self, name: &str, value: &str) -> bool {
        match name {
            "discoveryShown" => self.shown = true,
            "region" => self.region = value.trim().to_ascii_uppercase(),
            "myServices" => {
                self.my_services.insert(value.to_owned());
            }
            "whereToWatch" => self.where_to_watch = value.to_owned(),
            "tmdbKey" => self.tmdb_key = value.trim().to_owned(),
            "watchmodeKey" => self.watchmode_key = value.trim().to_owned(),
            "removeKeys" => self.remove_keys = true,
            _ => return false,
        }
        true
    }

    pub(super) fn has_keys(&self) -> bool {
        !self.tmdb_key.is_empty() || !self.watchmode_key.is_empty()
    }

    /// With sealing, keys are never written into the page.
    pub(super) fn clear_keys(&mut self) {
        self.tmdb_key.clear();
        self.watchmode_key.clear();
    }

    /// The section's config fields; empty key fields keep the saved keys.
    pub(super) fn fields(
        &self,
        fields: &mut Map<String, Value>,
        saved: Option<&UserConfig>,
    ) -> Result<(), String> {
        if !self.shown {
            if let Some(Value::Array(catalogs)) = fields.get_mut("catalogs") {
                catalogs.extend(CatalogId::DISCOVERY.iter().map(|id| json!(id.as_str())));
            }
            return Ok(());
        }
        if !self.region.is_empty() {
            fields.insert("region".into(), json!(self.region));
        }
        let services: Result<Vec<u32>, _> = self
            .my_services
            .iter()
            .map(|id| id.parse::<u32>())
            .collect();
        let mut services =
            services.map_err(|_| "field `myServices`: expected TMDB provider ids".to_owned())?;
        services.sort_unstable();
        fields.insert("myServices".into(), json!(services));
        if !self.where_to_watch.is_empty() {
            fields.insert("whereToWatch".into(), json!(self.where_to_watch));
        }
        let saved = saved.filter(|_| !self.remove_keys).map(|c| &c.discovery);
        for (name, typed, kept) in [
            (
                "tmdbKey",
                &self.tmdb_key,
                saved.and_then(|d| d.tmdb_key.as_ref()),
            ),
            (
                "watchmodeKey",
                &self.watchmode_key,
                saved.and_then(|d| d.watchmode_key.as_ref()),
            ),
        ] {
            if !typed.is_empty() {
                fields.insert(name.into(), json!(typed));
            } else if let Some(kept) = kept {
                fields.insert(name.into(), json!(kept.expose()));
            }
        }
        Ok(())
    }
}

fn rows_value(rows: WhereToWatch) -> &'static str {
    match rows {
        WhereToWatch::Mine => "mine",
        WhereToWatch::All => "all",
        WhereToWatch::Off => "off",
    }
}

/// One option of the section.
pub(super) struct Pick {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) checked: bool,
}

/// What the section shows.
pub(super) struct DiscoverySection {
    pub(super) regions: Vec<Pick>,
    pub(super) services: Vec<Pick>,
    pub(super) rows: Vec<Pick>,
}

/// The section for the form, when the server has TMDB: the regions, and the services of the
/// form's region (movies' and shows', by TMDB's display priority).
pub(super) async fn section(
    discovery: &Discovery,
    form: &DiscoveryForm,
    client: ClientKey,
) -> Option<DiscoverySection> {
    if !discovery.enabled() {
        return None;
    }
    // A region the form names is used only if it is one: anything else would name a TMDB
    // call and a cache key (kept for days) with whatever a client sent.
    let region = if is_region(&form.region) {
        form.region.clone()
    } else {
        discovery.default_region().to_owned()
    };
    let config = UserConfig {
        discovery: DiscoveryConfig {
            region: Some(region.clone()),
            ..DiscoveryConfig::default()
        },
        ..UserConfig::default()
    };
    let asker = discovery.asker(&config, client);
    let (regions, movies, series) = tokio::join!(
        discovery.regions(&asker),
        discovery.services(Kind::Movie, &region, &asker),
        discovery.services(Kind::Series, &region, &asker)
    );
    let mut services = movies;
    for service in series {
        if !services.iter().any(|s| s.id == service.id) {
            services.push(service);
        }
    }
    services.sort_by_key(|s| (s.priority, s.id));
    let rows = [
        ("mine", "My services, before the torrents"),
        ("all", "Every service, and the cheapest rent or buy"),
        ("off", "None"),
    ];
    let current = if form.where_to_watch.is_empty() {
        "mine"
    } else {
        form.where_to_watch.as_str()
    };
    Some(DiscoverySection {
        regions: regions
            .into_iter()
            .map(|(code, name)| Pick {
                checked: code == region,
                label: format!("{name} ({code})"),
                value: code,
            })
            .collect(),
        services: services
            .into_iter()
            .map(|s| Pick {
                checked: form.my_services.contains(&s.id.to_string()),
                value: s.id.to_string(),
                label: s.name,
            })
            .collect(),
        rows: rows
            .into_iter()
            .map(|(value, label)| Pick {
                value: value.to_owned(),
                label: label.to_owned(),
                checked: value == current,
            })
            .collect(),
    })
}
