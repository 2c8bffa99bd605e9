//! The quality part of the configure form: a preset for the order (or a custom one), the
//! floor, the cap, size floors per quality and `cachedFirst` — as typed, to and from config
//! JSON fields.

use crate::protocol::config::{Quality, UserConfig};
use serde_json::{Map, Value, json};

/// The presets of the quality order, with the page's one-line explanations.
pub(super) const PRESETS: [(&str, &str, &str); 4] = [
    (
        "best",
        "Best first",
        "4K, then 1440p, 1080p, 720p, SD; cams last.",
    ),
    (
        "1080p",
        "1080p first",
        "1080p, then lower qualities, then 4K: for slower connections or 1080p screens.",
    ),
    (
        "4k",
        "4K first",
        "4K, then 1080p, then the rest best first.",
    ),
    (
        "custom",
        "Custom",
        "The order typed below, then the rest best first.",
    ),
];

/// The quality fields as typed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct QualityForm {
    pub(super) preset: String,
    pub(super) preferred: String,
    pub(super) target: String,
    pub(super) min: String,
    pub(super) lower_until_better: bool,
    pub(super) max: String,
    pub(super) min_sizes: String,
    /// `""` (automatic: on with a token), `on` or `off`.
    pub(super) cached_first: String,
}

impl Default for QualityForm {
    fn default() -> Self {
        Self::from_config(&UserConfig::default())
    }
}

impl QualityForm {
    pub(super) fn from_config(config: &UserConfig) -> Self {
        let names = |qualities: &[Quality]| {
            qualities
                .iter()
                .map(|q| q.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let preset = match (config.preferred_qualities.as_slice(), config.target_quality) {
            ([], None) => "best",
            ([], Some(Quality::Hd1080)) => "1080p",
            ([Quality::Uhd2160, Quality::Hd1080], None) => "4k",
            _ => "custom",
        };
        let custom = preset == "custom";
        Self {
            preset: preset.to_owned(),
            preferred: if custom {
                names(&config.preferred_qualities)
            } else {
                String::new()
            },
            target: config
                .target_quality
                .filter(|_| custom)
                .map_or_else(String::new, |q| q.as_str().to_owned()),
            min: config
                .min_quality
                .map_or_else(String::new, |q| q.as_str().to_owned()),
            lower_until_better: config.lower_until_better,
            max: config
                .max_quality
                .map_or_else(String::new, |q| q.as_str().to_owned()),
            min_sizes: config
                .min_size_gb_by_quality
                .iter()
                .map(|(quality, gb)| format!("{}: {gb}", quality.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            cached_first: match config.cached_first {
                None => String::new(),
                Some(true) => "on".into(),
                Some(false) => "off".into(),
            },
        }
    }

    /// Takes a form field if it is one of these; false otherwise.
    pub(super) fn read(&mut self, name: &str, value: &str) -> bool {
        let field = match name {
            "qualityOrder" => &mut self.preset,
            "preferredQualities" => &mut self.preferred,
            "targetQuality" => &mut self.target,
            "minQuality" => &mut self.min,
            "maxQuality" => &mut self.max,
            "minSizeGbByQuality" => &mut self.min_sizes,
            "cachedFirst" => &mut self.cached_first,
            "lowerUntilBetter" => {
                self.lower_until_better = true;
                return true;
            }
            _ => return false,
        };
        value.clone_into(field);
        true
    }

    /// A form body never carries an unticked box: a submitted form starts unticked.
    pub(super) fn unticked() -> Self {
        Self {
            lower_until_better: false,
            ..Self::default()
        }
    }

    /// Adds the config fields the form stands for; quality names are checked by the config.
    pub(super) fn fields(&self, fields: &mut Map<String, Value>) -> Result<(), String> {
        let list = |raw: &str| -> Vec<String> {
            raw.split(',')
                .map(|name| name.trim().to_lowercase())
                .filter(|name| !name.is_empty())
                .collect()
        };
        match self.preset.as_str() {
            "1080p" => {
                fields.insert("targetQuality".into(), json!("1080p"));
            }
            "4k" => {
                fields.insert("preferredQualities".into(), json!(["2160p", "1080p"]));
            }
            "custom" => {
                fields.insert("preferredQualities".into(), json!(list(&self.preferred)));
                if !self.target.trim().is_empty() {
                    fields.insert("targetQuality".into(), json!(self.target.trim()));
                }
            }
            _ => {}
        }
        for (name, raw) in [("minQuality", &self.min), ("maxQuality", &self.max)] {
            if !raw.trim().is_empty() {
                fields.insert(name.into(), json!(raw.trim()));
            }
        }
        fields.insert("lowerUntilBetter".into(), json!(self.lower_until_better));
        fields.insert(
            "minSizeGbByQuality".into(),
            Value::Object(self.size_floors()?),
        );
        match self.cached_first.as_str() {
            "on" => fields.insert("cachedFirst".into(), json!(true)),
            "off" => fields.insert("cachedFirst".into(), json!(false)),
            _ => None,
        };
        Ok(())
    }

    /// `2160p: 8, 1080p: 2` as a JSON object.
    fn size_floors(&self) -> Result<Map<String, Value>, String> {
        let invalid = || "field `minSizeGbByQuality`: expected `quality: GB` pairs".to_owned();
        let mut floors = Map::new();
        for pair in self
            .min_sizes
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (quality, gb) = pair.split_once(':').ok_or_else(invalid)?;
            let gb: serde_json::Number = gb.trim().parse().map_err(|_| invalid())?;
            floors.insert(quality.trim().to_lowercase(), Value::Number(gb));
        }
        Ok(floors)
    }
}

#[cfg(test)]
mod tests {
    use super::super::form::FormState;
    use super::*;

    fn round_trip(config: &UserConfig) -> Result<UserConfig, String> {
        FormState::shown(config, None).to_config(None)
    }

    #[test]
    fn every_quality_field_survives_the_form() {
        let custom = UserConfig {
            preferred_qualities: vec![Quality::Hd1080, Quality::Uhd2160, Quality::Hd720],
            min_quality: Some(Quality::Hd720),
            lower_until_better: false,
            max_quality: Some(Quality::Uhd2160),
            min_size_gb_by_quality: [(Quality::Uhd2160, 8.0), (Quality::Hd1080, 1.5)].into(),
            cached_first: Some(false),
            ..UserConfig::default()
        };
        assert_eq!(round_trip(&custom), Ok(custom.clone()));
        for preset in [
            UserConfig::default(),
            UserConfig {
                target_quality: Some(Quality::Hd1080),
                ..UserConfig::default()
            },
            UserConfig {
                preferred_qualities: vec![Quality::Uhd2160, Quality::Hd1080],
                cached_first: Some(true),
                ..UserConfig::default()
            },
            UserConfig {
                target_quality: Some(Quality::Hd720),
                ..UserConfig::default()
            },
        ] {
            assert_eq!(round_trip(&preset), Ok(preset.clone()));
        }
    }

    #[test]
    fn a_submitted_form_reads_presets_and_says_which_field_is_wrong() {
        let form = FormState::from_urlencoded(
            b"sources=dmm&qualityOrder=1080p&minQuality=720p&minSizeGbByQuality=2160p%3A+8",
        );
        let config = form.to_config(None).expect("valid");
        assert_eq!(config.target_quality, Some(Quality::Hd1080));
        assert_eq!(config.min_quality, Some(Quality::Hd720));
        assert!(!config.lower_until_better, "an unticked box");
        assert_eq!(
            config.min_size_gb_by_quality.get(&Quality::Uhd2160),
            Some(&8.0)
        );
        let wrong = FormState::from_urlencoded(b"sources=dmm&minSizeGbByQuality=big");
        let error = wrong.to_config(None).expect_err("not pairs");
        assert!(error.contains("minSizeGbByQuality"), "{error}");
        let unknown =
            FormState::from_urlencoded(b"sources=dmm&qualityOrder=custom&preferredQualities=8k");
        let error = unknown.to_config(None).expect_err("no such quality");
        assert!(error.contains("preferredQualities"), "{error}");
    }
}
