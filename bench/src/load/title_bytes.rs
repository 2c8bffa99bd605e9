//! What one cached popular title costs in memory: the bytes its source answers take in the
//! in-process tier (the same bytes Redis holds, so they are read there), and how many such
//! titles the default `CACHE_MEMORY_MB`'s share for the cache tier holds.

use ferrio::{cache::entry_key, settings::Settings};
use ferrio_fakes::fixtures::{BIG_EPISODE_ID, BIG_SERIES_ID};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Bench;
use super::new_config::Size;
use crate::harness::{Redis, Res, Server};
use crate::report::{Row, Verdict};

pub(super) const NAME: &str = "Memory: one cached 250-release title in the in-process tier";
pub(super) const TARGET: &str = "measured";

/// Fetches the big title through a Redis-backed Ferrio and weighs its entries.
pub(super) async fn title_bytes(bench: &Bench<'_>, server: &Server, redis: &Redis) -> Res<Row> {
    let url = format!("{}{}{}", server.base, bench.user, Size::Big.path());
    bench.streams(&url).await?;
    // The DMM answer covers the season; Torrentio's the episode (see `SourceCache`). A source
    // that outlasts the request's deadline is still fetched and stored after the answer, so
    // the entries are awaited (10 s at most) rather than read at once.
    let (dmm_key, torrentio_key) = (
        entry_key("dmm", &format!("{BIG_SERIES_ID}:1")),
        entry_key("torrentio", BIG_EPISODE_ID),
    );
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let (dmm, torrentio) = loop {
        let sizes = (
            strlen(redis, &dmm_key).await?,
            strlen(redis, &torrentio_key).await?,
        );
        if (sizes.0 > 0 && sizes.1 > 0) || tokio::time::Instant::now() > deadline {
            break sizes;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let bytes = dmm + torrentio;
    if dmm == 0 || torrentio == 0 {
        return Err("the title's source answers are not in Redis".into());
    }
    let defaults =
        Settings::from_iter(Vec::<(String, String)>::new()).map_err(|e| e.to_string())?;
    let (budget, store) = (
        defaults.cache.memory_mb,
        defaults.cache.memory_shares().store,
    );
    let titles = store / bytes;
    Ok(Row {
        scenario: NAME.into(),
        ferrio: format!(
            "{bytes} B (DMM's season answer {dmm} B, Torrentio's episode answer {torrentio} B, \
             MessagePack + LZ4, names' facts included)"
        ),
        baseline: format!(
            "the cache tier's half of CACHE_MEMORY_MB={budget} holds about {titles} such titles"
        ),
        ratio: "—".into(),
        target: TARGET.into(),
        verdict: Verdict::Pass,
    })
}

/// `STRLEN key`, spoken over RESP.
async fn strlen(redis: &Redis, key: &str) -> Res<u64> {
    let address = redis.url().trim_start_matches("redis://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .map_err(|e| format!("redis: {e}"))?;
    let command = format!("*2\r\n$6\r\nSTRLEN\r\n${}\r\n{key}\r\n", key.len());
    stream
        .write_all(command.as_bytes())
        .await
        .map_err(|e| format!("redis: {e}"))?;
    let mut reply = [0u8; 32];
    let read = stream
        .read(&mut reply)
        .await
        .map_err(|e| format!("redis: {e}"))?;
    let text = String::from_utf8_lossy(&reply[..read]);
    text.trim()
        .strip_prefix(':')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("redis answered {text:?} to STRLEN"))
}
