use stockflow_core::*;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::ipc::IpcError;
use crate::AppState;

/// The event carrying [`ImportProgress`] while `import_dir` runs. The import screen listens to
/// it: `core:event:allow-listen` and `core:event:allow-unlisten` are granted in
/// `capabilities/main.json` for that.
pub const IMPORT_PROGRESS: &str = "import-progress";

/// Imports a folder of CSV files, all or nothing. It runs off the main thread on a connection
/// of its own, so the window stays responsive and reads keep working meanwhile; progress is
/// emitted as `import-progress` events.
#[tauri::command]
pub async fn import_dir<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    dir: String,
) -> Result<ImportSummary, IpcError> {
    let db_path = state.db_path.clone();
    // The worker's store acts as whoever is signed in here (or in setup mode, as nobody).
    let actor = state.with(|s| s.actor())?;
    tauri::async_runtime::spawn_blocking(move || {
        let mut store = Store::open(&db_path)?;
        store.set_actor(actor)?;
        store.import_dir(std::path::Path::new(&dir), &mut |p| {
            let _ = app.emit(IMPORT_PROGRESS, p);
        })
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "the import task failed");
        IpcError::from(Error::validation(
            "dir",
            "the import stopped unexpectedly; nothing was changed",
        ))
    })?
    .map_err(IpcError::from)
}
