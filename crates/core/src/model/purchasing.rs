//! Suppliers, the products they supply, and purchase orders.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::QuantityLine;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Supplier {
    pub id: String,
    pub company_id: String,
    pub name: String,
    pub contact_email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub archived: bool,
    pub created_at: String,
    /// Products this supplier supplies.
    pub product_count: i64,
    /// Days from sent to fully received, the median over its latest received orders.
    pub learned_lead_time_days: Option<i64>,
    /// What it promised for those same orders (expected minus sent), the median; without
    /// orders yet, the median lead time of its product links.
    pub promised_lead_time_days: Option<i64>,
    /// How many orders the learned lead time is based on.
    pub learned_from_orders: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SupplierInput {
    pub name: String,
    pub contact_email: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub phone: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub address: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub notes: Option<String>,
}

/// A product–supplier link: who supplies what, on which terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProductSupplier {
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    pub supplier_id: String,
    pub supplier_name: String,
    pub supplier_sku: Option<String>,
    pub lead_time_days: i64,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub unit_cost: Decimal,
    /// Minimum order quantity.
    pub moq: i64,
    /// Orders come in multiples of this.
    pub pack_multiple: i64,
    pub preferred: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProductSupplierInput {
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub supplier_sku: Option<String>,
    pub lead_time_days: i64,
    /// Decimal string.
    pub unit_cost: String,
    /// Default 1.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub moq: Option<i64>,
    /// Default 1.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub pack_multiple: Option<i64>,
    #[serde(default)]
    pub preferred: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum PurchaseOrderStatus {
    Draft,
    Sent,
    PartiallyReceived,
    Received,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PurchaseOrderLineInput {
    pub product_id: String,
    pub quantity: i64,
    /// Decimal string; absent means the supplier's cost on the link.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub unit_cost: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PurchaseOrderInput {
    pub supplier_id: String,
    /// Where the goods will be received.
    pub warehouse_id: String,
    pub lines: Vec<PurchaseOrderLineInput>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub note: Option<String>,
    /// Products the supplier does not supply yet are refused with `confirmation_required`;
    /// with this set they are ordered and linked to the supplier at the order's cost.
    #[serde(default)]
    pub confirm_new_links: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PurchaseOrderLine {
    pub id: String,
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    pub supplier_sku: Option<String>,
    pub quantity_ordered: i64,
    pub quantity_received: i64,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub unit_cost: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub line_total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PurchaseOrder {
    pub id: String,
    /// The human number (`PO-0042`); `None` for documents from before numbering.
    pub number: Option<String>,
    pub company_id: String,
    pub supplier_id: String,
    pub supplier_name: String,
    pub supplier_email: String,
    pub warehouse_id: String,
    pub warehouse_name: String,
    pub status: PurchaseOrderStatus,
    pub note: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub expected_at: Option<String>,
    pub received_at: Option<String>,
    pub cancelled_at: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total: Decimal,
    pub lines: Vec<PurchaseOrderLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PurchaseOrderSummary {
    pub id: String,
    /// The human number (`PO-0042`); `None` for documents from before numbering.
    pub number: Option<String>,
    pub supplier_id: String,
    pub supplier_name: String,
    pub warehouse_name: String,
    pub status: PurchaseOrderStatus,
    pub created_at: String,
    pub expected_at: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total: Decimal,
    pub units_ordered: i64,
    pub units_received: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PurchaseOrderQuery {
    pub company_id: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub status: Option<PurchaseOrderStatus>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub supplier_id: Option<String>,
    #[serde(default)]
    pub limit: u32,
    #[serde(default)]
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PurchaseOrderPage {
    pub items: Vec<PurchaseOrderSummary>,
    pub total: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ReceiveOrderInput {
    pub lines: Vec<QuantityLine>,
    /// Receiving more than is still open is refused with `confirmation_required` unless set.
    #[serde(default)]
    pub confirm_over_receipt: bool,
}

/// Units on open purchase orders (sent or partly received) for a product in a warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OnOrder {
    pub product_id: String,
    pub warehouse_id: String,
    pub quantity: i64,
}
