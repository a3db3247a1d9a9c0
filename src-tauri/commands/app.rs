use tauri::State;

use crate::ipc::{AppInfo, IpcError};
use crate::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    let device_id = state.with(|s| Ok(s.device_id().to_owned()))?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        db_path: state.db_path.display().to_string(),
        device_id,
        log_dir: state
            .log_dir
            .as_ref()
            .map(|d| d.display().to_string())
            .unwrap_or_default(),
    })
}
