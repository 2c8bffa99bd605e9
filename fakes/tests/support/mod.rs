//! Shared helpers of the Real-Debrid fake's tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use ferrio_fakes::RealDebridFake;
use ferrio_fakes::fixtures::RD_TOKEN;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A seeded RD fake plus a client that authenticates with [`RD_TOKEN`].
pub struct Rd {
    pub fake: RealDebridFake,
    pub c: reqwest::Client,
}

impl Rd {
    pub async fn start() -> Self {
        Self {
            fake: RealDebridFake::start().await,
            c: reqwest::Client::new(),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let mut req = self
            .c
            .request(method.clone(), format!("{}{path}", self.fake.url()))
            .bearer_auth(RD_TOKEN);
        if method == Method::POST {
            req = req.form(form);
        }
        let r = req.send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let (s, t) = self.call(method, path, form).await;
        (s, serde_json::from_str(&t).unwrap_or(Value::Null))
    }

    pub async fn add(&self, hash: &str) -> String {
        let magnet = format!("magnet:?xt=urn:btih:{hash}&dn=x");
        let (s, v) = self
            .json(Method::POST, "/torrents/addMagnet", &[("magnet", &magnet)])
            .await;
        assert_eq!(s, 201, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    pub async fn info(&self, id: &str) -> Value {
        let (s, v) = self
            .json(Method::GET, &format!("/torrents/info/{id}"), &[])
            .await;
        assert_eq!(s, 200);
        v
    }
}
