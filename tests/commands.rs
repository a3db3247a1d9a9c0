//! The command layer as the UI reaches it: real IPC requests (argument names in camelCase,
//! payloads in JSON, the capability check) on Tauri's mock runtime, against a real database
//! file. Pins the error JSON and the generated TypeScript bindings.

use std::path::Path;

use serde_json::{json, Value};
use stockflow_app::AppState;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

struct App {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

impl App {
    fn new() -> App {
        let dir = tempfile::tempdir().unwrap();
        App::on(dir.path().join("stockflow.db"), dir)
    }

    fn on(db: impl AsRef<Path>, dir: tempfile::TempDir) -> App {
        let state = AppState::open(db.as_ref().to_path_buf(), None);
        let app = stockflow_app::with_commands(tauri::test::mock_builder(), state)
            .build(stockflow_app::context())
            .expect("the app builds on the mock runtime");
        let window = match app.get_webview_window("main") {
            Some(w) => w,
            None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
                .build()
                .unwrap(),
        };
        App {
            _app: app,
            window,
            _dir: dir,
        }
    }

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        tauri::test::get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                // The origin the app's own pages have on Linux and macOS.
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args.clone())
            .unwrap_or_else(|e| panic!("{cmd} {args} was refused: {e}"))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        match self.invoke(cmd, args.clone()) {
            Ok(v) => panic!("{cmd} {args} should be refused, got {v}"),
            Err(e) => e,
        }
    }

    /// A company with one warehouse, "Main": (company id, warehouse id).
    fn company_with_warehouse(&self) -> (String, String) {
        let c = self.ok("create_company", json!({"input": {"name": "Acme"}}));
        let company = c["id"].as_str().unwrap().to_owned();
        let w = self.ok(
            "create_warehouse",
            json!({"companyId": company, "input": {"name": "Main"}}),
        );
        (company, w["id"].as_str().unwrap().to_owned())
    }
}

#[test]
fn a_product_created_through_ipc_is_listed_with_its_stock() {
    let app = App::new();
    let (company, main) = app.company_with_warehouse();
    let p = app.ok(
        "create_product",
        json!({"companyId": company, "input": {
            "sku": "MUG-1", "name": "Blue mug", "price": "19.99",
            "initial_stock": [{"warehouse_id": main, "quantity": 7}],
            "warehouse_thresholds": []
        }}),
    );
    assert_eq!(
        p["price"], "19.99",
        "money crosses IPC as an exact decimal string"
    );
    assert_eq!(
        p["stock"],
        json!([{"warehouse_id": main, "warehouse_name": "Main", "on_hand": 7}])
    );

    let page = app.ok(
        "list_products",
        json!({"query": {"company_id": company, "search": "mug"}}),
    );
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["sku"], "MUG-1");
    assert_eq!(page["items"][0]["on_hand"], 7);

    let stock = app.ok("list_stock", json!({"query": {"company_id": company}}));
    assert_eq!(stock[0]["on_hand"], 7);
    let info = app.ok("app_info", json!({}));
    assert!(info["db_path"].as_str().unwrap().ends_with("stockflow.db"));
}

#[test]
fn error_json_is_pinned() {
    let app = App::new();
    let (company, main) = app.company_with_warehouse();
    let product = |sku: &str, price: &str| json!({"companyId": company, "input": {"sku": sku, "name": "Mug", "price": price}});
    app.ok("create_product", product("MUG-1", "3"));

    assert_eq!(
        app.err("create_product", product("mug-1", "3")),
        json!({"code": "conflict", "message": "SKU \"mug-1\" is already used by another product in this company", "field": "sku"})
    );
    assert_eq!(
        app.err("create_product", product("NEW", "1.23456")),
        json!({"code": "validation", "message": "Price can have at most 4 decimal places", "field": "price"})
    );
    assert_eq!(
        app.err("create_product", product("NEW", "abc")),
        json!({"code": "validation", "message": "Price must be a number such as 19.99, not \"abc\"", "field": "price"})
    );
    assert_eq!(
        app.err("create_product", product(" ", "1")),
        json!({"code": "validation", "message": "SKU is required", "field": "sku"})
    );
    assert_eq!(
        app.err(
            "list_warehouses",
            json!({"companyId": "nope", "includeArchived": false})
        ),
        json!({"code": "not_found", "message": "Company not found: nope"}),
        "no field key when no field is at fault"
    );
    let negative = json!({"companyId": company, "input": {"sku": "NEW", "name": "N", "price": "1",
        "initial_stock": [{"warehouse_id": main, "quantity": -1}]}});
    assert_eq!(
        app.err("create_product", negative),
        json!({"code": "validation", "message": "An initial quantity cannot be negative", "field": "initial_stock"})
    );
    // A sale's second line at fault: the line is named, in words and as a number.
    let mug = app.ok("list_products", json!({"query": {"company_id": company}}))["items"][0]["id"]
        .clone();
    let sale = json!({"companyId": company, "input": {"warehouse_id": main, "lines": [
        {"product_id": mug, "quantity": 1}, {"product_id": mug, "quantity": 0}]}});
    assert_eq!(
        app.err("record_sale", sale),
        json!({"code": "validation", "message": "Line 2: a quantity must be more than zero", "field": "quantity", "line": 2})
    );

    let page = app.ok("list_products", json!({"query": {"company_id": company}}));
    assert_eq!(page["total"], 1, "no refused command wrote a product");
}

#[test]
fn a_kit_sale_through_ipc_takes_its_components_and_an_oversell_is_refused() {
    let app = App::new();
    let (company, main) = app.company_with_warehouse();
    let mut ids = std::collections::HashMap::new();
    for (sku, qty) in [("CUP", 10), ("SAUCER", 4), ("SET", 0)] {
        let p = app.ok(
            "create_product",
            json!({"companyId": company, "input": {"sku": sku, "name": sku, "price": "2.50",
                "initial_stock": [{"warehouse_id": main, "quantity": qty}]}}),
        );
        ids.insert(sku, p["id"].as_str().unwrap().to_owned());
    }
    let kit = app.ok(
        "set_kit_components",
        json!({"kitId": ids["SET"], "components": [
            {"product_id": ids["CUP"], "quantity": 1}, {"product_id": ids["SAUCER"], "quantity": 1}]}),
    );
    assert_eq!(kit["is_kit"], true);
    let sale = |qty: i64| {
        json!({"companyId": company, "input": {"warehouse_id": main,
            "lines": [{"product_id": ids["SET"], "quantity": qty}]}})
    };
    let sold = app.ok("record_sale", sale(3));
    assert_eq!(sold["total"], "7.50");
    assert_eq!(
        app.err("record_sale", sale(2)),
        json!({"code": "insufficient_stock", "message": "Not enough stock of SAUCER in Main: 2 requested, 1 on hand"})
    );
    let stock = app.ok("list_stock", json!({"query": {"company_id": company}}));
    let on_hand: Vec<_> = stock
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["sku"].as_str().unwrap(),
                r["on_hand"].as_i64().unwrap(),
                r["available"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(on_hand, [("CUP", 7, 7), ("SAUCER", 1, 1), ("SET", 0, 1)]);
    let history = app.ok(
        "list_movements",
        json!({"query": {"company_id": company, "kind": "sale"}}),
    );
    assert_eq!(
        history["items"].as_array().unwrap().len(),
        2,
        "one sale movement per component"
    );
}

#[test]
fn an_import_through_ipc_is_all_or_nothing_and_feeds_the_alerts() {
    let app = App::new();
    let data = tempfile::tempdir().unwrap();
    let files = [
        ("companies.csv", "id,name\n1,Harbour\n"),
        ("warehouses.csv", "id,company_id,name\n1,1,Main\n"),
        (
            "product_types.csv",
            "product_type,default_threshold\nstandard,20\n",
        ),
        (
            "products.csv",
            "id,company_id,sku,name,price,product_type\n1,1,MUG,Mug,12.50,standard\n",
        ),
        (
            "suppliers.csv",
            "id,company_id,name,contact_email\n1,1,Potter,p@potter.example\n",
        ),
        (
            "product_suppliers.csv",
            "product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n1,1,5,4.00,1\n",
        ),
        ("thresholds.csv", "product_id,warehouse_id,threshold\n"),
        (
            "sales.csv",
            "id,product_id,warehouse_id,quantity,sold_at\n1,1,1,6,2024-12-20T10:00:00Z\n",
        ),
        ("inventory.csv", "product_id,warehouse_id,quantity\n1,1,2\n"),
    ];
    for (name, text) in files {
        std::fs::write(data.path().join(name), text).unwrap();
    }
    let dir = data.path().to_str().unwrap();
    std::fs::write(
        data.path().join("sales.csv"),
        "id,product_id,warehouse_id,quantity,sold_at\n1,1,7,6,2024-12-20T10:00:00Z\n",
    )
    .unwrap();
    let err = app.err("import_dir", json!({"dir": dir}));
    assert_eq!(err["field"], "warehouse_id");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("In sales.csv, line 2, column warehouse_id"),
        "{err}"
    );
    assert_eq!(
        app.ok("list_companies", json!({})),
        json!([]),
        "a refused import writes nothing"
    );

    std::fs::write(data.path().join("sales.csv"), files[7].1).unwrap();
    let summary = app.ok("import_dir", json!({"dir": dir}));
    assert_eq!(
        (summary["products"].as_u64(), summary["sales"].as_u64()),
        (Some(1), Some(1))
    );
    let company = app.ok("list_companies", json!({}))[0]["id"].clone();
    let page = app.ok(
        "low_stock_alerts",
        json!({"query": {"company_id": company, "now": "2025-01-01T00:00:00Z"}}),
    );
    assert_eq!(page["total_alerts"], 1);
    let alert = &page["alerts"][0];
    assert_eq!(
        (alert["sku"].as_str(), alert["days_until_stockout"].as_i64()),
        (Some("MUG"), Some(10))
    );
    assert_eq!(alert["supplier"]["name"], "Potter");
}

#[test]
fn the_dashboard_forecast_and_alert_notices_through_ipc() {
    let app = App::new();
    let data = tempfile::tempdir().unwrap();
    let files = [
        ("companies.csv", "id,name\n1,Harbour\n"),
        ("warehouses.csv", "id,company_id,name\n1,1,Main\n"),
        ("product_types.csv", "product_type,default_threshold\n"),
        (
            "products.csv",
            "id,company_id,sku,name,price,product_type\n1,1,MUG,Mug,12.50,\n2,1,JUG,Jug,20.00,\n",
        ),
        ("suppliers.csv", "id,company_id,name,contact_email\n"),
        (
            "product_suppliers.csv",
            "product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n",
        ),
        ("thresholds.csv", "product_id,warehouse_id,threshold\n"),
        (
            "sales.csv",
            "id,product_id,warehouse_id,quantity,sold_at\n1,1,1,6,2024-12-20T10:00:00Z\n2,2,1,3,2024-12-21T10:00:00Z\n",
        ),
        ("inventory.csv", "product_id,warehouse_id,quantity\n1,1,2\n2,1,50\n"),
    ];
    for (name, text) in files {
        std::fs::write(data.path().join(name), text).unwrap();
    }
    app.ok("import_dir", json!({"dir": data.path().to_str().unwrap()}));
    let company = app.ok("list_companies", json!({}))[0]["id"].clone();
    let now = "2025-01-01T00:00:00Z";

    // MUG: 30*2/6 = 10 days; JUG: 30*50/3 = 500 days.
    let forecast = app.ok(
        "stockout_forecast",
        json!({"query": {"company_id": company, "now": now}}),
    );
    assert_eq!(
        forecast,
        json!({"window_days": 30, "selling": 2, "within_7_days": 0, "within_14_days": 1, "within_30_days": 1})
    );

    // Without a notification plugin on the test runtime the command still answers.
    let fresh = app.ok(
        "check_alert_notices",
        json!({"companyId": company, "now": now}),
    );
    let skus: Vec<&str> = fresh
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["MUG"], "the one alert is new");
    assert_eq!(
        app.ok(
            "check_alert_notices",
            json!({"companyId": company, "now": now})
        ),
        json!([]),
        "and told once"
    );

    let err = app.err("check_alert_notices", json!({"companyId": "nope"}));
    assert_eq!(err["code"], "not_found");
    let err = app.err(
        "stockout_forecast",
        json!({"query": {"company_id": company, "window_days": 400}}),
    );
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("validation"), Some("window_days"))
    );
}

#[test]
fn draft_orders_from_alerts_through_ipc() {
    let app = App::new();
    let (company, main) = app.company_with_warehouse();
    let mug = app.ok(
        "create_product",
        json!({"companyId": company, "input": {"sku": "MUG", "name": "Mug", "price": "9.00",
            "threshold": 10, "initial_stock": [{"warehouse_id": main, "quantity": 12}]}}),
    )["id"]
        .clone();
    let supplier = app.ok(
        "create_supplier",
        json!({"companyId": company, "input": {"name": "Potter", "contact_email": "p@potter.example"}}),
    )["id"]
        .clone();
    app.ok(
        "link_supplier",
        json!({"productId": mug, "supplierId": supplier, "input": {
            "lead_time_days": 7, "unit_cost": "2.50", "moq": 12, "pack_multiple": 6}}),
    );
    app.ok(
        "record_sale",
        json!({"companyId": company, "input": {"warehouse_id": main,
            "lines": [{"product_id": mug, "quantity": 5}]}}),
    );
    let now = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339();
    let query = json!({"company_id": company, "now": now});

    // 7 on hand < 10; cover 14 days: ceil(5*14/30) + 10 - 7 = 6, raised to the MOQ of 12.
    let drafted = app.ok(
        "draft_orders_from_alerts",
        json!({"input": {"query": query, "selection": [{"product_id": mug, "warehouse_id": main}]}}),
    );
    let order = &drafted["orders"][0];
    assert_eq!(
        (
            order["status"].as_str(),
            order["supplier_name"].as_str(),
            order["lines"][0]["quantity_ordered"].as_i64(),
            order["total"].as_str()
        ),
        (Some("draft"), Some("Potter"), Some(12), Some("30.00"))
    );
    assert_eq!(drafted["orders"].as_array().unwrap().len(), 1);
    assert_eq!(drafted["skipped"], json!([]));

    // Again: the draft already has it; the skipped row says why, with the order to open.
    let again = app.ok(
        "draft_orders_from_alerts",
        json!({"input": {"query": query}}),
    );
    assert_eq!(again["orders"], json!([]));
    assert_eq!(again["skipped"][0]["reason"], "already_on_draft");
    assert_eq!(again["skipped"][0]["purchase_order_id"], order["id"]);

    assert_eq!(
        app.err(
            "draft_orders_from_alerts",
            json!({"input": {"query": query, "selection": []}})
        ),
        json!({"code": "validation", "field": "selection",
            "message": "Select at least one alert, or leave the selection out to order every alert"})
    );
    let err = app.err(
        "draft_orders_from_alerts",
        json!({"input": {"query": {"company_id": "nope"}}}),
    );
    assert_eq!(err["code"], "not_found");
    let page = app.ok(
        "list_purchase_orders",
        json!({"query": {"company_id": company}}),
    );
    assert_eq!(page["total"], 1, "the refusals wrote nothing");
}

#[test]
fn a_database_from_a_newer_version_is_reported_to_the_ui_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("future.db");
    rusqlite_free_future_db(&db);
    let app = App::on(&db, dir);
    let err = app.err("list_companies", json!({}));
    assert_eq!(err["code"], "database_too_new");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("newer version of StockFlow"));
}

/// Writes a SQLite file whose schema version is from the future, with the CLI-free core
/// dependency only: the header's user_version is at byte offset 60.
fn rusqlite_free_future_db(path: &Path) {
    let _ = stockflow_core::Store::open(path).unwrap();
    let mut bytes = std::fs::read(path).unwrap();
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
    for ext in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(path.with_extension(ext));
    }
}

#[test]
fn storage_failures_reach_the_ui_without_their_details() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the database file should be: opening fails in the storage layer.
    let db = dir.path().join("is-a-folder.db");
    std::fs::create_dir(&db).unwrap();
    let app = App::on(&db, dir);
    let err = app.err("list_companies", json!({}));
    assert_eq!(err["code"], "internal");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("Nothing was changed"), "{message}");
    assert!(
        !message.contains("is-a-folder"),
        "no paths or SQLite text in the UI: {message}"
    );
}

#[test]
fn the_window_may_call_our_commands_and_nothing_else() {
    let app = App::new();
    app.ok("list_companies", json!({}));
    let refused = app.err("plugin:window|close", json!({"label": "main"}));
    assert!(
        refused.to_string().contains("not allowed"),
        "a permission not granted in the capability is refused: {refused}"
    );
}

/// Adding a command is writing it once in `src-tauri/command_list.rs` (plus its role row in
/// `tests/roles.rs`); this fails when the capability or the UI lacks it.
#[test]
fn every_command_is_granted_and_has_a_wrapper_in_the_ui() {
    use std::collections::BTreeSet;
    let listed: BTreeSet<&str> = stockflow_app::COMMAND_NAMES.iter().copied().collect();
    assert_eq!(
        listed.len(),
        stockflow_app::COMMAND_NAMES.len(),
        "a command is listed twice in command_list.rs"
    );
    let capability: Value =
        serde_json::from_str(include_str!("../src-tauri/capabilities/main.json")).unwrap();
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    let listed_owned: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        granted.difference(&listed_owned).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "granted in capabilities/main.json but not in command_list.rs"
    );
    assert_eq!(
        listed_owned.difference(&granted).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "in command_list.rs but not granted in capabilities/main.json (allow-<name-with-dashes>)"
    );
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib");
    let mut ui = String::new();
    for entry in std::fs::read_dir(&lib).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ts") && !path.ends_with("bindings.ts") {
            ui.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let unwrapped: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|name| !ui.contains(&format!("\"{name}\"")))
        .collect();
    assert!(
        unwrapped.is_empty(),
        "commands without a typed wrapper in ui/src/lib/*.ts: {unwrapped:?}"
    );
}

#[test]
fn the_config_and_the_core_agree_on_the_app_identifier_and_security() {
    let config: Value =
        serde_json::from_str(include_str!("../tauri.conf.json")).expect("tauri.conf.json parses");
    assert_eq!(
        config["identifier"],
        stockflow_core::paths::APP_IDENTIFIER,
        "the CLI's default database must be the app's"
    );
    let csp = &config["app"]["security"]["csp"];
    assert_eq!(
        csp["default-src"], "'self'",
        "a strict content security policy"
    );
    assert_eq!(csp["script-src"], "'self'");
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts");
    let expected = stockflow_app::bindings::typescript();
    if std::env::var_os("STOCKFLOW_WRITE_BINDINGS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "ui/src/lib/bindings.ts is out of date with the Rust types: run \
         `STOCKFLOW_WRITE_BINDINGS=1 cargo test --test commands bindings` and commit it"
    );
}
