//! Ferrio judged by Stremio's own npm tooling and by a real browser, against the real binary.
//!
//! - `tests/node/conformance.mjs`: `stremio-addon-linter` on the manifests, and
//!   `stremio-addon-client` fetching a catalog and streams through its HTTP transport.
//! - `tests/node/configure-page.mjs`: the configure page in headless Chromium; the config it
//!   saves is decoded here and compared with what was chosen.
//!
//! They need `tests/node/node_modules` (`npm ci --prefix tests/node`) and `/usr/bin/chromium`,
//! which `.ci/run` installs. When either is missing the tests fail and say so: a skipped
//! conformance test would look like a passing one.

use ferrio::protocol::config::{DebridToken, Quality, SortOrder, SourceId, UserConfig};
use ferrio::protocol::seal::Sealer;
use secrecy::SecretString;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
/// A token of the right shape; the Real-Debrid fake does not know it, and nothing here calls it.
const TOKEN: &str = "FAKEtoken1234567890abcdef";
const SECRET: &str = "conformance-test-secret-of-32-bytes+";

fn node_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node")
}

/// Fails (never skips) when the Node tooling or Chromium is not installed.
fn require_tooling(needs_chromium: bool) {
    let modules = node_dir().join("node_modules");
    for package in [
        "stremio-addon-linter",
        "stremio-addon-client",
        "playwright-core",
    ] {
        assert!(
            modules.join(package).is_dir(),
            "{} is missing: run `.ci/run` (or `npm ci --prefix tests/node`) to install the \
             Node test tooling",
            modules.join(package).display()
        );
    }
    let node = std::process::Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|output| output.status.success()),
        "`node` is not on PATH: install Node.js 20+ and run `.ci/run`"
    );
    if needs_chromium {
        assert!(
            Path::new(CHROMIUM).exists(),
            "{CHROMIUM} is missing: run `.ci/run` (or `apt-get install -y chromium`)"
        );
    }
}

/// Runs `node <script> <args…>` from `tests/node`, with a deadline; returns stdout, and fails
/// with everything the script printed, and the end of the server's log, when it exits non-zero.
async fn run_node(app: &crate::common::BinaryApp, script: &str, args: &[&str]) -> String {
    let mut command = tokio::process::Command::new("node");
    command
        .arg(node_dir().join(script))
        .args(args)
        .current_dir(node_dir())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(180), command.output())
        .await
        .unwrap_or_else(|_| panic!("node {script} did not finish within 180 s"))
        .expect("node starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        let logs = app.logs();
        let tail: Vec<&str> = logs.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "node {script} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n\
             --- last lines of the server's log\n{}",
            output.status,
            tail.join("\n")
        );
    }
    // Shown with `--nocapture`: what was checked.
    eprintln!("{stdout}{stderr}");
    stdout
}

/// What `configure-page.mjs` chooses: torrentio off, cam and 480p excluded, at most 8 GB,
/// sorted by seeders, and a token; everything else untouched.
fn chosen_config() -> UserConfig {
    UserConfig {
        sources: BTreeSet::from([SourceId::Dmm, SourceId::Yts]),
        realdebrid: Some(DebridToken::from(TOKEN.to_owned())),
        exclude_qualities: BTreeSet::from([Quality::Cam, Quality::Sd]),
        max_size_gb: Some(8.0),
        sort: SortOrder::Seeders,
        ..UserConfig::default()
    }
}

/// The segments `configure-page.mjs` prints as `{"segment": "…", "resaved": "…"}`: the config
/// the form saved, and the same form reopened from it and saved again unchanged.
fn printed_segments(stdout: &str) -> [String; 2] {
    let line = stdout
        .lines()
        .rev()
        .find(|line| line.trim_start().starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON line on stdout: {stdout}"));
    let printed: serde_json::Value = serde_json::from_str(line).expect("stdout line is JSON");
    ["segment", "resaved"].map(|key| {
        printed[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key} in {line}"))
            .to_owned()
    })
}

/// Neither the token nor the config segment that carries it may reach the logs.
fn assert_logs_are_clean(app: &crate::common::BinaryApp, segment: &str) {
    let logs = app.logs();
    assert!(!logs.is_empty(), "the binary logged nothing");
    assert!(!logs.contains(TOKEN), "the token was logged");
    assert!(!logs.contains(segment), "the config segment was logged");
}

#[tokio::test]
async fn stremio_addon_linter_and_client_accept_the_addon() {
    require_tooling(false);
    let app = crate::common::spawn_binary(|_| {}).await;
    let stdout = run_node(&app, "conformance.mjs", &[&app.address]).await;
    assert!(stdout.contains("0 failed"), "{stdout}");
}

#[tokio::test]
async fn the_linter_and_client_accept_the_discovery_catalogs_and_rows() {
    require_tooling(false);
    let fakes_keys = ferrio_fakes::Fakes::discovery_keys();
    let app = crate::common::spawn_binary(|env| {
        for (name, value) in fakes_keys {
            env.insert(name.to_owned(), value);
        }
        env.insert("PREWARM_TOP_N".into(), "0".into());
    })
    .await;
    let stdout = run_node(&app, "conformance.mjs", &[&app.address, "discovery"]).await;
    assert!(stdout.contains("0 failed"), "{stdout}");
}

#[tokio::test]
async fn the_configure_page_works_in_a_real_browser() {
    require_tooling(true);
    let app = crate::common::spawn_binary(|_| {}).await;
    let stdout = run_node(&app, "configure-page.mjs", &[&app.address, TOKEN]).await;
    for segment in printed_segments(&stdout) {
        assert_eq!(
            UserConfig::decode(&segment, None).expect("the segment decodes"),
            chosen_config()
        );
        assert_logs_are_clean(&app, &segment);
    }
}

#[tokio::test]
async fn the_configure_page_seals_in_a_real_browser() {
    require_tooling(true);
    let app = crate::common::spawn_binary(|env| {
        env.insert("CONFIG_SECRET".into(), SECRET.into());
    })
    .await;
    let stdout = run_node(&app, "configure-page.mjs", &[&app.address, TOKEN]).await;
    let sealer = Sealer::new(&SecretString::from(SECRET.to_owned()));
    for segment in printed_segments(&stdout) {
        assert!(segment.starts_with("s."), "not sealed: {segment}");
        assert!(!segment.contains(TOKEN));
        assert_eq!(
            UserConfig::decode(&segment, Some(&sealer)).expect("the segment opens"),
            chosen_config(),
            "the token was not kept through the reopened form"
        );
        assert_logs_are_clean(&app, &segment);
    }
}

/// `.env.example` lists every setting of `src/settings/env.rs` (documented there as
/// `` /// `NAME`: ``), and the values it shows are the real defaults.
#[test]
fn env_example_lists_every_setting_with_its_default() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join(".env.example")).expect(".env.example");
    let vars: Vec<(String, String)> = example
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (name, value) = line
                .split_once('=')
                .unwrap_or_else(|| panic!(".env.example: `{line}` is not NAME=value"));
            (name.to_owned(), value.to_owned())
        })
        .collect();

    let source =
        std::fs::read_to_string(root.join("src/settings/env.rs")).expect("settings/env.rs");
    let documented: Vec<&str> = source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("/// `"))
        .filter_map(|rest| rest.split_once("`:").map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        })
        .collect();
    assert!(
        documented.len() >= 10,
        "found {documented:?} in settings/env.rs"
    );
    for name in &documented {
        assert!(
            vars.iter().any(|(var, _)| var == name),
            "{name} is a setting but .env.example does not list it: add it with its default"
        );
    }

    let settings_vars: Vec<(String, String)> = vars
        .into_iter()
        .filter(|(name, _)| name != "RUST_LOG")
        .collect();
    for (name, _) in &settings_vars {
        assert!(
            documented.contains(&name.as_str()),
            ".env.example lists {name}, which src/settings/env.rs does not read"
        );
    }
    let shown = ferrio::settings::Settings::from_iter(settings_vars).expect("example is valid");
    let defaults = ferrio::settings::Settings::from_iter(Vec::new()).expect("defaults are valid");
    assert_eq!(
        format!("{shown:?}"),
        format!("{defaults:?}"),
        ".env.example shows values other than the defaults"
    );
}
