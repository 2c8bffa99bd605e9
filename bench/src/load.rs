//! `bench/run`: warm and cold streams, a hung source, a burst, a resolve burst and memory, each
//! next to what it is compared with, in one table written to `bench/RESULTS.md`.

use std::time::{Duration, Instant};

use ferrio::protocol::config::{Quality, UserConfig};
use ferrio_fakes::Fakes;
use serde_json::Value;

use crate::harness::{Redis, Res, Server, client, why};
use crate::report::{self, Row};
use crate::titles::{self, Title};
use crate::{Options, config_prefix, ferrio_env};

mod new_config;
mod scenarios;
mod title_bytes;
use new_config::{Size, new_config};
use scenarios::{burst, cold, hung, median_run, memory_row, resolve, warm};

// The targets. A run whose figures miss one exits non-zero (in full mode).
/// Warm requests/s relative to the baseline server.
const WARM_RATIO_MIN: f64 = 0.5;
/// Median cold latency relative to the slowest source.
const COLD_RATIO_MAX: f64 = 1.1;
/// Upstream calls per source for a burst of concurrent cold requests for one title: one, not
/// fewer (a source not asked at all would also make few calls).
const BURST_CALLS: usize = 1;
/// RSS of an idle Ferrio, MiB.
const IDLE_RSS_MAX_MIB: f64 = 30.0;
/// Highest RSS over the warm run, MiB.
const PEAK_RSS_MAX_MIB: f64 = 100.0;
/// How late after its deadline a request with a hung source may be answered (HTTP and
/// scheduling on a loaded 2-core machine).
const DEADLINE_SLACK: Duration = Duration::from_millis(100);

/// Cold-request latencies of the fakes, as the issue fixes them (a tenth in quick mode, where
/// debug binaries on a busy machine would otherwise miss the short deadline).
const DMM_LATENCY: Duration = Duration::from_millis(300);
const YTS_LATENCY: Duration = Duration::from_millis(200);
const TORRENTIO_LATENCY: Duration = Duration::from_millis(500);

const CONNECTIONS: u32 = 64;
const BURST: usize = 200;
const RESOLVE_GETS: usize = 20;

/// Sizes of a run.
struct Plan {
    /// The fakes' cold latencies are divided by this.
    latency_divisor: u32,
    warm_run: Duration,
    warm_rounds: usize,
    cold_titles: u32,
    deadline_ms: u64,
    source_timeout_ms: u64,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                latency_divisor: 10,
                warm_run: Duration::from_secs(1),
                warm_rounds: 1,
                cold_titles: 3,
                deadline_ms: 1_500,
                source_timeout_ms: 1_000,
            }
        } else {
            // Ferrio's defaults (5 s and 4 s), written out so the hung row knows them.
            Self {
                latency_divisor: 1,
                warm_run: Duration::from_secs(3),
                warm_rounds: 5,
                cold_titles: 30,
                deadline_ms: 5_000,
                source_timeout_ms: 4_000,
            }
        }
    }
}

/// Everything a scenario needs.
struct Bench<'a> {
    options: &'a Options,
    plan: Plan,
    fakes: Fakes,
    client: reqwest::Client,
    /// Path prefix of a typical user: a sealed config without Real-Debrid.
    user: String,
    /// Generated titles, handed out one scenario at a time so that each starts cold.
    titles: Vec<Title>,
}

impl Bench<'_> {
    fn take_titles(&mut self, count: usize) -> Res<Vec<Title>> {
        if self.titles.len() < count {
            return Err("not enough generated titles".into());
        }
        Ok(self.titles.drain(..count).collect())
    }

    /// DMM's, YTS's and Torrentio's latencies for cold requests.
    fn latencies(&self) -> [Duration; 3] {
        [DMM_LATENCY, YTS_LATENCY, TORRENTIO_LATENCY].map(|d| d / self.plan.latency_divisor)
    }

    fn cold_latencies(&self, on: bool) {
        let [dmm, yts, torrentio] = self
            .latencies()
            .map(|d| if on { d } else { Duration::ZERO });
        self.fakes.dmm.set_latency(dmm);
        self.fakes.yts.set_latency(yts);
        self.fakes.torrentio.set_latency(torrentio);
    }

    fn cold_name(&self) -> String {
        let [dmm, yts, torrentio] = self.latencies().map(|d| d.as_millis());
        format!("Cold stream (DMM {dmm}, YTS {yts}, Torrentio {torrentio} ms), in-process cache")
    }

    fn upstream_calls(&self) -> usize {
        let f = &self.fakes;
        f.dmm.calls() + f.yts.calls() + f.torrentio.calls() + f.realdebrid.calls()
    }

    async fn start_ferrio(&self, redis: Option<&Redis>, log: &str) -> Res<Server> {
        let mut env = ferrio_env(
            &self.fakes,
            self.plan.deadline_ms,
            self.plan.source_timeout_ms,
        );
        if let Some(redis) = redis {
            env.insert("REDIS_URL".into(), redis.url());
        }
        let bin = &self.options.ferrio;
        Server::ferrio(bin, env, &self.options.log(log)).await
    }

    /// GETs a stream and returns its streams, failing on anything but a 200 with a list.
    async fn streams(&self, url: &str) -> Res<Vec<Value>> {
        let response = self.client.get(url).send().await.map_err(why)?;
        let status = response.status();
        let body: Value = response.json().await.map_err(why)?;
        if status != 200 {
            return Err(format!("{status}: {body}"));
        }
        body["streams"]
            .as_array()
            .cloned()
            .ok_or_else(|| format!("no streams list in {body}"))
    }

    /// One untimed request for a fresh title, on a fresh Ferrio: mints DMM's challenge token
    /// (reused for minutes in steady state), opens the connection pools, and pays for the
    /// release-name parser's first use, so that the measured requests see a running server.
    async fn warm_up(&mut self, server: &Server) -> Res<()> {
        let title = self.take_titles(1)?.remove(0);
        self.streams(&format!("{}{}", server.base, title.stream_path(&self.user)))
            .await
            .map(drop)
    }
}

/// Runs every scenario and writes the table; true when the run succeeded.
pub async fn main(options: &Options) -> bool {
    let fakes = Fakes::start().await;
    let plan = Plan::new(options.quick);
    // Fresh titles for: cold, 2 bursts and the hung source, and a warm-up for each of them.
    let wanted = plan.cold_titles + 8;
    let titles = titles::seed(&fakes, 1, wanted);
    let user = config_prefix(&UserConfig {
        exclude_qualities: [Quality::Cam].into_iter().collect(),
        max_results: 30,
        ..UserConfig::default()
    });
    let client = match client(Duration::from_secs(30)) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("bench: {error}");
            return false;
        }
    };
    let mut bench = Bench {
        options,
        plan,
        fakes,
        client,
        user,
        titles,
    };
    let started = Instant::now();
    let mut rows = Rows {
        rows: Vec::new(),
        since: Instant::now(),
    };
    eprintln!("bench: in-process cache");
    in_process(&mut bench, &mut rows).await;
    eprintln!("bench: Redis cache");
    with_redis(&mut bench, &mut rows).await;
    let rows = rows.rows;
    let table = report::table(
        &rows,
        [
            "scenario",
            "Ferrio",
            "compared with",
            "ratio",
            "target",
            "verdict",
        ],
    );
    let mode = if options.quick {
        "quick mode: tiny durations, figures not meaningful, targets not enforced"
    } else {
        "full mode"
    };
    let text = format!(
        "# Ferrio benchmark results\n\n\
         Written by `bench/run` ({mode}) on {}, in {:.0} s, at commit {}. Re-run it rather than \
         editing this file.\n\n**Machine:** {}\n\n{table}\n{}",
        report::now(),
        started.elapsed().as_secs_f64(),
        report::revision(),
        report::machine(),
        METHOD,
    );
    crate::print(&text);
    if let Err(error) = report::write(&options.out, &text) {
        eprintln!("bench: {error}");
        return false;
    }
    report::succeeded(&rows, options.quick)
}

/// How each row is measured; printed under the table.
const METHOD: &str = "\
**How.** The upstream fakes (`ferrio-fakes`) run in the driver (the `bench/` crate), Ferrio is its \
release binary, and load comes from `wrk -t2 -c64 --latency` on the same machine. \
Requests carry a sealed user config, as the configure page produces them.

- *Warm stream*: one title, fetched until cached; `wrk` then loads Ferrio and the baseline \
  (`bench/src/bin/baseline.rs`: a bare actix-web server answering the very bytes and headers \
  Ferrio answered, from memory) in alternating rounds; the table shows each one's median \
  round, and the median of the per-round ratios (each Ferrio round is compared with the \
  baseline round right after it). \
  Any upstream call during the runs, or any non-2xx answer, fails the row. With Redis, Ferrio's \
  in-process front tier (`CACHE_FRONT_TTL_MS`, 2 s by default) answers most requests, as it \
  would in production.
- *Cold stream*: fake latencies DMM 300 ms, YTS 200 ms, Torrentio 500 ms; one request at a time \
  over distinct titles that all three sources know, each answer checked to hold a release \
  from every source.
- *Hung source*: Torrentio accepts the request and never answers; timed against \
  `REQUEST_DEADLINE_MS`, and the answer must hold DMM's and YTS's releases.
- *Burst*: 200 concurrent requests for one title no cache has seen, with the cold latencies; \
  the figures are the fakes' own counters of search requests per source.
- *Resolve*: one lone resolution of a torrent cached on Real-Debrid, counted with the RD \
  fake's counters (a torrent not yet in the account: list, addMagnet, info until the files \
  can be selected, selectFiles, info, unrestrict); then 20 GETs and 1 HEAD at once for another \
  such torrent. The burst must make no more Real-Debrid calls than the lone one.
- Cold, burst and hung rows each start with one untimed request for another fresh title: it \
  mints DMM's challenge token (reused for minutes in steady state), opens the connection pools \
  and pays for the release-name parser's first use.
- Each warm run has a Ferrio of its own; cold, burst, resolve and hung (last: it may leave \
  Torrentio's circuit breaker open) share another, each with titles or torrents of its own; \
  the Redis burst has a third. None inherits another's cache or circuit breakers.
- *Memory*: `VmRSS` of the Ferrio process right after start-up, and `VmHWM` (its highest \
  `VmRSS`) after the warm run, from `/proc/<pid>/status`.
- *Warm, new config*: a title whose source answers are cached — Game of Thrones S01E01 with 250 \
  releases over DMM and Torrentio (`fixtures::big_title`), or The Shawshank Redemption with 8 — \
  asked with a config no earlier request used: a `wrk` script writes a fresh keyword into each \
  request's (percent-encoded JSON) config, so the rendered-answer cache misses and the whole \
  ranking runs. In alternating rounds with the rendered-answer path (the same URL again) on the \
  same title, at 16 connections; the medians of each are compared. Any upstream call fails the \
  row.
- *One cached 250-release title*: the bytes of its DMM and Torrentio entries (`STRLEN` in \
  Redis; the in-process tier holds and weighs the same bytes).
- Throughput rows wait (up to 90 s, twice) for the 1-minute load average to fall to the core \
  count, and show the load they ran under; a row measured on a busier machine is a miss.
";

/// The rows so far; each is announced on stderr with the time it took.
struct Rows {
    rows: Vec<Row>,
    since: Instant,
}

impl Rows {
    fn push(&mut self, row: Row) {
        eprintln!(
            "bench: {:.1} s: {}",
            self.since.elapsed().as_secs_f64(),
            row.scenario
        );
        self.since = Instant::now();
        self.rows.push(row);
    }
}

/// Starts a Ferrio for one group of rows; a failure to start becomes the group's error row.
async fn fresh(
    bench: &Bench<'_>,
    redis: Option<&Redis>,
    log: &str,
    rows: &mut Rows,
) -> Option<Server> {
    match bench.start_ferrio(redis, log).await {
        Ok(server) => Some(server),
        Err(error) => {
            rows.push(Row::error(&format!("Ferrio ({log})"), "starts", error));
            None
        }
    }
}

/// The warm run gets a Ferrio of its own, so that nothing it leaves behind (cache entries, a
/// circuit breaker opened under load) changes the other rows' figures.
async fn in_process(bench: &mut Bench<'_>, rows: &mut Rows) {
    let label = "in-process cache";
    if let Some(server) = fresh(bench, None, "ferrio-memory-warm.log", rows).await {
        let idle = server.memory();
        let row = warm(bench, &server, label).await;
        rows.push(Row::or_error(row, &warm_name(label), &warm_target()));
        rows.push(memory_row(label, idle, server.memory()));
    }
    if let Some(server) = fresh(bench, None, "ferrio-memory-new-config.log", rows).await {
        for size in [Size::Big, Size::Small] {
            let row = new_config(bench, &server, size).await;
            rows.push(Row::or_error(
                row,
                &new_config::name(size),
                &new_config::target(),
            ));
        }
    }
    // Cold, burst and resolve each use titles or torrents of their own; the hung source comes
    // last, as it may leave Torrentio's circuit breaker open.
    if let Some(server) = fresh(bench, None, "ferrio-memory-cold.log", rows).await {
        let row = cold(bench, &server).await;
        rows.push(Row::or_error(
            row,
            &bench.cold_name(),
            &format!("≤ {COLD_RATIO_MAX}"),
        ));
        let row = burst(bench, &server, label).await;
        rows.push(Row::or_error(row, &burst_name(label), &burst_target()));
        let row = resolve(bench, &server).await;
        rows.push(Row::or_error(row, RESOLVE_NAME, RESOLVE_TARGET));
        let row = hung(bench, &server).await;
        rows.push(Row::or_error(row, HUNG_NAME, HUNG_TARGET));
    }
}

async fn with_redis(bench: &mut Bench<'_>, rows: &mut Rows) {
    let label = "Redis cache";
    let redis = match Redis::start(&bench.options.log("redis.log")).await {
        Ok(redis) => redis,
        Err(error) => {
            rows.push(Row::error(&warm_name(label), &warm_target(), error));
            return;
        }
    };
    if let Some(server) = fresh(bench, Some(&redis), "ferrio-redis-warm.log", rows).await {
        let idle = server.memory();
        let row = warm(bench, &server, label).await;
        rows.push(Row::or_error(row, &warm_name(label), &warm_target()));
        rows.push(memory_row(label, idle, server.memory()));
    }
    if let Some(server) = fresh(bench, Some(&redis), "ferrio-redis-burst.log", rows).await {
        let row = burst(bench, &server, label).await;
        rows.push(Row::or_error(row, &burst_name(label), &burst_target()));
        let row = title_bytes::title_bytes(bench, &server, &redis).await;
        rows.push(Row::or_error(row, title_bytes::NAME, title_bytes::TARGET));
    }
}

fn warm_name(label: &str) -> String {
    format!("Warm stream, {label}: req/s, p50/p99 at {CONNECTIONS} connections")
}

fn warm_target() -> String {
    format!("≥ {WARM_RATIO_MIN} × baseline req/s")
}

fn burst_name(label: &str) -> String {
    format!("Burst: {BURST} concurrent cold requests for one title, {label}")
}

fn burst_target() -> String {
    format!("{BURST_CALLS} call per source")
}

const HUNG_NAME: &str = "Hung source: Torrentio never answers";
const HUNG_TARGET: &str = "answered by the deadline, with the other sources";
const RESOLVE_NAME: &str = "Resolve: 20 concurrent GETs + 1 HEAD, one stream";
const RESOLVE_TARGET: &str = "RD calls ≤ one lone resolution's";
