//! StockFlow's domain and its local storage: the rules of an inventory (catalog, stock ledger,
//! thresholds) over one SQLite file. No Tauri and no HTTP here: the desktop shell and the CLI
//! call these functions and only translate their inputs and errors.

mod alerts;
mod auth;
pub mod backup;
mod barcode;
mod catalog;
mod claims;
mod counts;
mod csv_file;
mod db;
mod devices;
mod error;
mod export;
mod forecast;
mod history;
mod hlc;
mod ids;
mod import;
mod kits;
mod lists;
mod lookup;
mod model;
mod money;
mod numbers;
mod outbox;
pub mod paths;
mod purchasing;
mod reorder;
mod sales;
mod search;
mod session;
mod spreadsheet;
mod sql;
mod stock;
pub mod sync;
mod times;
mod validate;

pub use auth::{
    role_table, sign_in_throttle_path, Actor, DEFAULT_IDLE_LOCK_MINUTES, MAX_IDLE_LOCK_MINUTES,
    MIN_PASSWORD_CHARS,
};
pub use backup::{BackupFile, BackupKind, BackupProgress, RestoreSummary};
pub use barcode::{ean13_digits, Label, LabelInput, LabelRequest, Symbology, MAX_LABELS};
pub use db::{migrate_file_to, schema_version, validate_migrations, Store, MIGRATIONS};
pub use error::{Entity, Error, Result};
pub use hlc::Hlc;
pub use import::{ImportProgress, ImportSummary};
pub use lists::ListExport;
pub use model::*;
pub use money::{currency_decimals, parse_money, CURRENCIES, DEFAULT_CURRENCY};
pub use numbers::NumberingSettings;
pub use spreadsheet::{
    parse_overrides as parse_column_map, CellError, ColumnMapping, SpreadsheetPreview,
    SpreadsheetRow, SpreadsheetSummary,
};
pub use sync::{SyncConnection, SyncConnectionInput, SyncSummary};
