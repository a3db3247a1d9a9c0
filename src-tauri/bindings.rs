//! TypeScript declarations of every IPC payload, generated from the Rust types with ts-rs into
//! `ui/src/lib/bindings.ts`. A test fails when the committed file drifts from the types;
//! `STOCKFLOW_WRITE_BINDINGS=1 cargo test --test commands bindings` rewrites it.

use ts_rs::{Config, TS};

macro_rules! declarations {
    ($cfg:expr; $($t:ty),* $(,)?) => {{
        let mut decls = vec![$(format!("export {}", <$t as TS>::decl($cfg))),*];
        decls.sort();
        decls
    }};
}

/// The contents `ui/src/lib/bindings.ts` must have.
pub fn typescript() -> String {
    use crate::ipc::{AppInfo, IpcError};
    use stockflow_core::*;
    // Quantities and thresholds are i64 in Rust but bounded far below 2^53 by the core's
    // validation, and JSON carries them as plain numbers: `number`, not `bigint`.
    let cfg = Config::default().with_large_int("number");
    let decls = declarations!(&cfg;
        AppInfo, IpcError,
        Company, CompanyInput, CompanySummary, Warehouse, WarehouseInput, ProductType, ProductTypeInput,
        Product, ProductInput, ProductListItem, ProductPage, ProductQuery, ProductSort,
        ArchivedFilter, WarehouseThreshold, InitialStock, StockLevel, StockRow, StockQuery,
        MovementKind, QuantityLine, ReceiptInput, AdjustmentInput, TransferInput, MovementResult,
        AdjustmentReason, SaleLineInput, SaleInput, SaleLine, Sale, SaleSummary, SaleQuery, SalePage,
        ReturnInput, KitComponent, Movement, HistoryQuery, MovementPage, DailySales,
        Supplier, SupplierInput, ProductSupplier, ProductSupplierInput, PurchaseOrderStatus,
        PurchaseOrderLineInput, PurchaseOrderInput, PurchaseOrderLine, PurchaseOrder,
        PurchaseOrderSummary, PurchaseOrderQuery, PurchaseOrderPage, ReceiveOrderInput, OnOrder,
        CountScope, CountStatus, CountSessionInput, CountSession, CountLine, ScanInput,
        CountReviewLine, UncountedProduct, CountReview, UncountedChoice, DueCount,
        AlertQuery, AlertSupplier, Alert, AlertPage, ImportSummary, ImportProgress,
        ColumnMapping, CellError, SpreadsheetRow, SpreadsheetPreview, SpreadsheetSummary,
        AlertKey, DraftFromAlertsInput, SkipReason, SkippedAlert, DraftedOrders,
        ForecastQuery, StockoutForecast, Symbology, LabelInput, LabelRequest, Label,
        Role, Membership, User, AuthStatus, SetupOwner, SignIn, NewUser, ChangePassword,
        NumberingSettings, DeviceNameSettings, StockChangeElsewhere,
        BackupFile, BackupKind, BackupProgress, RestoreSummary, ListExport,
        SyncConflict, SyncConflictProduct, SyncOverwrite, SyncConnection, SyncSummary,
        crate::sync::SyncState, crate::sync::SyncProgress, crate::sync::SyncRunReport,
        crate::sync::SyncStatus, crate::sync::SyncConnectInput,
    );
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/bindings.rs (ts-rs). Do not edit:\n\
         // run `STOCKFLOW_WRITE_BINDINGS=1 cargo test --test commands bindings` instead.\n\n",
    );
    for d in decls {
        out.push_str(&d);
        out.push('\n');
    }
    let codes: Vec<String> = crate::ipc::error_codes()
        .map(|c| format!("{c:?}"))
        .collect();
    let roles: Vec<String> = stockflow_core::role_table()
        .into_iter()
        .map(|(action, role)| {
            let role = serde_json::to_value(role).expect("a role serializes");
            format!("  {action}: {role},\n")
        })
        .collect();
    out.push_str(&format!(
        "/** The least role that may do each action of the core (its role table). */\n\
         export const LEAST_ROLE = {{\n{}}} as const satisfies Record<string, Role>;\n\
         export type CoreAction = keyof typeof LEAST_ROLE;\n",
        roles.concat()
    ));
    out.push_str(&format!(
        "/** Every code a refused command can answer with. */\n\
         export const IPC_ERROR_CODES = [{}] as const;\n\
         export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];\n",
        codes.join(", ")
    ));
    let currencies: Vec<String> = stockflow_core::CURRENCIES
        .iter()
        .map(|(code, decimals)| format!("  {code}: {decimals},\n"))
        .collect();
    out.push_str(&format!(
        "/** The ISO 4217 currencies a company may use, with their decimals (the core's list). */\n\
         export const CURRENCIES = {{\n{}}} as const;\n\
         export type CurrencyCode = keyof typeof CURRENCIES;\n",
        currencies.concat()
    ));
    out
}
