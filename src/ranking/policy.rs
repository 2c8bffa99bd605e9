//! The user's quality policy: the order qualities are shown in, and the floor below which
//! releases are hidden unless nothing better exists.
//!
//! - `preferredQualities` orders the list by position first (`["1080p","2160p","720p"]`);
//!   qualities not listed follow, best first.
//! - `targetQuality` is a shorthand: that quality, then the lower ones best first, then the
//!   higher ones from the nearest up. Cams, telesyncs and screeners stay last, as in every
//!   order unless the user lists them.
//! - `minQuality` hides releases below it — unless no release at or above it survived every
//!   other filter, in which case the lower ones are shown, each with a note saying so
//!   (`lowerUntilBetter`, on by default; off makes the floor strict). The floor is judged on
//!   the merged list of all sources, and on likely-cached releases only with `cachedOnly`.

use super::Release;
use crate::protocol::config::{Quality, UserConfig};

/// A rank per quality, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualityOrder {
    /// Indexed by the quality's position in [`Quality::BEST_FIRST`].
    ranks: [u8; 8],
    /// Qualities the user placed themselves: not sent last for being cam-like.
    placed: [bool; 8],
}

impl QualityOrder {
    /// The order a config asks for (best first when it asks for none).
    pub fn of(config: &UserConfig) -> Self {
        let listed: Vec<Quality> = match (&config.preferred_qualities, config.target_quality) {
            (preferred, _) if !preferred.is_empty() => preferred.clone(),
            (_, Some(target)) => around(target),
            _ => Vec::new(),
        };
        let mut order = Self {
            ranks: [u8::MAX; 8],
            placed: [false; 8],
        };
        let unlisted = Quality::BEST_FIRST
            .into_iter()
            .filter(|q| !listed.contains(q));
        for (rank, quality) in listed.iter().copied().chain(unlisted).enumerate() {
            let at = index(quality);
            if order.ranks[at] == u8::MAX {
                order.ranks[at] = u8::try_from(rank).unwrap_or(u8::MAX);
            }
        }
        for quality in &config.preferred_qualities {
            order.placed[index(*quality)] = true;
        }
        order
    }

    /// The quality's place in the list: lower comes first.
    pub fn rank(&self, quality: Quality) -> u8 {
        self.ranks[index(quality)]
    }

    /// Whether releases of this quality go after all others whatever the sort (a cam, a
    /// telesync or a screener the user did not ask for by name).
    pub fn sends_last(&self, quality: Quality) -> bool {
        quality <= Quality::Screener && !self.placed[index(quality)]
    }
}

/// `target`, the lower qualities best first, then the higher ones nearest first; cam-like
/// sources are left to follow (unlisted, best first).
fn around(target: Quality) -> Vec<Quality> {
    let lower = Quality::BEST_FIRST
        .into_iter()
        .filter(|q| *q < target && *q > Quality::Screener);
    let higher = Quality::BEST_FIRST
        .into_iter()
        .rev()
        .filter(|q| *q > target);
    std::iter::once(target).chain(lower).chain(higher).collect()
}

fn index(quality: Quality) -> usize {
    Quality::BEST_FIRST
        .iter()
        .position(|q| *q == quality)
        .unwrap_or(0)
}

/// What the floor did to a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Floor {
    /// No floor, or nothing below it.
    #[default]
    Held,
    /// Nothing at or above the minimum: the lower releases are shown, with a note.
    GaveWay(Quality),
}

/// Applies `minQuality` to releases that passed every other filter.
pub fn apply_floor<T>(
    items: Vec<T>,
    config: &UserConfig,
    release: impl Fn(&T) -> &Release,
) -> (Vec<T>, Floor) {
    let Some(minimum) = config.min_quality else {
        return (items, Floor::Held);
    };
    let reaches = |item: &T| release(item).info.quality >= minimum;
    if items.iter().any(reaches) {
        return (items.into_iter().filter(reaches).collect(), Floor::Held);
    }
    if config.lower_until_better && !items.is_empty() {
        (items, Floor::GaveWay(minimum))
    } else {
        (Vec::new(), Floor::Held)
    }
}

impl Floor {
    /// The one-line note shown on each release when the floor gave way.
    pub fn note(self) -> Option<String> {
        match self {
            Self::Held => None,
            Self::GaveWay(minimum) => Some(format!(
                "⬇ below your minimum ({}): nothing better is available yet",
                minimum.label()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ranking::testing::{GB, release, titles};
    use Quality::*;

    fn order(config: UserConfig) -> Vec<Quality> {
        let order = QualityOrder::of(&config);
        let mut all = Quality::BEST_FIRST.to_vec();
        all.sort_by_key(|q| order.rank(*q));
        all
    }

    #[test]
    fn without_preferences_the_order_is_best_first() {
        assert_eq!(order(UserConfig::default()), Quality::BEST_FIRST.to_vec());
    }

    #[test]
    fn preferred_qualities_come_exactly_as_listed_then_the_rest_best_first() {
        let config = UserConfig {
            preferred_qualities: vec![Hd1080, Uhd2160, Hd720],
            ..UserConfig::default()
        };
        assert_eq!(
            order(config),
            [Hd1080, Uhd2160, Hd720, Qhd1440, Sd, Screener, TeleSync, Cam]
        );
    }

    #[test]
    fn a_target_comes_first_then_lower_then_higher_and_cams_last() {
        let config = UserConfig {
            target_quality: Some(Hd1080),
            ..UserConfig::default()
        };
        assert_eq!(
            order(config),
            [Hd1080, Hd720, Sd, Qhd1440, Uhd2160, Screener, TeleSync, Cam]
        );
        let listed_cam = QualityOrder::of(&UserConfig {
            preferred_qualities: vec![Cam],
            ..UserConfig::default()
        });
        assert!(
            !listed_cam.sends_last(Cam),
            "listed by name: the user's choice"
        );
        assert!(listed_cam.sends_last(TeleSync));
    }

    #[test]
    fn the_floor_hides_lower_releases_while_one_reaches_it() {
        let config = UserConfig {
            min_quality: Some(Hd1080),
            ..UserConfig::default()
        };
        let list = vec![release("A.720p", 5, GB), release("B.1080p", 5, GB)];
        let (kept, floor) = apply_floor(list, &config, |r| r);
        assert_eq!((titles(&kept), floor), (vec!["B.1080p"], Floor::Held));
    }

    #[test]
    fn the_floor_gives_way_when_nothing_reaches_it_unless_strict() {
        let lower = || vec![release("A.720p", 5, GB), release("B.DVDRip", 5, GB)];
        let config = UserConfig {
            min_quality: Some(Hd1080),
            ..UserConfig::default()
        };
        let (kept, floor) = apply_floor(lower(), &config, |r| r);
        assert_eq!(titles(&kept), ["A.720p", "B.DVDRip"]);
        assert_eq!(floor, Floor::GaveWay(Hd1080));
        assert!(floor.note().is_some_and(|note| note.contains("1080p")));
        let strict = UserConfig {
            lower_until_better: false,
            ..config
        };
        let (kept, floor) = apply_floor(lower(), &strict, |r| r);
        assert!(kept.is_empty());
        assert_eq!(floor, Floor::Held);
    }
}
