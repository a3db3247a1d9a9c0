//! Stock levels and the movements that change them: receipts, adjustments, transfers, counts.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::Movement;

/// On hand of one product in one warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StockLevel {
    pub warehouse_id: String,
    pub warehouse_name: String,
    pub on_hand: i64,
}

/// A row of the stock screen and of `stockflow-cli stock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StockRow {
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    pub warehouse_id: String,
    pub warehouse: String,
    pub on_hand: i64,
    /// What can be sold now (kits: computed from their components).
    pub available: i64,
    pub is_kit: bool,
    /// On hand (never below zero) times the price.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub value_at_price: Decimal,
    /// On hand (never below zero) times the cost price; none when the cost is not known.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub value_at_cost: Option<Decimal>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StockQuery {
    pub company_id: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub warehouse_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub sku: Option<String>,
}

/// What a stock movement records. Serialized names are stable (CLI `--kind`, history filters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// The quantity a product starts with in a warehouse.
    Opening,
    Receipt,
    Sale,
    Return,
    /// A correction with a reason (damaged, lost, found...).
    Adjustment,
    TransferOut,
    TransferIn,
    /// An absolute count: "there were N at this time" (DESIGN §2).
    Count,
}

/// One product and a quantity: a line of a receipt, transfer, sale return or kit recipe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct QuantityLine {
    pub product_id: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ReceiptInput {
    pub warehouse_id: String,
    pub lines: Vec<QuantityLine>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub note: Option<String>,
}

/// Quantities are signed: `-3` takes three away, `5` adds five.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AdjustmentInput {
    pub warehouse_id: String,
    /// One of the company's adjustment reasons.
    pub reason: String,
    pub lines: Vec<QuantityLine>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TransferInput {
    pub from_warehouse_id: String,
    pub to_warehouse_id: String,
    pub lines: Vec<QuantityLine>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub note: Option<String>,
}

/// Counted quantities, absolute, as of `counted_at` (default: now).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountInput {
    pub warehouse_id: String,
    pub lines: Vec<QuantityLine>,
    /// RFC 3339; absent means now.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub counted_at: Option<String>,
}

/// What a movement write did: the movements it appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MovementResult {
    pub movements: Vec<Movement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AdjustmentReason {
    pub id: String,
    pub name: String,
}
