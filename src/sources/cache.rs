//! The sources' answers in the cache: one family per source, keyed by what the source is
//! asked about — never by anything of the user's, so every user shares them and a change of
//! config needs no upstream call (the ranked list is derived from them on each request).

use super::{SourceAnswer, SourceError, SourceTtls};
use crate::{
    cache::{Cache, CacheFamily},
    protocol::{config::SourceId, request::VideoId},
};
use std::future::Future;

type Family = CacheFamily<SourceAnswer, SourceError>;

/// The cached answers of DMM, YTS and Torrentio. Cheap to clone.
#[derive(Clone)]
pub struct SourceCache {
    dmm: Family,
    yts: Family,
    torrentio: Family,
}

impl SourceCache {
    /// The three families, kept as long as `ttls` says.
    pub fn new(cache: &Cache, ttls: &SourceTtls) -> Self {
        let family = |source: SourceId| {
            let ttls = ttls.clone();
            cache
                .family(source.as_str(), move |result| ttls.policy(source, result))
                .keeping_decoded()
                .empty_never_replaces(|answer: &SourceAnswer| answer.candidates.is_empty())
        };
        Self {
            dmm: family(SourceId::Dmm),
            yts: family(SourceId::Yts),
            torrentio: family(SourceId::Torrentio),
        }
    }

    /// The answer of `source` about `video`: cached, or from `fetch`.
    pub async fn get_or_fetch<F, Fut>(
        &self,
        source: SourceId,
        video: &VideoId,
        fetch: F,
    ) -> Result<SourceAnswer, SourceError>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<SourceAnswer, SourceError>> + Send + 'static,
    {
        let family = match source {
            SourceId::Dmm => &self.dmm,
            SourceId::Yts => &self.yts,
            SourceId::Torrentio => &self.torrentio,
        };
        family.get_or_fetch(&key(source, video), fetch).await
    }
}

/// DMM is asked about a whole season (its answer holds every episode's releases), so all
/// episodes of a season share one entry; the others answer per episode.
fn key(source: SourceId, video: &VideoId) -> String {
    match (source, video) {
        (SourceId::Dmm, VideoId::Episode { show, season, .. }) => format!("{show}:{season}"),
        _ => video.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn video(media_type: &str, id: &str) -> VideoId {
        VideoId::parse(media_type, id).expect("valid id")
    }

    #[test]
    fn dmm_entries_are_per_season_and_the_others_per_episode() {
        let episode = video("series", "tt0903747:1:3");
        assert_eq!(key(SourceId::Dmm, &episode), "tt0903747:1");
        assert_eq!(key(SourceId::Torrentio, &episode), "tt0903747:1:3");
        let movie = video("movie", "tt0111161");
        assert_eq!(key(SourceId::Dmm, &movie), "tt0111161");
        assert_eq!(key(SourceId::Yts, &movie), "tt0111161");
    }
}
