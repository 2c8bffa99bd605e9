//! A real three-node Redis Cluster on loopback (`redis-server --cluster-enabled yes`, joined
//! with `redis-cli --cluster create`), nothing persisted, every slot served.

use crate::{RedisServer, Res, which};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Masters in the test cluster: the fewest Redis accepts.
const NODES: usize = 3;
/// Redis Cluster talks between nodes on the client port plus this.
const BUS_OFFSET: u16 = 10_000;

/// Three cluster nodes; every one is killed when dropped.
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
    /// Where the nodes keep their `nodes.conf`.
    dir: PathBuf,
}

impl RedisCluster {
    /// Starts the nodes (their logs beside `log`), creates the cluster and waits until every
    /// node says `cluster_state:ok`.
    pub async fn start(log: &Path) -> Res<Self> {
        let cli =
            which("redis-cli").ok_or("redis-cli is not installed (apt-get install redis-tools)")?;
        let dir = log.with_extension("cluster");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut nodes = Vec::with_capacity(NODES);
        for index in 0..NODES {
            let port = cluster_port()?;
            let node_dir = dir.join(index.to_string());
            std::fs::create_dir_all(&node_dir).map_err(|e| e.to_string())?;
            let extra = [
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--cluster-node-timeout",
                "2000",
                "--dir",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .chain([node_dir.display().to_string()])
            .collect();
            let node_log = log.with_extension(format!("node{index}.log"));
            nodes.push(RedisServer::start_on(port, &node_log, extra).await?);
        }
        let cluster = Self { nodes, dir };
        cluster.create(&cli)?;
        cluster.wait_until_ok(&cli).await?;
        Ok(cluster)
    }

    /// The value for `REDIS_CLUSTER_URLS`: every node, comma-separated.
    pub fn urls(&self) -> String {
        let urls: Vec<String> = self.nodes.iter().map(RedisServer::url).collect();
        urls.join(",")
    }

    /// The nodes, for tests that look inside one.
    pub fn nodes(&self) -> &[RedisServer] {
        &self.nodes
    }

    fn create(&self, cli: &Path) -> Res<()> {
        let mut command = Command::new(cli);
        command.arg("--cluster").arg("create");
        for node in &self.nodes {
            command.arg(format!("127.0.0.1:{}", node.port()));
        }
        let output = command
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .output()
            .map_err(|e| format!("redis-cli: {e}"))?;
        output.status.success().then_some(()).ok_or_else(|| {
            format!(
                "redis-cli --cluster create failed: {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }

    async fn wait_until_ok(&self, cli: &Path) -> Res<()> {
        for _ in 0..300 {
            if self.nodes.iter().all(|node| state_ok(cli, node.port())) {
                return Ok(());
            }
            // The nodes agree on the slots over their bus; nothing to await but their word.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err("the Redis Cluster did not reach cluster_state:ok within 15 s".into())
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        self.nodes.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether the node on `port` says the cluster is usable.
fn state_ok(cli: &Path, port: u16) -> bool {
    Command::new(cli)
        .args(["-p", &port.to_string(), "cluster", "info"])
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains("cluster_state:ok"))
}

/// A free port whose cluster bus port (port + 10000) is free too.
fn cluster_port() -> Res<u16> {
    let start = 20_000 + (std::process::id() % 1_000) as u16 * 10;
    let salt = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos() % 5_000) as u16;
    (0..10_000u16)
        .map(|step| 20_000 + (start - 20_000 + salt + step) % 10_000)
        .find(|&port| bindable(port) && bindable(port + BUS_OFFSET))
        .ok_or_else(|| "no free port pair for a cluster node".into())
}

fn bindable(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}
