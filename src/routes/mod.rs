//! HTTP routes. Every protocol route exists with and without a leading `/{config}` segment;
//! the handlers are the same, and the [`user_config::RequestConfig`] extractor tells them apart.

pub mod assets;
pub mod cleanup;
pub mod client;
pub mod configure;
pub mod manifest;
pub mod ops;
pub mod resolve;
pub mod resources;
pub mod respond;
pub mod user_config;

use crate::telemetry::RouteLabel;
use actix_web::{FromRequest, Handler, Responder, guard, web};

/// GET and HEAD: Stremio's player sends HEAD before GET, and a HEAD answer is a GET answer
/// without its body (actix drops the body).
pub fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A resource labelled with its first pattern, for logs and metrics. The label is the
/// resource's own data, so reading it costs nothing — unlike `match_pattern`, which matches
/// the path against every route again — and it is a pattern, never the path, which carries
/// the user's token.
fn resource(patterns: Vec<String>) -> actix_web::Resource {
    let label = RouteLabel::new(patterns.first().map_or("", String::as_str));
    web::resource(patterns).app_data(label)
}

/// One pattern, as [`resource`] takes them.
fn one(pattern: &str) -> Vec<String> {
    vec![pattern.to_owned()]
}

/// The same route pattern without and with the config segment.
pub fn with_config(pattern: &str) -> Vec<String> {
    vec![pattern.to_owned(), format!("/{{config}}{pattern}")]
}

/// Registers every route. Streams come first: they are most of the traffic, and the router
/// tries resources in order.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource_routes(cfg, "stream", resources::stream);
    cfg.service(resource(one("/healthz")).route(get_or_head().to(ops::healthz)))
        .service(resource(one("/readyz")).route(get_or_head().to(ops::readyz)))
        .service(resource(one("/metrics")).route(web::get().to(ops::metrics)))
        .service(resource(one("/static/{file:.+}")).route(get_or_head().to(assets::serve)))
        .service(resource(one("/")).route(get_or_head().to(configure::root)))
        .service(
            resource(with_config("/configure"))
                .route(get_or_head().to(configure::page))
                .route(web::post().to(configure::submit)),
        )
        .service(
            resource(with_config("/manifest.json")).route(get_or_head().to(manifest::manifest)),
        );
    cfg.service(
        resource(one("/{config}/resolve/realdebrid/{hash}/{file}/{filename}"))
            .route(get_or_head().to(resolve::resolve)),
    )
    .service(
        resource(one(
            "/{config}/rd/cleanup/{action}/{listing}/{expires}/{code}",
        ))
        .route(get_or_head().to(cleanup::clean_up)),
    );
    resource_routes(cfg, "catalog", resources::catalog);
    resource_routes(cfg, "meta", resources::meta);
}

/// `/{resource}/{type}/{id}.json` and `/{resource}/{type}/{id}/{extra}.json`, each with and
/// without config. The resource name is literal so that unknown resources fall through to the
/// JSON 404.
fn resource_routes<F, Args>(cfg: &mut web::ServiceConfig, name: &str, handler: F)
where
    F: Handler<Args> + Clone,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    let mut patterns = with_config(&format!("/{name}/{{type}}/{{id}}.json"));
    patterns.extend(with_config(&format!(
        "/{name}/{{type}}/{{id}}/{{extra}}.json"
    )));
    cfg.service(resource(patterns).route(get_or_head().to(handler)));
}
