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

/// This computer's name in the company, as the shop's other computers show it.
#[tauri::command]
pub fn device_name(state: State<'_, AppState>, company_id: String) -> Reply<DeviceNameSettings> {
    state.with(|s| s.device_name(&company_id))
}

#[tauri::command]
pub fn set_device_name(
    state: State<'_, AppState>,
    company_id: String,
    name: Option<String>,
) -> Reply<DeviceNameSettings> {
    state.with(|s| s.set_device_name(&company_id, name.as_deref()))
}

/// When each product and warehouse pair last moved on another computer (the Stock screen).
#[tauri::command]
pub fn stock_changes_elsewhere(
    state: State<'_, AppState>,
    company_id: String,
) -> Reply<Vec<StockChangeElsewhere>> {
    state.with(|s| s.stock_changes_elsewhere(&company_id))
}
