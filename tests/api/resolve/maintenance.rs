//! The self-hosted maintenance (`RD_MAINTENANCE_TOKENS_FILE`): a dry run only counts what it
//! would do; a live one deletes viruses and retries failed torrents on the seed's schedule
//! (here shortened to seconds), never touching a healthy torrent. The schedule itself, with the
//! clock in the test's hands, is tested in `debrid/maintenance/plan.rs`.

use crate::common::{TestApp, spawn_app_on};
use ferrio::protocol::{
    config::{DebridToken, UserConfig},
    seal::Sealer,
};
use ferrio_fakes::{
    Fakes,
    fixtures::{self, RD_TOKEN},
};
use secrecy::SecretString;
use std::time::Duration;
use tokio::time::Instant;

const SECRET: &str = "maintenance-test-secret-0123456789abcdef";

struct Account {
    healthy: String,
    virus: String,
}

/// The user's account: a healthy torrent, a virus and a `magnet_error`.
fn account(fakes: &Fakes) -> Account {
    let rd = &fakes.realdebrid;
    let healthy = rd.preload(RD_TOKEN, fixtures::SHAWSHANK_1080P_SHARED);
    let virus = rd.preload(RD_TOKEN, fixtures::SHAWSHANK_CAM);
    rd.fail_torrent(RD_TOKEN, &virus, "virus");
    let broken = rd.preload(RD_TOKEN, fixtures::SHAWSHANK_MULTI);
    rd.fail_torrent(RD_TOKEN, &broken, "magnet_error");
    Account { healthy, virus }
}

/// Ferrio with maintenance on for the account, a failed scan every second and retries due at
/// once; the file also holds a line that does not unseal, which is skipped.
async fn maintained(fakes: Fakes, dry_run: bool) -> TestApp {
    let sealer = Sealer::new(&SecretString::from(SECRET));
    let config = UserConfig {
        realdebrid: Some(DebridToken::from(RD_TOKEN.to_owned())),
        ..UserConfig::default()
    };
    let path = crate::common::log_path("maintenance-tokens");
    let lines = format!(
        "# accounts\n\ns.not-a-sealed-config\n{}\n",
        config.encode(Some(&sealer))
    );
    std::fs::write(&path, lines).expect("tokens file written");
    spawn_app_on(fakes, |env| {
        env.insert("CONFIG_SECRET".into(), SECRET.into());
        env.insert(
            "RD_MAINTENANCE_TOKENS_FILE".into(),
            path.display().to_string(),
        );
        env.insert("RD_MAINTENANCE_DRY_RUN".into(), dry_run.to_string());
        env.insert("RD_MAINTENANCE_FAILED_EVERY_SECS".into(), "1".into());
        env.insert("RD_MAINTENANCE_RETRY_AFTER_SECS".into(), "0".into());
    })
    .await
}

/// Waits (20 s at most) until `done` holds.
async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done().await {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn metrics(app: &TestApp) -> String {
    app.metrics().await.text().await.expect("metrics")
}

#[tokio::test]
async fn a_dry_run_counts_what_it_would_do_and_changes_nothing() {
    let fakes = Fakes::start().await;
    account(&fakes);
    let app = maintained(fakes, true).await;
    until("a dry-run retry is counted", async || {
        metrics(&app)
            .await
            .contains(r#"ferrio_rd_maintenance_actions_total{action="retry",mode="dry_run"}"#)
    })
    .await;
    let text = metrics(&app).await;
    assert!(
        text.contains(r#"ferrio_rd_maintenance_actions_total{action="delete",mode="dry_run"}"#),
        "{text}"
    );
    let rd = &app.fakes.realdebrid;
    assert!(rd.deletions(RD_TOKEN).is_empty());
    assert!(rd.magnets().is_empty());
}

#[tokio::test]
async fn a_live_run_deletes_the_virus_and_retries_the_magnet_error_with_a_rebuilt_magnet() {
    let fakes = Fakes::start().await;
    let account = account(&fakes);
    let app = maintained(fakes, false).await;
    let rd = app.fakes.realdebrid.clone();
    until("the magnet_error is retried", async || {
        rd.magnets()
            .iter()
            .any(|m| m.contains(fixtures::SHAWSHANK_MULTI) && m.contains("&tr="))
    })
    .await;
    until("the failed copy is deleted after the re-add", async || {
        rd.deletions(RD_TOKEN)
            .iter()
            .any(|t| t.status == "magnet_error")
    })
    .await;
    let deleted: Vec<String> = rd.deletions(RD_TOKEN).into_iter().map(|t| t.id).collect();
    assert!(deleted.contains(&account.virus), "{deleted:?}");
    assert!(
        !deleted.contains(&account.healthy),
        "a healthy torrent is never touched"
    );
    let config = super::config("");
    let page = app
        .get_json(&format!("/{config}/catalog/other/rd-library.json"), 200)
        .await;
    let description = page["metas"][0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        description.contains("🛠 Maintenance, last pass"),
        "{description}"
    );
}

#[tokio::test]
async fn a_copy_the_maintenance_retried_of_the_users_own_torrent_stays_the_users() {
    let fakes = Fakes::start().await;
    account(&fakes);
    let before: Vec<String> = fakes
        .realdebrid
        .torrents(RD_TOKEN)
        .into_iter()
        .map(|t| t.id)
        .collect();
    let app = maintained(fakes, false).await;
    let rd = app.fakes.realdebrid.clone();
    until("the magnet_error is retried", async || {
        rd.torrents(RD_TOKEN)
            .iter()
            .any(|t| !before.contains(&t.id))
    })
    .await;
    super::health::assert_retried_copy_stays_users(&app, &before).await;
}
