use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
pub fn receive_stock(
    state: State<'_, AppState>,
    company_id: String,
    input: ReceiptInput,
) -> Reply<MovementResult> {
    state.with(|s| s.receive_stock(&company_id, &input))
}

#[tauri::command]
pub fn adjust_stock(
    state: State<'_, AppState>,
    company_id: String,
    input: AdjustmentInput,
) -> Reply<MovementResult> {
    state.with(|s| s.adjust_stock(&company_id, &input))
}

#[tauri::command]
pub fn transfer_stock(
    state: State<'_, AppState>,
    company_id: String,
    input: TransferInput,
) -> Reply<MovementResult> {
    state.with(|s| s.transfer_stock(&company_id, &input))
}

#[tauri::command]
pub fn list_adjustment_reasons(
    state: State<'_, AppState>,
    company_id: String,
) -> Reply<Vec<AdjustmentReason>> {
    state.with(|s| s.list_adjustment_reasons(&company_id))
}

#[tauri::command]
pub fn add_adjustment_reason(
    state: State<'_, AppState>,
    company_id: String,
    name: String,
) -> Reply<AdjustmentReason> {
    state.with(|s| s.add_adjustment_reason(&company_id, &name))
}

#[tauri::command]
pub fn remove_adjustment_reason(
    state: State<'_, AppState>,
    company_id: String,
    id: String,
) -> Reply<()> {
    state.with(|s| s.remove_adjustment_reason(&company_id, &id))
}

#[tauri::command]
pub fn list_stock(state: State<'_, AppState>, query: StockQuery) -> Reply<Vec<StockRow>> {
    state.with(|s| s.list_stock(&query))
}
