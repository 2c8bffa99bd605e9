//! The processes a benchmark runs, on top of the shared test kit: Ferrio's release binary and
//! the baseline server, each on a free loopback port and killed when dropped, with their memory;
//! and the driver's HTTP client.

use ferrio_testkit::{Ferrio, Process, free_port};
pub use ferrio_testkit::{Memory, RedisServer as Redis, Res, which};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// An HTTP server under test: Ferrio or the baseline.
pub struct Server {
    process: Process,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl Server {
    /// Starts Ferrio with `env` on a free port and waits for `/healthz`.
    pub async fn ferrio(bin: &Path, env: BTreeMap<String, String>, log: &Path) -> Res<Self> {
        let Ferrio { process, base } = Ferrio::start(bin, env, log).await?;
        Ok(Self { process, base })
    }

    /// Starts the baseline answering `body` with these headers, and waits for it.
    pub async fn baseline(bin: &Path, body: &Path, headers: [&str; 2], log: &Path) -> Res<Self> {
        let port = free_port()?;
        let args = [
            port.to_string(),
            body.display().to_string(),
            headers[0].to_owned(),
            headers[1].to_owned(),
        ];
        let mut process = Process::spawn(bin, &args, &BTreeMap::new(), log)?;
        process.wait_http(port, "/").await?;
        Ok(Self {
            process,
            base: format!("http://127.0.0.1:{port}"),
        })
    }

    /// The server's memory now and at its highest.
    pub fn memory(&self) -> Res<Memory> {
        self.process.memory()
    }
}

/// A request error with its causes ("connection closed before message completed"), without
/// the URL, which carries a long config segment.
pub fn why(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The driver's HTTP client: no redirects followed (a resolve's redirect is its answer), and
/// idle connections dropped well before actix's 5 s keep-alive closes them, so a request never
/// goes out on a connection the server is closing.
pub fn client(timeout: Duration) -> Res<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(2))
        .timeout(timeout)
        .build()
        .map_err(why)
}
