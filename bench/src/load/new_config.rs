//! The warm path real users take: a title whose source answers are cached, asked for under a
//! config no earlier request used (every user has an install URL of their own), so the
//! rendered-answer cache misses and everything after the sources runs: filtering, sorting,
//! limiting and rendering the title's releases. Compared, in the same run and on the same
//! title, with the rendered-answer path (the same URL again).

use std::path::Path;
use std::time::Duration;

use ferrio_fakes::fixtures;

use super::{Bench, median_run};
use crate::harness::{Res, Server};
use crate::quiet;
use crate::report::{Row, Verdict, ms};
use crate::wrk::{self, WrkRun};

/// Connections for these rows: a few hundred users opening titles, not a flood.
pub(super) const NEW_CONFIG_CONNECTIONS: u32 = 16;
/// New-config requests/s relative to the rendered-answer path on the same title.
const NEW_CONFIG_RATIO_MIN: f64 = 0.1;
/// p99 of a new-config request.
const NEW_CONFIG_P99_MAX: Duration = Duration::from_millis(10);

/// A title of the new-config rows.
#[derive(Debug, Clone, Copy)]
pub(super) enum Size {
    /// Game of Thrones S01E01: 250 releases over DMM and Torrentio.
    Big,
    /// The Shawshank Redemption: 8 releases over the three sources.
    Small,
}

impl Size {
    pub(super) fn path(self) -> String {
        match self {
            Self::Big => format!(
                "/stream/series/{}.json",
                fixtures::BIG_EPISODE_ID.replace(':', "%3A")
            ),
            Self::Small => format!("/stream/movie/{}.json", fixtures::MOVIE_ID),
        }
    }

    fn releases(self) -> &'static str {
        match self {
            Self::Big => "250 releases",
            Self::Small => "8 releases",
        }
    }
}

pub(super) fn name(size: Size) -> String {
    format!(
        "Warm, new config, {}: req/s, p50/p99 at {NEW_CONFIG_CONNECTIONS} connections",
        size.releases()
    )
}

pub(super) fn target() -> String {
    format!(
        "≥ {NEW_CONFIG_RATIO_MIN} × the rendered-answer path, p99 < {}",
        ms(NEW_CONFIG_P99_MAX)
    )
}

/// A wrk script that gives every request a config of its own: a keyword no release has, so
/// the list is the same one a real user would get, but no earlier request used the URL.
fn script(path: &str) -> String {
    format!(
        r#"local n = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function request()
  n = n + 1
  local config = '{{"maxResults":30,"excludeKeywords":["zz' .. id .. 'q' .. n .. '"]}}'
  local encoded = string.gsub(config, "[^%w]", function(c)
    return string.format("%%%02X", string.byte(c))
  end)
  return wrk.format("GET", "/" .. encoded .. "{path}")
end
"#
    )
}

/// One row: rendered-answer and new-config runs in alternating rounds on one title, on a quiet
/// machine (measured again once if it was not).
pub(super) async fn new_config(bench: &mut Bench<'_>, server: &Server, size: Size) -> Res<Row> {
    let mut load = quiet::settle(bench.options.quick).await;
    if load.noisy() {
        load = quiet::settle(bench.options.quick).await;
    }
    measure(bench, server, size, load).await
}

async fn measure(
    bench: &mut Bench<'_>,
    server: &Server,
    size: Size,
    load: quiet::Load,
) -> Res<Row> {
    let fixed = format!("{}{}{}", server.base, bench.user, size.path());
    let streams = cached_streams(bench, &fixed).await?;
    let script_file = bench.options.log("new-config.lua");
    std::fs::write(&script_file, script(&size.path())).map_err(|e| e.to_string())?;
    bench.fakes.reset_calls();
    let (rendered, fresh) = rounds(bench, &fixed, &server.base, &script_file).await?;
    let upstream = bench.upstream_calls();
    let ratio = fresh.per_second / rendered.per_second;
    let describe = |run: &WrkRun| {
        format!(
            "{:.0} req/s, p50 {}, p99 {}",
            run.per_second,
            ms(run.p50),
            ms(run.p99)
        )
    };
    let verdict = if upstream > 0 {
        Verdict::Miss(format!(
            "{upstream} upstream calls: the sources were not cached"
        ))
    } else if load.noisy() {
        Verdict::Miss(format!("noisy machine ({})", load.describe()))
    } else if ratio < NEW_CONFIG_RATIO_MIN || fresh.p99 >= NEW_CONFIG_P99_MAX {
        Verdict::Miss(format!("ratio {ratio:.3}, p99 {}", ms(fresh.p99)))
    } else {
        Verdict::Pass
    };
    Ok(Row {
        scenario: name(size),
        ferrio: format!(
            "{} ({streams} streams shown; {})",
            describe(&fresh),
            load.describe()
        ),
        baseline: format!("rendered-answer path: {}", describe(&rendered)),
        ratio: format!("{ratio:.3}"),
        target: target(),
        verdict,
    })
}

/// The title's stream count once its source answers are cached. A first request may miss its
/// deadline while the sources' answers are read (a debug build parses slowly); their answers
/// still land in the cache, so it is asked again until it has streams.
async fn cached_streams(bench: &Bench<'_>, url: &str) -> Res<usize> {
    for _ in 0..120 {
        let streams = bench.streams(url).await?.len();
        if streams > 0 {
            return Ok(streams);
        }
        // Waiting for a cache write in another process: nothing to wait on but time.
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err("the title has no streams: nothing realistic to serve".into())
}

/// The median rendered-answer run and the median new-config run, taken in alternating rounds.
async fn rounds(
    bench: &Bench<'_>,
    fixed: &str,
    base: &str,
    script: &Path,
) -> Res<(WrkRun, WrkRun)> {
    let (mut rendered, mut fresh) = (Vec::new(), Vec::new());
    let length = bench.plan.warm_run;
    for _ in 0..bench.plan.warm_rounds {
        rendered.push(wrk::run(fixed, NEW_CONFIG_CONNECTIONS, length).await?);
        fresh.push(wrk::run_script(base, script, NEW_CONFIG_CONNECTIONS, length).await?);
    }
    for (who, runs) in [("rendered", &rendered), ("new config", &fresh)] {
        if let Some(bad) = runs.iter().find(|r| r.non_2xx > 0 || r.socket_errors > 0) {
            return Err(format!(
                "{who}: {} non-2xx answers and {} socket errors under load",
                bad.non_2xx, bad.socket_errors
            ));
        }
    }
    Ok((median_run(&mut rendered)?, median_run(&mut fresh)?))
}
