use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
pub fn list_companies(state: State<'_, AppState>) -> Reply<Vec<Company>> {
    state.with(|s| s.list_companies())
}

#[tauri::command]
pub fn create_company(state: State<'_, AppState>, input: CompanyInput) -> Reply<Company> {
    state.with(|s| s.create_company(&input))
}

#[tauri::command]
pub fn update_company(
    state: State<'_, AppState>,
    id: String,
    input: CompanyInput,
) -> Reply<Company> {
    state.with(|s| s.update_company(&id, &input))
}

#[tauri::command]
pub fn company_summary(state: State<'_, AppState>, company_id: String) -> Reply<CompanySummary> {
    state.with(|s| s.company_summary(&company_id))
}

#[tauri::command]
pub fn list_warehouses(
    state: State<'_, AppState>,
    company_id: String,
    include_archived: bool,
) -> Reply<Vec<Warehouse>> {
    state.with(|s| s.list_warehouses(&company_id, include_archived))
}

#[tauri::command]
pub fn create_warehouse(
    state: State<'_, AppState>,
    company_id: String,
    input: WarehouseInput,
) -> Reply<Warehouse> {
    state.with(|s| s.create_warehouse(&company_id, &input))
}

#[tauri::command]
pub fn update_warehouse(
    state: State<'_, AppState>,
    id: String,
    input: WarehouseInput,
) -> Reply<Warehouse> {
    state.with(|s| s.update_warehouse(&id, &input))
}

#[tauri::command]
pub fn set_warehouse_archived(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> Reply<Warehouse> {
    state.with(|s| s.set_warehouse_archived(&id, archived))
}

#[tauri::command]
pub fn list_product_types(
    state: State<'_, AppState>,
    company_id: String,
) -> Reply<Vec<ProductType>> {
    state.with(|s| s.list_product_types(&company_id))
}

#[tauri::command]
pub fn create_product_type(
    state: State<'_, AppState>,
    company_id: String,
    input: ProductTypeInput,
) -> Reply<ProductType> {
    state.with(|s| s.create_product_type(&company_id, &input))
}

#[tauri::command]
pub fn update_product_type(
    state: State<'_, AppState>,
    id: String,
    input: ProductTypeInput,
) -> Reply<ProductType> {
    state.with(|s| s.update_product_type(&id, &input))
}

#[tauri::command]
pub fn list_products(state: State<'_, AppState>, query: ProductQuery) -> Reply<ProductPage> {
    state.with(|s| s.list_products(&query))
}

#[tauri::command]
pub fn get_product(state: State<'_, AppState>, id: String) -> Reply<Product> {
    state.with(|s| s.get_product(&id))
}

#[tauri::command]
pub fn create_product(
    state: State<'_, AppState>,
    company_id: String,
    input: ProductInput,
) -> Reply<Product> {
    state.with(|s| s.create_product(&company_id, &input))
}

#[tauri::command]
pub fn update_product(
    state: State<'_, AppState>,
    id: String,
    input: ProductInput,
) -> Reply<Product> {
    state.with(|s| s.update_product(&id, &input))
}

#[tauri::command]
pub fn set_product_archived(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> Reply<Product> {
    state.with(|s| s.set_product_archived(&id, archived))
}

#[tauri::command]
pub fn find_product_by_code(
    state: State<'_, AppState>,
    company_id: String,
    code: String,
) -> Reply<Product> {
    state.with(|s| s.find_product_by_code(&company_id, &code))
}
