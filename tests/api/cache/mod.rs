//! The cache against a real `redis-server` (started and stopped by the tests): sharing between
//! instances, single-flight, TTLs, stale serving, outages, and `/readyz`.

mod app;
mod app_freshness;
mod app_outage;
mod cluster;
mod latency;
mod outage;
mod ready;
mod shared;
mod skew;
mod support;
