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
    // The DMM answer covers the season; Torrentio's the episode (see `SourceCache`).
    let dmm = strlen(redis, &entry_key("dmm", &format!("{BIG_SERIES_ID}:1"))).await?;
    let torrentio = strlen(redis, &entry_key("torrentio", BIG_EPISODE_ID)).await?;
    let bytes = dmm + torrentio;
    if bytes == 0 {
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
