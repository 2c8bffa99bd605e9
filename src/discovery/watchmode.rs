//! The Watchmode v1 client: a title's sources by IMDb id, every region in one call, with deep
//! links (`web_url`), formats and prices. Rows come one per source × region × format; they are
//! merged by (source, region, type), keeping the best format and the cheapest price.

use super::{
    error::Failure,
    http::{Caller, Upstream, common_failure},
    model::{Access, Source},
};
use crate::upstream::{endpoint, lenient, pace::Priority};
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

/// The Watchmode client. Cheap to clone.
#[derive(Clone)]
pub struct Watchmode {
    upstream: Upstream,
    base: Url,
}

impl Watchmode {
    pub fn new(upstream: Upstream, base: Url) -> Self {
        Self { upstream, base }
    }

    /// `/v1/title/{imdb}/sources/`, merged, asked with `caller`'s `key`.
    pub async fn sources(
        &self,
        key: &str,
        caller: Caller,
        imdb: &str,
    ) -> Result<Vec<Source>, Failure> {
        let mut url = endpoint(&self.base, &["v1", "title", imdb, "sources"]);
        url.set_path(&format!("{}/", url.path()));
        let request = self.upstream.http.get(url).header("x-api-key", key);
        let body: Value = self
            .upstream
            .json_as(request, caller, Priority::User)
            .await?
            .body;
        Ok(merge(lenient::list::<Row>(body)))
    }
}

/// Watchmode's error answers: 402 is the month's quota spent.
pub fn failure(status: u16, headers: &HeaderMap, _body: &[u8]) -> Failure {
    match status {
        402 => Failure::OverQuota,
        _ => common_failure(status, headers),
    }
}

#[derive(Deserialize)]
struct Row {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    region: String,
    web_url: Option<String>,
    format: Option<String>,
    price: Option<f64>,
}

fn access(kind: &str) -> Option<Access> {
    match kind {
        "sub" => Some(Access::Subscription),
        "free" => Some(Access::Free),
        "rent" => Some(Access::Rent),
        "buy" => Some(Access::Buy),
        // `tve` needs a cable login: not something to send a viewer to.
        _ => None,
    }
}

fn format_rank(format: Option<&str>) -> u8 {
    match format {
        Some("4K") => 3,
        Some("HD") => 2,
        Some("SD") => 1,
        _ => 0,
    }
}

fn merge(rows: Vec<Row>) -> Vec<Source> {
    let mut merged: Vec<Source> = Vec::new();
    for row in rows {
        let Some(access) = access(&row.kind) else {
            continue;
        };
        let web_url = row.web_url.filter(|url| url.starts_with("https://"));
        let existing = merged
            .iter_mut()
            .find(|s| s.name == row.name && s.region == row.region && s.access == access);
        match existing {
            Some(source) => {
                if format_rank(row.format.as_deref()) > format_rank(source.format.as_deref()) {
                    source.format = row.format;
                }
                source.price = match (source.price, row.price) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                source.web_url = source.web_url.take().or(web_url);
            }
            None => merged.push(Source {
                name: row.name,
                region: row.region,
                access,
                web_url,
                format: row.format,
                price: row.price,
            }),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_merge_by_source_region_and_type_keeping_the_best_format_and_cheapest_price() {
        let body = serde_json::json!([
            {"source_id":24,"name":"Amazon","type":"buy","region":"US","web_url":"https://a/1","format":"SD","price":1.99},
            {"source_id":24,"name":"Amazon","type":"buy","region":"US","web_url":"https://a/1","format":"4K","price":3.99},
            {"source_id":203,"name":"Netflix","type":"sub","region":"US","web_url":"https://n/1","format":"HD","price":null},
            {"source_id":203,"name":"Netflix","type":"sub","region":"GB","web_url":"https://n/1","format":"4K","price":null},
            {"source_id":1,"name":"Cable","type":"tve","region":"US","web_url":"https://c/1","format":"HD"},
            {"broken": true}
        ]);
        let sources = merge(lenient::list(body));
        assert_eq!(sources.len(), 3, "{sources:?}");
        let amazon = &sources[0];
        assert_eq!(
            (amazon.format.as_deref(), amazon.price),
            (Some("4K"), Some(1.99))
        );
        assert!(
            sources.iter().all(|s| s.name != "Cable"),
            "TV-everywhere is left out"
        );
    }
}
