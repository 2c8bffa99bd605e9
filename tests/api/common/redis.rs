//! A real `redis-server` for the tests (the test kit's, with panicking calls), plus what only
//! tests need: a client connection and a dump of every key.

use super::log_path;
use ferrio_testkit::RedisServer as Server;

/// A `redis-server` child process owned by a test, killed when dropped.
pub struct RedisServer(Server);

impl RedisServer {
    /// Starts a server on a free port and waits until it answers `PING`.
    pub async fn start() -> Self {
        let server = Server::start(&log_path("redis")).await;
        Self(server.expect("redis-server starts (apt-get install redis-server)"))
    }

    /// The server's port (for a proxy in front of it).
    pub fn port(&self) -> u16 {
        self.0.port()
    }

    /// The URL to put in `REDIS_URL`.
    pub fn url(&self) -> String {
        self.0.url()
    }

    /// Kills the server (an outage: every connection drops at once).
    pub fn stop(&mut self) {
        self.0.stop();
    }

    /// Starts the server again on the same port, empty (nothing is persisted).
    pub async fn restart(&mut self) {
        self.0.restart().await.expect("redis-server restarts");
    }

    /// Freezes the server (`SIGSTOP`): a wedged or overloaded Redis.
    pub fn pause(&self) {
        self.0.pause().expect("SIGSTOP");
    }

    /// Lets a paused server run again (`SIGCONT`).
    pub fn resume(&self) {
        self.0.resume().expect("SIGCONT");
    }

    /// A client connection, for tests that inspect what Ferrio stored.
    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url())
            .expect("valid URL")
            .get_multiplexed_async_connection()
            .await
            .expect("redis answers")
    }

    /// Every key and its value.
    pub async fn dump(&self) -> Vec<(String, Vec<u8>)> {
        let mut connection = self.connection().await;
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg("*")
            .query_async(&mut connection)
            .await
            .expect("KEYS");
        let mut entries = Vec::new();
        for key in keys {
            let value: Option<Vec<u8>> = redis::cmd("GET")
                .arg(&key)
                .query_async(&mut connection)
                .await
                .expect("GET");
            entries.push((key, value.unwrap_or_default()));
        }
        entries
    }
}
