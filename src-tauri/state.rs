//! What the commands share: the open database. Opened once at start; if it cannot be opened
//! (a file from a newer version, a disk error) the window still opens and every command answers
//! with that error, so the user reads why instead of seeing the app vanish.

use std::path::PathBuf;
use std::sync::Mutex;

use stockflow_core::Store;

use crate::ipc::IpcError;

pub struct AppState {
    store: Result<Mutex<Store>, IpcError>,
    pub db_path: PathBuf,
    pub log_dir: Option<PathBuf>,
}

impl AppState {
    /// Opens the database at `STOCKFLOW_DB`, else `stockflow.db` in the OS app-data folder.
    pub fn open_default(log_dir: Option<PathBuf>) -> AppState {
        AppState::open(stockflow_core::paths::default_db_path(), log_dir)
    }

    pub fn open(db_path: PathBuf, log_dir: Option<PathBuf>) -> AppState {
        let store = Store::open(&db_path).map(Mutex::new).map_err(|e| {
            tracing::error!(path = %db_path.display(), error = %e, "cannot open the database");
            IpcError::from(e)
        });
        AppState {
            store,
            db_path,
            log_dir,
        }
    }

    /// Whether the database opened (a file from a newer version does not).
    pub fn is_open(&self) -> bool {
        self.store.is_ok()
    }

    /// Runs one core function on the store and maps its error for the UI.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> stockflow_core::Result<T>,
    ) -> Result<T, IpcError> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        // A panic in an earlier command cannot leave a half-done write: transactions roll back
        // on drop. The store itself is still usable.
        let mut store = store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut store).map_err(IpcError::from)
    }
}
