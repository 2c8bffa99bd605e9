//! The container build cannot be run here (no engine), so what it depends on is checked from
//! the files: the Dockerfile's dependency stage copies every workspace member's manifest and
//! stubs every target the member declares, `.dockerignore` keeps those manifests in the build
//! context, and the image builds only the `ferrio` binary.

use std::path::Path;

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The members listed in the root manifest's `[workspace]`, other than the root itself.
fn members() -> Vec<String> {
    let manifest = read("Cargo.toml");
    let line = manifest
        .lines()
        .find(|line| line.trim_start().starts_with("members"))
        .expect("a members line");
    let list = line
        .split_once('[')
        .and_then(|(_, rest)| rest.split_once(']'));
    list.expect("members = [...]")
        .0
        .split(',')
        .map(|member| member.trim().trim_matches('"').to_owned())
        .filter(|member| !member.is_empty() && member != ".")
        .collect()
}

/// The source files a member's targets need: `src/lib.rs` or `src/main.rs` when present, and
/// every `path = "…"` its manifest declares.
fn targets(member: &str) -> Vec<String> {
    let manifest = read(&format!("{member}/Cargo.toml"));
    let mut paths: Vec<String> = manifest
        .lines()
        .filter_map(|line| line.trim().strip_prefix("path = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .filter(|path| path.ends_with(".rs"))
        .map(|path| format!("{member}/{path}"))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for default in ["src/lib.rs", "src/main.rs"] {
        let path = format!("{member}/{default}");
        if root.join(&path).exists() && !paths.contains(&path) {
            paths.push(path);
        }
    }
    paths
}

#[test]
fn the_dependency_stage_stubs_every_workspace_member() {
    let dockerfile = read("Dockerfile");
    let members = members();
    assert!(members.len() >= 3, "members read: {members:?}");
    for member in members {
        assert!(
            dockerfile.contains(&format!("COPY {member}/Cargo.toml {member}/Cargo.toml")),
            "the Dockerfile does not copy {member}/Cargo.toml: cargo cannot load the workspace"
        );
        for target in targets(&member) {
            assert!(
                dockerfile.contains(&format!("> {target}")),
                "the Dockerfile does not stub {target}: cargo cannot load {member}"
            );
        }
    }
}

#[test]
fn the_build_context_keeps_every_members_manifest() {
    let ignore = read(".dockerignore");
    let rules: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    for member in members() {
        let manifest = format!("{member}/Cargo.toml");
        let excluded = rules.iter().any(|rule| {
            *rule == format!("{member}/") || *rule == format!("{member}/*") || *rule == manifest
        });
        let kept_again = rules.contains(&format!("!{manifest}").as_str());
        assert!(
            !excluded || kept_again,
            ".dockerignore leaves {manifest} out of the build context"
        );
    }
}

#[test]
fn the_image_builds_only_the_ferrio_binary() {
    let dockerfile = read("Dockerfile");
    let builds: Vec<&str> = dockerfile
        .lines()
        .filter(|line| line.contains("cargo build"))
        .collect();
    assert_eq!(builds.len(), 2, "{builds:?}");
    for line in builds {
        assert!(
            line.contains("--bin ferrio") && !line.contains("--workspace"),
            "{line}"
        );
    }
}
