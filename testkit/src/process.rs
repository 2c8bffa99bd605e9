//! Child processes on loopback: started with exactly the environment given, their output in a
//! log file, killed and reaped when dropped.

use crate::Res;
use std::collections::BTreeMap;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long a process may take to answer its first request.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// A port nothing listens on now. The OS picks it and the listener is closed at once, so
/// another process could take it in between: harmless on a test machine.
pub fn free_port() -> Res<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// The full path of a program on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A child process that is killed and reaped when dropped.
pub struct Process {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Process {
    /// Starts `program` with exactly `env` (nothing inherited), its output going to `log`.
    pub fn spawn(
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
        let name = program
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        Ok(Self {
            name,
            child,
            log: log.to_owned(),
        })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the process has written so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Fails with the end of the log if the process has exited.
    pub fn check_alive(&mut self) -> Res<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!(
                "{} exited ({status}); last log lines:\n{}",
                self.name,
                self.tail(10)
            )),
            Err(e) => Err(format!("{}: {e}", self.name)),
        }
    }

    /// Sends `signal` (`-TERM`, `-STOP`, `-CONT`) as a container runtime or a test would.
    pub fn signal(&self, signal: &str) -> Res<()> {
        let status = Command::new("kill")
            .args([signal, &self.pid().to_string()])
            .status()
            .map_err(|e| format!("kill: {e}"))?;
        status
            .success()
            .then_some(())
            .ok_or_else(|| format!("kill {signal} {} failed", self.name))
    }

    /// Sends SIGTERM and waits, at most `limit`, for the exit.
    pub async fn terminate(&mut self, limit: Duration) -> Res<Option<ExitStatus>> {
        self.signal("-TERM")?;
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Ok(Some(status));
            }
            // The exit of a child cannot be awaited without taking it over; poll briefly.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(None)
    }

    /// Waits until `GET http://127.0.0.1:{port}{path}` answers 200, or the process dies.
    pub async fn wait_http(&mut self, port: u16, path: &str) -> Res<()> {
        self.wait_until(|| http_ok(port, path)).await
    }

    /// Waits until `ready` says yes, failing if the process dies or takes over 30 s.
    pub async fn wait_until<F, Fut>(&mut self, ready: F) -> Res<()>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = bool>,
    {
        let started = Instant::now();
        loop {
            self.check_alive()?;
            if ready().await {
                return Ok(());
            }
            if started.elapsed() > READY_WITHIN {
                return Err(format!("{} was not ready within 30 s", self.name));
            }
            // Polling a process we do not control: there is nothing to wait on but time.
            tokio::time::sleep(Duration::from_millis(20)).await;
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

    fn tail(&self, lines: usize) -> String {
        let text = self.output();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
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
    /// Resident now.
    pub rss_kib: u64,
    /// Resident at the highest so far.
    pub peak_kib: u64,
}

impl Memory {
    /// `VmRSS` in MiB.
    pub fn rss_mib(self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }
    /// `VmHWM` in MiB.
    pub fn peak_mib(self) -> f64 {
        self.peak_kib as f64 / 1024.0
    }
}

/// Whether a plain HTTP/1.1 `GET` answers with a 200 status line.
async fn http_ok(port: u16, path: &str) -> bool {
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).await?;
        std::io::Result::Ok(head.starts_with(b"HTTP/1.1 200"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(1), attempt).await,
        Ok(Ok(true))
    )
}
