//! Ferrio's benchmark and soak driver, run by `bench/run` and `bench/chaos` (read those first:
//! they build the binaries and pass the paths).
//!
//! ```text
//! bench load  [--quick] --ferrio <bin> --baseline <bin> --out <file.md> --logs <dir>
//! bench chaos [--quick] --ferrio <bin> --out <file.md> --logs <dir>
//! ```
//!
//! The upstream fakes run inside this process, so their modes and latencies can be flipped
//! between (and during) measurements and their own call counters read; Ferrio, the baseline
//! server and `redis-server` are child processes, loaded by `wrk` or by this driver's own
//! fixed-rate loop. The exit status is non-zero when a row could not be produced, and in full
//! mode also when a target is missed.

mod chaos;
mod harness;
mod load;
mod quiet;
mod report;
mod titles;
mod wrk;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use ferrio::protocol::{config::UserConfig, seal::Sealer};
use ferrio_fakes::Fakes;
use secrecy::SecretString;

use harness::Res;

/// The `CONFIG_SECRET` every Ferrio of a run gets, so requests carry sealed configs as the
/// configure page produces them.
const CONFIG_SECRET: &str = "ferrio-bench-config-secret-32-bytes-long";

/// What the command line asked for.
pub struct Options {
    pub quick: bool,
    pub ferrio: PathBuf,
    pub baseline: Option<PathBuf>,
    pub out: PathBuf,
    pub logs: PathBuf,
}

impl Options {
    fn parse(args: &[String]) -> Res<Self> {
        let mut options = Self {
            quick: false,
            ferrio: PathBuf::new(),
            baseline: None,
            out: PathBuf::new(),
            logs: PathBuf::from("target/bench"),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().cloned().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--ferrio" => options.ferrio = value()?.into(),
                "--baseline" => options.baseline = Some(value()?.into()),
                "--out" => options.out = value()?.into(),
                "--logs" => options.logs = value()?.into(),
                other => return Err(format!("unknown argument {other}")),
            }
        }
        if options.ferrio.as_os_str().is_empty() || options.out.as_os_str().is_empty() {
            return Err("--ferrio and --out are required".into());
        }
        std::fs::create_dir_all(&options.logs).map_err(|e| e.to_string())?;
        Ok(options)
    }

    /// A file in the log directory.
    pub fn log(&self, name: &str) -> PathBuf {
        self.logs.join(name)
    }
}

/// Ferrio's environment for a run: the fakes as upstreams, no DMM pacing (the fakes do not
/// rate-limit, and pacing would serialise every cold request), warnings only (the figures are
/// about answering requests, not about formatting a log line per request; `BENCH_RUST_LOG`
/// overrides), a `CONFIG_SECRET`, and the given deadline and source timeout.
pub fn ferrio_env(
    fakes: &Fakes,
    deadline_ms: u64,
    source_timeout_ms: u64,
) -> BTreeMap<String, String> {
    let mut env = ferrio_testkit::fakes_env(fakes);
    let log = std::env::var("BENCH_RUST_LOG").unwrap_or_else(|_| "warn".into());
    for (name, value) in [
        ("RUST_LOG", log),
        // The driver plays many users from one address (the abuse phase puts the limits back).
        ("CLIENT_FETCH_BURST", "1000000".to_owned()),
        ("CLIENT_FETCHES_PER_MINUTE", "1000000".to_owned()),
        ("RD_NEW_TOKENS_PER_CLIENT_HOUR", "1000000".to_owned()),
        ("TORRENTIO_DAILY_QUOTA", "1000000000".to_owned()),
        ("CONFIG_SECRET", CONFIG_SECRET.to_owned()),
        ("REQUEST_DEADLINE_MS", deadline_ms.to_string()),
        ("SOURCE_TIMEOUT_MS", source_timeout_ms.to_string()),
    ] {
        env.insert(name.to_owned(), value);
    }
    env
}

/// `/<sealed config>`: the path prefix of a user with this config.
pub fn config_prefix(config: &UserConfig) -> String {
    let sealer = Sealer::new(&SecretString::from(CONFIG_SECRET.to_owned()));
    format!("/{}", config.encode(Some(&sealer)))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = args
        .split_first()
        .map_or(("", &[][..]), |(c, r)| (c.as_str(), r));
    let options = match Options::parse(rest) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("bench: {error}");
            return ExitCode::from(2);
        }
    };
    let ok = match command {
        "load" => load::main(&options).await,
        "chaos" => chaos::main(&options).await,
        _ => {
            eprintln!(
                "usage: bench <load|chaos> [--quick] --ferrio <bin> [--baseline <bin>] --out <file> [--logs <dir>]"
            );
            return ExitCode::from(2);
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Prints a finished report: it is this program's output.
#[allow(clippy::print_stdout)]
pub fn print(text: &str) {
    println!("{text}");
}
