use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

#[tauri::command]
pub fn low_stock_alerts(
    state: State<'_, AppState>,
    query: AlertQuery,
) -> Result<AlertPage, IpcError> {
    state.with(|s| s.low_stock_alerts(&query))
}

/// Draft purchase orders from the alerts matching the filters (or only the selected rows), one
/// per supplier and warehouse, in one transaction.
#[tauri::command]
pub fn draft_orders_from_alerts(
    state: State<'_, AppState>,
    input: DraftFromAlertsInput,
) -> Result<DraftedOrders, IpcError> {
    state.with(|s| s.draft_orders_from_alerts(&input))
}
