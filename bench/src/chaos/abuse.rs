//! The abuse phase of `bench/chaos`: two anonymous clients — one IPv4 address, and an IPv6 /64
//! whose every request comes from a new address inside it — attack an instance running with
//! the production limits and discovery on: made-up ids, made-up Real-Debrid tokens, a flood of
//! distinct configs on a 250-release title, long search terms, 2 KB regions, and "On my
//! services" in many regions with the services in every order and made-up ones among them.
//! Meanwhile a well-behaved user on another address asks for new titles. Passes when every
//! list the user got was complete (as long as the one the same title gets once the attack is
//! over), the made-up tokens cost at most two clients' allowance of Real-Debrid calls (the /64
//! is one client), the attack got no more of Torrentio's day and TMDB's pace than two clients'
//! shares, and RSS never went past the bound the README states.

use std::time::{Duration, Instant};

use ferrio_fakes::Fakes;
use tokio::task::JoinSet;

use crate::harness::{Res, Server, client, why};
use crate::report::{self, Verdict};
use crate::titles::{self, Title};
use crate::{Options, ferrio_env};

/// The header the driver names each client's address in.
const CLIENT_HEADER: &str = "X-Bench-Client";
const ATTACKER: &str = "81.2.69.66";
/// The /64 the rotating attacker picks a new address in for every request.
const ATTACKER_64: &str = "2a02:8108:1:2";
const USER: &str = "81.2.69.1";
/// Attacking clients: the IPv4 address and the /64.
const ATTACKING_CLIENTS: usize = 2;
/// The in-process memory budget the instance runs with (the default).
const MEMORY_MB: f64 = 128.0;
/// The README's rule: RSS stays under 48 MiB + 1.5 × `CACHE_MEMORY_MB`.
const RSS_BOUND_MIB: f64 = 48.0 + 1.5 * MEMORY_MB;
/// Real-Debrid calls the attack's new tokens may cost: `RD_NEW_TOKENS_PER_CLIENT_HOUR` per
/// attacking client.
const NEW_TOKEN_CALLS_MAX: usize = 10 * ATTACKING_CLIENTS;
/// The shipped `TORRENTIO_CLIENT_DAILY_SHARE` and `TORRENTIO_DAILY_QUOTA`.
const TORRENTIO_SHARE: usize = 200;
const TORRENTIO_QUOTA: usize = 4_500;
/// The shipped `WATCHMODE_CLIENT_DAILY_SHARE`.
const WATCHMODE_SHARE: usize = 10;
/// The shipped `TMDB_CLIENT_CALLS_PER_MINUTE`, and TMDB's pace (30 a second).
const TMDB_SHARE_PER_MINUTE: f64 = 400.0;
const TMDB_PACE_PER_SECOND: f64 = 30.0;
/// Regions the "On my services" attack cycles through (each a cold list once).
const REGIONS: [&str; 8] = ["US", "GB", "DE", "FR", "CA", "AU", "ES", "IT"];

struct Plan {
    length: Duration,
    attackers: usize,
    user_every: Duration,
}

/// Requests one attacking connection sends a second. Bounded: the fakes answer from this very
/// process, and an unbounded loop on loopback would starve them rather than Ferrio (on a real
/// network, an attacker's requests cost it as much as they cost us).
const ATTACK_PER_SECOND: u32 = 50;

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                length: Duration::from_millis(1_500),
                attackers: 4,
                user_every: Duration::from_millis(300),
            }
        } else {
            // The user opens a new title every 3 s: three source calls each, within the 30 a
            // minute one address may cause (`CLIENT_FETCHES_PER_MINUTE`) after its burst.
            Self {
                length: Duration::from_secs(30),
                attackers: 32,
                user_every: Duration::from_secs(3),
            }
        }
    }
}

/// What the phase measured.
struct Outcome {
    attack_requests: usize,
    attack_5xx: usize,
    user_lists: usize,
    user_complete: usize,
    rd_calls: usize,
    source_calls: usize,
    /// Torrentio calls beyond one per title the user asked for: the attack's at least.
    attack_torrentio: usize,
    /// DMM searches beyond one per title the user asked for.
    attack_dmm: usize,
    watchmode_calls: usize,
    tmdb_calls: usize,
    peak_mib: f64,
}

/// Runs the phase on `fakes` (left in normal mode) and returns its report section and verdict.
pub(crate) async fn run(options: &Options, fakes: &Fakes) -> Res<(String, bool)> {
    let plan = Plan::new(options.quick);
    let mut env = ferrio_env(fakes, 5_000, 4_000);
    // Production limits: the driver's own exemptions are taken back, and the client is told
    // by the header, as a proxy would.
    for name in [
        "CLIENT_FETCH_BURST",
        "CLIENT_FETCHES_PER_MINUTE",
        "RD_NEW_TOKENS_PER_CLIENT_HOUR",
        "TORRENTIO_DAILY_QUOTA",
    ] {
        env.remove(name);
    }
    env.insert("CLIENT_IP_HEADER".into(), CLIENT_HEADER.into());
    env.insert("CACHE_MEMORY_MB".into(), format!("{MEMORY_MB}"));
    for (name, value) in Fakes::discovery_keys() {
        env.insert(name.into(), value);
    }
    // Ferrio's own prewarm would blur what the attack cost.
    env.insert("PREWARM_TOP_N".into(), "0".into());
    let server = Server::ferrio(&options.ferrio, env, &options.log("chaos-abuse.log")).await?;
    let user_titles = titles::seed(fakes, 20_000, 200);
    let rd_before = fakes.realdebrid.calls();
    let sources_before = source_calls(fakes);
    let (torrentio_before, tmdb_before) = (fakes.torrentio.stream_calls(), fakes.tmdb.calls());
    let (dmm_before, watchmode_before) = (fakes.dmm.search_calls(), fakes.watchmode.calls());

    let started = Instant::now();
    let mut attacks = JoinSet::new();
    for worker in 0..plan.attackers {
        attacks.spawn(attack(server.base.clone(), worker, started + plan.length));
    }
    let asked = user(
        &server.base,
        &user_titles,
        started + plan.length,
        plan.user_every,
    )
    .await?;
    let mut attack_requests = 0;
    let mut attack_5xx = 0;
    for (sent, failed) in attacks.join_all().await {
        attack_requests += sent;
        attack_5xx += failed;
    }
    let rd_calls = fakes.realdebrid.calls() - rd_before;
    let source_calls = source_calls(fakes) - sources_before;
    let torrentio_calls = fakes.torrentio.stream_calls() - torrentio_before;
    let tmdb_calls = fakes.tmdb.calls() - tmdb_before;
    let dmm_calls = fakes.dmm.search_calls() - dmm_before;
    let watchmode_calls = fakes.watchmode.calls() - watchmode_before;
    let peak_mib = server.memory()?.peak_mib();
    // Once the attack is over, each title the user asked for is asked again: what every source
    // answered is in the cache now, so this is the complete list.
    let mut user_complete = 0;
    for (title, during) in &asked {
        let after = stream_count(&server.base, &title.stream_path(""), USER).await?;
        user_complete += usize::from(*during == after && after > 0);
    }
    let outcome = Outcome {
        attack_requests,
        attack_5xx,
        user_lists: asked.len(),
        user_complete,
        rd_calls,
        source_calls,
        attack_torrentio: torrentio_calls.saturating_sub(asked.len()),
        attack_dmm: dmm_calls.saturating_sub(asked.len()),
        watchmode_calls,
        tmdb_calls,
        peak_mib,
    };
    Ok(outcome.report(&plan))
}

fn source_calls(fakes: &Fakes) -> usize {
    fakes.dmm.search_calls() + fakes.yts.calls() + fakes.torrentio.stream_calls()
}

/// One attacker connection: cycles through the attacks until `end`; (requests, 5xx or
/// unanswered).
async fn attack(base: String, worker: usize, end: Instant) -> (usize, usize) {
    let Ok(client) = client(Duration::from_secs(15)) else {
        return (0, 1);
    };
    let (mut sent, mut failed) = (0, 0);
    let mut ticks = tokio::time::interval(Duration::from_secs(1) / ATTACK_PER_SECOND);
    while Instant::now() < end {
        ticks.tick().await;
        let n = worker * 1_000_000 + sent;
        let kind = n % 7;
        let path = match kind {
            // An id nobody has asked for, below IMDb's frontier: a cold fetch each.
            0 => format!("/stream/movie/tt{}.json", 1_000_000 + n % 30_000_000),
            // A made-up Real-Debrid token.
            1 => format!(
                "/{}/stream/movie/tt0111161.json",
                config(&format!(r#""realdebrid":"FAKE{n:048}""#))
            ),
            // A config nobody used, on a title with 250 releases, plus a query string.
            2 => format!(
                "/{}/stream/series/tt0944947%3A1%3A1.json?n={n}",
                config(&format!(
                    r#""maxResults":{},"sort":"{}""#,
                    n % 500 + 1,
                    ["quality", "size", "seeders"][n % 3]
                ))
            ),
            // A long search term.
            3 => format!(
                "/catalog/movie/yts-search/search={}.json",
                "x".repeat(2_000) + &n.to_string()
            ),
            // A 2 KB region.
            4 => format!(
                "/{}/catalog/movie/trending.json",
                config(&format!(r#""region":"{}""#, "Z".repeat(2_000)))
            ),
            // A real title's list with every where-to-watch row: a Watchmode call when cold.
            5 => format!(
                "/{}/stream/movie/{}.json",
                config(r#""whereToWatch":"all""#),
                movie_ids()[n % movie_ids().len()]
            ),
            // "On my services" in one of many regions, its services in another order each time
            // and a made-up one among them.
            _ => format!(
                "/{}/catalog/movie/on-my-services.json",
                config(&format!(
                    r#""region":"{}","myServices":{}"#,
                    REGIONS[n % REGIONS.len()],
                    services_in_some_order(n)
                ))
            ),
        };
        // Every other made-up id and token comes from a new address in the /64.
        let address = if kind < 2 && n / 7 % 2 == 1 {
            format!(
                "{ATTACKER_64}:{:x}:{:x}::1",
                n % 0xffff,
                n / 0xffff % 0xffff
            )
        } else {
            ATTACKER.to_owned()
        };
        let answered = client
            .get(format!("{base}{path}"))
            .header(CLIENT_HEADER, address)
            .send()
            .await
            .ok()
            .map(|response| response.status());
        sent += 1;
        failed += usize::from(answered.is_none_or(|status| status.is_server_error()));
    }
    (sent, failed)
}

/// The well-behaved user: a new title every `every` until `end`; each title with the number
/// of streams its list had.
async fn user(
    base: &str,
    titles: &[Title],
    end: Instant,
    every: Duration,
) -> Res<Vec<(Title, usize)>> {
    let mut asked = Vec::new();
    let mut ticks = tokio::time::interval(every);
    for title in titles {
        ticks.tick().await;
        if Instant::now() >= end {
            break;
        }
        let count = stream_count(base, &title.stream_path(""), USER).await?;
        asked.push((title.clone(), count));
    }
    Ok(asked)
}

async fn stream_count(base: &str, path: &str, address: &str) -> Res<usize> {
    let client = client(Duration::from_secs(15))?;
    let response = client
        .get(format!("{base}{path}"))
        .header(CLIENT_HEADER, address)
        .send()
        .await
        .map_err(why)?;
    let body: serde_json::Value = response.json().await.map_err(why)?;
    Ok(body["streams"].as_array().map_or(0, Vec::len))
}

/// The IMDb ids of the movies TMDB's fake knows.
fn movie_ids() -> &'static [String] {
    static IDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        ferrio_fakes::fixtures::titles::titles()
            .iter()
            .filter(|t| t.kind == ferrio_fakes::fixtures::titles::Kind::Movie)
            .filter_map(|t| t.imdb.clone())
            .collect()
    })
}

/// Four real TMDB provider ids and a made-up one, rotated by `n`.
fn services_in_some_order(n: usize) -> String {
    let mut ids = vec![8, 9, 337, 15, 1_000_000 + n % 5_000];
    ids.rotate_left(n % 5);
    if n % 2 == 1 {
        ids.reverse();
    }
    format!("{ids:?}").replace(' ', "")
}

/// A percent-encoded JSON config segment with these fields.
fn config(fields: &str) -> String {
    format!("{{{fields}}}")
        .replace('{', "%7B")
        .replace('}', "%7D")
        .replace('"', "%22")
        .replace(':', "%3A")
        .replace(',', "%2C")
        .replace('[', "%5B")
        .replace(']', "%5D")
}

/// TMDB calls its pace allows over the phase.
fn tmdb_pace(plan: &Plan) -> f64 {
    TMDB_PACE_PER_SECOND * plan.length.as_secs_f64()
}

/// TMDB calls the attacking clients' shares allow over the phase: a minute's worth at once,
/// then the per-minute rate.
fn tmdb_bound(plan: &Plan) -> f64 {
    let per_client = TMDB_SHARE_PER_MINUTE * (1.0 + plan.length.as_secs_f64() / 60.0);
    ATTACKING_CLIENTS as f64 * per_client
}

impl Outcome {
    fn report(&self, plan: &Plan) -> (String, bool) {
        let checks = [
            (
                "well-behaved user's lists complete",
                format!("{} of {}", self.user_complete, self.user_lists),
                self.user_lists > 0 && self.user_complete == self.user_lists,
            ),
            (
                "attack requests answered without a 5xx",
                format!(
                    "{} of {}",
                    self.attack_requests - self.attack_5xx,
                    self.attack_requests
                ),
                self.attack_requests > 0 && self.attack_5xx == 0,
            ),
            (
                "Real-Debrid calls the made-up tokens cost (the /64 is one client)",
                format!("{} (at most {NEW_TOKEN_CALLS_MAX})", self.rd_calls),
                self.rd_calls <= NEW_TOKEN_CALLS_MAX,
            ),
            (
                "Torrentio calls the attack got",
                format!(
                    "{} = {:.1} % of the day's {TORRENTIO_QUOTA} (bound: {} clients × {TORRENTIO_SHARE})",
                    self.attack_torrentio,
                    100.0 * self.attack_torrentio as f64 / TORRENTIO_QUOTA as f64,
                    ATTACKING_CLIENTS,
                ),
                self.attack_torrentio <= ATTACKING_CLIENTS * TORRENTIO_SHARE,
            ),
            (
                "Watchmode calls the attack got",
                format!(
                    "{} (bound: {ATTACKING_CLIENTS} clients × {WATCHMODE_SHARE} a day)",
                    self.watchmode_calls
                ),
                self.watchmode_calls <= ATTACKING_CLIENTS * WATCHMODE_SHARE,
            ),
            (
                "TMDB calls during the attack (the user's included)",
                format!(
                    "{} = {:.0} % of TMDB's pace over the phase (bound: {:.0}, {} clients' shares)",
                    self.tmdb_calls,
                    100.0 * self.tmdb_calls as f64 / tmdb_pace(plan),
                    tmdb_bound(plan),
                    ATTACKING_CLIENTS,
                ),
                (self.tmdb_calls as f64) <= tmdb_bound(plan) + self.user_lists as f64,
            ),
            (
                "peak RSS",
                format!("{:.1} MiB (bound {RSS_BOUND_MIB:.0} MiB)", self.peak_mib),
                self.peak_mib <= RSS_BOUND_MIB,
            ),
        ];
        let mut table = String::from("| check | measured | verdict |\n|---|---|---|\n");
        let mut passed = true;
        for (check, measured, ok) in &checks {
            let verdict = report::verdict(*ok, || "missed".into());
            passed &= verdict == Verdict::Pass;
            let shown = if *ok { "**pass**" } else { "**MISS**" };
            table.push_str(&format!("| {check} | {measured} | {shown} |\n"));
        }
        let text = format!(
            "\n## Abuse\n\n\
             A second instance with the production limits (`CACHE_MEMORY_MB={MEMORY_MB}`, \
             in-process cache, the client told by `{CLIENT_HEADER}`). For {}, {} connections \
             from one IPv4 address and one IPv6 /64 (a new address in it for every request), \
             {ATTACK_PER_SECOND} requests a second each, send, in turn: stream requests for \
             made-up ids and stream lists with made-up Real-Debrid tokens (from both), a \
             250-release title with a config nobody used (`maxResults` up to 500, three sorts) \
             and a query string, 2 KB search terms, 2 KB regions, real titles' lists with every \
             where-to-watch row, and \"On my services\" in 8 regions with the services in \
             every order and a made-up one among them. \
             Meanwhile a well-behaved user on another address asks for a new title every {}. \
             The attack sent {} requests and caused {} source calls in all, {} of them DMM \
             searches (DMM is not paced here, as in the phases above; its queue's fairness at \
             the real 2 s pace is tested in `tests/api/discovery/witness.rs`).\n\n{table}",
            report::ms(plan.length),
            plan.attackers,
            report::ms(plan.user_every),
            self.attack_requests,
            self.source_calls,
            self.attack_dmm,
        );
        (text, passed)
    }
}
