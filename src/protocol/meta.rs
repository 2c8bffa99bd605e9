//! Catalog items (`MetaPreview`) and full metadata (`Meta` with its `videos`).

use serde::Serialize;

/// One catalog item.
///
/// ```json
/// {"id": "tt0111161", "type": "movie", "name": "The Shawshank Redemption",
///  "poster": "https://…/large-cover.jpg", "releaseInfo": "1994", "genres": ["Drama"]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaPreview {
    pub id: String,
    #[serde(rename = "type")]
    pub media_type: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub poster: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub genres: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imdb_rating: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Full metadata of one item, answered by the `meta` resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    #[serde(flatten)]
    pub preview: MetaPreview,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// Without `videos` Stremio treats the item as one video whose id is the meta id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<Video>,
}

/// One playable video of a [`Meta`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Video {
    pub id: String,
    pub title: String,
    /// ISO 8601; Stremio orders non-series videos by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub released: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub season: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub episode: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_fields_are_omitted_and_names_are_camel_case() {
        let meta = Meta {
            preview: MetaPreview {
                id: "rd:ABC".into(),
                media_type: "other".into(),
                name: "Movie".into(),
                poster: None,
                genres: vec![],
                release_info: Some("2019".into()),
                imdb_rating: None,
                description: None,
            },
            background: None,
            videos: vec![Video {
                id: "rd:ABC:1".into(),
                title: "Movie.mkv".into(),
                released: None,
                season: None,
                episode: None,
                thumbnail: None,
            }],
        };
        assert_eq!(
            serde_json::to_value(&meta).expect("serialises"),
            json!({"id": "rd:ABC", "type": "other", "name": "Movie", "releaseInfo": "2019",
                   "videos": [{"id": "rd:ABC:1", "title": "Movie.mkv"}]})
        );
    }
}
