//! What Ferrio's integration tests, benchmarks and sandbox start, written once: a free
//! loopback port, child processes that are killed when dropped (with their memory read from
//! `/proc`), a real `redis-server` (alone, behind a proxy that adds latency, or as a three-node cluster), the `ferrio` binary with the environment that points it at
//! the upstream fakes, and waiting until each answers.
//!
//! Every fallible step returns a `Result<_, String>` whose message says what failed; tests
//! `expect` it, the benchmark reports it in its table.

mod cluster;
mod delay;
mod ferrio;
mod process;
mod redis;

pub use cluster::RedisCluster;
pub use delay::DelayProxy;
pub use ferrio::{Ferrio, fakes_env};
pub use process::{Memory, Process, free_port, which};
pub use redis::RedisServer;

/// The result of every step: a message says what failed.
pub type Res<T> = Result<T, String>;
