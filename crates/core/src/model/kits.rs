//! Kits: products made of other products.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct KitComponent {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    /// Units of the component in one kit.
    pub quantity: i64,
}
