//! `bench/chaos`: mixed traffic at a fixed rate while faults are injected in turn, one phase
//! per fault; the table goes to `bench/CHAOS.md`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrio::protocol::config::{DebridToken, UserConfig};
use ferrio_fakes::{Fakes, Mode, fixtures};
use reqwest::StatusCode;
use tokio::task::JoinSet;

use crate::harness::{Memory, Redis, Res, Server, client, why};
use crate::report::{self, Verdict, ms, percentile};
use crate::titles::{self, Title};
use crate::{Options, config_prefix, ferrio_env};

/// RSS may grow by this much over the soak (after the warm-up phase filled the caches)...
const RSS_GROWTH_MAX_MIB: f64 = 10.0;
/// ...or by this fraction of where it started, whichever is larger.
const RSS_GROWTH_MAX_SHARE: f64 = 0.2;

/// Real-Debrid users in the mix: at 10 resolves a second, each makes well under the 250 calls
/// a minute Real-Debrid allows a token.
const RD_USERS: usize = 50;

/// Sizes of a run.
struct Plan {
    phase: Duration,
    per_second: u32,
    deadline_ms: u64,
    source_timeout_ms: u64,
    /// Distinct titles the stream requests cycle through: as many as the warm-up asks for, so
    /// that the caches hold them all before RSS is first read.
    titles: u32,
    /// Distinct torrents the resolves cycle through: more than the run sends, so that every
    /// resolve asks Real-Debrid.
    torrents: usize,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                phase: Duration::from_millis(400),
                per_second: 20,
                deadline_ms: 1_000,
                source_timeout_ms: 700,
                titles: 4,
                torrents: 100,
            }
        } else {
            Self {
                phase: Duration::from_secs(10),
                per_second: 100,
                deadline_ms: 5_000,
                source_timeout_ms: 4_000,
                titles: 200,
                torrents: 2_000,
            }
        }
    }
}

/// What is broken during a phase.
#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    Dmm(Mode),
    Yts(Mode),
    Torrentio(Mode),
    RedisKilled,
    RealDebridRateLimited,
    RealDebridUnavailable,
}

/// The phases, in order: a warm-up, every upstream in each failure mode, Redis down, Real-Debrid
/// refusing, and a recovery.
fn phases() -> Vec<(String, Fault)> {
    let modes = [
        ("hangs", Mode::Hang),
        ("answers 500", Mode::ServerError),
        ("answers garbage", Mode::Garbage),
        ("answers Cloudflare HTML", Mode::CloudflareHtml),
    ];
    let mut phases = vec![("normal (warm-up)".to_owned(), Fault::None)];
    for (source, fault) in [
        ("DMM", Fault::Dmm as fn(Mode) -> Fault),
        ("YTS", Fault::Yts),
        ("Torrentio", Fault::Torrentio),
    ] {
        for (what, mode) in modes {
            phases.push((format!("{source} {what}"), fault(mode)));
        }
    }
    phases.push((
        "Redis killed, restarted at the end".into(),
        Fault::RedisKilled,
    ));
    phases.push((
        "Real-Debrid answers 429".into(),
        Fault::RealDebridRateLimited,
    ));
    phases.push((
        "Real-Debrid answers 503".into(),
        Fault::RealDebridUnavailable,
    ));
    phases.push(("normal (recovered)".into(), Fault::None));
    phases
}

fn apply(fakes: &Fakes, fault: Fault, redis: &mut Redis) {
    match fault {
        Fault::None => {}
        Fault::Dmm(mode) => fakes.dmm.set_mode(mode),
        Fault::Yts(mode) => fakes.yts.set_mode(mode),
        Fault::Torrentio(mode) => fakes.torrentio.set_mode(mode),
        Fault::RedisKilled => redis.kill(),
        Fault::RealDebridRateLimited => fakes.realdebrid.set_mode(Mode::RateLimited {
            retry_after_secs: 1,
        }),
        Fault::RealDebridUnavailable => fakes.realdebrid.set_service_unavailable(true),
    }
}

async fn clear(fakes: &Fakes, fault: Fault, redis: &mut Redis) -> Res<()> {
    fakes.set_mode_all(Mode::Normal);
    fakes.realdebrid.set_service_unavailable(false);
    if let Fault::RedisKilled = fault {
        redis.restart().await?;
    }
    Ok(())
}

/// The request kinds of the traffic mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Stream,
    Catalog,
    Manifest,
    Resolve,
}

/// What became of one request.
#[derive(Debug, Clone, Copy)]
struct Sample {
    phase: usize,
    kind: Kind,
    /// `None`: no answer (connection error or client timeout).
    status: Option<StatusCode>,
    latency: Duration,
}

/// Builds the request paths, rotating through kinds, titles and torrents.
struct Traffic {
    base: String,
    user: String,
    /// Path prefixes of Real-Debrid users, each with a token of their own: Ferrio keeps to
    /// Real-Debrid's per-token budget (250 calls a minute), which one user tapping ten streams a
    /// second would exhaust.
    rd_users: Vec<String>,
    titles: Vec<Title>,
    torrents: Vec<String>,
    resolves: bool,
    sent: usize,
}

impl Traffic {
    fn next(&mut self) -> (Kind, String) {
        let n = self.sent;
        self.sent += 1;
        let title = &self.titles[(n / 10) % self.titles.len()];
        let (kind, path) = match n % 10 {
            0 | 3 => (Kind::Stream, title.stream_path(&self.user)),
            1 => (
                Kind::Stream,
                format!("{}/stream/movie/{}.json", self.user, fixtures::MOVIE_ID),
            ),
            2 => (
                Kind::Stream,
                format!("{}/stream/series/tt0903747%3A1%3A3.json", self.user),
            ),
            4 => (
                Kind::Catalog,
                format!("{}/catalog/movie/yts-popular.json", self.user),
            ),
            5 => (
                Kind::Catalog,
                format!(
                    "{}/catalog/movie/yts-popular/genre=Drama&skip=20.json",
                    self.user
                ),
            ),
            6 => (Kind::Manifest, format!("{}/manifest.json", self.user)),
            7 if self.resolves => {
                let hash = &self.torrents[(n / 10) % self.torrents.len()];
                (
                    Kind::Resolve,
                    format!(
                        "{}/resolve/realdebrid/{hash}/-/Chaos.Movie.mkv",
                        self.rd_users[(n / 10) % self.rd_users.len()]
                    ),
                )
            }
            8 => (
                Kind::Stream,
                title.stream_path(&self.rd_users[(n / 10) % self.rd_users.len()]),
            ),
            9 => (
                Kind::Catalog,
                format!("{}/catalog/movie/yts-search/search=fixture.json", self.user),
            ),
            _ => (Kind::Manifest, "/manifest.json".to_owned()),
        };
        (kind, format!("{}{path}", self.base))
    }
}

/// Runs the soak and writes its table; true when it succeeded.
pub async fn main(options: &Options) -> bool {
    match run(options).await {
        Ok(ok) => ok,
        Err(error) => {
            eprintln!("chaos: {error}");
            false
        }
    }
}

async fn run(options: &Options) -> Res<bool> {
    let plan = Plan::new(options.quick);
    let fakes = Fakes::start().await;
    // Some network latency, so that requests overlap as they do for real.
    fakes.dmm.set_latency(Duration::from_millis(30));
    fakes.yts.set_latency(Duration::from_millis(20));
    fakes.torrentio.set_latency(Duration::from_millis(50));
    // The fake's per-token budget would refuse most resolves of a long soak; the 429 phase
    // is what tests Ferrio's handling of it.
    fakes.realdebrid.set_rate_limit_per_minute(u32::MAX);
    let titles = titles::seed(&fakes, 1, plan.titles);
    let torrents: Vec<String> = (0..plan.torrents)
        .map(|n| {
            let hash = titles::hash(&format!("chaos-torrent-{n}"));
            fakes.realdebrid.set_cached(&hash, true);
            hash
        })
        .collect();

    let mut redis = Redis::start(&options.log("chaos-redis.log")).await?;
    let mut env = ferrio_env(&fakes, plan.deadline_ms, plan.source_timeout_ms);
    env.insert("REDIS_URL".into(), redis.url());
    // Short freshness: titles repeat, so without it every phase after the first would be
    // served from cache and no fault would be seen. Stale-if-error stays at its default.
    for name in [
        "CACHE_DMM_TTL_SECS",
        "CACHE_YTS_TTL_SECS",
        "CACHE_TORRENTIO_TTL_SECS",
    ] {
        env.insert(name.into(), "5".into());
    }
    let server = Server::ferrio(&options.ferrio, env, &options.log("chaos-ferrio.log")).await?;
    let idle = server.memory()?;

    let client = client(Duration::from_millis(plan.deadline_ms) + Duration::from_secs(10))?;
    let rd_users: Vec<String> = (0..RD_USERS)
        .map(|n| {
            let token = format!("CHAOSUSER{n:04}{}", &fixtures::RD_TOKEN[13..]);
            fakes.realdebrid.add_token(&token);
            config_prefix(&UserConfig {
                realdebrid: Some(DebridToken::from(token)),
                ..UserConfig::default()
            })
        })
        .collect();
    let first_user = rd_users.first().ok_or("no Real-Debrid users")?;
    let resolves = resolve_route_exists(&client, &server.base, first_user, &torrents).await?;
    let mut traffic = Traffic {
        base: server.base.clone(),
        user: config_prefix(&UserConfig::default()),
        rd_users,
        titles,
        torrents,
        resolves,
        sent: 0,
    };

    let started = Instant::now();
    let phases = phases();
    let mut in_flight = JoinSet::new();
    let mut rss = Vec::new();
    let client = Arc::new(client);
    for (index, (name, fault)) in phases.iter().enumerate() {
        eprintln!("chaos: {name}");
        apply(&fakes, *fault, &mut redis);
        // The warm-up is twice as long: it fills the caches before RSS is first read.
        let length = if index == 0 {
            plan.phase * 2
        } else {
            plan.phase
        };
        send_for(
            &client,
            &mut traffic,
            &mut in_flight,
            index,
            length,
            plan.per_second,
        )
        .await;
        clear(&fakes, *fault, &mut redis).await?;
        rss.push(server.memory()?);
    }
    let samples: Vec<Sample> = in_flight.join_all().await;
    let elapsed = started.elapsed();
    let text = render(
        &phases,
        &samples,
        idle,
        &rss,
        resolves,
        &plan,
        elapsed,
        options.quick,
    );
    crate::print(&text.0);
    report::write(&options.out, &text.0)?;
    Ok(text.1)
}

/// Sends one request per tick for `length`, each in its own task so a slow answer does not
/// slow the rate.
async fn send_for(
    client: &Arc<reqwest::Client>,
    traffic: &mut Traffic,
    in_flight: &mut JoinSet<Sample>,
    phase: usize,
    length: Duration,
    per_second: u32,
) {
    let period = Duration::from_secs(1) / per_second;
    let mut ticks = tokio::time::interval(period);
    let end = Instant::now() + length;
    while Instant::now() < end {
        ticks.tick().await;
        let (kind, url) = traffic.next();
        let client = Arc::clone(client);
        in_flight.spawn(async move {
            let started = Instant::now();
            let status = match client.get(&url).send().await {
                Ok(response) => {
                    let status = response.status();
                    // Read the body: an answer that breaks off half-way is no answer.
                    response.bytes().await.ok().map(|_| status)
                }
                Err(_) => None,
            };
            Sample {
                phase,
                kind,
                status,
                latency: started.elapsed(),
            }
        });
    }
}

/// Whether `/resolve/...` is served yet: the default 404 says it is not.
async fn resolve_route_exists(
    client: &reqwest::Client,
    base: &str,
    rd_user: &str,
    torrents: &[String],
) -> Res<bool> {
    let hash = torrents.first().ok_or("no torrents")?;
    let url = format!("{base}{rd_user}/resolve/realdebrid/{hash}/-/Chaos.Movie.mkv");
    let response = client.get(url).send().await.map_err(why)?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    Ok(!(status == StatusCode::NOT_FOUND && body.contains("\"not found\"")))
}

/// The report, and whether the run succeeded.
#[allow(clippy::too_many_arguments)]
fn render(
    phases: &[(String, Fault)],
    samples: &[Sample],
    idle: Memory,
    rss: &[Memory],
    resolves: bool,
    plan: &Plan,
    elapsed: Duration,
    quick: bool,
) -> (String, bool) {
    let mut table = String::from(
        "| phase | sent | 2xx/3xx | 4xx | 5xx | no answer | p50 | p99 | p99 stream / catalog / \
         manifest / resolve | RSS after | verdict |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut produced = true;
    let mut passed = true;
    for (index, (name, _)) in phases.iter().enumerate() {
        let mine: Vec<&Sample> = samples.iter().filter(|s| s.phase == index).collect();
        let count = |test: &dyn Fn(&Sample) -> bool| mine.iter().filter(|s| test(s)).count();
        let ok = count(&|s| {
            s.status
                .is_some_and(|c| c.is_success() || c.is_redirection())
        });
        let client_errors = count(&|s| s.status.is_some_and(|c| c.is_client_error()));
        let server_errors = count(&|s| s.status.is_some_and(|c| c.is_server_error()));
        let lost = count(&|s| s.status.is_none());
        let latencies: Vec<Duration> = mine.iter().map(|s| s.latency).collect();
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
        let failing_kinds: Vec<String> = {
            let mut kinds: Vec<String> = mine
                .iter()
                .filter(|s| s.status.is_none_or(|c| c.is_server_error()))
                .map(|s| format!("{:?}", s.kind).to_lowercase())
                .collect();
            kinds.sort();
            kinds.dedup();
            kinds
        };
        let verdict = if mine.is_empty() {
            produced = false;
            Verdict::Error("no request was sent".into())
        } else if server_errors + lost > 0 {
            Verdict::Miss(format!("5xx or no answer on {}", failing_kinds.join(", ")))
        } else {
            Verdict::Pass
        };
        passed &= verdict == Verdict::Pass;
        table.push_str(&format!(
            "| {name} | {} | {ok} | {client_errors} | {server_errors} | {lost} | {} | {} | {} | {} | {} |\n",
            mine.len(),
            ms(percentile(&latencies, 50.0)),
            ms(percentile(&latencies, 99.0)),
            by_kind.join(" / "),
            rss.get(index)
                .map_or("?".to_owned(), |m| format!("{:.1} MiB", m.rss_mib())),
            verdict_text(&verdict),
        ));
    }
    let (start, end) = match rss {
        [start, .., end] => (start.rss_mib(), end.rss_mib()),
        _ => (0.0, 0.0),
    };
    let allowed = RSS_GROWTH_MAX_MIB.max(start * RSS_GROWTH_MAX_SHARE);
    let rss_verdict = report::verdict(end - start <= allowed, || {
        format!("grew {:.1} MiB, more than {allowed:.1} MiB", end - start)
    });
    passed &= rss_verdict == Verdict::Pass;
    let resolve_note = if resolves {
        "Resolves are part of the mix.".to_owned()
    } else {
        passed = false;
        "**Resolves: n/a (route missing)**: `/{config}/resolve/realdebrid/...` answered the \
         default 404, so the mix has no resolves and Real-Debrid's faults are not exercised."
            .to_owned()
    };
    let mode = if quick {
        "quick mode: tiny phases, figures not meaningful, targets not enforced"
    } else {
        "full mode"
    };
    let text = format!(
        "# Ferrio under faults\n\n\
         Written by `bench/chaos` ({mode}) on {}, in {:.0} s, at commit {}. Re-run it rather \
         than editing this file.\n\n**Machine:** {}\n\n\
         {} requests/s for {} per phase (the first phase twice as long), mixed: streams (cold, \
         warm, an episode, with and without Real-Debrid), catalogs (list, genre, search), \
         manifests and resolves; every request is attributed to the phase it was sent in. \
         Ferrio runs with Redis, `REQUEST_DEADLINE_MS={}`, `SOURCE_TIMEOUT_MS={}`, and 5 s \
         source freshness so that upstream calls go on in every phase. Fake latencies: DMM 30 \
         ms, YTS 20 ms, Torrentio 50 ms. The warm-up asks for every title the streams cycle \
         through, so the caches hold them all before RSS is first read; each resolve names a \
         torrent not resolved before, so Real-Debrid is asked in every phase (and the cache \
         keeps one small entry per resolve); Real-Debrid requests come from {RD_USERS} users, \
         each with a token of their own. {resolve_note}\n\n\
         **Targets:** no 5xx and no request left unanswered in any phase; RSS after the last \
         phase within {RSS_GROWTH_MAX_MIB} MiB or {:.0} % of RSS after the warm-up.\n\n\
         {table}\n\
         **RSS:** {:.1} MiB idle at start-up, {start:.1} MiB after the warm-up, {end:.1} MiB \
         after the last phase: {}.\n",
        report::now(),
        elapsed.as_secs_f64(),
        report::revision(),
        report::machine(),
        plan.per_second,
        ms(plan.phase),
        plan.deadline_ms,
        plan.source_timeout_ms,
        RSS_GROWTH_MAX_SHARE * 100.0,
        idle.rss_mib(),
        verdict_text(&rss_verdict),
    );
    let ok = if quick { produced } else { produced && passed };
    (text, ok)
}

fn verdict_text(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Pass => "**pass**".into(),
        Verdict::Miss(why) => format!("**MISS**: {why}"),
        Verdict::Unavailable(why) => format!("n/a: {why}"),
        Verdict::Error(error) => format!("**ERROR**: {error}"),
    }
}
