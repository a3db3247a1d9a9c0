//! The dashboard's stock-out forecast.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ForecastQuery {
    pub company_id: String,
    /// RFC 3339; absent means now.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub now: Option<String>,
    /// The sales window, as for alerts; 0 means 30.
    #[serde(default)]
    pub window_days: u32,
}

/// How many stock rows (a product in a warehouse) run out soon at their recent pace, whatever
/// their threshold: rows of active products in active warehouses that sold in the window, with
/// `days_until_stockout` computed exactly as for alerts. Each count includes the shorter ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StockoutForecast {
    pub window_days: u32,
    /// Rows with sales in the window: the ones that have a forecast at all.
    pub selling: i64,
    pub within_7_days: i64,
    pub within_14_days: i64,
    pub within_30_days: i64,
}
