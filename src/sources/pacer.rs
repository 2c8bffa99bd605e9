//! Outbound pacing for DMM: at most one search per interval, served by standing, then fairly.
//!
//! DMM allows about one search per 2 s per client IP and answers 429 beyond that, so Ferrio
//! spaces its own searches instead of finding out the hard way. One queue in arrival order
//! would let whoever sends most book every slot: a few addresses keeping two searches each
//! waiting push everyone else's search past the request deadline. So waiting searches are
//! served by [`Standing`] first — requests that can only be real users' before the rest — and
//! within a standing round-robin over clients: a client's second waiting search goes after
//! every other client's first.

use super::SourceError;
use crate::client_address::ClientKey;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The longest a search waits for its slot, and the backlog kept: at most this much of DMM's
/// pace is queued. A search that would wait longer is refused (`Throttled`) — or, when it has
/// better standing than the last one queued, takes that one's place.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// How likely a search is to be a real user's, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// A subscriber (a token the service accepted), a client whose earlier requests found
    /// releases, or Ferrio's own work.
    Proven,
    /// A client without standing asking about a title something else knows.
    Vouched,
    /// Anything else: what made-up ids look like.
    Unknown,
}

/// Who is waiting for a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Searcher {
    pub client: ClientKey,
    pub standing: Standing,
}

impl Searcher {
    /// Ferrio's own work, which only its own schedule sends.
    pub const BACKGROUND: Self = Self {
        client: ClientKey::BACKGROUND,
        standing: Standing::Proven,
    };
}

/// One waiting search. Ordered by standing, then round (a client's n-th waiting search is in
/// round n past the one being served), then arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Ticket {
    standing: Standing,
    round: u64,
    seq: u64,
    client: ClientKey,
}

#[derive(Default)]
struct Queue {
    /// The earliest instant the next slot may start.
    next: Option<Instant>,
    waiting: BTreeSet<Ticket>,
    /// The last round each client with a waiting search holds.
    rounds: HashMap<ClientKey, u64>,
    served_round: u64,
    seq: u64,
}

/// Hands out call slots at least `interval` apart, to the best waiting search.
pub(crate) struct Pacer {
    interval: Duration,
    queue: Mutex<Queue>,
    /// Woken whenever the first waiting search changes.
    turn: Notify,
}

enum Turn {
    Now,
    At(Instant),
    Later,
    Gone,
}

impl Pacer {
    /// A pacer with slots `interval` apart; a zero interval never waits.
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            queue: Mutex::default(),
            turn: Notify::new(),
        }
    }

    /// Waits for this search's slot. A search dropped while waiting gives its place up.
    pub(crate) async fn wait_turn(
        &self,
        client: ClientKey,
        standing: Standing,
    ) -> Result<(), SourceError> {
        if self.interval.is_zero() {
            return Ok(());
        }
        let ticket = self.enqueue(client, standing)?;
        let _place = Place {
            pacer: self,
            ticket,
        };
        let give_up = Instant::now() + MAX_WAIT;
        loop {
            let notified = self.turn.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let until = match self.turn_of(&ticket) {
                Turn::Now => return Ok(()),
                Turn::Gone => return Err(SourceError::Throttled),
                _ if Instant::now() >= give_up => return Err(SourceError::Throttled),
                Turn::At(slot) => slot.min(give_up),
                Turn::Later => give_up,
            };
            tokio::select! {
                () = tokio::time::sleep_until(until) => {}
                () = &mut notified => {}
            }
        }
    }

    fn enqueue(&self, client: ClientKey, standing: Standing) -> Result<Ticket, SourceError> {
        let mut queue = self.lock();
        let round = queue
            .rounds
            .get(&client)
            .map_or(queue.served_round, |&last| last)
            .max(queue.served_round)
            + 1;
        queue.seq += 1;
        let ticket = Ticket {
            standing,
            round,
            seq: queue.seq,
            client,
        };
        let room = (MAX_WAIT.as_millis() / self.interval.as_millis().max(1)) as usize;
        if queue.waiting.len() >= room {
            // Full: the new search takes the last one's place if it should be served first.
            let last = queue.waiting.last().copied().filter(|last| ticket < *last);
            let last = last.ok_or(SourceError::Throttled)?;
            queue.remove(&last);
            self.turn.notify_waiters();
        }
        queue.waiting.insert(ticket);
        queue.rounds.insert(client, round);
        Ok(ticket)
    }

    fn turn_of(&self, ticket: &Ticket) -> Turn {
        let mut queue = self.lock();
        if !queue.waiting.contains(ticket) {
            return Turn::Gone;
        }
        if queue.waiting.first() != Some(ticket) {
            return Turn::Later;
        }
        let now = Instant::now();
        match queue.next {
            Some(slot) if slot > now => Turn::At(slot),
            _ => {
                queue.remove(ticket);
                queue.served_round = queue.served_round.max(ticket.round);
                queue.next = Some(now + self.interval);
                self.turn.notify_waiters();
                Turn::Now
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Queue {
    fn remove(&mut self, ticket: &Ticket) {
        self.waiting.remove(ticket);
        let client = ticket.client;
        let last = self
            .waiting
            .iter()
            .filter(|t| t.client == client)
            .map(|t| t.round)
            .max();
        match last {
            Some(round) => self.rounds.insert(client, round),
            None => self.rounds.remove(&client),
        };
    }
}

/// A search's place in the queue, given up when it is dropped unserved.
struct Place<'a> {
    pacer: &'a Pacer,
    ticket: Ticket,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let mut queue = self.pacer.lock();
        if queue.waiting.first() == Some(&self.ticket) {
            self.pacer.turn.notify_waiters();
        }
        queue.remove(&self.ticket);
    }
}

#[cfg(test)]
#[path = "pacer_tests.rs"]
mod tests;
