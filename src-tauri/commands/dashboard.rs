//! The dashboard: the stock-out forecast, and the desktop notification when an alert first
//! appears for a product in a warehouse.

use stockflow_core::*;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_notification::NotificationExt;

use crate::ipc::IpcError;
use crate::AppState;

#[tauri::command]
pub fn stockout_forecast(
    state: State<'_, AppState>,
    query: ForecastQuery,
) -> Result<StockoutForecast, IpcError> {
    state.with(|s| s.stockout_forecast(&query))
}

/// Takes the company's alerts the user has not been told about yet (`now` absent: the current
/// time) and, when there are any, shows one desktop notification for them all. Returns them.
/// The notification is sent from here, so the window needs no notification permission; when it
/// cannot be shown (no notification service, as under Xvfb) that is logged, not an error: the
/// alerts are on the dashboard anyway.
#[tauri::command]
pub fn check_alert_notices<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    company_id: String,
    now: Option<String>,
) -> Result<Vec<Alert>, IpcError> {
    let fresh = state.with(|s| s.take_new_alert_notices(&company_id, now.as_deref()))?;
    if !fresh.is_empty() {
        notify(&app, &fresh);
    }
    Ok(fresh)
}

fn notify<R: Runtime>(app: &AppHandle<R>, fresh: &[Alert]) {
    // `run` registers the plugin; the command-layer tests' mock runtime does not.
    if app
        .try_state::<tauri_plugin_notification::Notification<R>>()
        .is_none()
    {
        tracing::info!(
            alerts = fresh.len(),
            "new low-stock alerts; notifications are not available"
        );
        return;
    }
    let (title, body) = notice_text(fresh);
    match app.notification().builder().title(title).body(body).show() {
        Ok(()) => tracing::info!(
            alerts = fresh.len(),
            "low-stock notification handed to the desktop"
        ),
        Err(e) => tracing::warn!(error = %e, "could not show the low-stock notification"),
    }
}

/// One notification for any number of new alerts: the most urgent ones by name.
fn notice_text(fresh: &[Alert]) -> (String, String) {
    const SHOWN: usize = 3;
    let title = match fresh.len() {
        1 => "Low stock: 1 new alert".to_owned(),
        n => format!("Low stock: {n} new alerts"),
    };
    let mut lines: Vec<String> = fresh
        .iter()
        .take(SHOWN)
        .map(|a| {
            format!(
                "{} ({}) in {}: {} left, about {} days",
                a.product_name, a.sku, a.warehouse_name, a.current_stock, a.days_until_stockout
            )
        })
        .collect();
    if fresh.len() > SHOWN {
        lines.push(format!("and {} more", fresh.len() - SHOWN));
    }
    (title, lines.join("\n"))
}
