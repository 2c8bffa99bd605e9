//! The benchmark's yardstick: the smallest actix-web server that answers every GET with the
//! bytes Ferrio answered for a warm stream, straight from memory.
//!
//! `bench/run` builds it next to Ferrio and the `bench` driver runs both, in turns, under the same
//! `wrk` load. The ratio of the two removes what the shared machine adds or takes away: what is
//! left is what Ferrio's own work (routing, config, cache, middleware) costs per request.
//!
//! It is an example of the root package rather than a package of its own so that it is built
//! with the very same actix-web, tokio and release profile as Ferrio: a version or profile
//! difference would show up in the ratio as if it were Ferrio's.
//!
//! ```text
//! bench_baseline <port> <body file> <content-type> <cache-control>
//! ```

use actix_web::{App, HttpResponse, HttpServer, http::header, web};

/// The one response, shared by every worker.
struct Canned {
    body: web::Bytes,
    content_type: String,
    cache_control: String,
}

async fn answer(canned: web::Data<Canned>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, canned.content_type.as_str()))
        .insert_header((header::CACHE_CONTROL, canned.cache_control.as_str()))
        // Ferrio sends this on every answer (Stremio calls addons cross-origin).
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(canned.body.clone())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [port, body, content_type, cache_control] = args.as_slice() else {
        eprintln!("usage: bench_baseline <port> <body file> <content-type> <cache-control>");
        std::process::exit(2);
    };
    let port: u16 = port
        .parse()
        .map_err(|_| std::io::Error::other(format!("not a port: {port}")))?;
    let canned = web::Data::new(Canned {
        body: web::Bytes::from(std::fs::read(body)?),
        content_type: content_type.clone(),
        cache_control: cache_control.clone(),
    });
    // Same defaults as Ferrio's server: one worker per core, default backlog and keep-alive.
    HttpServer::new(move || {
        App::new()
            .app_data(canned.clone())
            .default_service(web::to(answer))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
