//! The soak's report: one table row per phase, the memory verdict, and the text around them.

use std::time::Duration;

use super::traffic::{Kind, Sample};
use super::{Fault, Plan, RD_USERS};
use crate::harness::Memory;
use crate::report::{self, Verdict, ms, percentile};

/// RSS may grow by this much over the soak (after the warm-up phase filled the caches)...
const RSS_GROWTH_MAX_MIB: f64 = 10.0;
/// ...or by this fraction of where it started, whichever is larger.
const RSS_GROWTH_MAX_SHARE: f64 = 0.2;

const TABLE_HEAD: &str = "| phase | sent | 2xx/3xx | 4xx | 5xx | no answer | p50 | p99 | \
    p99 stream / catalog / manifest / resolve | RSS after | verdict |\n\
    |---|---|---|---|---|---|---|---|---|---|---|\n";

/// Everything a finished soak measured.
pub(crate) struct Run<'a> {
    pub phases: &'a [(String, Fault)],
    pub samples: &'a [Sample],
    pub idle: Memory,
    pub rss: &'a [Memory],
    pub resolves: bool,
    pub plan: &'a Plan,
    pub elapsed: Duration,
    pub quick: bool,
}

impl Run<'_> {
    /// The report, and whether the run succeeded (in quick mode: whether every phase sent
    /// requests).
    pub fn render(&self) -> (String, bool) {
        let mut table = String::from(TABLE_HEAD);
        let mut produced = true;
        let mut passed = true;
        for (index, (name, _)) in self.phases.iter().enumerate() {
            let mine: Vec<&Sample> = self.samples.iter().filter(|s| s.phase == index).collect();
            let verdict = phase_verdict(&mine);
            produced &= !mine.is_empty();
            passed &= verdict == Verdict::Pass;
            table.push_str(&self.row(name, &mine, index, &verdict));
        }
        let (rss_verdict, rss_line) = self.memory();
        passed &= rss_verdict == Verdict::Pass && self.resolves;
        let text = self.text(&table, &rss_line);
        (
            text,
            if self.quick {
                produced
            } else {
                produced && passed
            },
        )
    }

    /// One phase's row.
    fn row(&self, name: &str, mine: &[&Sample], index: usize, verdict: &Verdict) -> String {
        let count = |test: &dyn Fn(&Sample) -> bool| mine.iter().filter(|s| test(s)).count();
        let ok = count(&|s| {
            s.status
                .is_some_and(|c| c.is_success() || c.is_redirection())
        });
        let client_errors = count(&|s| s.status.is_some_and(|c| c.is_client_error()));
        let server_errors = count(&|s| s.status.is_some_and(|c| c.is_server_error()));
        let lost = count(&|s| s.status.is_none());
        let latencies: Vec<Duration> = mine.iter().map(|s| s.latency).collect();
        let rss = self
            .rss
            .get(index)
            .map_or("?".to_owned(), |m| format!("{:.1} MiB", m.rss_mib()));
        format!(
            "| {name} | {} | {ok} | {client_errors} | {server_errors} | {lost} | {} | {} | {} | \
             {rss} | {} |\n",
            mine.len(),
            ms(percentile(&latencies, 50.0)),
            ms(percentile(&latencies, 99.0)),
            p99_by_kind(mine),
            verdict_text(verdict),
        )
    }

    /// The memory verdict and its line: RSS after the last phase against after the warm-up.
    fn memory(&self) -> (Verdict, String) {
        let (start, end) = match self.rss {
            [start, .., end] => (start.rss_mib(), end.rss_mib()),
            _ => (0.0, 0.0),
        };
        let allowed = RSS_GROWTH_MAX_MIB.max(start * RSS_GROWTH_MAX_SHARE);
        let verdict = report::verdict(end - start <= allowed, || {
            format!("grew {:.1} MiB, more than {allowed:.1} MiB", end - start)
        });
        let line = format!(
            "**RSS:** {:.1} MiB idle at start-up, {start:.1} MiB after the warm-up, {end:.1} MiB \
             after the last phase: {}.",
            self.idle.rss_mib(),
            verdict_text(&verdict)
        );
        (verdict, line)
    }

    /// The whole report around the table.
    fn text(&self, table: &str, rss_line: &str) -> String {
        let plan = self.plan;
        let resolve_note = if self.resolves {
            "Resolves are part of the mix."
        } else {
            "**Resolves: n/a (route missing)**: `/{config}/resolve/realdebrid/...` answered the \
             default 404, so the mix has no resolves and Real-Debrid's faults are not exercised."
        };
        let mode = if self.quick {
            "quick mode: tiny phases, figures not meaningful, targets not enforced"
        } else {
            "full mode"
        };
        format!(
            "# Ferrio under faults\n\n\
             Written by `bench/chaos` ({mode}) on {}, in {:.0} s, at commit {}. Re-run it \
             rather than editing this file.\n\n**Machine:** {}\n\n\
             {} requests/s for {} per phase (the first phase twice as long), mixed: streams \
             (cold, warm, an episode, with and without Real-Debrid), catalogs (list, genre, \
             search), manifests and resolves; every request is attributed to the phase it was \
             sent in. Ferrio runs with Redis, `REQUEST_DEADLINE_MS={}`, `SOURCE_TIMEOUT_MS={}`, \
             and 5 s source freshness so that upstream calls go on in every phase. Fake \
             latencies: DMM 30 ms, YTS 20 ms, Torrentio 50 ms. The warm-up asks for every title \
             the streams cycle through, so the caches hold them all before RSS is first read; \
             each resolve names a torrent not resolved before, so Real-Debrid is asked in every \
             phase (and the cache keeps one small entry per resolve); Real-Debrid requests come \
             from {RD_USERS} users, each with a token of their own. {resolve_note}\n\n\
             **Targets:** no 5xx and no request left unanswered in any phase; RSS after the \
             last phase within {RSS_GROWTH_MAX_MIB} MiB or {:.0} % of RSS after the \
             warm-up.\n\n{table}\n{rss_line}\n",
            report::now(),
            self.elapsed.as_secs_f64(),
            report::revision(),
            report::machine(),
            plan.per_second,
            ms(plan.phase),
            plan.deadline_ms,
            plan.source_timeout_ms,
            RSS_GROWTH_MAX_SHARE * 100.0,
        )
    }
}

/// A phase passes when every request it sent was answered, none with a 5xx.
fn phase_verdict(mine: &[&Sample]) -> Verdict {
    if mine.is_empty() {
        return Verdict::Error("no request was sent".into());
    }
    let mut failing: Vec<String> = mine
        .iter()
        .filter(|s| s.status.is_none_or(|c| c.is_server_error()))
        .map(|s| format!("{:?}", s.kind).to_lowercase())
        .collect();
    failing.sort();
    failing.dedup();
    if failing.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Miss(format!("5xx or no answer on {}", failing.join(", ")))
    }
}

/// `p99 stream / catalog / manifest / resolve`.
fn p99_by_kind(mine: &[&Sample]) -> String {
    let by_kind: Vec<String> = [Kind::Stream, Kind::Catalog, Kind::Manifest, Kind::Resolve]
        .iter()
        .map(|kind| {
            let of_kind: Vec<Duration> = mine
                .iter()
                .filter(|s| s.kind == *kind)
                .map(|s| s.latency)
                .collect();
            if of_kind.is_empty() {
                "—".to_owned()
            } else {
                ms(percentile(&of_kind, 99.0))
            }
        })
        .collect();
    by_kind.join(" / ")
}

fn verdict_text(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Pass => "**pass**".into(),
        Verdict::Miss(why) => format!("**MISS**: {why}"),
        Verdict::Unavailable(why) => format!("n/a: {why}"),
        Verdict::Error(error) => format!("**ERROR**: {error}"),
    }
}
