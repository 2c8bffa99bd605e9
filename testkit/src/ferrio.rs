//! The `ferrio` binary as a child process, pointed at the upstream fakes.

use crate::{Process, Res, free_port};
use ferrio_fakes::Fakes;
use std::collections::BTreeMap;
use std::path::Path;

/// Ferrio's environment for the fakes: every upstream URL pointing at them, and no DMM pacing
/// (the fakes do not rate-limit, and pacing would serialise every cold request). Callers add
/// what their run needs.
pub fn fakes_env(fakes: &Fakes) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = fakes
        .env()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    env.insert("DMM_MIN_INTERVAL_MS".into(), "0".into());
    env
}

/// A running `ferrio` on a free loopback port.
pub struct Ferrio {
    /// The process, killed when this is dropped.
    pub process: Process,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl Ferrio {
    /// Starts the binary at `bin` with `env` (plus `HOST` and `PORT`), its output in `log`,
    /// and waits until `/healthz` answers.
    pub async fn start(bin: &Path, mut env: BTreeMap<String, String>, log: &Path) -> Res<Self> {
        let port = free_port()?;
        env.insert("HOST".into(), "127.0.0.1".into());
        env.insert("PORT".into(), port.to_string());
        let mut process = Process::spawn(bin, &[], &env, log)?;
        process.wait_http(port, "/healthz").await?;
        Ok(Self {
            process,
            base: format!("http://127.0.0.1:{port}"),
        })
    }
}
