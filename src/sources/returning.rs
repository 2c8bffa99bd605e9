//! Clients that have shown they are real users: their requests found releases lately. A
//! made-up id never finds any, so a client that sends only those never gets here, while a
//! household that watched something this week does. The shared budgets keep part of
//! themselves for these clients (DMM's pace, Real-Debrid's new-token cap). Counted per
//! instance: a returning user whose requests land on another instance is, there, a new one
//! until their first find.

use crate::client_address::ClientKey;
use moka::sync::Cache as Moka;
use std::time::Duration;

/// Clients remembered at once; past it the least recently seen are forgotten.
const HELD: u64 = 100_000;
/// How long a client stays returning after its last find.
const FOR: Duration = Duration::from_secs(7 * 24 * 3600);

/// The clients whose requests found releases lately. Cheap to clone.
#[derive(Clone)]
pub struct Returning(Moka<ClientKey, ()>);

impl Default for Returning {
    fn default() -> Self {
        Self(Moka::builder().max_capacity(HELD).time_to_idle(FOR).build())
    }
}

impl Returning {
    /// `client`'s request found releases. A known client is only read (which keeps it): every
    /// stream list passes here, and a read costs less than a write.
    pub fn found(&self, client: ClientKey) {
        if client != ClientKey::BACKGROUND && self.0.get(&client).is_none() {
            self.0.insert(client, ());
        }
    }

    pub fn contains(&self, client: ClientKey) -> bool {
        self.0.contains_key(&client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_returns_once_it_found_something_and_background_never_does() {
        let returning = Returning::default();
        let client = crate::client_address::ClientKeys::for_tests().of("81.2.69.9".parse().ok());
        assert!(!returning.contains(client));
        returning.found(client);
        assert!(returning.contains(client));
        returning.found(ClientKey::BACKGROUND);
        assert!(!returning.contains(ClientKey::BACKGROUND));
    }
}
