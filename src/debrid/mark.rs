//! Marking one account's ranked list: which releases it is offered, with what evidence of
//! being cached, in what order.

use super::verdicts::Verdict;
use super::{
    Debrid,
    evidence::{Evidence, Signals},
    library::LibraryItem,
    target::Target,
};
use crate::{
    protocol::{
        config::{DebridToken, Quality, UserConfig},
        request::VideoId,
    },
    ranking::{Floor, Release, policy},
};

/// What marking needs to know of the request.
pub struct MarkRequest<'a> {
    pub token: &'a DebridToken,
    pub video: &'a VideoId,
    pub config: &'a UserConfig,
}

impl Debrid {
    /// The releases worth offering a user with a token, marked with what is known of their
    /// availability: releases Real-Debrid refused this account lately are left out, those
    /// refused to several accounts go last, `cachedOnly`, `showDownloadLinks` and (with
    /// `cachedOnly`) the quality floor are applied, and likely-cached ones come first.
    pub async fn mark(
        &self,
        releases: Vec<Release>,
        library: &[LibraryItem],
        request: &MarkRequest<'_>,
    ) -> (Vec<Marked>, Floor) {
        let account = self.hasher.hash(request.token);
        let targets: Vec<_> = releases
            .iter()
            .map(|release| Target::of(release, request.video))
            .collect();
        let hashes: Vec<_> = targets.iter().map(|target| target.hash.clone()).collect();
        let torrents: Vec<_> = targets
            .iter()
            .map(|target| (&target.hash, target.file_key()))
            .collect();
        let views = self.availability.views(&torrents, &account);
        let (views, dmm_cached, verdicts) = tokio::join!(
            views,
            self.dmm.cached(request.video.imdb(), &hashes),
            self.verdicts.of_many(&hashes),
        );
        let signals = Signals::new(library, &dmm_cached);
        let mut marked: Vec<Marked> = releases
            .into_iter()
            .zip(targets)
            .zip(views.into_iter().zip(verdicts))
            .filter(|(_, (view, _))| !view.refused_here)
            .map(|((release, target), (view, verdict))| Marked {
                evidence: signals.evidence(&target, &view),
                demoted: view.demoted,
                verdict,
                release,
                target,
            })
            .collect();
        // A virus is hidden — unless every release carries a verdict: then all are shown,
        // each with its note, and the user decides.
        if !marked.iter().all(|entry| entry.verdict.is_some()) {
            marked.retain(|entry| !entry.verdict.is_some_and(Verdict::hides));
        }
        arrange(marked, request.config)
    }
}

/// One ranked release with what is known of its availability.
pub struct Marked {
    pub release: Release,
    pub target: Target,
    pub evidence: Option<Evidence>,
    /// Real-Debrid refused it to several accounts lately: offered last, with a note.
    pub demoted: bool,
    /// What Real-Debrid's terminal statuses said of the torrent (`verdicts.rs`): after the
    /// healthy releases of its quality, with a note.
    pub verdict: Option<Verdict>,
}

/// Applies `cachedOnly` / `showDownloadLinks` and, with `cachedOnly`, the quality floor (only
/// now can it be judged on the releases that remain). Then orders: with `cachedFirst`
/// (the default with a token), likely-cached streams above all others, each group in the
/// user's order; without it, cached streams above uncached ones of the same quality without
/// moving qualities. Demoted releases follow all the others, in the same order among
/// themselves.
fn arrange(mut marked: Vec<Marked>, config: &UserConfig) -> (Vec<Marked>, Floor) {
    if config.cached_only || !config.show_download_links {
        marked.retain(|entry| entry.evidence.is_some());
    }
    let (marked, floor) = if config.cached_only {
        policy::apply_floor(marked, config, |entry| &entry.release)
    } else {
        (marked, Floor::Held)
    };
    let (demoted, kept): (Vec<_>, Vec<_>) = marked.into_iter().partition(|entry| entry.demoted);
    let mut arranged = cached_up(kept, config);
    arranged.extend(cached_up(demoted, config));
    (arranged, floor)
}

/// Likely-cached entries moved up: above everything with `cachedFirst`, else within their
/// quality.
fn cached_up(marked: Vec<Marked>, config: &UserConfig) -> Vec<Marked> {
    if config.cached_first() {
        let (cached, rest): (Vec<_>, Vec<_>) = marked
            .into_iter()
            .partition(|entry| entry.evidence.is_some());
        let judged_last = |entry: &Marked| (entry.verdict.is_some(), false);
        let mut arranged = within_quality(cached, judged_last);
        arranged.extend(within_quality(rest, judged_last));
        arranged
    } else {
        within_quality(marked, |entry| {
            (entry.verdict.is_some(), entry.evidence.is_none())
        })
    }
}

/// Reorders entries within each quality by `key` (false first), leaving every quality's
/// positions where the user's sort put them.
fn within_quality(marked: Vec<Marked>, key: impl Fn(&Marked) -> (bool, bool)) -> Vec<Marked> {
    let qualities: Vec<Quality> = marked
        .iter()
        .map(|entry| entry.release.info.quality)
        .collect();
    let mut slots: Vec<Option<Marked>> = marked.into_iter().map(Some).collect();
    let mut arranged: Vec<Option<Marked>> = (0..slots.len()).map(|_| None).collect();
    for quality in Quality::BEST_FIRST {
        let positions: Vec<usize> = (0..qualities.len())
            .filter(|&i| qualities[i] == quality)
            .collect();
        let mut group: Vec<Marked> = positions.iter().filter_map(|&i| slots[i].take()).collect();
        group.sort_by_key(&key);
        for (position, entry) in positions.into_iter().zip(group) {
            arranged[position] = Some(entry);
        }
    }
    arranged.into_iter().flatten().collect()
}
