//! How this device numbers sales, orders and counts (Settings > Numbering).

use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
pub fn numbering(state: State<'_, AppState>, company_id: String) -> Reply<NumberingSettings> {
    state.with(|s| s.numbering(&company_id))
}

#[tauri::command]
pub fn set_numbering_series(
    state: State<'_, AppState>,
    company_id: String,
    series: Option<String>,
) -> Reply<NumberingSettings> {
    state.with(|s| s.set_numbering_series(&company_id, series.as_deref()))
}
