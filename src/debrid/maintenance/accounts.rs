//! The accounts the maintenance looks after: `RD_MAINTENANCE_TOKENS_FILE`, one sealed config
//! per line (the `s.…` segment of an install link), so no token is ever stored in clear.

use crate::protocol::{config::DebridToken, config::UserConfig, seal::Sealer};
use std::path::Path;

/// The tokens of the file's lines that unseal and carry one. A line that does not is reported
/// (by number, never by content) and skipped; blank lines and `#` comments are ignored.
pub fn read(path: &Path, sealer: Option<&Sealer>) -> Vec<DebridToken> {
    let Some(sealer) = sealer else {
        tracing::error!(
            "maintenance off: RD_MAINTENANCE_TOKENS_FILE needs CONFIG_SECRET to unseal its lines"
        );
        return Vec::new();
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            tracing::error!(%error, "maintenance off: RD_MAINTENANCE_TOKENS_FILE cannot be read");
            return Vec::new();
        }
    };
    let mut tokens = Vec::new();
    for (number, line) in text
        .lines()
        .enumerate()
        .map(|(at, line)| (at + 1, line.trim()))
    {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let token = line
            .starts_with("s.")
            .then(|| UserConfig::decode(line, Some(sealer)).ok())
            .flatten()
            .and_then(|config| config.realdebrid);
        match token {
            Some(token) => {
                if !tokens
                    .iter()
                    .any(|known: &DebridToken| known.expose() == token.expose())
                {
                    tokens.push(token);
                }
            }
            None => tracing::warn!(
                line = number,
                "maintenance: a line of RD_MAINTENANCE_TOKENS_FILE is not a sealed config with a Real-Debrid token; skipped"
            ),
        }
    }
    tracing::info!(accounts = tokens.len(), "maintenance: accounts read");
    tokens
}
