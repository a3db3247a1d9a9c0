use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
pub fn list_suppliers(
    state: State<'_, AppState>,
    company_id: String,
    include_archived: bool,
) -> Reply<Vec<Supplier>> {
    state.with(|s| s.list_suppliers(&company_id, include_archived))
}

#[tauri::command]
pub fn get_supplier(state: State<'_, AppState>, id: String) -> Reply<Supplier> {
    state.with(|s| s.get_supplier(&id))
}

#[tauri::command]
pub fn create_supplier(
    state: State<'_, AppState>,
    company_id: String,
    input: SupplierInput,
) -> Reply<Supplier> {
    state.with(|s| s.create_supplier(&company_id, &input))
}

#[tauri::command]
pub fn update_supplier(
    state: State<'_, AppState>,
    id: String,
    input: SupplierInput,
) -> Reply<Supplier> {
    state.with(|s| s.update_supplier(&id, &input))
}

#[tauri::command]
pub fn set_supplier_archived(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> Reply<Supplier> {
    state.with(|s| s.set_supplier_archived(&id, archived))
}

#[tauri::command]
pub fn link_supplier(
    state: State<'_, AppState>,
    product_id: String,
    supplier_id: String,
    input: ProductSupplierInput,
) -> Reply<ProductSupplier> {
    state.with(|s| s.link_supplier(&product_id, &supplier_id, &input))
}

#[tauri::command]
pub fn unlink_supplier(
    state: State<'_, AppState>,
    product_id: String,
    supplier_id: String,
) -> Reply<()> {
    state.with(|s| s.unlink_supplier(&product_id, &supplier_id))
}

#[tauri::command]
pub fn product_suppliers(
    state: State<'_, AppState>,
    product_id: String,
) -> Reply<Vec<ProductSupplier>> {
    state.with(|s| s.product_suppliers(&product_id))
}

#[tauri::command]
pub fn supplier_products(
    state: State<'_, AppState>,
    supplier_id: String,
) -> Reply<Vec<ProductSupplier>> {
    state.with(|s| s.supplier_products(&supplier_id))
}

#[tauri::command]
pub fn create_purchase_order(
    state: State<'_, AppState>,
    company_id: String,
    input: PurchaseOrderInput,
) -> Reply<PurchaseOrder> {
    state.with(|s| s.create_purchase_order(&company_id, &input))
}

#[tauri::command]
pub fn update_purchase_order(
    state: State<'_, AppState>,
    id: String,
    input: PurchaseOrderInput,
) -> Reply<PurchaseOrder> {
    state.with(|s| s.update_purchase_order(&id, &input))
}

#[tauri::command]
pub fn send_purchase_order(state: State<'_, AppState>, id: String) -> Reply<PurchaseOrder> {
    state.with(|s| s.send_purchase_order(&id))
}

#[tauri::command]
pub fn receive_purchase_order(
    state: State<'_, AppState>,
    id: String,
    input: ReceiveOrderInput,
) -> Reply<PurchaseOrder> {
    state.with(|s| s.receive_purchase_order(&id, &input))
}

#[tauri::command]
pub fn cancel_purchase_order(state: State<'_, AppState>, id: String) -> Reply<PurchaseOrder> {
    state.with(|s| s.cancel_purchase_order(&id))
}

#[tauri::command]
pub fn get_purchase_order(state: State<'_, AppState>, id: String) -> Reply<PurchaseOrder> {
    state.with(|s| s.get_purchase_order(&id))
}

#[tauri::command]
pub fn list_purchase_orders(
    state: State<'_, AppState>,
    query: PurchaseOrderQuery,
) -> Reply<PurchaseOrderPage> {
    state.with(|s| s.list_purchase_orders(&query))
}

#[tauri::command]
pub fn on_order(
    state: State<'_, AppState>,
    company_id: String,
    product_id: Option<String>,
) -> Reply<Vec<OnOrder>> {
    state.with(|s| s.on_order(&company_id, product_id.as_deref()))
}
