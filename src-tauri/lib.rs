//! The desktop shell: plugins, state, logging and the commands the UI invokes. Business rules
//! live in `stockflow-core`; a command here parses its arguments, calls one core function and
//! maps the error (see `ipc.rs`).

pub mod bindings;
mod commands;
pub mod ipc;
mod logging;
pub mod state;
pub mod sync;

use tauri::Manager;

pub use state::AppState;

/// `command_list.rs` as the window's handler: `area::name` is `commands::area::name`.
macro_rules! commands {
    ($($area:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$area::$name),*]
    };
}

/// The command names of `command_list.rs`, for the tests that hold every other list to it.
pub const COMMAND_NAMES: &[&str] = {
    macro_rules! commands {
        ($($area:ident :: $name:ident),* $(,)?) => {
            &[$(stringify!($name)),*]
        };
    }
    include!("command_list.rs")
};

/// Adds the state and the commands, no plugins: what the command-layer tests run on the mock
/// runtime's builder, and what [`run`] builds on.
pub fn with_commands<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
) -> tauri::Builder<R> {
    let sync = sync::SyncService::new(state.db_path.clone());
    builder
        .manage(state)
        .manage(sync)
        .invoke_handler(include!("command_list.rs"))
}

/// The configuration, icons, capabilities and UI assets compiled into the binary.
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!("tauri.conf.json")
}

pub fn run() {
    let logs = logging::init();
    let state = AppState::open_default(logs.dir.clone());
    if state.is_open() {
        commands::backup::start_auto_backup(state.db_path.clone());
    }
    with_commands(tauri::Builder::default(), state)
        // First, so that a second launch hands over and exits before opening anything.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        // Sent from Rust only (check_alert_notices): the window has no notification permission.
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            sync::start_with_window(app.handle());
            Ok(())
        })
        .run(context())
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "the application stopped with an error");
            std::process::exit(1);
        });
    drop(logs);
}
