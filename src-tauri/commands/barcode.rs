use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

#[tauri::command]
pub fn barcode_labels(
    state: State<'_, AppState>,
    request: LabelRequest,
) -> Result<Vec<Label>, IpcError> {
    state.with(|s| s.barcode_labels(&request))
}
