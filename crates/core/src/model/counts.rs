//! Stock counts: sessions, scans, review, cycle counting.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::Movement;

/// What a count session covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CountScope {
    /// Every active product of the company.
    All,
    ProductType {
        product_type_id: String,
    },
    Products {
        product_ids: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum CountStatus {
    Open,
    Paused,
    Committed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountSessionInput {
    pub warehouse_id: String,
    pub scope: CountScope,
    #[serde(default)]
    pub blind: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountSession {
    pub id: String,
    /// The human number (`C-0042`); `None` for documents from before numbering.
    pub number: Option<String>,
    pub company_id: String,
    pub warehouse_id: String,
    pub warehouse_name: String,
    pub scope: CountScope,
    pub blind: bool,
    pub status: CountStatus,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Products counted so far.
    pub counted: i64,
    /// Products in scope.
    pub in_scope: i64,
    /// Most recent scan first.
    pub lines: Vec<CountLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountLine {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub counted: i64,
    /// When this line was last scanned or typed: the time its count event will carry.
    pub counted_at: String,
    pub in_scope: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ScanInput {
    /// A barcode or SKU, as a scanner types it.
    pub code: String,
    /// Sets the line to this quantity instead of adding one.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub quantity: Option<i64>,
    /// A product outside the session's scope is refused with `confirmation_required` unless set.
    #[serde(default)]
    pub confirm_out_of_scope: bool,
}

/// A line of the count review: counted against expected as of the line's count time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountReviewLine {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub counted: i64,
    pub counted_at: String,
    /// On hand the system expected at the line's count time.
    pub expected: i64,
    pub variance: i64,
    /// Variance at cost (the product's first supplier's cost), when a cost is known.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub variance_value: Option<String>,
    /// Movements recorded since the line was counted (a sale at the till, a receipt): they
    /// still apply after the count is committed.
    pub movements_since: Vec<Movement>,
    /// On hand once committed: counted plus the movements since.
    pub on_hand_after: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UncountedProduct {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountReview {
    pub session: CountSession,
    pub lines: Vec<CountReviewLine>,
    /// In scope and stocked or expected here, but not counted.
    pub uncounted: Vec<UncountedProduct>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum UncountedChoice {
    /// Not found on the shelf: record a count of zero.
    TreatAsZero,
    /// Not looked at: leave their stock as it is.
    Leave,
}

/// A product due for counting in a warehouse, by its type's count frequency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DueCount {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub product_type_name: String,
    pub count_frequency_days: i64,
    /// Never counted here when absent.
    pub last_counted_at: Option<String>,
}
