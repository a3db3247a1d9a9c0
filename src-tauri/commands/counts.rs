use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
pub fn start_count(
    state: State<'_, AppState>,
    company_id: String,
    input: CountSessionInput,
) -> Reply<CountSession> {
    state.with(|s| s.start_count(&company_id, &input))
}

#[tauri::command]
pub fn get_count(state: State<'_, AppState>, id: String) -> Reply<CountSession> {
    state.with(|s| s.get_count(&id))
}

#[tauri::command]
pub fn list_open_counts(
    state: State<'_, AppState>,
    company_id: String,
) -> Reply<Vec<CountSession>> {
    state.with(|s| s.list_open_counts(&company_id))
}

#[tauri::command]
pub fn scan(state: State<'_, AppState>, session_id: String, input: ScanInput) -> Reply<CountLine> {
    state.with(|s| s.scan(&session_id, &input))
}

#[tauri::command]
pub fn set_count_paused(
    state: State<'_, AppState>,
    id: String,
    paused: bool,
) -> Reply<CountSession> {
    state.with(|s| s.set_count_paused(&id, paused))
}

#[tauri::command]
pub fn cancel_count(state: State<'_, AppState>, id: String) -> Reply<CountSession> {
    state.with(|s| s.cancel_count(&id))
}

#[tauri::command]
pub fn review_count(state: State<'_, AppState>, id: String) -> Reply<CountReview> {
    state.with(|s| s.review_count(&id))
}

#[tauri::command]
pub fn commit_count(
    state: State<'_, AppState>,
    id: String,
    uncounted: UncountedChoice,
) -> Reply<CountReview> {
    state.with(|s| s.commit_count(&id, uncounted))
}

#[tauri::command]
pub fn counts_due(
    state: State<'_, AppState>,
    company_id: String,
    warehouse_id: String,
) -> Reply<Vec<DueCount>> {
    state.with(|s| s.counts_due(&company_id, &warehouse_id))
}
