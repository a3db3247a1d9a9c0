//! Companies, warehouses, product types and products, and the product list.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::{KitComponent, StockLevel};

/// The low-stock threshold a company starts with (DESIGN §3: the last fallback).
pub const DEFAULT_COMPANY_THRESHOLD: i64 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Company {
    pub id: String,
    pub name: String,
    /// Threshold for products with neither their own threshold nor a product type default.
    pub default_threshold: i64,
    /// Whether a sale may take on hand below zero.
    pub allow_backorders: bool,
    pub created_at: String,
    /// The ISO 4217 code every amount of the company is in (migration 0014).
    pub currency: String,
    /// The currency's minor-unit decimals: how many places money is shown with.
    pub currency_decimals: u32,
    /// The profile printed on purchase orders and receipts (migration 0015).
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// A VAT number, sales-tax or company registration id, as the owner writes it.
    pub tax_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CompanyInput {
    pub name: String,
    /// `None` keeps the current value (or [`DEFAULT_COMPANY_THRESHOLD`] for a new company).
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub default_threshold: Option<i64>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub allow_backorders: Option<bool>,
    /// An ISO 4217 code; `None` keeps the current one (or USD for a new company).
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub currency: Option<String>,
    /// The profile: each `None` keeps what is there, an empty text clears it.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub address: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub phone: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub email: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub tax_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Warehouse {
    pub id: String,
    pub company_id: String,
    pub name: String,
    pub code: Option<String>,
    pub address: Option<String>,
    pub archived: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct WarehouseInput {
    pub name: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub code: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProductType {
    pub id: String,
    pub company_id: String,
    pub name: String,
    pub default_threshold: i64,
    /// Active products of this type.
    pub product_count: i64,
    /// Cycle counting: count products of this type at least every so many days.
    pub count_frequency_days: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProductTypeInput {
    pub name: String,
    pub default_threshold: i64,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub count_frequency_days: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct WarehouseThreshold {
    pub warehouse_id: String,
    pub threshold: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct InitialStock {
    pub warehouse_id: String,
    pub quantity: i64,
}

/// A product with everything its edit form shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Product {
    pub id: String,
    pub company_id: String,
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub price: Decimal,
    pub product_type_id: Option<String>,
    pub product_type_name: Option<String>,
    /// The product's own threshold, before warehouse overrides.
    pub threshold: Option<i64>,
    pub warehouse_thresholds: Vec<WarehouseThreshold>,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
    /// On hand per warehouse where the product is stocked (for a kit: what its components
    /// allow, per warehouse).
    pub stock: Vec<StockLevel>,
    /// A kit holds no stock of its own: selling one takes its components.
    pub is_kit: bool,
    pub components: Vec<KitComponent>,
    /// The cost price the owner set, if any.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub cost: Option<Decimal>,
    /// The unit cost of the purchase-order line of the product's latest receipt.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_received_cost: Option<Decimal>,
    /// Price minus cost, when the cost is known.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub margin: Option<Decimal>,
    /// The margin as a percentage of the price, one decimal (none for a zero price).
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub margin_percent: Option<Decimal>,
}

/// Creating a product; the same shape edits one (`initial_stock` is then ignored: stock
/// changes only through movements).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    /// A decimal string such as `19.99`: validated by the core, never parsed as a float.
    pub price: String,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub barcode: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub product_type_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub threshold: Option<i64>,
    #[serde(default)]
    pub warehouse_thresholds: Vec<WarehouseThreshold>,
    #[serde(default)]
    pub initial_stock: Vec<InitialStock>,
    /// The cost price, a decimal string like `price`; `None` or empty: not known.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub cost: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProductListItem {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub price: Decimal,
    pub product_type_id: Option<String>,
    pub product_type_name: Option<String>,
    pub archived: bool,
    /// On hand summed over the company's warehouses (0 for a kit).
    pub on_hand: i64,
    pub is_kit: bool,
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub cost: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub margin: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub margin_percent: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ArchivedFilter {
    #[default]
    Active,
    Archived,
    All,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    #[default]
    Name,
    Sku,
    Price,
    OnHand,
    Updated,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProductQuery {
    pub company_id: String,
    /// Matches a SKU or barcode prefix, or a word of the name starting with each word typed.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub search: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub product_type_id: Option<String>,
    #[serde(default)]
    pub archived: ArchivedFilter,
    #[serde(default)]
    pub sort: ProductSort,
    #[serde(default)]
    pub descending: bool,
    /// Page size, 1..=500; 0 means the default (50).
    #[serde(default)]
    pub limit: u32,
    #[serde(default)]
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProductPage {
    pub items: Vec<ProductListItem>,
    /// Every product matching the query, all pages together.
    pub total: i64,
}

/// The dashboard's figures for one company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CompanySummary {
    /// Active products.
    pub products: i64,
    /// Active warehouses.
    pub warehouses: i64,
    pub product_types: i64,
    /// Units on hand of active products, over all warehouses (a negative on hand, possible
    /// with backorders, counts as zero).
    pub units_on_hand: i64,
    /// On hand times price, summed exactly (negative on hand counts as zero).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub retail_value: Decimal,
    /// On hand times cost price, over the active products whose cost is known.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub cost_value: Decimal,
    /// Active products with stock on hand but no cost price: left out of `cost_value`.
    pub products_without_cost: i64,
    /// (product, warehouse) rows of active products with nothing on hand.
    pub out_of_stock: i64,
}
