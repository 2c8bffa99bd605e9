//! The where-to-watch rows of a stream list (`whereToWatch`): one `externalUrl` row per
//! service of the user's that offers the title in their region, before the torrents; with
//! `all`, the other services and the cheapest rent or buy after them.

use super::{Listing, Pipeline};
use crate::{
    client_address::ClientKey,
    discovery::{
        availability::{Purchase, Watchable, WhereToWatch},
        model::Kind,
    },
    protocol::{
        config::{UserConfig, WhereToWatch as Rows},
        request::VideoId,
        stream::{Stream, StreamBehaviorHints, StreamSource},
    },
};
use std::time::Duration;

/// The longest a stream list waits for its where-to-watch rows.
const ROWS_DEADLINE: Duration = Duration::from_secs(2);

impl Pipeline {
    /// Where the video's title can be watched, when the user wants rows and discovery is on.
    pub(super) async fn where_to_watch(
        &self,
        video: &VideoId,
        config: &UserConfig,
        client: ClientKey,
    ) -> Option<WhereToWatch> {
        let choice = config.discovery.where_to_watch;
        let nothing_to_show = choice == Rows::Mine && config.discovery.my_services.is_empty();
        if choice == Rows::Off || nothing_to_show || !self.discovery.enabled() {
            return None;
        }
        let asker = self.discovery.asker(config, client);
        let rows = self
            .discovery
            .where_to_watch(Kind::of(video), video.imdb(), &asker);
        // A cold title costs a few calls; the list does not wait longer than this for them
        // (the calls finish in the background and the next list has the rows).
        tokio::time::timeout(ROWS_DEADLINE, rows)
            .await
            .ok()
            .flatten()
    }
}

/// The listing with its rows around it.
pub(super) fn around(listing: Listing, rows: Option<WhereToWatch>, choice: Rows) -> Listing {
    let Some(rows) = rows.filter(|_| !listing.never_cache) else {
        return listing;
    };
    let mut streams: Vec<Stream> = rows.mine.iter().map(service_row).collect();
    streams.extend(listing.streams);
    if choice == Rows::All {
        streams.extend(rows.others.iter().map(service_row));
        streams.extend(rows.purchase.as_ref().map(purchase_row));
    }
    Listing {
        streams,
        never_cache: false,
    }
}

fn service_row(watchable: &Watchable) -> Stream {
    let mut description = watchable.access.label().to_owned();
    if let Some(format) = &watchable.format {
        description.push_str(&format!(" · {format}"));
    }
    if watchable.via_justwatch {
        description.push_str("\nvia JustWatch");
    }
    external(
        format!("📺 {}", watchable.service),
        description,
        &watchable.link,
    )
}

fn purchase_row(purchase: &Purchase) -> Stream {
    let price = purchase
        .price
        .map(|p| format!(" from {p:.2}"))
        .unwrap_or_default();
    let mut description = format!("Rent or buy{price} on {}", purchase.service);
    if purchase.via_justwatch {
        description.push_str("\nvia JustWatch");
    }
    external("🛒 Rent or buy".to_owned(), description, &purchase.link)
}

fn external(name: String, description: String, link: &str) -> Stream {
    Stream {
        name,
        description,
        source: StreamSource::External {
            external_url: link.to_owned(),
        },
        behavior_hints: StreamBehaviorHints::default(),
    }
}
