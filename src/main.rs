//! Ferrio's binary: read the settings, start tracing, serve until a signal arrives.

use ferrio::{settings::Settings, startup::Application, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            // Tracing is configured by the settings, so a bad setting is reported plainly.
            eprintln!("ferrio: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(settings.server.log_format);
    match Application::build(settings).await {
        Ok(app) => match app.run_until_stopped().await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(error) => {
                tracing::error!(%error, "server stopped with an error");
                std::process::ExitCode::FAILURE
            }
        },
        Err(error) => {
            tracing::error!(%error, "could not start");
            std::process::ExitCode::FAILURE
        }
    }
}
