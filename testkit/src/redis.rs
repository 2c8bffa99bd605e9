//! A real `redis-server` with nothing persisted, on a free loopback port; it can be killed and
//! started again on the same port (an outage, and a recovery with an empty server), or frozen.

use crate::{Process, Res, free_port, which};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A `redis-server` child process.
pub struct RedisServer {
    port: u16,
    log: PathBuf,
    /// Arguments beyond the port and the no-persistence ones.
    extra: Vec<String>,
    process: Option<Process>,
}

impl RedisServer {
    /// Starts a server on a free port, its output in `log`, and waits until it answers `PING`.
    pub async fn start(log: &Path) -> Res<Self> {
        Self::start_on(free_port()?, log, Vec::new()).await
    }

    /// Starts a server on `port` with `extra` arguments and waits until it answers `PING`.
    pub async fn start_on(port: u16, log: &Path, extra: Vec<String>) -> Res<Self> {
        let mut server = Self {
            port,
            log: log.to_owned(),
            extra,
            process: None,
        };
        server.launch().await?;
        Ok(server)
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The value for `REDIS_URL`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server: every connection drops at once.
    pub fn stop(&mut self) {
        self.process = None;
    }

    /// Starts it again on the same port, empty, and waits for `PING`.
    pub async fn restart(&mut self) -> Res<()> {
        self.stop();
        self.launch().await
    }

    /// Freezes the server (`SIGSTOP`): connections stay open and nothing is answered — a
    /// wedged or overloaded Redis.
    pub fn pause(&self) -> Res<()> {
        self.running()?.signal("-STOP")
    }

    /// Lets a paused server run again (`SIGCONT`).
    pub fn resume(&self) -> Res<()> {
        self.running()?.signal("-CONT")
    }

    fn running(&self) -> Res<&Process> {
        self.process
            .as_ref()
            .ok_or_else(|| "redis-server is not running".to_owned())
    }

    async fn launch(&mut self) -> Res<()> {
        let program = which("redis-server")
            .ok_or("redis-server is not installed (apt-get install redis-server)")?;
        let port = self.port.to_string();
        let args: Vec<String> = [
            "--port",
            &port,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .chain(self.extra.iter().cloned())
        .collect();
        let mut process = Process::spawn(&program, &args, &BTreeMap::new(), &self.log)?;
        let port = self.port;
        process.wait_until(|| ping(port)).await?;
        self.process = Some(process);
        Ok(())
    }
}

/// Whether the server answers `PING` with `PONG`.
async fn ping(port: u16) -> bool {
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
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
