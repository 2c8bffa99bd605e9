//! Offline sandbox: starts the four upstream fakes (DMM, YTS, Torrentio, Real-Debrid) with the
//! standard fixtures and prints the environment Ferrio needs to use them.
//!
//! ```text
//! cargo run --example sandbox
//! # in another shell: paste the printed `export` lines, then start Ferrio
//! ```
//!
//! Optional per-upstream latency, in milliseconds: `SANDBOX_DMM_LATENCY_MS`,
//! `SANDBOX_YTS_LATENCY_MS`, `SANDBOX_TORRENTIO_LATENCY_MS`, `SANDBOX_RD_LATENCY_MS`.

use std::time::Duration;

use ferrio_fakes::{Fakes, fixtures};

/// Reads a latency variable; unset means none, junk is reported and ignored.
fn latency(var: &str) -> Option<Duration> {
    let raw = std::env::var(var).ok()?;
    match raw.trim().parse::<u64>() {
        Ok(ms) => Some(Duration::from_millis(ms)),
        Err(_) => {
            eprintln!("sandbox: ignoring {var}={raw:?} (expected milliseconds)");
            None
        }
    }
}

// The sandbox's whole point is to print the `export` lines for the user to paste, so stdout is
// its intended output channel here (status messages go to stderr).
#[allow(clippy::print_stdout)]
#[tokio::main]
async fn main() {
    let fakes = Fakes::start().await;

    if let Some(d) = latency("SANDBOX_DMM_LATENCY_MS") {
        fakes.dmm.set_latency(d);
    }
    if let Some(d) = latency("SANDBOX_YTS_LATENCY_MS") {
        fakes.yts.set_latency(d);
    }
    if let Some(d) = latency("SANDBOX_TORRENTIO_LATENCY_MS") {
        fakes.torrentio.set_latency(d);
    }
    if let Some(d) = latency("SANDBOX_RD_LATENCY_MS") {
        fakes.realdebrid.set_latency(d);
    }

    // Already registered by the seeded fake; done explicitly so the sandbox does not depend on it.
    fakes.realdebrid.add_token(fixtures::RD_TOKEN);

    for (key, value) in ferrio_testkit::fakes_env(&fakes) {
        println!("export {key}={value}");
    }
    println!(
        "# Real-Debrid API token accepted by the fake: {}",
        fixtures::RD_TOKEN
    );
    println!("# Discovery (trending and streaming catalogs, where-to-watch rows): also export");
    for (key, value) in ferrio_fakes::Fakes::discovery_keys() {
        println!("#   {key}={value}");
    }
    println!(
        "# Try: movie {} (The Shawshank Redemption), series {} (Breaking Bad S01E03), \
         movie {} (Inception, YTS + Torrentio), unknown movie {} (DMM answers 204)",
        fixtures::MOVIE_ID,
        fixtures::EPISODE_ID,
        fixtures::INCEPTION_ID,
        fixtures::UNKNOWN_MOVIE_ID,
    );

    eprintln!("sandbox: fakes running; press Ctrl-C to stop");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("sandbox: cannot listen for Ctrl-C ({e}); exiting");
    }
    eprintln!("sandbox: stopping");
}
