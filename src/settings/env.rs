//! The environment as Ferrio reads it: one flat struct, one field per variable (the field is
//! the variable's name in lowercase), with every default in one [`Default`] impl. The grouped,
//! typed [`super::Settings`] the rest of Ferrio uses is built from it.

use super::LogFormat;
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

/// Every variable Ferrio reads, each documented as `` /// `NAME`: `` (the `.env.example` test
/// reads these lines).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub(super) struct Env {
    /// `HOST`: address to bind.
    pub host: String,
    /// `PORT`: port to bind; 0 picks a free one (the tests do this).
    pub port: u16,
    /// `PUBLIC_URL`: base of absolute links (resolve URLs, install links). Without it the
    /// request's scheme and `Host` are used.
    pub public_url: Option<Url>,
    /// `PUBLIC_HOSTS`: without `PUBLIC_URL`, the comma-separated hosts (`name` or `name:port`)
    /// links may name; a request for any other host gets links to the first. Unset, any `Host`.
    pub public_hosts: Option<String>,
    /// `TRUST_FORWARDED_HOST`: without `PUBLIC_URL`, take the scheme and host from the proxy's
    /// `Forwarded` / `X-Forwarded-Proto` / `X-Forwarded-Host` headers instead of the request's
    /// own. Only behind a proxy that sets them.
    pub trust_forwarded_host: bool,
    /// `CLIENT_IP_HEADER`: the header the proxy in front of Ferrio sets to the viewer's address
    /// (`Fly-Client-IP`, or `X-Forwarded-For`, whose last entry is then used). Unset, the peer
    /// address of the connection is the viewer's.
    pub client_ip_header: Option<String>,
    /// `METRICS_TOKEN`: when set, `/metrics` answers only requests carrying
    /// `Authorization: Bearer <token>`.
    pub metrics_token: Option<SecretString>,
    /// `REDIS_URL`: shared cache for many instances; unset means an in-process cache.
    pub redis_url: Option<SecretString>,
    /// `REDIS_CLUSTER_URLS`: comma-separated `redis://` URLs of some nodes of a Redis Cluster,
    /// used instead of `REDIS_URL`.
    pub redis_cluster_urls: Option<SecretString>,
    /// `DMM_URL`: Debrid Media Manager base URL.
    pub dmm_url: Url,
    /// `YTS_URL`: YTS API base URL (the part before `/list_movies.json`).
    pub yts_url: Url,
    /// `TORRENTIO_URL`: Torrentio base URL (the part before `/stream/...`).
    pub torrentio_url: Url,
    /// `REALDEBRID_URL`: Real-Debrid REST base URL.
    pub realdebrid_url: Url,
    /// `CONFIG_SECRET`: when set, sealed (encrypted) configs are accepted and produced.
    pub config_secret: Option<SecretString>,
    /// `LOG_FORMAT`: `pretty` or `json`.
    pub log_format: LogFormat,
    /// `REQUEST_DEADLINE_MS`: the most a stream request waits for its sources.
    pub request_deadline_ms: u64,
    /// `SOURCE_TIMEOUT_MS`: timeout of one upstream call.
    pub source_timeout_ms: u64,
    /// `IMDB_ID_MAX`: the highest IMDb id number a source is asked about; higher ones (made up:
    /// IMDb has issued about 37 million) are answered empty without a call.
    pub imdb_id_max: u64,
    /// `CLIENT_FETCH_BURST`: source calls one client (address) may cause at once; requests
    /// answered from the cache cost none.
    pub client_fetch_burst: u32,
    /// `CLIENT_FETCHES_PER_MINUTE`: and then per minute.
    pub client_fetches_per_minute: u32,
    /// `TORRENTIO_DAILY_QUOTA`: Torrentio calls Ferrio makes per UTC day, all users together
    /// (Torrentio allows about 5,000 per address); requests without a debrid token stop at 80 %.
    pub torrentio_daily_quota: u64,
    /// `TORRENTIO_CLIENT_DAILY_SHARE`: Torrentio calls one client (an IPv4 address or an IPv6
    /// /64) may cause per UTC day, across instances on Redis; 0 for no daily bound.
    pub torrentio_client_daily_share: u64,
    /// `PREWARM_TORRENTIO_DAILY`: Torrentio calls the trending prewarm may make per UTC day (its
    /// own budget, within the anonymous part of the quota); 0 for no daily bound.
    pub prewarm_torrentio_daily: u64,
    /// `DMM_MIN_INTERVAL_MS`: spacing between DMM searches (DMM allows one per 2 s per IP).
    pub dmm_min_interval_ms: u64,

    // Cache: Redis connection, in-process tier, single-flight, lifetimes.
    /// `REDIS_TIMEOUT_MS`: the most one Redis command may take, once connected, before Ferrio
    /// carries on without its answer.
    pub redis_timeout_ms: u64,
    /// `REDIS_CONNECT_TIMEOUT_MS`: the most opening the connection to Redis may take.
    pub redis_connect_timeout_ms: u64,
    /// `REDIS_FAILURES_TO_OUTAGE`: failed Redis operations in a row after which Redis counts as
    /// down (and is skipped until a probe finds it back).
    pub redis_failures_to_outage: u32,
    /// `REDIS_RETRY_MS`: how often an unreachable Redis is probed until it answers again.
    pub redis_retry_ms: u64,
    /// `CACHE_MEMORY_MB`: the in-process memory budget, in MiB: the cache tier, decoded values,
    /// prepared releases and rendered answers together.
    pub cache_memory_mb: u64,
    /// `CACHE_FRONT_TTL_MS`: how long the in-process tier in front of Redis keeps an entry.
    pub cache_front_ttl_ms: u64,
    /// `CACHE_LOCK_TTL_MS`: lifetime of the cross-instance fetch lock.
    pub cache_lock_ttl_ms: u64,
    /// `CACHE_LOCK_WAIT_MS`: how long an instance waits for another's fetch before its own.
    pub cache_lock_wait_ms: u64,
    /// `CACHE_LOCK_POLL_MS`: how often a waiting instance looks for the other's result.
    pub cache_lock_poll_ms: u64,
    /// `CACHE_STALE_SECS`: how long past its freshness an entry is served while refreshed.
    pub cache_stale_secs: u64,
    /// `CACHE_STALE_IF_ERROR_SECS`: how long past its freshness an entry is served while its
    /// source fails.
    pub cache_stale_if_error_secs: u64,
    /// `CACHE_FAILURE_TTL_SECS`: how long a failed source call is remembered.
    pub cache_failure_ttl_secs: u64,
    /// `CACHE_DMM_TTL_SECS`: freshness of a DMM answer.
    pub cache_dmm_ttl_secs: u64,
    /// `CACHE_DMM_PENDING_TTL_SECS`: freshness of a DMM answer while DMM is still searching.
    pub cache_dmm_pending_ttl_secs: u64,
    /// `CACHE_YTS_TTL_SECS`: freshness of a YTS answer with releases.
    pub cache_yts_ttl_secs: u64,
    /// `CACHE_YTS_EMPTY_TTL_SECS`: freshness of an empty YTS answer.
    pub cache_yts_empty_ttl_secs: u64,
    /// `CACHE_TORRENTIO_TTL_SECS`: freshness of a Torrentio answer with releases.
    pub cache_torrentio_ttl_secs: u64,
    /// `CACHE_TORRENTIO_EMPTY_TTL_SECS`: freshness of an empty Torrentio answer.
    pub cache_torrentio_empty_ttl_secs: u64,
    /// `CACHE_DMM_TOKEN_MARGIN_SECS`: a DMM challenge token is dropped this long before it
    /// expires, so no search is sent with a token that dies on the way.
    pub cache_dmm_token_margin_secs: u64,

    // Real-Debrid.
    /// `REALDEBRID_TIMEOUT_MS`: timeout of one Real-Debrid call.
    pub realdebrid_timeout_ms: u64,
    /// `MARKER_REVERIFY_SECS`: a cached marker's evidence older than this has the user's
    /// library listing refreshed in the background, once per period.
    pub marker_reverify_secs: u64,
    /// `RD_NEW_TOKENS_PER_CLIENT_HOUR`: Real-Debrid tokens not yet accepted by Real-Debrid that
    /// one client (address) may have tried per hour; each costs a call.
    pub rd_new_tokens_per_client_hour: u32,
    /// `RD_NEW_TOKENS_PER_MINUTE`: and all clients together, per minute.
    pub rd_new_tokens_per_minute: u32,
    /// `RD_MAINTENANCE_TOKENS_FILE`: self-hosted maintenance of Real-Debrid accounts (off when
    /// unset): a file with one sealed config per line (the `s.…` segment of an install link;
    /// needs `CONFIG_SECRET`). Their accounts' failed torrents are treated in the background.
    pub rd_maintenance_tokens_file: Option<String>,
    /// `RD_MAINTENANCE_DRY_RUN`: the maintenance only logs what it would do.
    pub rd_maintenance_dry_run: bool,
    /// `RD_MAINTENANCE_FAILED_EVERY_SECS`: how often the newest page of each account (100
    /// torrents) is scanned for failed torrents.
    pub rd_maintenance_failed_every_secs: u64,
    /// `RD_MAINTENANCE_LIBRARY_EVERY_SECS`: how often each whole account is scanned.
    pub rd_maintenance_library_every_secs: u64,
    /// `RD_MAINTENANCE_RETRY_AFTER_SECS`: a failed torrent is retried this long after it was
    /// first seen failed, and after each retry (three retries at most).
    pub rd_maintenance_retry_after_secs: u64,

    // Discovery: TMDB, Trakt, Watchmode.
    /// `TMDB_API_KEY`: a TMDB v3 API key; it (or `TMDB_READ_TOKEN`) turns on the discovery
    /// catalogs and the where-to-watch rows.
    pub tmdb_api_key: Option<SecretString>,
    /// `TMDB_READ_TOKEN`: a TMDB v4 read access token, sent as a bearer instead of the key.
    pub tmdb_read_token: Option<SecretString>,
    /// `TRAKT_CLIENT_ID`: a Trakt client id, for Trakt's trending lists.
    pub trakt_client_id: Option<SecretString>,
    /// `WATCHMODE_API_KEY`: a Watchmode key, for deep links, formats and prices.
    pub watchmode_api_key: Option<SecretString>,
    /// `TMDB_URL`: TMDB API base, without the version (Ferrio appends `/3/…`).
    pub tmdb_url: Url,
    /// `TMDB_IMAGE_URL`: TMDB image base, without the size (Ferrio appends `/w342/…`).
    pub tmdb_image_url: Url,
    /// `TRAKT_URL`: Trakt API base.
    pub trakt_url: Url,
    /// `WATCHMODE_URL`: Watchmode API base, without the version (Ferrio appends `/v1/…`).
    pub watchmode_url: Url,
    /// `WATCHMODE_MONTHLY_BUDGET`: Watchmode calls per calendar month, all instances together.
    pub watchmode_monthly_budget: u64,
    /// `WATCHMODE_CLIENT_DAILY_SHARE`: the server key's Watchmode calls one client may cause per
    /// UTC day; 0 for no daily bound.
    pub watchmode_client_daily_share: u64,
    /// `TMDB_CLIENT_CALLS_PER_MINUTE`: TMDB calls behind a client's requests (a cold page's
    /// details, a title's providers, the configure page's lists) it may cause a minute, all at
    /// once at most; the rest of the page waits for its cache.
    pub tmdb_client_calls_per_minute: u32,
    /// `DEFAULT_REGION`: the region (ISO 3166-1) of users whose config names none.
    pub default_region: String,
    /// `CACHE_TMDB_TRENDING_TTL_SECS`: freshness of a TMDB list page (trending, discover).
    pub cache_tmdb_trending_ttl_secs: u64,
    /// `CACHE_TRAKT_TRENDING_TTL_SECS`: freshness of a Trakt trending page.
    pub cache_trakt_trending_ttl_secs: u64,
    /// `CACHE_TRENDING_TTL_SECS`: freshness of the fused trending ranking.
    pub cache_trending_ttl_secs: u64,
    /// `CACHE_TMDB_PROVIDERS_TTL_SECS`: freshness of a title's TMDB watch providers.
    pub cache_tmdb_providers_ttl_secs: u64,
    /// `CACHE_WATCHMODE_TTL_SECS`: freshness of a title's Watchmode sources.
    pub cache_watchmode_ttl_secs: u64,
    /// `CACHE_COMING_SOON_TTL_SECS`: freshness of the digital-release lists and dates.
    pub cache_coming_soon_ttl_secs: u64,
    /// `CACHE_IDMAP_TTL_SECS`: how long a TMDB id's IMDb id is remembered.
    pub cache_idmap_ttl_secs: u64,
    /// `CACHE_PROVIDER_LIST_TTL_SECS`: freshness of a region's list of providers.
    pub cache_provider_list_ttl_secs: u64,
    /// `PREWARM_TOP_N`: trending titles whose torrent streams are fetched ahead every 30
    /// minutes (one instance at a time); 0 turns it off.
    pub prewarm_top_n: usize,

    // Catalogs.
    /// `CATALOG_TTL_SECS`: freshness of a YTS catalog page.
    pub catalog_ttl_secs: u64,

    /// `HOT_RESPONSE_TTL_MS`: a stream list asked again within this long is served as
    /// rendered; 0 turns this off.
    pub hot_response_ttl_ms: u64,
}

impl Default for Env {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 7000,
            public_url: None,
            public_hosts: None,
            trust_forwarded_host: false,
            client_ip_header: None,
            redis_url: None,
            redis_cluster_urls: None,
            metrics_token: None,
            dmm_url: url("https://debridmediamanager.com"),
            yts_url: url("https://yts.mx/api/v2"),
            torrentio_url: url("https://torrentio.strem.fun"),
            realdebrid_url: url("https://api.real-debrid.com/rest/1.0"),
            config_secret: None,
            log_format: LogFormat::Pretty,
            request_deadline_ms: 5_000,
            source_timeout_ms: 4_000,
            dmm_min_interval_ms: 2_000,
            imdb_id_max: 60_000_000,
            torrentio_daily_quota: 4_500,
            torrentio_client_daily_share: 200,
            prewarm_torrentio_daily: 150,
            client_fetch_burst: 30,
            client_fetches_per_minute: 30,
            redis_timeout_ms: 250,
            redis_connect_timeout_ms: 1_000,
            redis_failures_to_outage: 3,
            redis_retry_ms: 1_000,
            cache_memory_mb: 128,
            cache_front_ttl_ms: 2_000,
            cache_lock_ttl_ms: 10_000,
            cache_lock_wait_ms: 5_000,
            cache_lock_poll_ms: 20,
            cache_stale_secs: 3_600,
            cache_stale_if_error_secs: 86_400,
            cache_failure_ttl_secs: 30,
            cache_dmm_ttl_secs: 600,
            cache_dmm_pending_ttl_secs: 60,
            cache_yts_ttl_secs: 21_600,
            cache_yts_empty_ttl_secs: 3_600,
            cache_torrentio_ttl_secs: 3_600,
            cache_torrentio_empty_ttl_secs: 60,
            cache_dmm_token_margin_secs: 60,
            realdebrid_timeout_ms: 8_000,
            marker_reverify_secs: 12 * 3600,
            rd_new_tokens_per_client_hour: 10,
            rd_new_tokens_per_minute: 60,
            rd_maintenance_tokens_file: None,
            rd_maintenance_dry_run: true,
            rd_maintenance_failed_every_secs: 600,
            rd_maintenance_library_every_secs: 86_400,
            rd_maintenance_retry_after_secs: 3 * 3600,
            tmdb_api_key: None,
            tmdb_read_token: None,
            trakt_client_id: None,
            watchmode_api_key: None,
            tmdb_url: url("https://api.themoviedb.org"),
            tmdb_image_url: url("https://image.tmdb.org/t/p"),
            trakt_url: url("https://api.trakt.tv"),
            watchmode_url: url("https://api.watchmode.com"),
            watchmode_monthly_budget: 1000,
            watchmode_client_daily_share: 10,
            tmdb_client_calls_per_minute: 400,
            default_region: "US".to_owned(),
            cache_tmdb_trending_ttl_secs: 3 * 3600,
            cache_trakt_trending_ttl_secs: 3600,
            cache_trending_ttl_secs: 3600,
            cache_tmdb_providers_ttl_secs: 24 * 3600,
            cache_watchmode_ttl_secs: 12 * 3600,
            cache_coming_soon_ttl_secs: 24 * 3600,
            cache_idmap_ttl_secs: 30 * 24 * 3600,
            cache_provider_list_ttl_secs: 7 * 24 * 3600,
            prewarm_top_n: 20,
            catalog_ttl_secs: 3_600,
            hot_response_ttl_ms: 10_000,
        }
    }
}

fn url(value: &str) -> Url {
    // The literals above are valid URLs; a failure here is a programming error caught by the
    // settings tests.
    Url::parse(value).unwrap_or_else(|_| unreachable!("default URL {value} is valid"))
}
