use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
pub fn set_kit_components(
    state: State<'_, AppState>,
    kit_id: String,
    components: Vec<QuantityLine>,
) -> Reply<Product> {
    state.with(|s| s.set_kit_components(&kit_id, &components))
}
