//! The machine's load before a row. Throughput figures are ratios taken on a quiet machine: a
//! row is measured only once the 1-minute load average is at most the core count (waiting up
//! to [`QUIET_WAIT`] for it), and a row measured while the machine was busy is re-run, and
//! never reported as a pass.

use std::time::{Duration, Instant};

/// The longest wait for a quiet machine before a row.
const QUIET_WAIT: Duration = Duration::from_secs(90);

/// The load a row was measured under.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// The 1-minute load average right before the row.
    pub average: f64,
    pub cores: usize,
}

impl Load {
    /// Whether the machine was busier than it has cores.
    pub fn noisy(self) -> bool {
        self.average > self.cores as f64
    }

    /// `load 0.42 / 2 cores`.
    pub fn describe(self) -> String {
        format!("load {:.2} / {} cores", self.average, self.cores)
    }
}

/// The load now.
pub fn now() -> Load {
    let average = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    Load { average, cores }
}

/// Waits (up to [`QUIET_WAIT`]) until the machine is quiet, and says how loaded it is. Quick
/// runs, whose figures mean nothing, do not wait.
pub async fn settle(quick: bool) -> Load {
    let started = Instant::now();
    loop {
        let load = now();
        if quick || !load.noisy() || started.elapsed() > QUIET_WAIT {
            return load;
        }
        // The load average is an exponential average over a minute: nothing to wait on but it.
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}
