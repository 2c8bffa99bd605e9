//! Discovery end to end against the TMDB, Trakt and Watchmode fakes: the five catalogs, the
//! where-to-watch rows, each service's quota, and that nothing of it exists without a key.

mod catalogs;
mod pace;
mod prewarm;
mod quotas;
mod rows;
mod witness;

use crate::common::{TestApp, spawn_app_on};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ferrio_fakes::Fakes;
use serde_json::Value;
use std::collections::BTreeMap;

/// Ferrio with the discovery keys set, plus what `customise` adds.
async fn discovery_app(customise: impl FnOnce(&mut BTreeMap<String, String>)) -> TestApp {
    discovery_app_on(Fakes::start().await, customise).await
}

/// The same on fakes the test already holds (a second instance).
async fn discovery_app_on(
    fakes: Fakes,
    customise: impl FnOnce(&mut BTreeMap<String, String>),
) -> TestApp {
    let keys = Fakes::discovery_keys();
    spawn_app_on(fakes, |env| {
        for (name, value) in keys {
            env.insert(name.to_owned(), value);
        }
        // Background calls would blur the call counts the tests assert; `prewarm.rs` turns it on.
        env.insert("PREWARM_TOP_N".into(), "0".into());
        customise(env);
    })
    .await
}

/// A config segment from JSON fields (without braces).
fn config(fields: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{{{fields}}}"))
}

/// A catalog page's metas, asserting a 200.
async fn metas(
    app: &TestApp,
    config: &str,
    kind: &str,
    id: &str,
    extra: Option<&str>,
) -> Vec<Value> {
    let response = app.catalog(Some(config), kind, id, extra).await;
    assert_eq!(response.status().as_u16(), 200, "{kind}/{id} {extra:?}");
    let body: Value = response.json().await.expect("JSON");
    body["metas"].as_array().expect("metas").clone()
}

fn ids(metas: &[Value]) -> Vec<String> {
    metas
        .iter()
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .collect()
}
