//! Low-stock alerts.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AlertQuery {
    pub company_id: String,
    /// RFC 3339; absent means now.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub now: Option<String>,
    /// 0 means 30.
    #[serde(default)]
    pub window_days: u32,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub warehouse_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub supplier_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub product_type_id: Option<String>,
    /// Matches SKU or product name, ignoring case.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub search: Option<String>,
    /// 0 means every alert.
    #[serde(default)]
    pub limit: u32,
    #[serde(default)]
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AlertSupplier {
    pub id: String,
    pub name: String,
    pub contact_email: String,
    pub lead_time_days: i64,
}

/// One low-stock alert: field names as in the original API (DESIGN §3), then what we add.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Alert {
    pub product_id: String,
    pub product_name: String,
    pub sku: String,
    pub warehouse_id: String,
    pub warehouse_name: String,
    pub current_stock: i64,
    pub threshold: i64,
    /// Units sold net of returns in the window.
    pub recent_sales: i64,
    pub days_until_stockout: i64,
    pub supplier: Option<AlertSupplier>,
    /// Units on open purchase orders for this warehouse.
    pub on_order: i64,
    /// Average daily sales over the lead time, plus the threshold as safety stock.
    pub reorder_point: i64,
    /// Enough to cover lead time and review period, less on hand and on order; at least the
    /// supplier's MOQ, in whole packs. 0 when what is on order already covers it.
    pub suggested_order_qty: i64,
    /// The last day (UTC, `YYYY-MM-DD`) to order so that stock arrives before it runs out.
    pub reorder_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AlertPage {
    pub alerts: Vec<Alert>,
    /// Every alert matching the filters, all pages together.
    pub total_alerts: i64,
}
