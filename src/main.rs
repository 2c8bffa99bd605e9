//! Ferrio's binary: read the settings, start tracing, serve until a signal arrives.

use ferrio::{settings::Settings, startup::Application, telemetry};

/// A warm request builds and drops thousands of small values (a title's releases, filtered,
/// sorted and rendered); glibc's allocator spent about half of such a request's CPU in
/// `malloc`, `free` and consolidation. jemalloc's thread caches take a fraction of that, and
/// keep an idle instance at about 17 MiB (mimalloc, as fast, held 30 MiB from the start).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
