//! Sync: its cursor and results, conflicts and overwrites, and this computer's name.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// This computer's name in a company (Settings > Numbering), as the other computers of the
/// shop will show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DeviceNameSettings {
    /// The name an owner set; `None` until then.
    pub name: Option<String>,
    /// What is shown while no name is set ("Computer K7Q").
    pub fallback: String,
}

/// A product field edited on two computers at once: the value that won (the later edit, by
/// the sync clock) beside the one it overwrote, until someone keeps the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncOverwrite {
    pub id: String,
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    /// The synced field's name: `name`, `price`, `barcode`, `threshold`...
    pub field: String,
    /// The product has this now.
    pub kept_value: String,
    pub kept_device_name: String,
    /// The kept value was typed on this computer.
    pub kept_here: bool,
    /// What the later edit overwrote (or the edit that lost).
    pub lost_value: String,
    pub lost_device_name: String,
    pub lost_here: bool,
    pub recorded_at: String,
}

/// When a product and warehouse pair last moved on another computer (the Stock screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StockChangeElsewhere {
    pub product_id: String,
    pub warehouse_id: String,
    pub device_id: String,
    pub device_name: String,
    pub occurred_at: String,
}

/// Where a device is in one company's server log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncCursor {
    /// The last server sequence applied: the next pull starts after it.
    pub after: i64,
    /// The server's epoch when the cursor was last moved.
    pub epoch: Option<String>,
    pub last_synced_at: Option<String>,
}

/// What one pulled page did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncApplied {
    pub applied: i64,
    /// Nothing in them was newer than what this device holds.
    pub unchanged: i64,
    /// Re-deliveries of changes already applied.
    pub duplicates: i64,
    /// This device's own changes coming back.
    pub own: i64,
    /// Kept to apply later (a parent not here yet, or a kind of change this version does
    /// not know).
    pub parked: i64,
    /// Parked before, applied now.
    pub parked_applied: i64,
}

/// Products that sync found holding the same SKU or barcode (made on two devices offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncConflict {
    /// `sku` or `barcode`.
    pub kind: String,
    /// The SKU or barcode they all asked for.
    pub value: String,
    /// The one holding it first, then the others (their SKU suffixed, or no barcode).
    pub products: Vec<SyncConflictProduct>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncConflictProduct {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub archived: bool,
}
