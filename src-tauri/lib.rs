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
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::catalog::list_companies,
            commands::catalog::create_company,
            commands::catalog::update_company,
            commands::catalog::company_summary,
            commands::catalog::list_warehouses,
            commands::catalog::create_warehouse,
            commands::catalog::update_warehouse,
            commands::catalog::set_warehouse_archived,
            commands::catalog::list_product_types,
            commands::catalog::create_product_type,
            commands::catalog::update_product_type,
            commands::catalog::list_products,
            commands::catalog::get_product,
            commands::catalog::create_product,
            commands::catalog::update_product,
            commands::catalog::set_product_archived,
            commands::catalog::list_stock,
            commands::catalog::find_product_by_code,
            commands::stock::receive_stock,
            commands::stock::adjust_stock,
            commands::stock::transfer_stock,
            commands::stock::list_adjustment_reasons,
            commands::stock::add_adjustment_reason,
            commands::stock::remove_adjustment_reason,
            commands::stock::record_sale,
            commands::stock::get_sale,
            commands::stock::list_sales,
            commands::stock::record_return,
            commands::stock::set_kit_components,
            commands::stock::list_movements,
            commands::stock::daily_sales,
            commands::purchasing::list_suppliers,
            commands::purchasing::get_supplier,
            commands::purchasing::create_supplier,
            commands::purchasing::update_supplier,
            commands::purchasing::set_supplier_archived,
            commands::purchasing::link_supplier,
            commands::purchasing::product_suppliers,
            commands::purchasing::supplier_products,
            commands::purchasing::create_purchase_order,
            commands::purchasing::send_purchase_order,
            commands::purchasing::receive_purchase_order,
            commands::purchasing::cancel_purchase_order,
            commands::purchasing::get_purchase_order,
            commands::purchasing::list_purchase_orders,
            commands::purchasing::on_order,
            commands::counts::start_count,
            commands::counts::get_count,
            commands::counts::list_open_counts,
            commands::counts::scan,
            commands::counts::set_count_paused,
            commands::counts::cancel_count,
            commands::counts::review_count,
            commands::counts::commit_count,
            commands::counts::counts_due,
            commands::alerts::low_stock_alerts,
            commands::alerts::import_dir,
            commands::alerts::draft_orders_from_alerts,
            commands::dashboard::stockout_forecast,
            commands::dashboard::check_alert_notices,
            commands::users::auth_status,
            commands::users::setup_owner,
            commands::users::sign_in,
            commands::users::sign_out,
            commands::users::change_password,
            commands::users::list_users,
            commands::users::add_user,
            commands::users::set_user_disabled,
            commands::users::set_user_role,
            commands::users::reset_password,
            commands::users::set_idle_lock_minutes,
            commands::numbers::numbering,
            commands::numbers::set_numbering_series,
            commands::numbers::device_name,
            commands::numbers::set_device_name,
            commands::numbers::stock_changes_elsewhere,
            commands::backup::backup_now,
            commands::backup::list_backups,
            commands::backup::restore_backup,
            commands::backup::export_company,
            commands::backup::export_list_csv,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::sync::sync_connect,
            commands::sync::join_shop,
            commands::sync::sync_disconnect,
            commands::sync::list_sync_conflicts,
            commands::sync::list_sync_overwrites,
            commands::sync::keep_sync_overwrite,
            commands::sync::keep_sync_conflict,
        ])
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
