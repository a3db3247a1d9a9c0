//! The stock ledger as read back: movements, their filters, daily sales.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::MovementKind;

/// One row of the stock ledger as history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Movement {
    pub id: String,
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    pub warehouse_id: String,
    pub warehouse_name: String,
    pub kind: MovementKind,
    /// Signed change of on hand; for a count, the quantity counted.
    pub quantity: i64,
    pub reason: Option<String>,
    pub reference_kind: Option<String>,
    pub reference_id: Option<String>,
    pub note: Option<String>,
    pub occurred_at: String,
    /// Who recorded it; absent for movements made before users existed (setup mode).
    pub user_id: Option<String>,
    /// That user's name, as it is now.
    pub user_name: Option<String>,
    pub device_id: String,
    /// The computer that made it, in words: the name its owner gave it, else a short
    /// fallback from its id ("Computer K7Q"); never the raw id.
    pub device_name: String,
    /// Made on this computer.
    pub this_device: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct HistoryQuery {
    pub company_id: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub product_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub warehouse_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub kind: Option<MovementKind>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub reason: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub user_id: Option<String>,
    /// The movements of one sale, transfer, count, purchase order...
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub reference_id: Option<String>,
    /// RFC 3339, inclusive.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub from: Option<String>,
    /// RFC 3339, exclusive.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub to: Option<String>,
    /// 0 means the default page (50).
    #[serde(default)]
    pub limit: u32,
    #[serde(default)]
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MovementPage {
    pub items: Vec<Movement>,
    /// Whether there are older movements after this page.
    pub has_more: bool,
}

/// Units sold net of returns on one day (UTC); for a kit, kits sold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DailySales {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub units: i64,
}
