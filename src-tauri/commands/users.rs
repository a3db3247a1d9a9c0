//! Sign-in, the session and users (issue #7). The session lives in the core's store: these
//! commands only pass the input through and map the errors.

use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

#[tauri::command]
pub fn auth_status(state: State<'_, AppState>) -> Reply<AuthStatus> {
    state.with(|s| s.auth_status())
}

#[tauri::command]
pub fn setup_owner(state: State<'_, AppState>, input: SetupOwner) -> Reply<User> {
    state.with(|s| s.setup_owner(&input))
}

#[tauri::command]
pub fn sign_in(state: State<'_, AppState>, input: SignIn) -> Reply<User> {
    state.with(|s| s.sign_in(&input))
}

#[tauri::command]
pub fn sign_out(state: State<'_, AppState>) -> Reply<()> {
    state.with(|s| {
        s.sign_out();
        Ok(())
    })
}

#[tauri::command]
pub fn change_password(state: State<'_, AppState>, input: ChangePassword) -> Reply<()> {
    state.with(|s| s.change_password(&input))
}

#[tauri::command]
pub fn list_users(state: State<'_, AppState>, company_id: String) -> Reply<Vec<User>> {
    state.with(|s| s.list_users(&company_id))
}

#[tauri::command]
pub fn add_user(state: State<'_, AppState>, input: NewUser) -> Reply<User> {
    state.with(|s| s.add_user(&input))
}

#[tauri::command]
pub fn set_user_disabled(
    state: State<'_, AppState>,
    user_id: String,
    disabled: bool,
) -> Reply<User> {
    state.with(|s| s.set_user_disabled(&user_id, disabled))
}

#[tauri::command]
pub fn set_user_role(
    state: State<'_, AppState>,
    user_id: String,
    company_id: String,
    role: Role,
) -> Reply<User> {
    state.with(|s| s.set_user_role(&user_id, &company_id, role))
}

#[tauri::command]
pub fn reset_password(state: State<'_, AppState>, user_id: String, password: String) -> Reply<()> {
    state.with(|s| s.reset_password(&user_id, &password))
}

#[tauri::command]
pub fn set_idle_lock_minutes(state: State<'_, AppState>, minutes: u32) -> Reply<AuthStatus> {
    state.with(|s| s.set_idle_lock_minutes(minutes))
}
