//! Errors across the IPC boundary (DESIGN §5): `{code, message, field?}` with stable snake_case
//! codes. Storage details go to the log, never to the UI. The JSON is pinned by tests.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    #[ts(type = "IpcErrorCode")]
    pub code: String,
    /// A sentence for the user.
    pub message: String,
    /// The input field at fault (snake_case, as in the payload), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    /// The line of a sale or purchase order at fault (counting from 1), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub line: Option<u32>,
}

/// The codes the shell adds to the core's (`stockflow_core::Error::CODES`): a sync server that
/// cannot be reached, refuses, or answers nonsense (`sync::sync_error`).
pub const SYNC_CODES: &[&str] = &[
    "server_unreachable",
    "server_refused",
    "server_protocol",
    "cancelled",
];

/// Every code an [`IpcError`] can carry: the UI's `IPC_ERROR_CODES` is generated from it.
pub fn error_codes() -> impl Iterator<Item = &'static str> {
    stockflow_core::Error::CODES
        .iter()
        .chain(SYNC_CODES)
        .copied()
}

impl From<stockflow_core::Error> for IpcError {
    fn from(e: stockflow_core::Error) -> Self {
        let message = if e.is_internal() {
            tracing::error!(error = %e, "command failed");
            "Something went wrong while reading or saving data. Nothing was changed; the details are in the log file.".to_owned()
        } else {
            let mut m = e.to_string();
            if let Some(first) = m.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            m
        };
        IpcError {
            code: e.code().to_owned(),
            message,
            field: e.field().map(str::to_owned),
            line: e.line().and_then(|l| u32::try_from(l).ok()),
        }
    }
}

/// What the settings screen shows about this installation.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    pub device_id: String,
    pub log_dir: String,
}
