//! Shared test helpers: Ferrio in-process on a free port ([`spawn_app`]), the real binary as a
//! child process ([`spawn_binary`]), both pointed at the upstream fakes.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod redis;

use ferrio::{settings::Settings, startup::Application};
use ferrio_fakes::Fakes;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

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

    /// GET a path and parse the JSON body, asserting the status.
    pub async fn get_json(&self, path: &str, status: u16) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.json().await.expect("JSON body")
    }
}

/// The environment every test app starts from: fakes as upstreams, a free port, short
/// deadlines so failure tests finish quickly, and no DMM pacing unless a test asks for it.
pub fn base_env(fakes: &Fakes) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = fakes
        .env()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    for (name, value) in [
        ("HOST", "127.0.0.1"),
        ("PORT", "0"),
        ("REQUEST_DEADLINE_MS", "2000"),
        ("SOURCE_TIMEOUT_MS", "1500"),
        ("DMM_MIN_INTERVAL_MS", "0"),
        // Tests change the fakes between identical requests; the hot answer cache would hide
        // that. `tests/protocol.rs` turns it on where it is the subject.
        ("HOT_RESPONSE_TTL_MS", "0"),
    ] {
        env.insert(name.to_owned(), value.to_owned());
    }
    env
}

/// Ferrio in-process with the default test environment.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
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

/// The real `ferrio` binary as a child process, with everything it logs captured.
pub struct BinaryApp {
    pub address: String,
    pub fakes: Fakes,
    child: Child,
    logs: Arc<Mutex<String>>,
}

impl BinaryApp {
    /// Everything the process has logged so far.
    pub fn logs(&self) -> String {
        self.logs.lock().expect("log buffer").clone()
    }

    /// Sends SIGTERM, as a container runtime does, and waits (at most `limit`) for the exit.
    pub async fn terminate(
        &mut self,
        limit: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGTERM sent");
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some(status);
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        None
    }
}

impl Drop for BinaryApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary on a free port with JSON logs at `debug`, and waits for its
/// "listening" line, which carries the bound address.
pub async fn spawn_binary(customise: impl FnOnce(&mut BTreeMap<String, String>)) -> BinaryApp {
    let fakes = Fakes::start().await;
    let mut env = base_env(&fakes);
    env.insert("LOG_FORMAT".into(), "json".into());
    env.insert("RUST_LOG".into(), "debug".into());
    customise(&mut env);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrio"))
        .env_clear()
        .envs(&env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let logs = Arc::new(Mutex::new(String::new()));
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    for stream in [
        Box::new(child.stderr.take().expect("stderr")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stdout.take().expect("stdout")),
    ] {
        let logs = Arc::clone(&logs);
        let address_tx = address_tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(address) = listening_address(&line) {
                    let _ = address_tx.send(address);
                }
                let mut logs = logs.lock().expect("log buffer");
                logs.push_str(&line);
                logs.push('\n');
            }
        });
    }
    let address = tokio::task::spawn_blocking(move || {
        address_rx.recv_timeout(std::time::Duration::from_secs(30))
    })
    .await
    .expect("join")
    .expect("binary logs its address within 30 s");
    BinaryApp {
        address: format!("http://{address}"),
        fakes,
        child,
        logs,
    }
}

fn listening_address(line: &str) -> Option<String> {
    let entry: serde_json::Value = serde_json::from_str(line).ok()?;
    (entry["message"] == "listening").then(|| entry["address"].as_str().map(str::to_owned))?
}
