//! Settings > Backup (issue #15): back up now (with progress), the automatic backups, restore,
//! and the company's export. The file and folder are chosen in the window through the dialog
//! plugin; these commands only receive the paths.

use std::path::Path;

use stockflow_core::*;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::ipc::IpcError;
use crate::AppState;

/// The event carrying [`BackupProgress`] while `backup_now` runs.
pub const BACKUP_PROGRESS: &str = "backup-progress";

/// A verified backup of the whole database to `path`. Runs off the main thread on a store of
/// its own (acting as the signed-in user), so the window keeps working meanwhile.
#[tauri::command]
pub async fn backup_now<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
) -> Result<BackupFile, IpcError> {
    let db_path = state.db_path.clone();
    let actor = state.with(|s| s.actor())?;
    tauri::async_runtime::spawn_blocking(move || {
        let mut store = Store::open(&db_path)?;
        store.set_actor(actor)?;
        store.backup_to(Path::new(&path), &mut |p| {
            let _ = app.emit(BACKUP_PROGRESS, p);
        })
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "the backup task failed");
        IpcError::from(Error::Internal("the backup task failed".into()))
    })?
    .map_err(IpcError::from)
}

#[tauri::command]
pub fn list_backups(state: State<'_, AppState>) -> Result<Vec<BackupFile>, IpcError> {
    state.with(|s| s.list_backups())
}

/// Replaces the database with the backup at `path`. On success the session has ended: the
/// window goes back to sign-in (the restored database's users).
#[tauri::command]
pub fn restore_backup(
    state: State<'_, AppState>,
    path: String,
) -> Result<RestoreSummary, IpcError> {
    state.with(|s| s.restore_from(Path::new(&path)))
}

/// The company in the CSV interchange format, into the folder `dir`.
#[tauri::command]
pub fn export_company(
    state: State<'_, AppState>,
    company_id: String,
    dir: String,
) -> Result<ImportSummary, IpcError> {
    state.with(|s| s.export_company(&company_id, Path::new(&dir)))
}

/// Today's automatic backup, if not taken yet, on a thread of its own at start: the window
/// does not wait for it. A failure is logged (the list in Settings shows what is there).
pub fn start_auto_backup(db_path: std::path::PathBuf) {
    std::thread::spawn(
        move || match stockflow_core::backup::auto_backup_today(&db_path) {
            Ok(Some(f)) => tracing::info!(file = %f.path, size = f.size_bytes, "automatic backup"),
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "the automatic backup failed"),
        },
    );
}

/// The list on screen (products, stock, alerts, history, sales, with its filters) as a
/// spreadsheet CSV file at `path`: the rows written.
#[tauri::command]
pub fn export_list_csv(
    state: State<'_, AppState>,
    list: ListExport,
    path: String,
) -> Result<u64, IpcError> {
    state.with(|s| s.export_list_csv(&list, Path::new(&path)))
}
