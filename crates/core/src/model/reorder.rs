//! Draft purchase orders from alerts.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::{AlertQuery, PurchaseOrder};

/// One alert row: a product in a warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AlertKey {
    pub product_id: String,
    pub warehouse_id: String,
}

/// Which alerts to turn into draft purchase orders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DraftFromAlertsInput {
    /// The alert filters; `limit` and `offset` are ignored: every matching alert counts.
    pub query: AlertQuery,
    /// Only these rows (each must still alert under the filters); absent means every
    /// matching alert.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub selection: Option<Vec<AlertKey>>,
}

/// Why an alert got no order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// No supplier supplies the product.
    NoSupplier,
    /// The chosen supplier is archived.
    SupplierArchived,
    /// Open purchase orders already cover the need (suggested quantity 0).
    CoveredByOnOrder,
    /// A draft purchase order for this warehouse already has the product.
    AlreadyOnDraft,
    /// A selected row that no longer alerts (restocked, no recent sales, or outside the filters).
    NoLongerAlerting,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SkippedAlert {
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    pub warehouse_id: String,
    pub warehouse_name: String,
    pub reason: SkipReason,
    /// The reason in words.
    pub message: String,
    /// The draft that already has the product (for `already_on_draft`).
    pub purchase_order_id: Option<String>,
}

/// What drafting from alerts did: the orders created (one per supplier and warehouse) and the
/// alerts left out, each with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DraftedOrders {
    pub orders: Vec<PurchaseOrder>,
    pub skipped: Vec<SkippedAlert>,
}
