//! Scans per second through the command layer: the `scan` command invoked over Tauri's IPC
//! path (mock runtime, the app's real commands and capabilities) on a database file with
//! `synchronous=FULL`. Each scan is its own durable transaction, as in the app.
//!
//! cargo bench -p stockflow --bench scans [-- --scans 1000]

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use stockflow_app::AppState;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Value {
    tauri::test::get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .unwrap_or_else(|e| panic!("{cmd} refused: {e}"))
    .deserialize()
    .unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scans: usize = args
        .iter()
        .position(|a| a == "--scans")
        .and_then(|i| args.get(i + 1))
        .map_or(1_000, |v| v.parse().expect("--scans N"));
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(dir.path().join("scans.db"), None);
    let app = stockflow_app::with_commands(tauri::test::mock_builder(), state)
        .build(stockflow_app::context())
        .unwrap();
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap(),
    };

    let company = invoke(
        &window,
        "create_company",
        json!({"input": {"name": "Bench"}}),
    )["id"]
        .clone();
    let warehouse = invoke(
        &window,
        "create_warehouse",
        json!({"companyId": company, "input": {"name": "Back room"}}),
    )["id"]
        .clone();
    let codes: Vec<String> = (0..200).map(|i| format!("400{i:010}")).collect();
    for (i, code) in codes.iter().enumerate() {
        invoke(
            &window,
            "create_product",
            json!({"companyId": company, "input": {"sku": format!("SKU-{i}"), "name": format!("Item {i}"),
                "price": "1", "barcode": code, "initial_stock": [{"warehouse_id": warehouse, "quantity": 5}]}}),
        );
    }
    let session = invoke(
        &window,
        "start_count",
        json!({"companyId": company, "input": {"warehouse_id": warehouse, "scope": {"kind": "all"}, "blind": true}}),
    )["id"]
        .clone();

    let started = Instant::now();
    let mut times: Vec<Duration> = Vec::with_capacity(scans);
    for i in 0..scans {
        let t = Instant::now();
        invoke(
            &window,
            "scan",
            json!({"sessionId": session, "input": {"code": codes[(i * 7) % codes.len()]}}),
        );
        times.push(t.elapsed());
    }
    let total = started.elapsed();
    times.sort();
    let counted = invoke(&window, "get_count", json!({"id": session}));
    let units: i64 = counted["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["counted"].as_i64().unwrap())
        .sum();
    assert_eq!(units as usize, scans, "every scan was saved");
    println!(
        "{scans} scans through the command layer in {:.3} s ({:.0} scans/s); per scan median {:.3} ms, p99 {:.3} ms",
        total.as_secs_f64(),
        scans as f64 / total.as_secs_f64(),
        times[scans / 2].as_secs_f64() * 1000.0,
        times[scans * 99 / 100].as_secs_f64() * 1000.0
    );
}
