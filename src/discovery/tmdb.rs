//! The TMDB v3 client: trending and discover lists, IMDb ids, watch providers, the providers
//! of a region, and regional digital release dates. Authenticated with the user's own key, the
//! server's v4 read token (a bearer) or its v3 key, in that order.

use super::{
    error::Failure,
    http::{Answer, Caller, Upstream, common_failure},
    model::{Access, Details, Kind, ListPage, Listed, Offer, Providers, RegionOffers, Service},
};
use crate::upstream::{endpoint, lenient, pace::Priority};
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use url::Url;

/// TMDB serves 500 pages of a list at most.
pub const MAX_PAGE: u32 = 500;

/// How a call authenticates — with the server's credential, or with a user's own key — and
/// whose call it is in TMDB's pace.
#[derive(Clone)]
pub struct Auth {
    credential: Credential,
    caller: Caller,
    priority: Priority,
}

#[derive(Clone)]
enum Credential {
    /// A v3 key, as `api_key`.
    Key(String),
    /// A v4 read token, as a bearer.
    Bearer(String),
}

impl Auth {
    /// The server's v3 key.
    pub fn server_key(key: &str) -> Self {
        Self::server(Credential::Key(key.to_owned()))
    }

    /// The server's v4 read token.
    pub fn server_token(token: &str) -> Self {
        Self::server(Credential::Bearer(token.to_owned()))
    }

    fn server(credential: Credential) -> Self {
        Self {
            credential,
            caller: Caller::Server,
            priority: Priority::User,
        }
    }

    /// A key as a user typed it: a v4 read token is a JWT (`eyJ…`), anything else a v3 key.
    pub fn of_user(key: &str) -> Self {
        let credential = if key.starts_with("eyJ") && key.contains('.') {
            Credential::Bearer(key.to_owned())
        } else {
            Credential::Key(key.to_owned())
        };
        Self {
            credential,
            caller: Caller::PersonalKey,
            priority: Priority::User,
        }
    }

    /// The same credential, for a call of `priority`.
    pub fn at(self, priority: Priority) -> Self {
        Self { priority, ..self }
    }
}

/// A discover query's filters, besides the page.
#[derive(Debug, Clone, Default)]
pub struct Discover {
    pub region: String,
    /// `with_watch_providers`, any of them.
    pub providers: Vec<u32>,
    /// Digital releases (type 4) in the region between these dates (`YYYY-MM-DD`).
    pub digital_between: Option<(String, String)>,
}

/// The TMDB client. Cheap to clone.
#[derive(Clone)]
pub struct Tmdb {
    upstream: Upstream,
    base: Url,
}

impl Tmdb {
    pub fn new(upstream: Upstream, base: Url) -> Self {
        Self { upstream, base }
    }

    /// `/trending/{movie|tv}/{day|week}`.
    pub async fn trending(
        &self,
        auth: &Auth,
        kind: Kind,
        week: bool,
        page: u32,
    ) -> Result<ListPage, Failure> {
        let window = if week { "week" } else { "day" };
        let url = self.url(&["trending", kind.tmdb(), window]);
        self.list(auth, url, &[("page", page.to_string())]).await
    }

    /// `/discover/{movie|tv}` by popularity.
    pub async fn discover(
        &self,
        auth: &Auth,
        kind: Kind,
        query: &Discover,
        page: u32,
    ) -> Result<ListPage, Failure> {
        let mut params = vec![
            ("page", page.to_string()),
            ("sort_by", "popularity.desc".to_owned()),
            ("watch_region", query.region.clone()),
        ];
        if !query.providers.is_empty() {
            let ids: Vec<String> = query.providers.iter().map(u32::to_string).collect();
            params.push(("with_watch_providers", ids.join("|")));
            params.push((
                "with_watch_monetization_types",
                "flatrate|free|ads".to_owned(),
            ));
        }
        if let Some((from, to)) = &query.digital_between {
            params.push(("with_release_type", "4".to_owned()));
            params.push(("region", query.region.clone()));
            params.push(("release_date.gte", from.clone()));
            params.push(("release_date.lte", to.clone()));
        }
        let url = self.url(&["discover", kind.tmdb()]);
        self.list(auth, url, &params).await
    }

    /// `/{movie|tv}/{id}?append_to_response=external_ids`: the IMDb id (which TMDB may not
    /// know: `null`), the poster and the overview, in one call.
    pub async fn details(&self, auth: &Auth, kind: Kind, tmdb: u32) -> Result<Details, Failure> {
        let url = self.url(&[kind.tmdb(), &tmdb.to_string()]);
        let params = [("append_to_response", "external_ids".to_owned())];
        let body: Value = self.get(auth, url, &params).await?.body;
        let text = |value: &Value| value.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
        Ok(Details {
            imdb: text(&body["external_ids"]["imdb_id"]).filter(|id| id.starts_with("tt")),
            poster: text(&body["poster_path"]),
            overview: text(&body["overview"]),
        })
    }

    /// `/find/{imdb}`: the TMDB id of an IMDb id of this kind.
    pub async fn find(&self, auth: &Auth, kind: Kind, imdb: &str) -> Result<Option<u32>, Failure> {
        #[derive(Deserialize)]
        struct Found {
            id: u32,
        }
        let url = self.url(&["find", imdb]);
        let body: Value = self
            .get(auth, url, &[("external_source", "imdb_id".to_owned())])
            .await?
            .body;
        let results = match kind {
            Kind::Movie => &body["movie_results"],
            Kind::Series => &body["tv_results"],
        };
        Ok(lenient::list::<Found>(results.clone())
            .first()
            .map(|found| found.id))
    }

    /// `/{movie|tv}/{id}/watch/providers`: every region's offers.
    pub async fn providers(
        &self,
        auth: &Auth,
        kind: Kind,
        tmdb: u32,
    ) -> Result<Providers, Failure> {
        let url = self.url(&[kind.tmdb(), &tmdb.to_string(), "watch", "providers"]);
        let body: Value = self.get(auth, url, &[]).await?.body;
        let mut regions = BTreeMap::new();
        for (region, offers) in body["results"].as_object().into_iter().flatten() {
            regions.insert(region.clone(), region_offers(offers));
        }
        Ok(Providers { regions })
    }

    /// `/watch/providers/{movie|tv}?watch_region=`: the region's services, by display priority.
    pub async fn services(
        &self,
        auth: &Auth,
        kind: Kind,
        region: &str,
    ) -> Result<Vec<Service>, Failure> {
        let url = self.url(&["watch", "providers", kind.tmdb()]);
        let body: Value = self
            .get(auth, url, &[("watch_region", region.to_owned())])
            .await?
            .body;
        let mut services: Vec<Service> = lenient::list::<WireProvider>(body["results"].clone())
            .into_iter()
            .map(|p| Service {
                id: p.provider_id,
                name: p.provider_name,
                priority: p.display_priority,
            })
            .collect();
        services.sort_by_key(|s| (s.priority, s.id));
        Ok(services)
    }

    /// `/watch/providers/regions`: the regions TMDB knows providers for, `(code, name)` by name.
    pub async fn regions(&self, auth: &Auth) -> Result<Vec<(String, String)>, Failure> {
        #[derive(Deserialize)]
        struct Region {
            iso_3166_1: String,
            english_name: String,
        }
        let url = self.url(&["watch", "providers", "regions"]);
        let body: Value = self.get(auth, url, &[]).await?.body;
        let mut regions: Vec<(String, String)> = lenient::list::<Region>(body["results"].clone())
            .into_iter()
            .map(|r| (r.iso_3166_1, r.english_name))
            .collect();
        regions.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(regions)
    }

    /// `/movie/{id}/release_dates`: the movie's digital (type 4) release in `region`.
    pub async fn digital_date(
        &self,
        auth: &Auth,
        tmdb: u32,
        region: &str,
    ) -> Result<Option<String>, Failure> {
        let url = self.url(&["movie", &tmdb.to_string(), "release_dates"]);
        let body: Value = self.get(auth, url, &[]).await?.body;
        let date = body["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["iso_3166_1"] == region)
            .flat_map(|r| r["release_dates"].as_array().cloned().unwrap_or_default())
            .filter(|d| d["type"] == 4)
            .filter_map(|d| {
                d["release_date"]
                    .as_str()
                    .and_then(|s| s.get(..10))
                    .map(str::to_owned)
            })
            .min();
        Ok(date)
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut path = vec!["3"];
        path.extend_from_slice(segments);
        endpoint(&self.base, &path)
    }

    async fn list(
        &self,
        auth: &Auth,
        url: Url,
        params: &[(&str, String)],
    ) -> Result<ListPage, Failure> {
        let body: Value = self.get(auth, url, params).await?.body;
        let items = lenient::list::<WireItem>(body["results"].clone())
            .into_iter()
            .map(WireItem::listed)
            .collect();
        let pages = body["total_pages"]
            .as_u64()
            .unwrap_or(1)
            .min(u64::from(MAX_PAGE)) as u32;
        Ok(ListPage { items, pages })
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        auth: &Auth,
        url: Url,
        params: &[(&str, String)],
    ) -> Result<Answer<T>, Failure> {
        let mut request = self.upstream.http.get(url).query(params);
        request = match &auth.credential {
            Credential::Key(key) => request.query(&[("api_key", key)]),
            Credential::Bearer(token) => request.bearer_auth(token),
        };
        self.upstream
            .json_as(request, auth.caller, auth.priority)
            .await
    }
}

/// TMDB's error answers: `{"status_code": 7 | 34 | 25 | 22, …}` besides the HTTP status.
pub fn failure(status: u16, headers: &HeaderMap, body: &[u8]) -> Failure {
    let code = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|body| body["status_code"].as_u64());
    match (status, code) {
        (_, Some(7)) => Failure::Unauthorized,
        (_, Some(34)) => Failure::NotFound,
        // Page past 500, or another invalid parameter: a request Ferrio should not have made.
        (400 | 422, _) => Failure::Status(status),
        _ => common_failure(status, headers),
    }
}

#[derive(Deserialize)]
struct WireItem {
    id: u32,
    title: Option<String>,
    name: Option<String>,
    poster_path: Option<String>,
    release_date: Option<String>,
    first_air_date: Option<String>,
    overview: Option<String>,
}

impl WireItem {
    fn listed(self) -> Listed {
        Listed {
            tmdb: self.id,
            imdb: None,
            name: self.title.or(self.name).unwrap_or_default(),
            poster: self.poster_path,
            released: self
                .release_date
                .or(self.first_air_date)
                .filter(|d| d.len() >= 10),
            overview: self.overview.filter(|o| !o.is_empty()),
        }
    }
}

#[derive(Deserialize)]
struct WireProvider {
    provider_id: u32,
    provider_name: String,
    #[serde(default)]
    display_priority: u32,
}

fn region_offers(region: &Value) -> RegionOffers {
    let mut offers = Vec::new();
    for (bucket, access) in [
        ("flatrate", Access::Subscription),
        ("free", Access::Free),
        ("ads", Access::Ads),
        ("rent", Access::Rent),
        ("buy", Access::Buy),
    ] {
        for p in lenient::list::<WireProvider>(region[bucket].clone()) {
            offers.push(Offer {
                provider: p.provider_id,
                name: p.provider_name,
                access,
                priority: p.display_priority,
            });
        }
    }
    RegionOffers {
        link: region["link"].as_str().map(str::to_owned),
        offers,
    }
}
