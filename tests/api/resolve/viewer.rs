//! The viewer's address on its way to Real-Debrid (`CLIENT_IP_HEADER`), and what a link
//! unrestricted for one address means for another.

use super::{config, is_status_video, location, resolve_path};
use crate::common::{TestApp, spawn_app_with};
use ferrio_fakes::fixtures;

const VIEWER: &str = "81.2.69.160";
const OTHER_VIEWER: &str = "81.2.69.161";

/// Ferrio behind a proxy that sets `Fly-Client-IP`, with a Real-Debrid that sees Ferrio as a
/// hosting provider's address.
async fn behind_fly() -> TestApp {
    let app = spawn_app_with(|env| {
        env.insert("CLIENT_IP_HEADER".into(), "Fly-Client-IP".into());
    })
    .await;
    app.fakes.realdebrid.set_require_client_ip(true);
    app
}

async fn tap_from(app: &TestApp, path: &str, address: &str) -> String {
    let response = app.get_from(path, address).await;
    assert_eq!(response.status().as_u16(), 302, "GET {path}");
    response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned()
}

#[tokio::test]
async fn the_viewers_address_reaches_real_debrid_and_the_link_plays() {
    let app = behind_fly().await;
    let rd = &app.fakes.realdebrid;
    let path = resolve_path(&config(""), fixtures::SHAWSHANK_1080P_SHARED, "-", None);
    let found = tap_from(&app, &path, VIEWER).await;
    assert!(found.contains("/dl/"), "{found}");
    assert_eq!(rd.ip_fields("unrestrict"), vec![Some(VIEWER.to_owned())]);
    assert_eq!(rd.ip_fields("add_magnet"), vec![Some(VIEWER.to_owned())]);
}

#[tokio::test]
async fn a_private_or_missing_address_is_never_sent_and_the_refusal_says_why() {
    let app = behind_fly().await;
    let rd = &app.fakes.realdebrid;
    let path = resolve_path(&config(""), fixtures::SHAWSHANK_REMUX_DV, "-", None);
    let found = tap_from(&app, &path, "10.0.0.7").await;
    assert!(is_status_video(&found, "address-refused"), "{found}");
    let other = resolve_path(&config(""), fixtures::SHAWSHANK_MULTI, "-", None);
    let found = location(&app, &other).await;
    assert!(
        is_status_video(&found, "address-refused"),
        "no header: the proxy's own address is not the viewer's: {found}"
    );
    assert_eq!(rd.ip_fields("unrestrict"), vec![None, None]);
}

#[tokio::test]
async fn each_address_gets_its_own_link_while_the_account_work_is_done_once() {
    let app = behind_fly().await;
    let rd = &app.fakes.realdebrid;
    let path = resolve_path(&config(""), fixtures::SHAWSHANK_1080P_SHARED, "-", None);
    let phone = tap_from(&app, &path, VIEWER).await;
    let tv = tap_from(&app, &path, OTHER_VIEWER).await;
    assert_ne!(
        phone, tv,
        "a link asked for one address is not handed to another"
    );
    assert_eq!(
        tap_from(&app, &path, VIEWER).await,
        phone,
        "kept per address"
    );
    assert_eq!(rd.add_magnet_calls(), 1);
    assert_eq!(rd.list_calls(), 1, "the torrent was prepared once");
    assert_eq!(
        rd.ip_fields("unrestrict"),
        vec![Some(VIEWER.to_owned()), Some(OTHER_VIEWER.to_owned())]
    );
}
