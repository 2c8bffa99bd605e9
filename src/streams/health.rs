//! The account-health item of the Real-Debrid library catalog (`rd:health`): its preview,
//! its meta, and its clean-up actions as streams whose links run them
//! ([`crate::debrid::cleanup`]).

use super::{Listing, Pipeline, present::LinkBase};
use crate::{
    client_address::ClientKey,
    debrid::{
        cleanup::{Offer, Outcome, PER_TAP, Ticket},
        health::Report,
        maintenance,
    },
    protocol::{
        config::DebridToken,
        library_id::{HEALTH_ID, MEDIA_TYPE},
        meta::{Meta, MetaPreview},
        stream::{Stream, StreamBehaviorHints, StreamSource},
    },
    upstream::UpstreamError,
};

impl Pipeline {
    /// The account's health report, if the token may cost calls and Real-Debrid answers.
    async fn health_report(&self, token: &DebridToken, client: ClientKey) -> Option<Report> {
        self.debrid.admit(token, client).await.ok()?;
        match self.debrid.health.report(token).await {
            Ok(report) => Some(report),
            Err(error) => {
                tracing::info!(reason = error.outcome(), "account health not read");
                None
            }
        }
    }

    /// The health item, first in the catalog's first page.
    pub(super) async fn health_preview(
        &self,
        token: &DebridToken,
        client: ClientKey,
    ) -> Option<MetaPreview> {
        let report = self.health_report(token, client).await?;
        let maintained = self.debrid.maintenance.last_report(token).await;
        Some(preview(&report, maintained))
    }

    /// The health item's meta: one video (the item itself), whose streams are the actions.
    pub async fn health_meta(&self, token: &DebridToken, client: ClientKey) -> Option<Meta> {
        let report = self.health_report(token, client).await?;
        let maintained = self.debrid.maintenance.last_report(token).await;
        Some(Meta {
            preview: preview(&report, maintained),
            background: None,
            videos: Vec::new(),
        })
    }

    /// The clean-up actions the account calls for, as streams; never cached, since their
    /// links expire.
    pub async fn health_streams(
        &self,
        token: &DebridToken,
        client: ClientKey,
        links: &LinkBase<'_>,
    ) -> Listing {
        let streams = match self.health_report(token, client).await {
            Some(report) => {
                let offers = self.debrid.cleanup.offers(token, &report).await;
                if offers.is_empty() {
                    vec![nothing_to_clean(links)]
                } else {
                    offers
                        .iter()
                        .map(|offer| action_stream(offer, &report, links))
                        .collect()
                }
            }
            None => Vec::new(),
        };
        Listing {
            streams,
            never_cache: true,
        }
    }

    /// Runs a clean-up link's action (once per ticket), if the token may cost calls.
    pub async fn clean_up(
        &self,
        token: &DebridToken,
        client: ClientKey,
        ticket: &Ticket,
    ) -> Outcome {
        if self.debrid.admit(token, client).await.is_err() {
            return Outcome::Failed;
        }
        self.debrid.cleanup.redeem(token, ticket).await
    }
}

fn preview(report: &Report, maintained: Option<maintenance::Report>) -> MetaPreview {
    let mut description = String::from("Open to clean up your Real-Debrid account.");
    let failed = report.failed_by_status();
    if !failed.is_empty() {
        description = format!("Failed: {failed}.\n{description}");
    }
    if let Some(pass) = maintained {
        description.push_str(&format!("\n{}", maintenance_line(&pass)));
    }
    MetaPreview {
        id: HEALTH_ID.to_owned(),
        media_type: MEDIA_TYPE.to_owned(),
        name: report.title(),
        poster: None,
        genres: Vec::new(),
        release_info: None,
        imdb_rating: None,
        description: Some(description),
    }
}

/// `🛠 Maintenance (dry run), last pass 2026-12-01 21:00 UTC: would delete 1 · retry 2 · 0 left`.
fn maintenance_line(pass: &maintenance::Report) -> String {
    let time = crate::clock::utc(pass.at_ms);
    let at = format!(
        "{} {:02}:{:02} UTC",
        crate::clock::utc_date(pass.at_ms),
        time.hour(),
        time.minute()
    );
    let (mode, verb) = if pass.dry_run {
        (" (dry run)", "would delete")
    } else {
        ("", "deleted")
    };
    format!(
        "🛠 Maintenance{mode}, last pass {at}: {verb} {} · retry {} · {} left to you",
        pass.deleted, pass.retried, pass.gave_up
    )
}

fn action_stream(offer: &Offer, report: &Report, links: &LinkBase<'_>) -> Stream {
    use crate::debrid::cleanup::Action;
    let count = offer.targets.len();
    let (of, detail) = match offer.action {
        Action::DeleteFailed => (report.failed.len(), report.failed_by_status()),
        Action::DeleteStalled => (
            report.stalled.len(),
            "downloads Ferrio added that have not moved for 24 h".to_owned(),
        ),
        Action::RetryMagnets => {
            let all = report.failed.iter().filter(|t| t.status.is_magnet_error());
            (all.count(), "added again with rebuilt magnets".to_owned())
        }
    };
    let what = match offer.action {
        Action::DeleteFailed => format!("🗑 Delete {count} failed torrents"),
        Action::DeleteStalled => format!("🗑 Delete {count} stalled downloads"),
        Action::RetryMagnets => format!("🔁 Retry {count} magnet_error torrents"),
    };
    let more = if of > PER_TAP {
        format!("\n{PER_TAP} of {of} per tap: tap again for the rest")
    } else {
        String::new()
    };
    Stream {
        name: "Ferrio\n🧹 Clean-up".to_owned(),
        description: format!("{what}\n{detail}{more}"),
        source: StreamSource::Url {
            url: format!(
                "{}/{}/rd/cleanup/{}",
                links.base_url,
                links.config_segment,
                offer.ticket.path()
            ),
        },
        behavior_hints: StreamBehaviorHints::default(),
    }
}

fn nothing_to_clean(links: &LinkBase<'_>) -> Stream {
    Stream {
        name: "Ferrio\n🧹 Clean-up".to_owned(),
        description: "✅ Nothing to clean".to_owned(),
        source: StreamSource::Url {
            url: format!("{}/static/{}", links.base_url, Outcome::Nothing.file()),
        },
        behavior_hints: StreamBehaviorHints::default(),
    }
}
