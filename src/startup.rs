//! Building and running the HTTP server.

use crate::{error, routes, settings::Settings, state::AppState, telemetry::RedactedRootSpan};
use actix_cors::Cors;
use actix_web::{
    App, HttpServer,
    dev::Server,
    http::StatusCode,
    middleware::{DefaultHeaders, ErrorHandlers, from_fn},
    web,
};
use std::net::TcpListener;
use tracing_actix_web::TracingLogger;

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("could not bind {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Application {
    /// Binds the listener (port 0 picks a free port) and builds the server.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let address = settings.server.bind_address();
        let listener =
            TcpListener::bind(&address).map_err(|source| StartupError::Bind { address, source })?;
        let local = listener.local_addr()?;
        let state = web::Data::new(AppState::new(settings)?);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::QueryConfig::default().error_handler(|e, _| error::rejection(e)))
                .app_data(web::FormConfig::default().error_handler(|e, _| error::rejection(e)))
                .app_data(web::JsonConfig::default().error_handler(|e, _| error::rejection(e)))
                .app_data(web::PathConfig::default().error_handler(|e, _| error::rejection(e)))
                .configure(routes::configure)
                .default_service(web::to(error::not_found))
                .wrap(
                    ErrorHandlers::new()
                        .handler(StatusCode::METHOD_NOT_ALLOWED, error::method_not_allowed),
                )
                .wrap(from_fn(routes::ops::vary_by_link_headers))
                .wrap(from_fn(routes::ops::record_metrics))
                .wrap(TracingLogger::<RedactedRootSpan>::new())
                // Stremio's web app calls addons cross-origin: every answer allows any origin,
                // and preflights are answered by the CORS middleware.
                .wrap(DefaultHeaders::new().add(("Access-Control-Allow-Origin", "*")))
                .wrap(
                    Cors::default()
                        .allow_any_origin()
                        .send_wildcard()
                        .allow_any_method()
                        .allow_any_header()
                        .max_age(86_400),
                )
        })
        .listen(listener)?
        // Finish requests in flight on SIGTERM/SIGINT, but never hang a deploy.
        .shutdown_timeout(10)
        .run();
        tracing::info!(address = %local, "listening");
        Ok(Self {
            port: local.port(),
            server,
        })
    }

    /// The port the server is bound to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT, then drains requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
