//! The processes a benchmark runs: Ferrio's release binary, the baseline server and a
//! `redis-server`, each on a free loopback port, killed when dropped; and their memory, read
//! from `/proc/<pid>/status`.

use std::collections::BTreeMap;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Every fallible step of the driver reports a message; the caller puts it in the table.
pub type Res<T> = Result<T, String>;

/// How long a process may take to answer its first request.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// A port nothing listens on now (the OS picks it; the listener is closed at once, so another
/// process could take it in between: harmless on a benchmark machine).
pub fn free_port() -> Res<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// A child process that is killed and reaped when dropped.
pub struct Process {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Process {
    /// Starts `program` with exactly `env` (nothing inherited), its output going to `log`.
    fn spawn(
        name: &'static str,
        program: &Path,
        args: &[String],
        env: &BTreeMap<String, String>,
        log: &Path,
    ) -> Res<Self> {
        let out = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(program)
            .args(args)
            .env_clear()
            .envs(env)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        Ok(Self {
            name,
            child,
            log: log.to_owned(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails with the end of the log if the process has exited.
    fn check_alive(&mut self) -> Res<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!(
                "{} exited ({status}); last log lines:\n{}",
                self.name,
                tail(&self.log, 10)
            )),
            Err(e) => Err(format!("{}: {e}", self.name)),
        }
    }

    /// Resident memory now and at its highest, from `/proc/<pid>/status`.
    pub fn memory(&self) -> Res<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .map_err(|e| format!("cannot read /proc/{}/status: {e}", self.pid()))?;
        let field = |name: &str| -> Res<u64> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
                .ok_or_else(|| format!("no {name} in /proc/{}/status", self.pid()))
        };
        Ok(Memory {
            rss_kib: field("VmRSS:")?,
            peak_kib: field("VmHWM:")?,
        })
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmRSS` and `VmHWM` (the high-water mark of `VmRSS`), in KiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
}

impl Memory {
    pub fn rss_mib(self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }
    pub fn peak_mib(self) -> f64 {
        self.peak_kib as f64 / 1024.0
    }
}

/// The last `lines` lines of a log file, for error messages.
fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// An HTTP server under test: Ferrio or the baseline.
pub struct Server {
    pub process: Process,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl Server {
    /// Starts Ferrio with `env` on a free port and waits for `/healthz`.
    pub async fn ferrio(bin: &Path, mut env: BTreeMap<String, String>, log: &Path) -> Res<Self> {
        let port = free_port()?;
        env.insert("HOST".into(), "127.0.0.1".into());
        env.insert("PORT".into(), port.to_string());
        let process = Process::spawn("ferrio", bin, &[], &env, log)?;
        Self::ready(process, port, "/healthz").await
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
        let process = Process::spawn("baseline", bin, &args, &BTreeMap::new(), log)?;
        Self::ready(process, port, "/").await
    }

    async fn ready(mut process: Process, port: u16, path: &str) -> Res<Self> {
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            process.check_alive()?;
            let answer = client
                .get(format!("{base}{path}"))
                .timeout(Duration::from_secs(1))
                .send()
                .await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return Ok(Self { process, base });
            }
            if started.elapsed() > READY_WITHIN {
                return Err(format!("{base}{path} did not answer 200 within 30 s"));
            }
            // Polling a process we do not control: there is nothing to wait on but time.
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub fn memory(&self) -> Res<Memory> {
        self.process.memory()
    }
}

/// A `redis-server` with nothing persisted, on a free port; it can be killed and started again
/// on the same port (an outage and a recovery, empty).
pub struct Redis {
    port: u16,
    log: PathBuf,
    process: Option<Process>,
}

impl Redis {
    pub async fn start(log: &Path) -> Res<Self> {
        let mut redis = Self {
            port: free_port()?,
            log: log.to_owned(),
            process: None,
        };
        redis.launch().await?;
        Ok(redis)
    }

    /// The value for `REDIS_URL`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server: every connection drops at once.
    pub fn kill(&mut self) {
        self.process = None;
    }

    /// Starts it again on the same port and waits for `PING`.
    pub async fn restart(&mut self) -> Res<()> {
        self.kill();
        self.launch().await
    }

    async fn launch(&mut self) -> Res<()> {
        let program = which("redis-server")
            .ok_or("redis-server is not installed (apt-get install redis-server)")?;
        let args: Vec<String> = [
            "--port",
            &self.port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let mut process =
            Process::spawn("redis-server", &program, &args, &BTreeMap::new(), &self.log)?;
        let started = Instant::now();
        while !self.ping().await {
            process.check_alive()?;
            if started.elapsed() > READY_WITHIN {
                return Err("redis-server did not answer PING within 30 s".into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.process = Some(process);
        Ok(())
    }

    async fn ping(&self) -> bool {
        let attempt = async {
            let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await?;
            stream.write_all(b"PING\r\n").await?;
            let mut reply = [0u8; 7];
            stream.read_exact(&mut reply).await?;
            std::io::Result::Ok(&reply == b"+PONG\r\n")
        };
        matches!(
            tokio::time::timeout(Duration::from_secs(1), attempt).await,
            Ok(Ok(true))
        )
    }
}

/// The full path of a program on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
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
