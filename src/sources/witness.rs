//! Whether a title is real before a shared budget is spent on it. Any id below `IMDB_ID_MAX`
//! looks like a title, so a client could send made-up ones all day and spend Torrentio's
//! daily quota and DMM's pace on ids nobody knows. What tells a real title from a made-up one
//! is whether anything else knows it: TMDB (the streams layer asks it, and hands the answer
//! in as a [`Witness`]), or another source's releases for it in the same request
//! ([`Corroboration`]). A request without standing (see [`Asker`](super::limits::Asker)) asks
//! Torrentio only once one of them does, and waits for DMM behind the requests that have it.

use super::pacer::Standing;
use futures::future::{BoxFuture, FutureExt, Shared};
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;

/// What a lookup outside the sources says of a title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// It knows the title.
    Yes,
    /// It answered, and does not know it.
    No,
    /// It could not be asked (not configured, failed, out of budget): no evidence either way,
    /// so the title is given the benefit of the doubt — a miss is not a fact.
    CannotSay,
}

/// One lookup of whether a title exists, awaited by every source of a request that needs it
/// and made at most once. Cheap to clone.
#[derive(Clone)]
pub struct Witness(Shared<BoxFuture<'static, Known>>);

impl Witness {
    /// A witness whose verdict `lookup` finds, only when a source first asks for it.
    pub fn new(lookup: impl Future<Output = Known> + Send + 'static) -> Self {
        Self(lookup.boxed().shared())
    }

    /// A witness whose verdict is already known (Ferrio's own work on trending titles:
    /// [`Known::Yes`]; no lookup available: [`Known::CannotSay`]).
    pub fn says(known: Known) -> Self {
        Self::new(std::future::ready(known))
    }

    pub async fn verdict(&self) -> Known {
        self.0.clone().await
    }
}

/// What the request's other sources have said so far.
#[derive(Debug, Clone, Copy, Default)]
struct Heard {
    answered: usize,
    found: bool,
}

/// The other sources of one request, as Torrentio's gate hears them: one [`Teller`] per
/// source, each telling once. Cheap to clone.
#[derive(Clone)]
pub(super) struct Corroboration {
    heard: watch::Receiver<Heard>,
    tellers: usize,
}

/// One source's voice in a [`Corroboration`].
pub(super) struct Teller(watch::Sender<Heard>);

impl Corroboration {
    /// A corroboration by `tellers` sources, and the sender they share.
    pub(super) fn new(tellers: usize) -> (Self, Teller) {
        let (sender, heard) = watch::channel(Heard::default());
        (Self { heard, tellers }, Teller(sender))
    }

    /// Whether the title is known: `witness` knows it (or cannot say), or another source
    /// found releases for it within `patience`.
    pub(super) async fn vouches(&self, witness: &Witness, patience: Duration) -> bool {
        if witness.verdict().await != Known::No {
            return true;
        }
        let mut heard = self.heard.clone();
        let tellers = self.tellers;
        let settled = heard.wait_for(|h| h.found || h.answered >= tellers);
        match tokio::time::timeout(patience, settled).await {
            Ok(Ok(heard)) => heard.found,
            // Every teller gone without a word, or out of patience: nobody vouched.
            _ => false,
        }
    }
}

impl Teller {
    pub(super) fn clone_voice(&self) -> Self {
        Self(self.0.clone())
    }

    /// Tells that this source answered, with releases or without.
    pub(super) fn tell(&self, found: bool) {
        self.0.send_modify(|heard| {
            heard.answered += 1;
            heard.found |= found;
        });
    }
}

/// What one request's sources go by: the witness and the other sources' word. Cheap to
/// clone.
#[derive(Clone)]
pub(super) struct Evidence {
    pub(super) witness: Witness,
    pub(super) corroboration: Corroboration,
}

impl Evidence {
    /// Where a search of a client without standing waits in DMM's queue: behind proven ones,
    /// and, unless the witness knows the title, behind every vouched one too.
    pub(super) async fn standing(&self, proven: bool) -> Standing {
        if proven {
            return Standing::Proven;
        }
        match self.witness.verdict().await {
            Known::Yes => Standing::Vouched,
            Known::No | Known::CannotSay => Standing::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATIENCE: Duration = Duration::from_secs(5);

    #[tokio::test(start_paused = true)]
    async fn a_title_the_witness_knows_or_cannot_judge_is_vouched_for_at_once() {
        let (corroboration, _teller) = Corroboration::new(1);
        for known in [Known::Yes, Known::CannotSay] {
            let before = tokio::time::Instant::now();
            assert!(corroboration.vouches(&Witness::says(known), PATIENCE).await);
            assert_eq!(
                tokio::time::Instant::now(),
                before,
                "{known:?} waits for nobody"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_unknown_title_waits_for_the_other_sources() {
        let unknown = Witness::says(Known::No);
        let (corroboration, teller) = Corroboration::new(2);
        let voice = teller.clone_voice();
        let judged = tokio::spawn({
            let (corroboration, unknown) = (corroboration.clone(), unknown.clone());
            async move { corroboration.vouches(&unknown, PATIENCE).await }
        });
        teller.tell(false);
        voice.tell(true);
        assert!(judged.await.unwrap_or(false), "one source found releases");

        let (corroboration, teller) = Corroboration::new(2);
        teller.tell(false);
        teller.tell(false);
        assert!(
            !corroboration.vouches(&unknown, PATIENCE).await,
            "both found nothing"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn silence_is_not_a_vouch() {
        let unknown = Witness::says(Known::No);
        let (corroboration, teller) = Corroboration::new(1);
        drop(teller);
        assert!(
            !corroboration.vouches(&unknown, PATIENCE).await,
            "teller gone"
        );
        let (corroboration, _teller) = Corroboration::new(1);
        let before = tokio::time::Instant::now();
        assert!(
            !corroboration.vouches(&unknown, PATIENCE).await,
            "never told"
        );
        assert_eq!(tokio::time::Instant::now() - before, PATIENCE);
    }

    #[tokio::test]
    async fn the_lookup_is_made_once_for_every_source_that_asks() {
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = std::sync::Arc::clone(&calls);
        let witness = Witness::new(async move {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Known::Yes
        });
        let other = witness.clone();
        let (a, b) = tokio::join!(witness.verdict(), other.verdict());
        assert_eq!((a, b), (Known::Yes, Known::Yes));
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
