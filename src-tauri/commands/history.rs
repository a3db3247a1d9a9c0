use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
pub fn list_movements(state: State<'_, AppState>, query: HistoryQuery) -> Reply<MovementPage> {
    state.with(|s| s.list_movements(&query))
}

#[tauri::command]
pub fn daily_sales(
    state: State<'_, AppState>,
    product_id: String,
    warehouse_id: Option<String>,
    days: u32,
) -> Reply<Vec<DailySales>> {
    state.with(|s| s.daily_sales(&product_id, warehouse_id.as_deref(), days))
}
