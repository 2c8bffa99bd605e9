//! Shared test helpers: Ferrio in-process on a free port ([`spawn_app`], a [`TestApp`] with a
//! method per route), or the real binary as a child process ([`spawn_binary`]), both pointed at
//! the upstream fakes. The processes themselves come from the test kit, which the benchmarks
//! and the sandbox share.
#![allow(dead_code)]

pub mod redis;

use ferrio::{settings::Settings, startup::Application};
use ferrio_fakes::Fakes;
use ferrio_testkit::{Ferrio, fakes_env};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A running Ferrio and the fakes it talks to.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub fakes: Fakes,
}

impl TestApp {
    /// GET a path on the app, without following redirects.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request reaches the app")
    }

    /// GET a path as the client at `address`, through the `Fly-Client-IP` header the tests
    /// name as `CLIENT_IP_HEADER`.
    pub async fn get_from(&self, path: &str, address: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header("Fly-Client-IP", address)
            .send()
            .await
            .expect("request reaches the app")
    }

    /// GET a path and parse the JSON body, asserting the status.
    pub async fn get_json(&self, path: &str, status: u16) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// `GET [/{config}]/manifest.json`.
    pub async fn manifest(&self, config: Option<&str>) -> reqwest::Response {
        self.get(&format!("{}/manifest.json", prefix(config))).await
    }

    /// `GET [/{config}]/stream/{type}/{id}.json`; `id` as Stremio encodes it.
    pub async fn stream(&self, config: Option<&str>, kind: &str, id: &str) -> reqwest::Response {
        let id = id.replace(':', "%3A");
        self.get(&format!("{}/stream/{kind}/{id}.json", prefix(config)))
            .await
    }

    /// `GET [/{config}]/catalog/{type}/{id}[/{extra}].json`.
    pub async fn catalog(
        &self,
        config: Option<&str>,
        kind: &str,
        id: &str,
        extra: Option<&str>,
    ) -> reqwest::Response {
        let extra = extra.map(|extra| format!("/{extra}")).unwrap_or_default();
        self.get(&format!(
            "{}/catalog/{kind}/{id}{extra}.json",
            prefix(config)
        ))
        .await
    }

    /// `GET [/{config}]/meta/{type}/{id}.json`.
    pub async fn meta(&self, config: Option<&str>, kind: &str, id: &str) -> reqwest::Response {
        let id = id.replace(':', "%3A");
        self.get(&format!("{}/meta/{kind}/{id}.json", prefix(config)))
            .await
    }

    /// `GET /{config}/resolve/realdebrid/{hash}/{file}/video.mkv[?video={id}]`.
    pub async fn resolve(
        &self,
        config: &str,
        hash: &str,
        file: &str,
        video: Option<&str>,
    ) -> reqwest::Response {
        let query = video.map(|id| format!("?video={id}")).unwrap_or_default();
        self.get(&format!(
            "/{config}/resolve/realdebrid/{hash}/{file}/video.mkv{query}"
        ))
        .await
    }

    /// `GET [/{config}]/configure`.
    pub async fn configure(&self, config: Option<&str>) -> reqwest::Response {
        self.get(&format!("{}/configure", prefix(config))).await
    }

    /// `POST /configure` with a URL-encoded form.
    pub async fn submit_configure<F: serde::Serialize + ?Sized>(
        &self,
        form: &F,
    ) -> reqwest::Response {
        self.client
            .post(format!("{}/configure", self.address))
            .form(form)
            .send()
            .await
            .expect("request reaches the app")
    }

    /// `GET /static/{file}`.
    pub async fn static_file(&self, file: &str) -> reqwest::Response {
        self.get(&format!("/static/{file}")).await
    }

    /// `GET /healthz`.
    pub async fn healthz(&self) -> reqwest::Response {
        self.get("/healthz").await
    }

    /// `GET /readyz`.
    pub async fn readyz(&self) -> reqwest::Response {
        self.get("/readyz").await
    }

    /// `GET /metrics`.
    pub async fn metrics(&self) -> reqwest::Response {
        self.get("/metrics").await
    }
}

/// How many refusals of `reason` a `/metrics` text counts.
pub fn refusals(metrics: &str, reason: &str) -> u64 {
    let prefix = format!(r#"ferrio_refusals_total{{reason="{reason}"}} "#);
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&prefix)?.parse().ok())
        .unwrap_or(0)
}

fn prefix(config: Option<&str>) -> String {
    config
        .map(|config| format!("/{config}"))
        .unwrap_or_default()
}

/// The environment every test app starts from: the test kit's for the fakes, a free port,
/// short deadlines so failure tests finish quickly.
pub fn base_env(fakes: &Fakes) -> BTreeMap<String, String> {
    let mut env = fakes_env(fakes);
    for (name, value) in [
        ("HOST", "127.0.0.1"),
        ("PORT", "0"),
        ("REQUEST_DEADLINE_MS", "2000"),
        ("SOURCE_TIMEOUT_MS", "1500"),
        // Tests change the fakes between identical requests; the hot answer cache would hide
        // that. `protocol.rs` turns it on where it is the subject.
        ("HOT_RESPONSE_TTL_MS", "0"),
        // Every test's traffic comes from one address; `protocol.rs` tests the limit itself.
        ("CLIENT_FETCH_BURST", "100000"),
        ("CLIENT_FETCHES_PER_MINUTE", "100000"),
    ] {
        env.insert(name.to_owned(), value.to_owned());
    }
    env
}

/// Ferrio in-process with the default test environment.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Builds the release-name parser's regexes, once per test process. They are built lazily,
/// which takes seconds in a debug build; the app runs in this process, so a test whose first
/// list must beat the deadline (and whose timings must measure Ferrio, not regex compilation)
/// warms the parser first.
pub fn warm_release_parser() {
    use ferrio_fakes::fixtures::*;
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(|| {
        for title in [
            SHAWSHANK_1080P_SHARED_NAME,
            SHAWSHANK_WEB_DL_NAME,
            BB_S01_PACK_NAME,
            BB_COMPLETE_NAME,
            "The Matrix (1999) [2160p] [BluRay] [x265] [10bit] [5.1] [YTS]",
            "Breaking.Bad.S01E05.720p.HDTV.x264-GRP",
        ] {
            ferrio::ranking::ReleaseInfo::parse(title, Some("Show/Season 1/Show.S01E03.1080p.mkv"));
        }
    });
}

/// Ferrio in-process; `customise` may change the environment it is built from.
pub async fn spawn_app_with(customise: impl FnOnce(&mut BTreeMap<String, String>)) -> TestApp {
    let fakes = Fakes::start().await;
    spawn_app_on(fakes, customise).await
}

/// Ferrio in-process against fakes the test already holds (e.g. two instances on one set).
pub async fn spawn_app_on(
    fakes: Fakes,
    customise: impl FnOnce(&mut BTreeMap<String, String>),
) -> TestApp {
    let mut env = base_env(&fakes);
    customise(&mut env);
    let settings = Settings::from_iter(env).expect("test settings are valid");
    let app = Application::build(settings).await.expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds");
    TestApp {
        address,
        client,
        fakes,
    }
}

/// The real `ferrio` binary as a child process, with everything it logs in a file.
pub struct BinaryApp {
    pub address: String,
    pub fakes: Fakes,
    ferrio: Ferrio,
}

impl BinaryApp {
    /// Everything the process has logged so far.
    pub fn logs(&self) -> String {
        self.ferrio.process.output()
    }

    /// Sends SIGTERM, as a container runtime does, and waits (at most `limit`) for the exit.
    pub async fn terminate(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        self.ferrio
            .process
            .terminate(limit)
            .await
            .expect("SIGTERM sent")
    }
}

/// Starts the binary on a free port with JSON logs at `debug`, and waits until it answers.
pub async fn spawn_binary(customise: impl FnOnce(&mut BTreeMap<String, String>)) -> BinaryApp {
    let fakes = Fakes::start().await;
    let mut env = base_env(&fakes);
    env.insert("LOG_FORMAT".into(), "json".into());
    env.insert("RUST_LOG".into(), "debug".into());
    customise(&mut env);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_ferrio"));
    let ferrio = Ferrio::start(&bin, env, &log_path("ferrio"))
        .await
        .expect("the binary starts and answers /healthz");
    BinaryApp {
        address: ferrio.base.clone(),
        fakes,
        ferrio,
    }
}

/// A fresh log file for a child process of this test run.
pub fn log_path(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}-{n}.log", std::process::id()))
}
