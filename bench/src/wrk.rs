//! Running `wrk` and reading its report.

use std::path::Path;
use std::time::Duration;

use crate::harness::{Res, which};

/// What one `wrk` run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WrkRun {
    pub requests: u64,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// Answers whose status was not 2xx or 3xx.
    pub non_2xx: u64,
    /// Connect, read, write errors and timeouts.
    pub socket_errors: u64,
}

/// Loads `url` with `connections` keep-alive connections for `duration` (whole seconds, at
/// least one: wrk's own resolution) on two threads, one per core of the machine.
pub async fn run(url: &str, connections: u32, duration: Duration) -> Res<WrkRun> {
    run_with(url, connections, duration, None).await
}

/// As [`run`], each request's path made by a wrk Lua `script` (requests to `base`).
pub async fn run_script(
    base: &str,
    script: &Path,
    connections: u32,
    duration: Duration,
) -> Res<WrkRun> {
    run_with(base, connections, duration, Some(script)).await
}

async fn run_with(
    url: &str,
    connections: u32,
    duration: Duration,
    script: Option<&Path>,
) -> Res<WrkRun> {
    let program = which("wrk").ok_or("wrk is not installed (apt-get install wrk)")?;
    let seconds = duration.as_secs().max(1);
    let mut command = tokio::process::Command::new(program);
    command.args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s")]);
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let output = command
        .args(["--latency", "--timeout", "10s", url])
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk failed ({}): {}{}",
            output.status,
            text,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse(&text)
}

/// Reads wrk 4's `--latency` report.
pub fn parse(text: &str) -> Res<WrkRun> {
    let missing = |what: &str| format!("no {what} in wrk's output:\n{text}");
    let requests = text
        .lines()
        .find(|line| line.contains(" requests in "))
        .and_then(|line| line.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| missing("request count"))?;
    let per_second = field(text, "Requests/sec:")
        .and_then(|value| value.parse().ok())
        .ok_or_else(|| missing("Requests/sec"))?;
    let percentile = |name: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| duration(value.trim()))
            .ok_or_else(|| missing(name))
    };
    let non_2xx = field(text, "Non-2xx or 3xx responses:").map_or(Ok(0), |value| {
        value.parse().map_err(|_| missing("Non-2xx count"))
    })?;
    // "Socket errors: connect 0, read 0, write 0, timeout 0", present only when one is not 0.
    let socket_errors = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("Socket errors:"))
        .map_or(0, |rest| {
            rest.split(',')
                .filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum()
        });
    Ok(WrkRun {
        requests,
        per_second,
        p50: percentile("50%")?,
        p99: percentile("99%")?,
        non_2xx,
        socket_errors,
    })
}

fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|line| line.trim().strip_prefix(name))
        .map(str::trim)
}

/// `310.00us`, `1.25ms`, `2.00s`, `1.50m`.
fn duration(value: &str) -> Option<Duration> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    let micros = match unit {
        "us" => number,
        "ms" => number * 1e3,
        "s" => number * 1e6,
        "m" => number * 60e6,
        "h" => number * 3600e6,
        _ => return None,
    };
    Some(Duration::from_secs_f64(micros / 1e6))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 1s test @ http://127.0.0.1:1/\n  2 threads and 64 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     2.10ms    1.00ms  20.00ms   80.00%\n  Latency Distribution\n     50%  310.00us\n     75%    1.00ms\n     90%    2.00ms\n     99%    1.50s\n  1234 requests in 1.00s, 1.00MB read\n  Socket errors: connect 1, read 2, write 0, timeout 3\n  Non-2xx or 3xx responses: 7\nRequests/sec:   1234.50\nTransfer/sec:      1.00MB\n";

    #[test]
    fn reads_every_figure() {
        let run = parse(REPORT).map_err(|e| e.to_string());
        assert_eq!(
            run,
            Ok(WrkRun {
                requests: 1234,
                per_second: 1234.5,
                p50: Duration::from_micros(310),
                p99: Duration::from_millis(1500),
                non_2xx: 7,
                socket_errors: 6,
            })
        );
    }
}
