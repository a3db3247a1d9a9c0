//! The domain types that leave the core: what the app's commands return and accept, what the
//! CLI prints. They are not row types: the storage modules read rows and build these.
//!
//! These types are serialized across the IPC boundary and printed by `stockflow-cli --json`,
//! which users script against: rename nothing, only add.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

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

// ----- the stock ledger -----

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct KitComponent {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    /// Units of the component in one kit.
    pub quantity: i64,
}

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

// ----- suppliers and purchase orders -----

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

// ----- stock counts -----

/// What a count session covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CountScope {
    /// Every active product of the company.
    All,
    ProductType {
        product_type_id: String,
    },
    Products {
        product_ids: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum CountStatus {
    Open,
    Paused,
    Committed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountSessionInput {
    pub warehouse_id: String,
    pub scope: CountScope,
    #[serde(default)]
    pub blind: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountSession {
    pub id: String,
    /// The human number (`C-0042`); `None` for documents from before numbering.
    pub number: Option<String>,
    pub company_id: String,
    pub warehouse_id: String,
    pub warehouse_name: String,
    pub scope: CountScope,
    pub blind: bool,
    pub status: CountStatus,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Products counted so far.
    pub counted: i64,
    /// Products in scope.
    pub in_scope: i64,
    /// Most recent scan first.
    pub lines: Vec<CountLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountLine {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub counted: i64,
    /// When this line was last scanned or typed: the time its count event will carry.
    pub counted_at: String,
    pub in_scope: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ScanInput {
    /// A barcode or SKU, as a scanner types it.
    pub code: String,
    /// Sets the line to this quantity instead of adding one.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub quantity: Option<i64>,
    /// A product outside the session's scope is refused with `confirmation_required` unless set.
    #[serde(default)]
    pub confirm_out_of_scope: bool,
}

/// A line of the count review: counted against expected as of the line's count time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountReviewLine {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub counted: i64,
    pub counted_at: String,
    /// On hand the system expected at the line's count time.
    pub expected: i64,
    pub variance: i64,
    /// Variance at cost (the product's first supplier's cost), when a cost is known.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub variance_value: Option<String>,
    /// Movements recorded since the line was counted (a sale at the till, a receipt): they
    /// still apply after the count is committed.
    pub movements_since: Vec<Movement>,
    /// On hand once committed: counted plus the movements since.
    pub on_hand_after: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UncountedProduct {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CountReview {
    pub session: CountSession,
    pub lines: Vec<CountReviewLine>,
    /// In scope and stocked or expected here, but not counted.
    pub uncounted: Vec<UncountedProduct>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum UncountedChoice {
    /// Not found on the shelf: record a count of zero.
    TreatAsZero,
    /// Not looked at: leave their stock as it is.
    Leave,
}

/// A product due for counting in a warehouse, by its type's count frequency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DueCount {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub product_type_name: String,
    pub count_frequency_days: i64,
    /// Never counted here when absent.
    pub last_counted_at: Option<String>,
}

// ----- low-stock alerts -----

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

// ----- draft purchase orders from alerts -----

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

// ----- users and roles -----

/// What a user may do in one company (each role can do everything the one below can).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Manager,
    Clerk,
}

/// A user's role in one company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Membership {
    pub company_id: String,
    pub company_name: String,
    pub role: Role,
}

/// A user as the app and the CLI show it. Never carries the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub disabled: bool,
    pub created_at: String,
    pub memberships: Vec<Membership>,
}

/// What the app needs before its first screen: set up, sign in, or go on as whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AuthStatus {
    /// No user exists yet: the setup screen creates the owner.
    pub setup_required: bool,
    /// Who is signed in, if anyone.
    pub user: Option<User>,
    /// Minutes without activity before the session locks; 0 means never.
    pub idle_lock_minutes: u32,
    /// Part of a shop came down from a server and the join has not finished: the first run
    /// offers to continue it or start over (see `Store::start_join`).
    pub join_unfinished: bool,
}

/// A password as typed: read from a plain JSON string, never serialized back, and printed by
/// `Debug` as `<hidden>`, so that no log line or panic message can contain one. The inputs
/// below hold their passwords in it.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for hashing or checking it; never for printing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

/// The first run: the owner of everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SetupOwner {
    pub name: String,
    pub email: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub password: Secret,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SignIn {
    pub email: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub password: Secret,
}

/// A user added by an owner to one of their companies.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NewUser {
    pub company_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub password: Secret,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ChangePassword {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub current_password: Secret,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub new_password: Secret,
}

// ----- dashboard: stock-out forecast -----

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

// ----- sync -----

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
