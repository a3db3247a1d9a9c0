//! Import > From a spreadsheet (issue #17): products from one CSV file. The file and the
//! template's destination are chosen in the window through the dialog plugin; these commands
//! only receive the paths. Preview and import take the column mapping the user set (an empty
//! list: every column guessed from its header).

use std::path::Path;

use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

/// The template's CSV text: the header line for the company's warehouses.
#[tauri::command]
pub fn spreadsheet_template(state: State<'_, AppState>, company_id: String) -> Reply<String> {
    state.with(|s| s.spreadsheet_template(&company_id))
}

/// The template written to `path` (picked in a save dialog).
#[tauri::command]
pub fn save_spreadsheet_template(
    state: State<'_, AppState>,
    company_id: String,
    path: String,
) -> Reply<()> {
    state.with(|s| s.save_spreadsheet_template(&company_id, Path::new(&path)))
}

/// The mapping used, the first rows and every bad cell; writes nothing.
#[tauri::command]
pub fn preview_spreadsheet(
    state: State<'_, AppState>,
    company_id: String,
    path: String,
    mapping: Vec<ColumnMapping>,
) -> Reply<SpreadsheetPreview> {
    state.with(|s| s.preview_spreadsheet(&company_id, Path::new(&path), &mapping))
}

/// Every product of the file with its opening stock, in one transaction, or nothing (the
/// error names the file, line and column of the first bad cell). A spreadsheet of products is
/// small next to an interchange folder, so this runs as a plain command.
#[tauri::command]
pub fn import_spreadsheet(
    state: State<'_, AppState>,
    company_id: String,
    path: String,
    mapping: Vec<ColumnMapping>,
) -> Reply<SpreadsheetSummary> {
    state.with(|s| s.import_spreadsheet(&company_id, Path::new(&path), &mapping, false))
}
