//! TMDB's lists: trending, and discover with its filters.

use super::{error, item, kind_of, not_found};
use crate::common::{json, query};
use crate::discovery::dates::date_in_days;
use crate::fixtures::titles::{self, Bucket, Title};
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

/// TMDB pages by 20.
const PAGE: usize = 20;

/// One page of 20 of `list`; past page 500 TMDB refuses.
fn paged(req: &Request, list: Vec<&Title>, with_type: bool) -> ResponseTemplate {
    let page: usize = query(req, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
    if page == 0 || page > 500 {
        return error(
            400,
            22,
            "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
        );
    }
    let total = list.len();
    let results: Vec<Value> = list
        .into_iter()
        .skip((page - 1) * PAGE)
        .take(PAGE)
        .map(|title| item(title, with_type))
        .collect();
    json(
        200,
        &json!({"page": page, "results": results,
                "total_pages": total.div_ceil(PAGE).max(1), "total_results": total}),
    )
}

pub(super) fn trending(req: &Request, kind: &str, window: &str) -> ResponseTemplate {
    let Some(kind) = kind_of(kind) else {
        return not_found();
    };
    let mut list: Vec<&Title> = titles::titles().iter().filter(|t| t.kind == kind).collect();
    match window {
        "day" => list.sort_by_key(|t| t.day_rank),
        "week" => list.sort_by_key(|t| t.week_rank),
        _ => return not_found(),
    }
    paged(req, list, true)
}

/// `/discover/{movie|tv}`: provider (`|` OR, `,` AND), monetization, digital release window
/// and vote floor filters, sorted by popularity.
pub(super) fn discover(req: &Request, kind: &str) -> ResponseTemplate {
    let Some(kind) = kind_of(kind) else {
        return not_found();
    };
    let region = query(req, "watch_region").or_else(|| query(req, "region"));
    let buckets: Vec<Bucket> = query(req, "with_watch_monetization_types")
        .map(|m| m.split('|').filter_map(bucket_of).collect())
        .unwrap_or_else(|| {
            vec![
                Bucket::Flatrate,
                Bucket::Free,
                Bucket::Ads,
                Bucket::Rent,
                Bucket::Buy,
            ]
        });
    let offers_in = |t: &Title, id: u32| {
        t.offers.iter().any(|o| {
            o.provider == id
                && region.as_deref().is_none_or(|r| r == o.region)
                && buckets.contains(&o.bucket)
        })
    };
    let with = query(req, "with_watch_providers");
    let without = query(req, "without_watch_providers");
    let (gte, lte) = (
        query(req, "release_date.gte"),
        query(req, "release_date.lte"),
    );
    let digital_only =
        query(req, "with_release_type").is_some_and(|t| t.split('|').any(|t| t == "4"));
    let min_votes: u32 = query(req, "vote_count.gte")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut list: Vec<&Title> = titles::titles()
        .iter()
        .filter(|t| t.kind == kind)
        .filter(|t| matches_providers(with.as_deref(), |id| offers_in(t, id), true))
        .filter(|t| !matches_providers(without.as_deref(), |id| offers_in(t, id), false))
        .filter(|t| {
            if !digital_only {
                return true;
            }
            let regional = region.as_deref().is_none_or(|r| r != "DE");
            let Some(date) = t.digital_in_days.filter(|_| regional).map(date_in_days) else {
                return false;
            };
            gte.as_deref().is_none_or(|g| date.as_str() >= g)
                && lte.as_deref().is_none_or(|l| date.as_str() <= l)
        })
        .filter(|t| {
            let votes = if t.digital_in_days.is_some_and(|d| d > 0) {
                0
            } else {
                100 + t.tmdb % 900
            };
            votes >= min_votes
        })
        .collect();
    list.sort_by(|a, b| b.popularity.total_cmp(&a.popularity));
    paged(req, list, false)
}

/// Whether a title matches a provider filter (`8|9` any, `8,9` all); `empty` when unset.
fn matches_providers(filter: Option<&str>, offers: impl Fn(u32) -> bool, empty: bool) -> bool {
    let Some(filter) = filter.filter(|f| !f.is_empty()) else {
        return empty;
    };
    let ids = |sep| {
        filter
            .split(sep)
            .filter_map(|id: &str| id.trim().parse::<u32>().ok())
    };
    if filter.contains(',') {
        ids(',').all(&offers)
    } else {
        ids('|').any(&offers)
    }
}

fn bucket_of(word: &str) -> Option<Bucket> {
    match word {
        "flatrate" => Some(Bucket::Flatrate),
        "free" => Some(Bucket::Free),
        "ads" => Some(Bucket::Ads),
        "rent" => Some(Bucket::Rent),
        "buy" => Some(Bucket::Buy),
        _ => None,
    }
}
