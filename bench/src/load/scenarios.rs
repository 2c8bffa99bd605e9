//! The measurements of `bench/run`, one function per row of the table.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ferrio::protocol::config::{DebridToken, UserConfig};
use ferrio_fakes::{Mode, fixtures};
use serde_json::Value;

use super::*;
use crate::harness::{Memory, Res, Server, why};
use crate::report::{Row, Verdict, median, ms, percentile, verdict};
use crate::titles::{self, Title};
use crate::{config_prefix, wrk};

pub(super) fn memory_row(label: &str, idle: Res<Memory>, after: Res<Memory>) -> Row {
    let scenario = format!("Memory, {label}: RSS idle / peak over the warm run");
    let target = format!("idle ≤ {IDLE_RSS_MAX_MIB} MiB, peak ≤ {PEAK_RSS_MAX_MIB} MiB");
    let (idle, after) = match (idle, after) {
        (Ok(idle), Ok(after)) => (idle, after),
        (Err(error), _) | (_, Err(error)) => return Row::error(&scenario, &target, error),
    };
    let (idle, peak) = (idle.rss_mib(), after.peak_mib());
    Row {
        scenario,
        ferrio: format!("idle {idle:.1} MiB, peak {peak:.1} MiB"),
        baseline: "—".into(),
        ratio: "—".into(),
        verdict: verdict(idle <= IDLE_RSS_MAX_MIB && peak <= PEAK_RSS_MAX_MIB, || {
            format!("idle {idle:.1} / peak {peak:.1} MiB")
        }),
        target,
    }
}

/// Ferrio and the baseline, in alternating `wrk` rounds, on a cached title, on a quiet machine
/// (waited for, twice at most).
pub(super) async fn warm(bench: &mut Bench<'_>, server: &Server, label: &str) -> Res<Row> {
    let mut load = crate::quiet::settle(bench.options.quick).await;
    if load.noisy() {
        load = crate::quiet::settle(bench.options.quick).await;
    }
    let path = format!("{}/stream/movie/{}.json", bench.user, fixtures::MOVIE_ID);
    let url = format!("{}{path}", server.base);
    // Twice: the first fills the cache, the second is served from it.
    bench.streams(&url).await?;
    let response = bench.client.get(&url).send().await.map_err(why)?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let headers = [header("content-type"), header("cache-control")];
    let body = response.bytes().await.map_err(why)?;
    let streams = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["streams"].as_array().map(Vec::len))
        .unwrap_or(0);
    if streams == 0 {
        return Err("the warm title has no streams: nothing realistic to serve".into());
    }
    let body_file: PathBuf = bench.options.log("warm-body.json");
    std::fs::write(&body_file, &body).map_err(|e| e.to_string())?;
    let baseline_bin = bench
        .options
        .baseline
        .as_ref()
        .ok_or("--baseline is required")?;
    let baseline = Server::baseline(
        baseline_bin,
        &body_file,
        [&headers[0], &headers[1]],
        &bench.options.log("baseline.log"),
    )
    .await?;
    let baseline_url = format!("{}{path}", baseline.base);
    bench.fakes.reset_calls();
    let (mut ferrio_runs, mut baseline_runs) = (Vec::new(), Vec::new());
    for _ in 0..bench.plan.warm_rounds {
        ferrio_runs.push(wrk::run(&url, CONNECTIONS, bench.plan.warm_run).await?);
        baseline_runs.push(wrk::run(&baseline_url, CONNECTIONS, bench.plan.warm_run).await?);
    }
    for (who, runs) in [("Ferrio", &ferrio_runs), ("baseline", &baseline_runs)] {
        if let Some(bad) = runs.iter().find(|r| r.non_2xx > 0 || r.socket_errors > 0) {
            return Err(format!(
                "{who} {label}: {} non-2xx answers and {} socket errors under load",
                bad.non_2xx, bad.socket_errors
            ));
        }
    }
    let upstream = bench.upstream_calls();
    // Each round's Ferrio and baseline ran back to back, under the same conditions on a shared
    // machine: the ratio is taken per round, and the median of those is the figure.
    let mut ratios: Vec<f64> = ferrio_runs
        .iter()
        .zip(&baseline_runs)
        .map(|(f, b)| f.per_second / b.per_second)
        .collect();
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios
        .get(ratios.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or_default();
    let ferrio = median_run(&mut ferrio_runs)?;
    let base = median_run(&mut baseline_runs)?;
    let describe = |run: &wrk::WrkRun| {
        format!(
            "{:.0} req/s, p50 {}, p99 {}",
            run.per_second,
            ms(run.p50),
            ms(run.p99)
        )
    };
    Ok(Row {
        scenario: warm_name(label),
        ferrio: format!(
            "{} ({streams} streams, {} B; {})",
            describe(&ferrio),
            body.len(),
            load.describe()
        ),
        baseline: format!("baseline: {}", describe(&base)),
        ratio: format!(
            "{ratio:.2} (rounds: {})",
            ratios
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        target: warm_target(),
        verdict: if load.noisy() {
            Verdict::Miss(format!("noisy machine ({})", load.describe()))
        } else if upstream > 0 {
            Verdict::Miss(format!(
                "not served from cache: {upstream} upstream calls during the runs"
            ))
        } else {
            verdict(ratio >= WARM_RATIO_MIN, || format!("ratio {ratio:.2}"))
        },
    })
}

pub(super) fn median_run(runs: &mut [wrk::WrkRun]) -> Res<wrk::WrkRun> {
    runs.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    runs.get(runs.len().saturating_sub(1) / 2)
        .copied()
        .ok_or_else(|| "no wrk run".to_owned())
}

/// One request at a time over distinct titles, with the sources' latencies.
pub(super) async fn cold(bench: &mut Bench<'_>, server: &Server) -> Res<Row> {
    bench.warm_up(server).await?;
    let titles = bench.take_titles(bench.plan.cold_titles as usize)?;
    bench.cold_latencies(true);
    let mut incomplete = Vec::new();
    let result = async {
        let mut latencies = Vec::new();
        for title in &titles {
            let url = format!("{}{}", server.base, title.stream_path(&bench.user));
            let started = Instant::now();
            let streams = bench.streams(&url).await?;
            latencies.push(started.elapsed());
            if let Err(missing) = holds_every_source(title, &streams) {
                incomplete.push(missing);
            }
        }
        Res::Ok(latencies)
    }
    .await;
    bench.cold_latencies(false);
    let latencies = result?;
    let median = median(&latencies);
    let slowest = bench.latencies()[2];
    let ratio = median.as_secs_f64() / slowest.as_secs_f64();
    Ok(Row {
        scenario: bench.cold_name(),
        ferrio: format!(
            "median {} over {} titles (p90 {})",
            ms(median),
            latencies.len(),
            ms(percentile(&latencies, 90.0))
        ),
        baseline: format!("slowest source: {}", ms(slowest)),
        ratio: format!("{ratio:.2}"),
        target: format!("≤ {COLD_RATIO_MAX}"),
        verdict: match incomplete.first() {
            Some(first) => Verdict::Miss(format!(
                "{} answers lacked a source, e.g. {first}",
                incomplete.len()
            )),
            None => verdict(ratio <= COLD_RATIO_MAX, || format!("ratio {ratio:.2}")),
        },
    })
}

/// 200 requests at once for one title no cache has seen; the fakes count what reached them.
pub(super) async fn burst(bench: &mut Bench<'_>, server: &Server, label: &str) -> Res<Row> {
    bench.warm_up(server).await?;
    let title = bench.take_titles(1)?.remove(0);
    let url = format!("{}{}", server.base, title.stream_path(&bench.user));
    bench.cold_latencies(true);
    bench.fakes.reset_calls();
    let requests = (0..BURST).map(|_| bench.streams(&url));
    let answers = futures::future::join_all(requests).await;
    bench.cold_latencies(false);
    // A request that failed is a measurement that failed; an answer without some source's
    // release is a measured shortcoming.
    let mut incomplete = Vec::new();
    for answer in &answers {
        if let Err(missing) = holds_every_source(&title, answer.as_ref().map_err(Clone::clone)?) {
            incomplete.push(missing);
        }
    }
    let f = &bench.fakes;
    let calls = [
        ("DMM", f.dmm.search_calls()),
        ("YTS", f.yts.calls()),
        ("Torrentio", f.torrentio.calls()),
    ];
    let figures: Vec<String> = calls.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let mut wrong: Vec<String> = calls
        .iter()
        .filter(|(_, n)| *n != BURST_CALLS)
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    if let Some(first) = incomplete.first() {
        wrong.push(format!(
            "{} answers lacked a source, e.g. {first}",
            incomplete.len()
        ));
    }
    Ok(Row {
        scenario: burst_name(label),
        ferrio: format!(
            "{} ({} of {BURST} answers complete)",
            figures.join(", "),
            BURST - incomplete.len()
        ),
        baseline: "—".into(),
        ratio: "—".into(),
        target: burst_target(),
        verdict: verdict(wrong.is_empty(), || wrong.join(", ")),
    })
}

/// Whether an answer holds each source's own release of `title`: proof that every source was
/// asked and waited for.
fn holds_every_source(title: &Title, streams: &[Value]) -> Res<()> {
    let hashes: Vec<&str> = streams
        .iter()
        .filter_map(|s| s["infoHash"].as_str())
        .collect();
    for (source, hash) in [
        ("DMM", &title.dmm_hash),
        ("YTS", &title.yts_hash),
        ("Torrentio", &title.torrentio_hash),
    ] {
        if !hashes.contains(&hash.as_str()) {
            return Err(format!("{}: no {source} release in the answer", title.imdb));
        }
    }
    Ok(())
}

/// Torrentio accepts and never answers; the others answer normally.
pub(super) async fn hung(bench: &mut Bench<'_>, server: &Server) -> Res<Row> {
    bench.warm_up(server).await?;
    let title = bench.take_titles(1)?.remove(0);
    let url = format!("{}{}", server.base, title.stream_path(&bench.user));
    bench.cold_latencies(true);
    bench.fakes.torrentio.set_mode(Mode::Hang);
    let started = Instant::now();
    let answer = bench.streams(&url).await;
    let elapsed = started.elapsed();
    bench.fakes.torrentio.set_mode(Mode::Normal);
    bench.cold_latencies(false);
    let streams = answer?;
    let hashes: Vec<&str> = streams
        .iter()
        .filter_map(|s| s["infoHash"].as_str())
        .collect();
    let others = [&title.dmm_hash, &title.yts_hash, &title.shared_hash]
        .iter()
        .all(|hash| hashes.contains(&hash.as_str()));
    let deadline = Duration::from_millis(bench.plan.deadline_ms);
    let in_time = elapsed <= deadline + DEADLINE_SLACK;
    Ok(Row {
        scenario: HUNG_NAME.into(),
        ferrio: format!("answered in {} with {} streams", ms(elapsed), streams.len()),
        baseline: format!(
            "deadline {} (source timeout {})",
            ms(deadline),
            ms(Duration::from_millis(bench.plan.source_timeout_ms))
        ),
        ratio: format!("{:.2}", elapsed.as_secs_f64() / deadline.as_secs_f64()),
        target: HUNG_TARGET.into(),
        verdict: verdict(in_time && others, || {
            if in_time {
                "DMM's or YTS's releases are missing".into()
            } else {
                format!("{} after the deadline", ms(elapsed - deadline))
            }
        }),
    })
}

/// A lone resolution, then 20 GETs and a HEAD at once; Real-Debrid calls counted by its fake.
pub(super) async fn resolve(bench: &mut Bench<'_>, server: &Server) -> Res<Row> {
    let prefix = config_prefix(&UserConfig {
        realdebrid: Some(DebridToken::from(fixtures::RD_TOKEN.to_owned())),
        ..UserConfig::default()
    });
    let file = "Bench.Movie.2020.1080p.BluRay.x264-GRP.mkv";
    let rd = &bench.fakes.realdebrid;
    let url = |label: &str| {
        let hash = titles::hash(label);
        rd.set_cached(&hash, true);
        rd.set_torrent_files(&hash, vec![(format!("/{file}"), 2_147_483_648)]);
        format!("{}{prefix}/resolve/realdebrid/{hash}/-/{file}", server.base)
    };
    let (lone_url, burst_url) = (url("resolve-lone"), url("resolve-burst"));

    rd.reset_calls();
    let lone = bench.client.get(&lone_url).send().await.map_err(why)?;
    let status = lone.status();
    let body = lone.text().await.unwrap_or_default();
    if status == 404 && body.contains("\"not found\"") {
        return Ok(Row::unavailable(
            RESOLVE_NAME,
            RESOLVE_TARGET,
            "route missing",
        ));
    }
    if !status.is_redirection() {
        return Err(format!("a lone resolve answered {status}: {body}"));
    }
    let lone_calls = rd.calls();

    rd.reset_calls();
    let gets = (0..RESOLVE_GETS).map(|_| bench.client.get(&burst_url).send());
    let head = bench.client.head(&burst_url).send();
    let (gets, head) = tokio::join!(futures::future::join_all(gets), head);
    let mut statuses = Vec::new();
    for answer in gets.into_iter().chain([head]) {
        statuses.push(answer.map_err(why)?.status());
    }
    if let Some(bad) = statuses.iter().find(|s| !s.is_redirection()) {
        return Err(format!("a resolve in the burst answered {bad}"));
    }
    let calls = rd.calls();
    let breakdown = format!(
        "addMagnet {}, info {}, selectFiles {}, unrestrict {}, list {}",
        rd.add_magnet_calls(),
        rd.info_calls(),
        rd.select_files_calls(),
        rd.unrestrict_calls(),
        rd.list_calls()
    );
    Ok(Row {
        scenario: RESOLVE_NAME.into(),
        ferrio: format!(
            "{calls} RD calls ({breakdown}); all {} redirected",
            statuses.len()
        ),
        baseline: format!("one lone resolution: {lone_calls} RD calls"),
        ratio: format!("{:.2}", calls as f64 / lone_calls.max(1) as f64),
        target: RESOLVE_TARGET.into(),
        verdict: verdict(calls <= lone_calls && lone_calls > 0, || {
            format!("{calls} calls for one resolution that alone takes {lone_calls}")
        }),
    })
}
