//! The table a run produces, the description of the machine it ran on, and the verdict.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::harness::Res;

/// How a row compares with its target.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Pass,
    /// Measured, and the target was missed: why.
    Miss(String),
    /// Could not be measured because something Ferrio does not have yet: what.
    Unavailable(String),
    /// The measurement itself failed: the row was not produced.
    Error(String),
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: String,
    pub ferrio: String,
    pub baseline: String,
    pub ratio: String,
    pub target: String,
    pub verdict: Verdict,
}

impl Row {
    /// A row whose measurement failed.
    pub fn error(scenario: &str, target: &str, error: String) -> Self {
        Self {
            scenario: scenario.to_owned(),
            ferrio: "—".into(),
            baseline: "—".into(),
            ratio: "—".into(),
            target: target.to_owned(),
            verdict: Verdict::Error(error),
        }
    }

    /// A row that could not be measured yet.
    pub fn unavailable(scenario: &str, target: &str, why: &str) -> Self {
        Self {
            scenario: scenario.to_owned(),
            ferrio: format!("n/a ({why})"),
            baseline: "—".into(),
            ratio: "—".into(),
            target: target.to_owned(),
            verdict: Verdict::Unavailable(why.to_owned()),
        }
    }

    /// The row of a measurement, or its error.
    pub fn or_error(result: Res<Row>, scenario: &str, target: &str) -> Self {
        result.unwrap_or_else(|error| Row::error(scenario, target, error))
    }
}

/// Pass when `ok`, else a miss explained by `why`.
pub fn verdict(ok: bool, why: impl FnOnce() -> String) -> Verdict {
    if ok {
        Verdict::Pass
    } else {
        Verdict::Miss(why())
    }
}

/// `12.3 ms`, `1.02 s`, `310 µs`.
pub fn ms(duration: Duration) -> String {
    let micros = duration.as_micros();
    if micros < 1_000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.1} ms", duration.as_secs_f64() * 1e3)
    } else {
        format!("{:.2} s", duration.as_secs_f64())
    }
}

/// The median of some durations (the lower middle one for an even count).
pub fn median(values: &[Duration]) -> Duration {
    percentile(values, 50.0)
}

/// The value below which `pct` percent of `values` lie (nearest rank).
pub fn percentile(values: &[Duration], pct: f64) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((pct / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Markdown of the whole table.
pub fn table(rows: &[Row], headers: [&str; 6]) -> String {
    let mut out = format!("| {} |\n|{}\n", headers.join(" | "), "---|".repeat(6));
    for row in rows {
        let verdict = match &row.verdict {
            Verdict::Pass => "**pass**".to_owned(),
            Verdict::Miss(why) => format!("**MISS**: {why}"),
            Verdict::Unavailable(why) => format!("n/a: {why}"),
            Verdict::Error(error) => format!("**ERROR**: {}", one_line(error)),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            row.scenario, row.ferrio, row.baseline, row.ratio, row.target, verdict
        );
    }
    out
}

fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().replace('|', "\\|");
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// What the machine is and what it was doing when the run started: the figures mean little
/// without it.
pub fn machine() -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split(':').nth(1))
        .map_or("unknown CPU".to_owned(), |model| model.trim().to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = read("/proc/meminfo")
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
        .map_or("?".to_owned(), |kib| {
            format!("{:.0} GiB", kib as f64 / 1024.0 / 1024.0)
        });
    let kernel = read("/proc/sys/kernel/osrelease");
    let load = read("/proc/loadavg");
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "{cores} cores ({cpu}), {memory} RAM, Linux {}, load average {} at start; {}; {}",
        kernel.trim(),
        load.join(" "),
        first_line("rustc", &["--version"]),
        // "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer": the version is enough.
        first_line("wrk", &["--version"])
            .split(" Copyright")
            .next()
            .unwrap_or_default(),
    )
}

/// The commit measured, and whether the work tree had changes on top of it.
pub fn revision() -> String {
    let commit = first_line("git", &["rev-parse", "--short", "HEAD"]);
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .is_ok_and(|out| !out.stdout.is_empty());
    if dirty {
        format!("{commit} with uncommitted changes")
    } else {
        commit
    }
}

/// The UTC date and time, from `date` (the standard library has no calendar).
pub fn now() -> String {
    first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|out| {
            let text = [out.stdout, out.stderr].concat();
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .map(|line| line.trim().to_owned())
        })
        .filter(|line| !line.is_empty())
        .unwrap_or_else(|| format!("{program}: unknown"))
}

/// Writes `text` to `path`, creating its directory.
pub fn write(path: &Path, text: &str) -> Res<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Whether the run succeeds: in quick mode every row must have been produced; in full mode
/// every target must also be met.
pub fn succeeded(rows: &[Row], quick: bool) -> bool {
    rows.iter().all(|row| match row.verdict {
        Verdict::Pass => true,
        Verdict::Miss(_) | Verdict::Unavailable(_) => quick,
        Verdict::Error(_) => false,
    })
}
