//! Where a city stands: its membership of a network, its status on a Safe Harbour demand.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{
    DemandKey, MembershipStatus, Multiline, NetworkSlug, PartialDate, Slug, Text, WebUrl,
};
use crate::error::{AppResult, unprocessable};

/// A city's membership of a network, as a whole: it replaces the published one.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipState {
    pub city: Slug,
    pub network: NetworkSlug,
    pub status: MembershipStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Text<200>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<PartialDate>,
    /// Required (or a `note`) when the status is `left`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_url: Option<WebUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Multiline<2000>>,
}

impl MembershipState {
    /// A membership that was left says when or why.
    ///
    /// # Errors
    /// 422 naming `prefix` + `until`.
    pub fn check(&self, prefix: &str) -> AppResult<()> {
        if self.status == MembershipStatus::Left && self.until.is_none() && self.note.is_none() {
            return Err(unprocessable(
                format!("{prefix}until"),
                "a membership that was left needs `until` or a `note`",
            ));
        }
        Ok(())
    }
}

/// A city's status on one of Seebrücke's demands.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandState {
    pub city: Slug,
    pub demand: DemandKey,
    /// Decided by the council: true, false or null (unknown).
    #[serde(default)]
    pub decided: Option<bool>,
    /// Fulfilled: true, false or null (unknown).
    #[serde(default)]
    pub fulfilled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_url: Option<WebUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Multiline<2000>>,
}
