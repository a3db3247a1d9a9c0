use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
pub fn record_sale(
    state: State<'_, AppState>,
    company_id: String,
    input: SaleInput,
) -> Reply<Sale> {
    state.with(|s| s.record_sale(&company_id, &input))
}

#[tauri::command]
pub fn get_sale(state: State<'_, AppState>, id: String) -> Reply<Sale> {
    state.with(|s| s.get_sale(&id))
}

#[tauri::command]
pub fn list_sales(state: State<'_, AppState>, query: SaleQuery) -> Reply<SalePage> {
    state.with(|s| s.list_sales(&query))
}

#[tauri::command]
pub fn record_return(
    state: State<'_, AppState>,
    company_id: String,
    input: ReturnInput,
) -> Reply<Sale> {
    state.with(|s| s.record_return(&company_id, &input))
}
