//! Where the database lives by default, the same for the app and the CLI.

use std::path::PathBuf;

/// The app's reverse-DNS identifier (`tauri.conf.json`): names its data and log folders.
pub const APP_IDENTIFIER: &str = "io.stockflow.desktop";

/// `STOCKFLOW_DB` if set, else `stockflow.db` in the OS app-data folder (the folder Tauri's
/// `app_data_dir` names: `~/.local/share/io.stockflow.desktop` on Linux).
pub fn default_db_path() -> PathBuf {
    std::env::var_os("STOCKFLOW_DB")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join(APP_IDENTIFIER).join("stockflow.db")))
        .unwrap_or_else(|| PathBuf::from("stockflow.db"))
}

/// `STOCKFLOW_LOG_DIR` if set (a demo or a test keeps its logs beside its throw-away database),
/// else the OS folder for the app's log files.
pub fn log_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("STOCKFLOW_LOG_DIR").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|h| h.join("Library/Logs").join(APP_IDENTIFIER))
    } else {
        dirs::data_local_dir().map(|d| d.join(APP_IDENTIFIER).join("logs"))
    }
}
