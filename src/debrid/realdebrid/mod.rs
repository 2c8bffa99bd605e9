//! The Real-Debrid REST client: typed calls, errors mapped from `error_code`, and one request
//! budget per token.

pub mod budget;
pub mod error;
pub mod shared_budget;
pub mod types;

use crate::{
    cache::{Cache, TokenHasher},
    client_address::ClientAddress,
    metrics::Metrics,
    protocol::config::DebridToken,
    upstream::{Circuit, endpoint, lenient, observe, retry_after},
};
use budget::{Budget, Permit};
use error::ErrorBody;
pub use error::RdError;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use shared_budget::SharedBudget;
use std::{sync::Arc, time::Duration};
use tokio::time::Instant;
use types::{ActiveCount, Added, TorrentInfo, TorrentSummary, Unrestricted};
use url::Url;

/// The longest a call waits for its token's budget before giving up without calling.
const MAX_BUDGET_WAIT: Duration = Duration::from_secs(2);

/// What Real-Debrid said of a token lately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It answered a call made with it.
    Accepted,
    /// It refused it (`bad_token`).
    Refused,
    /// Nothing yet: made up, mistyped, or simply new.
    Unknown,
}

/// A page of the user's torrents and the total count from `X-Total-Count`.
#[derive(Debug, Clone)]
pub struct TorrentPage {
    pub torrents: Vec<TorrentSummary>,
    pub total: u64,
}

/// Real-Debrid client. Cheap to clone.
#[derive(Clone)]
pub struct RealDebrid {
    http: reqwest::Client,
    base: Url,
    timeout: Duration,
    metrics: Metrics,
    budget: Arc<Budget>,
    /// Shared by every user: only outages count, never one user's bad token or limits.
    circuit: Arc<Circuit>,
    /// The same budget across instances, when they share Redis.
    shared: SharedBudget,
    hasher: TokenHasher,
}

impl RealDebrid {
    /// A client for `base` (e.g. `https://api.real-debrid.com/rest/1.0`).
    pub fn new(
        http: reqwest::Client,
        base: Url,
        timeout: Duration,
        metrics: Metrics,
        cache: &Cache,
    ) -> Self {
        Self {
            http,
            base,
            timeout,
            shared: SharedBudget::new(cache),
            hasher: cache.token_hasher().clone(),
            circuit: Arc::new(Circuit::new("realdebrid", metrics.clone())),
            metrics,
            budget: Arc::default(),
        }
    }

    /// `GET /torrents`: one page of the account's torrents, newest first.
    pub async fn torrents(
        &self,
        token: &DebridToken,
        page: u32,
        limit: u32,
    ) -> Result<TorrentPage, RdError> {
        let query = [
            ("page", page.max(1).to_string()),
            ("limit", limit.to_string()),
        ];
        let response = self
            .send(token, Method::GET, &["torrents"], |request| {
                request.query(&query)
            })
            .await?;
        let total = header_number(&response, "x-total-count");
        // An empty account may answer 204, or 200 with something that is not an array.
        let torrents = if response.status() == StatusCode::NO_CONTENT {
            Vec::new()
        } else {
            lenient::list(read_json(response).await?)
        };
        Ok(TorrentPage {
            total: total.unwrap_or(torrents.len() as u64),
            torrents,
        })
    }

    /// `GET /torrents/info/{id}`.
    pub async fn torrent_info(
        &self,
        token: &DebridToken,
        id: &str,
    ) -> Result<TorrentInfo, RdError> {
        self.json(token, Method::GET, &["torrents", "info", id], |request| {
            request
        })
        .await
    }

    /// `POST /torrents/addMagnet` (see [`crate::debrid::magnet`] for the magnets Ferrio
    /// sends), naming the viewer's address when known, as Torrentio does.
    pub async fn add_magnet(
        &self,
        token: &DebridToken,
        magnet: String,
        viewer: Option<&ClientAddress>,
    ) -> Result<Added, RdError> {
        let form = with_viewer(vec![("magnet", magnet)], viewer);
        self.json(token, Method::POST, &["torrents", "addMagnet"], |request| {
            request.form(&form)
        })
        .await
    }

    /// `POST /torrents/selectFiles/{id}` with 1-based file ids. 202 (already done) is success.
    pub async fn select_files(
        &self,
        token: &DebridToken,
        id: &str,
        files: &[u32],
    ) -> Result<(), RdError> {
        let files = files
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        self.send(
            token,
            Method::POST,
            &["torrents", "selectFiles", id],
            |request| request.form(&[("files", files.as_str())]),
        )
        .await
        .map(drop)
    }

    /// `GET /torrents/activeCount`.
    pub async fn active_count(&self, token: &DebridToken) -> Result<ActiveCount, RdError> {
        self.json(
            token,
            Method::GET,
            &["torrents", "activeCount"],
            |request| request,
        )
        .await
    }

    /// `DELETE /torrents/delete/{id}`.
    pub async fn delete_torrent(&self, token: &DebridToken, id: &str) -> Result<(), RdError> {
        self.send(
            token,
            Method::DELETE,
            &["torrents", "delete", id],
            |request| request,
        )
        .await
        .map(drop)
    }

    /// `POST /unrestrict/link`: a torrent's `https://real-debrid.com/d/…` link to a download URL.
    /// The viewer's address goes in `ip`: without it Real-Debrid refuses links asked for from a
    /// hosting provider's address (code 22).
    pub async fn unrestrict(
        &self,
        token: &DebridToken,
        link: &str,
        viewer: Option<&ClientAddress>,
    ) -> Result<Unrestricted, RdError> {
        let form = with_viewer(vec![("link", link.to_owned())], viewer);
        self.json(token, Method::POST, &["unrestrict", "link"], |request| {
            request.form(&form)
        })
        .await
    }

    /// What Real-Debrid said lately, on any instance, of the token with this keyed hash.
    pub async fn standing(&self, token_hash: &str) -> Standing {
        if self.shared.is_refused(token_hash).await {
            Standing::Refused
        } else if self.shared.is_known(token_hash).await {
            Standing::Accepted
        } else {
            Standing::Unknown
        }
    }

    /// Whether Real-Debrid rate-limited this token lately, on any instance: its other answers
    /// (a 451 in particular) may then be penalties rather than verdicts.
    pub async fn recently_throttled(&self, token: &DebridToken) -> bool {
        self.shared
            .recently_throttled(&self.hasher.hash(token))
            .await
    }

    async fn json<T: DeserializeOwned>(
        &self,
        token: &DebridToken,
        method: Method,
        path: &[&str],
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Result<T, RdError> {
        read_json(self.send(token, method, path, build).await?).await
    }

    /// Sends one call through the token's budget and maps any error answer.
    async fn send(
        &self,
        token: &DebridToken,
        method: Method,
        path: &[&str],
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, RdError> {
        let key: [u8; 32] = Sha256::digest(token.expose().as_bytes()).into();
        let token_hash = self.hasher.hash(token);
        if self.shared.is_refused(&token_hash).await {
            self.metrics
                .upstream_call("realdebrid", "refused_locally", Duration::ZERO);
            return Err(RdError::BadToken);
        }
        self.wait_for_budget(key, &token_hash).await?;
        let request = self
            .http
            .request(method, endpoint(&self.base, path))
            .bearer_auth(token.expose())
            .timeout(self.timeout);
        let call = async {
            match build(request).send().await {
                Ok(response) if response.status().is_success() => Ok(response),
                Ok(response) => Err(error_from(response).await),
                Err(error) if error.is_timeout() => Err(RdError::Timeout),
                Err(_) => Err(RdError::Network),
            }
        };
        // The circuit is checked after the budget: a caller let through as the half-open trial
        // must report back, so it may not then give up waiting for its budget.
        let guarded = self.circuit.call(|| RdError::ServiceUnavailable, call);
        let result = observe(&self.metrics, "realdebrid", guarded, |_| "ok").await;
        match &result {
            Err(RdError::TooManyRequests { retry_after }) => {
                let wait = self.budget.rate_limited(key, *retry_after);
                self.shared.rate_limited(&token_hash, wait).await;
            }
            Err(RdError::BadToken) => {
                self.budget.answered(key);
                self.shared.refuse(&token_hash).await;
            }
            Ok(_) => {
                self.budget.answered(key);
                self.shared.accept(&token_hash).await;
            }
            Err(_) => self.budget.answered(key),
        }
        result
    }

    /// Waits for the token's budget when the wait is short; otherwise fails without calling,
    /// which is what keeps a burst of taps from turning into a 429 storm.
    async fn wait_for_budget(&self, key: [u8; 32], token_hash: &str) -> Result<(), RdError> {
        let deadline = Instant::now() + MAX_BUDGET_WAIT;
        loop {
            let permit = match self.budget.acquire(key) {
                Permit::Granted => self.shared.acquire(token_hash).await,
                local => local,
            };
            match permit {
                Permit::Granted => return Ok(()),
                Permit::After(wait) if Instant::now() + wait <= deadline => {
                    tokio::time::sleep(wait).await
                }
                Permit::After(wait) => {
                    return Err(RdError::TooManyRequests {
                        retry_after: Some(wait),
                    });
                }
            }
        }
    }
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, RdError> {
    let bytes = response.bytes().await.map_err(|_| RdError::Network)?;
    serde_json::from_slice(&bytes).map_err(|error| RdError::BadResponse(error.to_string()))
}

/// Maps an error answer. Only Real-Debrid's own JSON can say something about the user; a page
/// from Cloudflare or another proxy (marked `cf-mitigated`, or not JSON at all) says only that
/// something in front of Real-Debrid refused the call.
async fn error_from(response: Response) -> RdError {
    let status = response.status().as_u16();
    let retry_after = retry_after::parse(response.headers());
    let mitigated = response.headers().contains_key("cf-mitigated");
    let body = response.bytes().await.ok();
    let parsed = body.and_then(|bytes| serde_json::from_slice::<ErrorBody>(&bytes).ok());
    match parsed {
        Some(body) if !mitigated => RdError::from_response(status, Some(body), retry_after),
        _ => RdError::from_foreign_answer(status, retry_after),
    }
}

/// Adds the viewer's address to a form, when there is one to tell.
fn with_viewer(
    mut form: Vec<(&'static str, String)>,
    viewer: Option<&ClientAddress>,
) -> Vec<(&'static str, String)> {
    if let Some(viewer) = viewer {
        form.push(("ip", viewer.form_value()));
    }
    form
}

fn header_number(response: &Response, name: &str) -> Option<u64> {
    response
        .headers()
        .get(name)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}
