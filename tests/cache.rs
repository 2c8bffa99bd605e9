//! The cache against a real `redis-server` (started and stopped by the tests): sharing between
//! instances, single-flight, TTLs, stale serving, outages, and `/readyz`.

mod common;

#[path = "cache/app.rs"]
mod app;
#[path = "cache/app_freshness.rs"]
mod app_freshness;
#[path = "cache/app_outage.rs"]
mod app_outage;
#[path = "cache/outage.rs"]
mod outage;
#[path = "cache/ready.rs"]
mod ready;
#[path = "cache/shared.rs"]
mod shared;
#[path = "cache/support.rs"]
mod support;
