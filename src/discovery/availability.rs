//! Where a title can be watched in a region: TMDB's watch providers say which services offer
//! it (every region in one answer, cached for everyone), Watchmode adds the deep link, the
//! format and the price where its budget allows (also every region in one call, by IMDb id).
//! Without Watchmode the link is TMDB's watch page for the region, whose data comes from
//! JustWatch.

use super::{
    Asker, Charge, Discovery, Inner, charged,
    error::Failure,
    http::Caller,
    model::{Access, Kind, Offer, Providers, Source},
};
use crate::{protocol::request::ImdbId, sources::witness::Known};
use secrecy::ExposeSecret;

/// One service that offers the title.
#[derive(Debug, Clone, PartialEq)]
pub struct Watchable {
    pub service: String,
    pub access: Access,
    /// `4K`, `HD` or `SD`, when Watchmode said.
    pub format: Option<String>,
    pub link: String,
    /// The link is TMDB's page (JustWatch data), not the service's own.
    pub via_justwatch: bool,
}

/// The cheapest way to rent or buy.
#[derive(Debug, Clone, PartialEq)]
pub struct Purchase {
    pub service: String,
    pub price: Option<f64>,
    pub link: String,
    pub via_justwatch: bool,
}

/// What the where-to-watch rows show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WhereToWatch {
    /// The user's services that offer it.
    pub mine: Vec<Watchable>,
    /// Every other service that offers it.
    pub others: Vec<Watchable>,
    pub purchase: Option<Purchase>,
}

impl Discovery {
    /// Where `imdb` can be watched in the asker's region; `None` when discovery is off or
    /// nothing is known.
    pub async fn where_to_watch(
        &self,
        kind: Kind,
        imdb: &ImdbId,
        asker: &Asker,
    ) -> Option<WhereToWatch> {
        let inner = self.inner()?;
        let tmdb = self
            .tmdb_id(inner, kind, imdb, asker)
            .await
            .ok()
            .flatten()?;
        let imdb = imdb.as_str();
        let providers = self.title_providers(inner, kind, tmdb, asker).await?;
        let region = providers.regions.get(&asker.region)?;
        let sources = self.sources(inner, imdb, asker).await.unwrap_or_default();
        let sources: Vec<&Source> = sources
            .iter()
            .filter(|s| s.region == asker.region)
            .collect();
        let page = region.link.clone().unwrap_or_default();
        let mut answer = WhereToWatch::default();
        let mut offers: Vec<&Offer> = region
            .offers
            .iter()
            .filter(|o| o.access.is_included())
            .collect();
        offers.sort_by_key(|o| (o.priority, o.provider));
        let mut listed = Vec::new();
        for offer in offers {
            if listed.contains(&offer.provider) {
                continue;
            }
            listed.push(offer.provider);
            let matched = sources
                .iter()
                .find(|s| same_service(&s.name, &offer.name) && s.access.is_included());
            let link = matched.and_then(|s| s.web_url.clone());
            let watchable = Watchable {
                service: offer.name.clone(),
                access: offer.access,
                format: matched.and_then(|s| s.format.clone()),
                via_justwatch: link.is_none(),
                link: link.unwrap_or_else(|| page.clone()),
            };
            if asker.services.contains(&offer.provider) {
                answer.mine.push(watchable);
            } else {
                answer.others.push(watchable);
            }
        }
        answer.purchase = purchase(&sources, &region.offers, &page);
        Some(answer)
    }

    /// Whether TMDB knows `imdb` as a `kind`: the witness the sources ask before they spend a
    /// shared budget on a client's title ([`crate::sources::witness`]). The same lookup, and
    /// cache entry, as the where-to-watch rows'.
    pub async fn knows(&self, kind: Kind, imdb: &ImdbId, asker: &Asker) -> Known {
        let Some(inner) = self.inner() else {
            return Known::CannotSay;
        };
        match self.tmdb_id(inner, kind, imdb, asker).await {
            Ok(Some(_)) => Known::Yes,
            Ok(None) => Known::No,
            Err(_) => Known::CannotSay,
        }
    }

    /// The TMDB id of an IMDb id (cached 30 days), `None` when TMDB has none. The id is the
    /// client's choice, so a cold lookup is charged to it. Past the highest id IMDb has issued
    /// (`IMDB_ID_MAX`) the title is made up: none, without a call.
    async fn tmdb_id(
        &self,
        inner: &Inner,
        kind: Kind,
        imdb: &ImdbId,
        asker: &Asker,
    ) -> Result<Option<u32>, Failure> {
        if imdb.number() > inner.imdb_id_max {
            return Ok(None);
        }
        let imdb = imdb.as_str();
        let (tmdb, auth, owned) = (inner.tmdb.clone(), inner.auth(asker), imdb.to_owned());
        let fetch = move || {
            let (tmdb, auth, imdb) = (tmdb.clone(), auth.clone(), owned.clone());
            async move { tmdb.find(&auth, kind, &imdb).await }
        };
        let key = format!("{}:{imdb}", kind.tmdb());
        charged(
            inner,
            &inner.families.tmdb_ids,
            &key,
            asker,
            Charge::Chosen,
            fetch,
        )
        .await
    }

    /// A title's watch providers in every region (cached `CACHE_TMDB_PROVIDERS_TTL_SECS`).
    pub(super) async fn title_providers(
        &self,
        inner: &Inner,
        kind: Kind,
        id: u32,
        asker: &Asker,
    ) -> Option<Providers> {
        let (tmdb, auth) = (inner.tmdb.clone(), inner.auth(asker));
        let fetch = move || {
            let (tmdb, auth) = (tmdb.clone(), auth.clone());
            async move { tmdb.providers(&auth, kind, id).await }
        };
        let key = format!("{}:{id}", kind.tmdb());
        charged(
            inner,
            &inner.families.providers,
            &key,
            asker,
            Charge::Behind,
            fetch,
        )
        .await
        .ok()
    }

    /// A title's Watchmode sources (cached `CACHE_WATCHMODE_TTL_SECS`): with the user's own
    /// key, or the server's while its budget and the asking client's share of the day allow.
    /// One call per title whatever the burst.
    async fn sources(&self, inner: &Inner, imdb: &str, asker: &Asker) -> Option<Vec<Source>> {
        let personal = asker
            .watchmode_key
            .as_ref()
            .map(|key| key.expose().to_owned());
        let server = inner
            .watchmode_key
            .as_ref()
            .map(|key| key.expose_secret().to_owned());
        let (key, budgeted) = match (personal, server) {
            (Some(key), _) => (key, false),
            (None, Some(key)) => (key, true),
            (None, None) => return None,
        };
        let (watchmode, budget, share, client, owned) = (
            inner.watchmode.clone(),
            inner.budget.clone(),
            inner.watchmode_share.clone(),
            asker.client,
            imdb.to_owned(),
        );
        let fetch = move || {
            let (watchmode, budget, share, key, imdb) = (
                watchmode.clone(),
                budget.clone(),
                share.clone(),
                key.clone(),
                owned.clone(),
            );
            async move {
                // The client's share first: a call it may not make spends none of the month.
                if budgeted && !(share.take(client).await && budget.spend().await) {
                    return Err(Failure::held("watchmode_budget"));
                }
                let caller = if budgeted {
                    Caller::Server
                } else {
                    Caller::PersonalKey
                };
                let result = watchmode.sources(&key, caller, &imdb).await;
                if budgeted && result == Err(Failure::OverQuota) {
                    budget.over_quota().await;
                }
                result
            }
        };
        inner.families.sources.get_or_fetch(imdb, fetch).await.ok()
    }
}

/// Whether a Watchmode source and a TMDB provider name the same service: "Prime Video" and
/// "Amazon Prime Video", "Disney+" and "Disney Plus", "HBO Max" and "Max".
fn same_service(watchmode: &str, tmdb: &str) -> bool {
    let (a, b) = (normalise(watchmode), normalise(tmdb));
    !a.is_empty() && !b.is_empty() && (a == b || a.ends_with(&b) || b.ends_with(&a))
}

fn normalise(name: &str) -> String {
    name.to_lowercase()
        .replace('+', "plus")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The cheapest rent or buy Watchmode knows in the region; else the first TMDB lists.
fn purchase(sources: &[&Source], offers: &[Offer], page: &str) -> Option<Purchase> {
    let cheapest = sources
        .iter()
        .filter(|s| matches!(s.access, Access::Rent | Access::Buy) && s.web_url.is_some())
        .min_by(|a, b| {
            a.price
                .unwrap_or(f64::MAX)
                .total_cmp(&b.price.unwrap_or(f64::MAX))
        });
    if let Some(source) = cheapest {
        return Some(Purchase {
            service: source.name.clone(),
            price: source.price,
            link: source.web_url.clone().unwrap_or_default(),
            via_justwatch: false,
        });
    }
    offers
        .iter()
        .filter(|o| matches!(o.access, Access::Rent | Access::Buy))
        .min_by_key(|o| o.priority)
        .map(|offer| Purchase {
            service: offer.name.clone(),
            price: None,
            link: page.to_owned(),
            via_justwatch: true,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_match_across_their_two_names() {
        assert!(same_service("Prime Video", "Amazon Prime Video"));
        assert!(same_service("Disney+", "Disney Plus"));
        assert!(same_service("HBO Max", "Max"));
        assert!(same_service("Netflix", "Netflix"));
        assert!(!same_service("Netflix", "Hulu"));
        assert!(!same_service("", "Hulu"));
    }
}
