//! Sales and returns.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::QuantityLine;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SaleLineInput {
    /// A product or a kit.
    pub product_id: String,
    pub quantity: i64,
    /// Decimal string; absent means the product's price.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub unit_price: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SaleInput {
    pub warehouse_id: String,
    pub lines: Vec<SaleLineInput>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SaleLine {
    pub id: String,
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    pub is_kit: bool,
    pub quantity: i64,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub unit_price: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub line_total: Decimal,
    /// Units of this line already returned.
    pub returned: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Sale {
    pub id: String,
    /// The human number (`S-0042`, `S-K7Q-0042`); `None` for sales from before numbering and
    /// imported history.
    pub number: Option<String>,
    pub company_id: String,
    pub warehouse_id: String,
    pub warehouse_name: String,
    pub sold_at: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total: Decimal,
    /// What the returns against it gave back: returned units at the price they were sold at.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub refunded: Decimal,
    /// `total` less `refunded`.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub net_total: Decimal,
    pub note: Option<String>,
    pub lines: Vec<SaleLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SaleSummary {
    pub id: String,
    pub number: Option<String>,
    pub warehouse_name: String,
    pub sold_at: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub refunded: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub net_total: Decimal,
    pub lines: i64,
    pub units: i64,
    pub units_returned: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SaleQuery {
    pub company_id: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub warehouse_id: Option<String>,
    /// Part of a sale's number (`42`, `S-K7Q`), in any case.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub search: Option<String>,
    /// First day (`YYYY-MM-DD`, UTC) of the sales listed, inclusive.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub from: Option<String>,
    /// Last day, inclusive.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub limit: u32,
    #[serde(default)]
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SalePage {
    pub items: Vec<SaleSummary>,
    pub total: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ReturnInput {
    pub sale_id: String,
    /// Products as sold on the sale (a kit returns as a kit).
    pub lines: Vec<QuantityLine>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub note: Option<String>,
}
