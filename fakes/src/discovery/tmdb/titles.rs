//! TMDB's answers about one title (find, details, release dates, watch providers) and its
//! provider directory.

use super::{item, kind_of, not_found};
use crate::common::{json, query};
use crate::discovery::dates::date_in_days;
use crate::fixtures::titles::{self, Kind, PROVIDERS, Title};
use serde_json::{Value, json};
use std::collections::HashSet;
use wiremock::{Request, ResponseTemplate};

pub(super) fn find(imdb: &str) -> ResponseTemplate {
    let found = titles::by_imdb(imdb);
    let of = |kind| -> Vec<Value> {
        found
            .filter(|t| t.kind == kind)
            .map(|t| item(t, true))
            .into_iter()
            .collect()
    };
    json(
        200,
        &json!({"movie_results": of(Kind::Movie), "person_results": [], "tv_results": of(Kind::Tv),
                "tv_episode_results": [], "tv_season_results": []}),
    )
}

/// `/{movie|tv}/{id}`: the list item's fields and a few more.
pub(super) fn details(title: &Title) -> Value {
    let mut details = item(title, false);
    details["status"] = json!("Released");
    details["tagline"] = json!("");
    details
}

/// The same with `append_to_response=external_ids`.
pub(super) fn details_with_ids(title: &Title) -> Value {
    let mut details = details(title);
    details["external_ids"] = external_ids(title);
    details
}

pub(super) fn external_ids(title: &Title) -> Value {
    json!({"id": title.tmdb, "imdb_id": title.imdb, "wikidata_id": null, "facebook_id": null,
           "instagram_id": null, "twitter_id": null})
}

/// Release dates per region: the digital one (type 4) in the US and GB, none in DE.
pub(super) fn release_dates(title: &Title) -> Value {
    let theatrical = json!({"certification": "", "iso_639_1": "", "note": "",
                            "release_date": format!("{}-01-01T00:00:00.000Z", title.year), "type": 3});
    let results: Vec<Value> = ["US", "GB", "DE"]
        .iter()
        .map(|region| {
            let mut dates = vec![theatrical.clone()];
            if let Some(days) = title.digital_in_days.filter(|_| *region != "DE") {
                dates.push(json!({"certification": "", "iso_639_1": "", "note": "",
                                  "release_date": format!("{}T00:00:00.000Z", date_in_days(days)), "type": 4}));
            }
            json!({"iso_3166_1": region, "release_dates": dates})
        })
        .collect();
    json!({"id": title.tmdb, "results": results})
}

fn provider_json(id: u32) -> Value {
    let p = PROVIDERS.iter().find(|p| p.tmdb_id == id);
    json!({"logo_path": format!("/logo{id}.jpg"), "provider_id": id,
           "provider_name": p.map_or("Unknown", |p| p.tmdb_name),
           "display_priority": p.map_or(99, |p| p.display_priority)})
}

pub(super) fn watch_providers(title: &Title) -> Value {
    let mut results = serde_json::Map::new();
    for offer in &title.offers {
        let region = results.entry(offer.region).or_insert_with(|| {
            json!({"link": format!("https://www.themoviedb.org/{}/{}/watch?locale={}",
                                   title.kind.tmdb(), title.tmdb, offer.region)})
        });
        let bucket = region[offer.bucket.tmdb()]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut bucket = bucket;
        bucket.push(provider_json(offer.provider));
        region[offer.bucket.tmdb()] = Value::Array(bucket);
    }
    json!({"id": title.tmdb, "results": results})
}

/// `/watch/providers/regions`.
pub(super) fn regions() -> ResponseTemplate {
    let names = [
        ("DE", "Germany", "Deutschland"),
        ("GB", "United Kingdom", "United Kingdom"),
        ("US", "United States of America", "United States"),
    ];
    let results: Vec<Value> = names
        .iter()
        .map(|(code, english, native)| json!({"iso_3166_1": code, "english_name": english, "native_name": native}))
        .collect();
    json(200, &json!({"results": results}))
}

pub(super) fn provider_list(req: &Request, kind: &str) -> ResponseTemplate {
    let Some(kind) = kind_of(kind) else {
        return not_found();
    };
    let region = query(req, "watch_region");
    let offered: HashSet<u32> = titles::titles()
        .iter()
        .filter(|t| t.kind == kind)
        .flat_map(|t| &t.offers)
        .filter(|o| region.as_deref().is_none_or(|r| r == o.region))
        .map(|o| o.provider)
        .collect();
    let results: Vec<Value> = PROVIDERS
        .iter()
        .filter(|p| offered.contains(&p.tmdb_id))
        .map(|p| {
            json!({"display_priorities": {"US": p.display_priority, "GB": p.display_priority + 1},
                   "display_priority": p.display_priority, "logo_path": format!("/logo{}.jpg", p.tmdb_id),
                   "provider_name": p.tmdb_name, "provider_id": p.tmdb_id})
        })
        .collect();
    json(200, &json!({"results": results}))
}
