//! The one connection an instance keeps to Redis: a single server or a cluster.
//!
//! Both are multiplexed — every request of the instance shares one socket per node, so there
//! is no pool to wait for and no `PING` per checkout, which on a managed Redis a millisecond
//! or two away used to cost as much as the command itself. Both reconnect on their own after
//! a dropped connection, and both are made lazily: Redis being down at start-up is an outage
//! like any other, not a reason not to start.

use redis::{
    Client, Cmd, FromRedisValue, RedisResult,
    aio::{ConnectionManager, ConnectionManagerConfig},
    cluster::{ClusterClient, ClusterConfig},
    cluster_async::ClusterConnection,
};
use std::time::Duration;

/// Where the shared tier lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RedisTarget {
    /// `REDIS_URL`.
    Server(String),
    /// `REDIS_CLUSTER_URLS`: some of the cluster's nodes; the others are discovered.
    Cluster(Vec<String>),
}

impl RedisTarget {
    /// The setting it comes from, for error messages (never the URL: it may hold a password).
    pub fn variable(&self) -> &'static str {
        match self {
            Self::Server(_) => "REDIS_URL",
            Self::Cluster(_) => "REDIS_CLUSTER_URLS",
        }
    }
}

/// How long the connection may take.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budgets {
    /// Opening a connection (`REDIS_CONNECT_TIMEOUT_MS`).
    pub connect: Duration,
    /// One command, from sending it to its answer (`REDIS_TIMEOUT_MS`).
    pub command: Duration,
}

/// The connection. Cheap to clone: clones share the socket(s).
#[derive(Clone)]
pub(crate) enum Connection {
    Server(ConnectionManager),
    Cluster(ClusterConnection),
}

impl Connection {
    /// Prepares the connection without connecting; the first command connects.
    pub fn open(target: &RedisTarget, budgets: Budgets) -> RedisResult<Self> {
        match target {
            RedisTarget::Server(url) => {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(budgets.connect))
                    .set_response_timeout(Some(budgets.command))
                    // Reconnecting is retried by the next command (and by the outage probe),
                    // not by a backoff loop that would hold every command behind it.
                    .set_number_of_retries(0);
                let manager =
                    ConnectionManager::new_lazy_with_config(Client::open(url.as_str())?, config)?;
                Ok(Self::Server(manager))
            }
            RedisTarget::Cluster(urls) => {
                let client = ClusterClient::builder(urls.iter().map(String::as_str))
                    .retries(1)
                    .build()?;
                let config = ClusterConfig::new()
                    .set_connection_timeout(budgets.connect)
                    .set_response_timeout(budgets.command);
                Ok(Self::Cluster(
                    client.get_pending_async_connection_with_config(config),
                ))
            }
        }
    }

    /// Sends one command and reads its answer.
    pub async fn query<R: FromRedisValue>(&self, command: &Cmd) -> RedisResult<R> {
        match self {
            Self::Server(manager) => command.query_async(&mut manager.clone()).await,
            Self::Cluster(cluster) => command.query_async(&mut cluster.clone()).await,
        }
    }
}
