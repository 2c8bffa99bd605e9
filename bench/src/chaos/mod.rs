//! `bench/chaos`: mixed traffic at a fixed rate while faults are injected in turn, one phase
//! per fault; the table goes to `bench/CHAOS.md`.

mod abuse;
mod render;
mod traffic;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrio::protocol::config::{DebridToken, UserConfig};
use ferrio_fakes::{Fakes, Mode, fixtures};
use tokio::task::JoinSet;

use crate::harness::{Redis, Res, Server, client};
use crate::report;
use crate::titles;
use crate::{Options, config_prefix, ferrio_env};
use render::Run;
use traffic::{Sample, Traffic, resolve_route_exists, send_for};

/// Real-Debrid users in the mix: at 10 resolves a second, each makes well under the 250 calls
/// a minute Real-Debrid allows a token.
const RD_USERS: usize = 50;

/// Sizes of a run.
pub(crate) struct Plan {
    pub phase: Duration,
    pub per_second: u32,
    pub deadline_ms: u64,
    pub source_timeout_ms: u64,
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
pub(crate) enum Fault {
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
        Fault::RedisKilled => redis.stop(),
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
    let run = Run {
        phases: &phases,
        samples: &samples,
        idle,
        rss: &rss,
        resolves,
        plan: &plan,
        elapsed,
        quick: options.quick,
    };
    let (mut text, ok) = run.render();
    drop(server);
    eprintln!("chaos: abuse");
    let (abuse, abuse_ok) = abuse::run(options, &fakes).await?;
    text.push_str(&abuse);
    crate::print(&text);
    report::write(&options.out, &text)?;
    // The abuse checks hold in quick mode too: they are about limits, not speed.
    Ok(ok && abuse_ok)
}
