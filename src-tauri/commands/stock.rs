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

#[tauri::command]
pub fn set_kit_components(
    state: State<'_, AppState>,
    kit_id: String,
    components: Vec<QuantityLine>,
) -> Reply<Product> {
    state.with(|s| s.set_kit_components(&kit_id, &components))
}

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
