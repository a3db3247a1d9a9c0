//! Every command of the app, for every role (owner, manager, clerk) and signed out, through the
//! real IPC path on the mock runtime: `forbidden` exactly where the role table of issue #7 says
//! so, `unauthenticated` for everything but sign-in when nobody is signed in. A command granted
//! in `capabilities/main.json` without a row in [`TABLE`] fails the test: new commands must be
//! classified. Also: no IPC payload and no log line ever carries a password or its hash.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use serde_json::{json, Value};
use stockflow_app::AppState;
use stockflow_core::*;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

/// Who may call a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Anyone, signed in or not (sign-in itself, the app's info).
    Anyone,
    /// Any signed-in user, whatever their role.
    SignedIn,
    Clerk,
    Manager,
    Owner,
}

use Who::*;

/// The role table of issue #7, one row per command.
const TABLE: &[(&str, Who)] = &[
    ("app_info", Anyone),
    ("auth_status", Anyone),
    ("setup_owner", Anyone),
    ("sign_in", Anyone),
    ("change_password", SignedIn),
    ("list_companies", SignedIn),
    ("company_summary", Clerk),
    ("list_warehouses", Clerk),
    ("list_product_types", Clerk),
    ("list_products", Clerk),
    ("get_product", Clerk),
    ("list_stock", Clerk),
    ("find_product_by_code", Clerk),
    ("list_adjustment_reasons", Clerk),
    ("get_sale", Clerk),
    ("list_sales", Clerk),
    ("list_movements", Clerk),
    ("daily_sales", Clerk),
    ("list_suppliers", Clerk),
    ("get_supplier", Clerk),
    ("product_suppliers", Clerk),
    ("supplier_products", Clerk),
    ("get_purchase_order", Clerk),
    ("list_purchase_orders", Clerk),
    ("on_order", Clerk),
    ("get_count", Clerk),
    ("list_open_counts", Clerk),
    ("counts_due", Clerk),
    ("low_stock_alerts", Clerk),
    // Labels to print: whoever may read the products.
    ("barcode_labels", Clerk),
    // The list on screen, as CSV: whoever may read it.
    ("export_list_csv", Clerk),
    ("stockout_forecast", Clerk),
    ("check_alert_notices", Clerk),
    ("record_sale", Clerk),
    ("record_return", Clerk),
    ("receive_purchase_order", Clerk),
    ("start_count", Clerk),
    ("scan", Clerk),
    ("set_count_paused", Clerk),
    ("review_count", Clerk),
    ("commit_count", Clerk),
    ("cancel_count", Clerk),
    ("create_warehouse", Manager),
    ("update_warehouse", Manager),
    ("set_warehouse_archived", Manager),
    ("create_product_type", Manager),
    ("update_product_type", Manager),
    ("create_product", Manager),
    ("update_product", Manager),
    ("set_product_archived", Manager),
    ("set_kit_components", Manager),
    ("add_adjustment_reason", Manager),
    ("remove_adjustment_reason", Manager),
    ("create_supplier", Manager),
    ("update_supplier", Manager),
    ("set_supplier_archived", Manager),
    ("link_supplier", Manager),
    ("unlink_supplier", Manager),
    ("create_purchase_order", Manager),
    ("update_purchase_order", Manager),
    ("send_purchase_order", Manager),
    ("cancel_purchase_order", Manager),
    ("draft_orders_from_alerts", Manager),
    ("backup_now", Manager),
    ("list_backups", Manager),
    ("export_company", Manager),
    ("adjust_stock", Manager),
    ("receive_stock", Manager),
    ("transfer_stock", Manager),
    ("create_company", Owner),
    ("update_company", Owner),
    ("import_dir", Owner),
    // The template is the company's columns: whoever may read the company.
    ("spreadsheet_template", Clerk),
    ("save_spreadsheet_template", Clerk),
    // Products from a spreadsheet: the same role as the interchange import.
    ("preview_spreadsheet", Owner),
    ("import_spreadsheet", Owner),
    ("list_users", Owner),
    ("add_user", Owner),
    ("set_user_disabled", Owner),
    ("set_user_role", Owner),
    ("reset_password", Owner),
    ("set_idle_lock_minutes", Owner),
    ("numbering", Clerk),
    ("set_numbering_series", Owner),
    ("device_name", Clerk),
    ("set_device_name", Owner),
    ("stock_changes_elsewhere", Clerk),
    ("restore_backup", Owner),
    ("sync_status", SignedIn),
    ("sync_now", Clerk),
    ("cancel_sync", Clerk),
    ("list_sync_conflicts", Clerk),
    ("list_sync_overwrites", Clerk),
    ("keep_sync_overwrite", Manager),
    ("keep_sync_conflict", Manager),
    ("sync_connect", Owner),
    ("sync_disconnect", Owner),
    // Only on a database without companies: here every caller is told so.
    ("join_shop", Anyone),
    ("discard_join", Anyone),
    // Last: it ends the session (the test signs in again after it).
    ("sign_out", Anyone),
];

const PRODUCT_SUPPLIERS_HEADER: &str =
    "product_id,supplier_id,lead_time_days,unit_cost,is_preferred";

const PASSWORDS: [&str; 5] = [
    "owner-secret-1",
    "manager-secret-2",
    "clerk-secret-3",
    "extra-secret-4",
    "reset-secret-5",
];

/// Every log line of this test process, at every level.
static LOG: LazyLock<Arc<Mutex<Vec<u8>>>> = LazyLock::new(|| {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let sink = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || Sink(sink.clone()))
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("one subscriber per test process");
    buf
});

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One of everything, and four users: what every command needs an id of.
struct Fixture {
    dir: tempfile::TempDir,
    db: PathBuf,
    company: String,
    main: String,
    back: String,
    product: String,
    old_product: String,
    kit: String,
    component: String,
    product_type: String,
    supplier: String,
    draft_order: String,
    sent_order: String,
    sale: String,
    count: String,
    /// A second count, to cancel.
    other_count: String,
    reason: String,
    extra_user: String,
}

fn input<T: Default>(f: impl FnOnce(&mut T)) -> T {
    let mut t = T::default();
    f(&mut t);
    t
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("stockflow.db");
        let mut s = Store::open(&db).unwrap();
        let company = s
            .create_company(&input(|c: &mut CompanyInput| c.name = "Acme".into()))
            .unwrap()
            .id;
        let warehouse = |s: &mut Store, name: &str| {
            s.create_warehouse(
                &company,
                &input(|w: &mut WarehouseInput| w.name = name.into()),
            )
            .unwrap()
            .id
        };
        let main = warehouse(&mut s, "Main");
        let back = warehouse(&mut s, "Back");
        let shelf = warehouse(&mut s, "Shelf");
        let product_type = s
            .create_product_type(
                &company,
                &input(|t: &mut ProductTypeInput| {
                    t.name = "Mugs".into();
                    t.default_threshold = 5;
                }),
            )
            .unwrap()
            .id;
        let product = |s: &mut Store, sku: &str, stock: i64| {
            s.create_product(
                &company,
                &input(|p: &mut ProductInput| {
                    p.sku = sku.into();
                    p.name = format!("{sku} name");
                    p.price = "4.50".into();
                    p.barcode = Some(format!("B-{sku}"));
                    p.initial_stock = vec![InitialStock {
                        warehouse_id: main.clone(),
                        quantity: stock,
                    }];
                }),
            )
            .unwrap()
            .id
        };
        let mug = product(&mut s, "MUG", 50);
        let old_product = product(&mut s, "OLD", 0);
        let component = product(&mut s, "PART", 40);
        let kit = product(&mut s, "KIT", 0);
        s.set_kit_components(
            &kit,
            &[QuantityLine {
                product_id: component.clone(),
                quantity: 2,
            }],
        )
        .unwrap();
        let supplier = s
            .create_supplier(
                &company,
                &input(|x: &mut SupplierInput| {
                    x.name = "Potter".into();
                    x.contact_email = "orders@potter.test".into();
                }),
            )
            .unwrap()
            .id;
        s.link_supplier(
            &mug,
            &supplier,
            &input(|l: &mut ProductSupplierInput| {
                l.lead_time_days = 7;
                l.unit_cost = "2".into();
            }),
        )
        .unwrap();
        let order = |s: &mut Store| {
            s.create_purchase_order(
                &company,
                &input(|o: &mut PurchaseOrderInput| {
                    o.supplier_id = supplier.clone();
                    o.warehouse_id = main.clone();
                    o.lines = vec![PurchaseOrderLineInput {
                        product_id: mug.clone(),
                        quantity: 10,
                        unit_cost: None,
                    }];
                }),
            )
            .unwrap()
            .id
        };
        let draft_order = order(&mut s);
        let sent_order = order(&mut s);
        s.send_purchase_order(&sent_order).unwrap();
        let sale = s
            .record_sale(
                &company,
                &input(|x: &mut SaleInput| {
                    x.warehouse_id = main.clone();
                    x.lines = vec![SaleLineInput {
                        product_id: mug.clone(),
                        quantity: 3,
                        unit_price: None,
                    }];
                }),
            )
            .unwrap()
            .id;
        let mut count = |warehouse_id: &str| {
            s.start_count(
                &company,
                &CountSessionInput {
                    warehouse_id: warehouse_id.to_owned(),
                    scope: CountScope::All,
                    blind: false,
                },
            )
            .unwrap()
            .id
        };
        let (count, other_count) = (count(&back), count(&shelf));
        let reason = s.list_adjustment_reasons(&company).unwrap()[0].id.clone();

        s.setup_owner(&SetupOwner {
            name: "Olive Owner".into(),
            email: "owner@shop.test".into(),
            password: PASSWORDS[0].into(),
        })
        .unwrap();
        let mut add = |email: &str, name: &str, role: Role, password: &str| {
            s.add_user(&NewUser {
                company_id: company.clone(),
                email: email.into(),
                name: name.into(),
                role,
                password: password.into(),
            })
            .unwrap()
            .id
        };
        add(
            "manager@shop.test",
            "Manny Manager",
            Role::Manager,
            PASSWORDS[1],
        );
        add("clerk@shop.test", "Cleo Clerk", Role::Clerk, PASSWORDS[2]);
        let extra_user = add("extra@shop.test", "Ed Extra", Role::Clerk, PASSWORDS[3]);
        Fixture {
            dir,
            db,
            company,
            main,
            back,
            product: mug,
            old_product,
            kit,
            component,
            product_type,
            supplier,
            draft_order,
            sent_order,
            sale,
            count,
            other_count,
            reason,
            extra_user,
        }
    }

    /// A folder in the CSV interchange format with one new company and nothing else.
    /// A spreadsheet of one product whose SKU is new for each call.
    fn spreadsheet(&self, tag: &str) -> PathBuf {
        let path = self.dir.path().join(format!("sheet-{tag}.csv"));
        std::fs::write(
            &path,
            format!("sku,name,price\nSHEET-{tag},Sheet {tag},1.00\n"),
        )
        .unwrap();
        path
    }

    fn import_folder(&self, tag: &str) -> PathBuf {
        let dir = self.dir.path().join(format!("import-{tag}"));
        std::fs::create_dir_all(&dir).unwrap();
        for (file, header) in [
            ("companies.csv", "id,name"),
            ("warehouses.csv", "id,company_id,name"),
            ("product_types.csv", "product_type,default_threshold"),
            ("products.csv", "id,company_id,sku,name,price,product_type"),
            ("suppliers.csv", "id,company_id,name,contact_email"),
            ("product_suppliers.csv", PRODUCT_SUPPLIERS_HEADER),
            ("thresholds.csv", "product_id,warehouse_id,threshold"),
            ("sales.csv", "id,product_id,warehouse_id,quantity,sold_at"),
            ("inventory.csv", "product_id,warehouse_id,quantity"),
        ] {
            let rows = if file == "companies.csv" {
                format!("\nc1,Imported {tag}")
            } else {
                String::new()
            };
            std::fs::write(dir.join(file), format!("{header}{rows}\n")).unwrap();
        }
        dir
    }

    /// The arguments of a call that would succeed for someone allowed to make it.
    fn args(&self, cmd: &str, tag: &str) -> Value {
        let c = &self.company;
        match cmd {
            "app_info" | "auth_status" | "list_companies" | "sign_out" => json!({}),
            "setup_owner" => json!({"input": {"name": "Late", "email": format!("late-{tag}@shop.test"), "password": "late-password-9"}}),
            "sign_in" => json!({"input": {"email": "nobody@shop.test", "password": "not-a-password"}}),
            "change_password" => json!({"input": {"current_password": "not-my-password", "new_password": "another-password-8"}}),
            "company_summary" | "list_product_types" | "list_adjustment_reasons" | "list_open_counts" => json!({"companyId": c}),
            "list_warehouses" => json!({"companyId": c, "includeArchived": true}),
            "list_products" | "list_stock" | "list_sales" | "list_movements" | "list_purchase_orders"
            | "low_stock_alerts" | "stockout_forecast" => json!({"query": {"company_id": c}}),
            "get_product" => json!({"id": self.product}),
            "find_product_by_code" => json!({"companyId": c, "code": "B-MUG"}),
            "get_sale" => json!({"id": self.sale}),
            "daily_sales" => json!({"productId": self.product, "days": 7}),
            "list_suppliers" => json!({"companyId": c, "includeArchived": false}),
            "get_supplier" => json!({"id": self.supplier}),
            "product_suppliers" => json!({"productId": self.product}),
            "supplier_products" => json!({"supplierId": self.supplier}),
            "get_purchase_order" => json!({"id": self.sent_order}),
            "on_order" => json!({"companyId": c}),
            "get_count" | "review_count" => json!({"id": self.count}),
            "cancel_count" => json!({"id": self.other_count}),
            "counts_due" => json!({"companyId": c, "warehouseId": self.main}),
            "check_alert_notices" => json!({"companyId": c}),
            "record_sale" => json!({"companyId": c, "input": {"warehouse_id": self.main, "lines": [{"product_id": self.kit, "quantity": 1}]}}),
            "record_return" => json!({"companyId": c, "input": {"sale_id": self.sale, "lines": [{"product_id": self.product, "quantity": 1}]}}),
            "receive_purchase_order" => json!({"id": self.sent_order, "input": {"lines": [{"product_id": self.product, "quantity": 2}]}}),
            "start_count" => json!({"companyId": c, "input": {"warehouse_id": self.main, "scope": {"kind": "all"}}}),
            "scan" => json!({"sessionId": self.count, "input": {"code": "B-PART"}}),
            "set_count_paused" => json!({"id": self.count, "paused": false}),
            "commit_count" => json!({"id": self.count, "uncounted": "leave"}),
            "create_warehouse" => json!({"companyId": c, "input": {"name": format!("Shop {tag}")}}),
            "update_warehouse" => json!({"id": self.main, "input": {"name": "Main"}}),
            "set_warehouse_archived" => json!({"id": self.back, "archived": false}),
            "create_product_type" => json!({"companyId": c, "input": {"name": format!("Type {tag}"), "default_threshold": 3}}),
            "update_product_type" => json!({"id": self.product_type, "input": {"name": "Mugs", "default_threshold": 6}}),
            "create_product" => json!({"companyId": c, "input": {"sku": format!("NEW-{tag}"), "name": "New", "price": "1"}}),
            "update_product" => json!({"id": self.product, "input": {"sku": "MUG", "name": "Mug", "price": "4.75", "barcode": "B-MUG"}}),
            "set_product_archived" => json!({"id": self.old_product, "archived": true}),
            "set_kit_components" => json!({"kitId": self.kit, "components": [{"product_id": self.component, "quantity": 3}]}),
            "add_adjustment_reason" => json!({"companyId": c, "name": format!("reason {tag}")}),
            "remove_adjustment_reason" => json!({"companyId": c, "id": self.reason}),
            "create_supplier" => json!({"companyId": c, "input": {"name": format!("Supplier {tag}"), "contact_email": "s@supplier.test"}}),
            "update_supplier" => json!({"id": self.supplier, "input": {"name": "Potter", "contact_email": "orders@potter.test"}}),
            "set_supplier_archived" => json!({"id": self.supplier, "archived": false}),
            "link_supplier" => json!({"productId": self.component, "supplierId": self.supplier, "input": {"lead_time_days": 3, "unit_cost": "1.10"}}),
            "unlink_supplier" => json!({"productId": self.component, "supplierId": self.supplier}),
            "barcode_labels" => json!({"request": {"company_id": c, "labels": [{"product_id": self.product, "copies": 2}]}}),
            "create_purchase_order" => json!({"companyId": c, "input": {"supplier_id": self.supplier, "warehouse_id": self.main, "lines": [{"product_id": self.product, "quantity": 5}]}}),
            "update_purchase_order" => json!({"id": self.draft_order, "input": {"supplier_id": self.supplier, "warehouse_id": self.back, "lines": [{"product_id": self.product, "quantity": 6}]}}),
            "send_purchase_order" | "cancel_purchase_order" => json!({"id": self.draft_order}),
            "draft_orders_from_alerts" => json!({"input": {"query": {"company_id": c}}}),
            "adjust_stock" => json!({"companyId": c, "input": {"warehouse_id": self.main, "reason": "found", "lines": [{"product_id": self.product, "quantity": 1}]}}),
            "receive_stock" => json!({"companyId": c, "input": {"warehouse_id": self.main, "lines": [{"product_id": self.product, "quantity": 4}]}}),
            "transfer_stock" => json!({"companyId": c, "input": {"from_warehouse_id": self.main, "to_warehouse_id": self.back, "lines": [{"product_id": self.product, "quantity": 1}]}}),
            "create_company" => json!({"input": {"name": format!("Company {tag}")}}),
            "update_company" => json!({"id": c, "input": {"name": "Acme"}}),
            "import_dir" => json!({"dir": self.import_folder(tag).display().to_string()}),
            "spreadsheet_template" => json!({"companyId": c}),
            "save_spreadsheet_template" => json!({"companyId": c, "path": self.dir.path().join(format!("template-{tag}.csv")).display().to_string()}),
            "preview_spreadsheet" | "import_spreadsheet" => json!({"companyId": c, "path": self.spreadsheet(tag).display().to_string(), "mapping": []}),
            "list_users" => json!({"companyId": c}),
            "add_user" => json!({"input": {"company_id": c, "email": format!("new-{tag}@shop.test"), "name": "New User", "role": "clerk", "password": "new-user-pw-7"}}),
            "set_user_disabled" => json!({"userId": self.extra_user, "disabled": true}),
            "set_user_role" => json!({"userId": self.extra_user, "companyId": c, "role": "manager"}),
            "reset_password" => json!({"userId": self.extra_user, "password": PASSWORDS[4]}),
            "set_idle_lock_minutes" => json!({"minutes": 20}),
            "numbering" => json!({"companyId": c}),
            "set_numbering_series" => json!({"companyId": c, "series": "R1"}),
            "device_name" => json!({"companyId": c}),
            "set_device_name" => json!({"companyId": c, "name": format!("Till {tag}")}),
            "stock_changes_elsewhere" => json!({"companyId": c}),
            "backup_now" => json!({"path": self.dir.path().join(format!("backup-{tag}.db")).display().to_string()}),
            "list_backups" => json!({}),
            "export_list_csv" => json!({"list": {"list": "stock", "query": {"company_id": c}}, "path": self.dir.path().join(format!("stock-{tag}.csv")).display().to_string()}),
            "export_company" => json!({"companyId": c, "dir": self.dir.path().join(format!("export-{tag}")).display().to_string()}),
            // Not a StockFlow database: refused after the role check (a successful restore
            // would replace the fixture).
            "restore_backup" => json!({"path": self.import_folder(tag).join("companies.csv").display().to_string()}),
            "sync_status" | "sync_now" | "cancel_sync" | "sync_disconnect" | "discard_join" => json!({}),
            "list_sync_conflicts" => json!({"companyId": c}),
            "list_sync_overwrites" => json!({"companyId": c}),
            "keep_sync_overwrite" => json!({"id": "no-such-note"}),
            "keep_sync_conflict" => json!({"productId": self.product, "kind": "sku"}),
            // Nothing listens on port 9 of this machine: the account is tried and not reached.
            "sync_connect" | "join_shop" => json!({"input": {"server_url": "http://127.0.0.1:9", "account": "shop@sync.test", "password": "sync-password-6"}}),
            other => panic!("{other} has no arguments in tests/roles.rs: classify it in TABLE and give it arguments"),
        }
    }
}

/// Refusals an allowed call may still meet with these arguments, by design of the test.
fn expected_refusal(cmd: &str) -> Option<&'static str> {
    match cmd {
        "setup_owner" => Some("conflict"),
        "sign_in" => Some("sign_in_failed"),
        "change_password" => Some("validation"),
        "restore_backup" => Some("validation"),
        "sync_connect" => Some("server_unreachable"),
        "join_shop" => Some("conflict"),
        // The test's database made its shop: it is never emptied.
        "discard_join" => Some("conflict"),
        // Nothing to keep on the test's database: the check passed, the input was refused.
        "keep_sync_overwrite" => Some("not_found"),
        "keep_sync_conflict" => Some("validation"),
        _ => None,
    }
}

struct App {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    /// Every response, Ok or Err, as JSON text.
    payloads: String,
}

impl App {
    fn on(db: &Path) -> App {
        let state = AppState::open(db.to_path_buf(), None);
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
            payloads: String::new(),
        }
    }

    fn invoke(&mut self, cmd: &str, args: Value) -> Result<Value, Value> {
        let out = tauri::test::get_ipc_response(
            &self.window,
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
        .map(|body| body.deserialize::<Value>().unwrap());
        let text = match &out {
            Ok(v) | Err(v) => v.to_string(),
        };
        self.payloads.push_str(&text);
        self.payloads.push('\n');
        out
    }

    fn sign_in(&mut self, email: &str, password: &str) {
        let user = self
            .invoke(
                "sign_in",
                json!({"input": {"email": email, "password": password}}),
            )
            .unwrap_or_else(|e| panic!("{email} cannot sign in: {e}"));
        assert_eq!(user["email"], email);
    }
}

/// The commands the window is granted, from the capability file.
fn granted_commands() -> Vec<String> {
    let capability: Value =
        serde_json::from_str(include_str!("../src-tauri/capabilities/main.json")).unwrap();
    capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect()
}

#[test]
fn every_granted_command_has_a_row_in_the_role_table() {
    let granted = granted_commands();
    let missing: Vec<&String> = granted
        .iter()
        .filter(|c| !TABLE.iter().any(|(t, _)| t == c))
        .collect();
    assert!(
        missing.is_empty(),
        "commands without a row in tests/roles.rs TABLE (say who may call them): {missing:?}"
    );
    let stale: Vec<&str> = TABLE
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| !granted.iter().any(|c| c == t))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for commands that do not exist: {stale:?}"
    );
}

/// Runs every command of the table as `role` (`None`: signed out) on a fresh fixture and
/// checks each answer against the table. Returns the app, for the payload checks.
fn run_as(role: Option<(Who, &str, &str)>) -> App {
    let fx = Fixture::new();
    let mut app = App::on(&fx.db);
    let tag = role.map_or("out", |(_, email, _)| email.split('@').next().unwrap());
    if let Some((_, email, password)) = role {
        app.sign_in(email, password);
    }
    let mut wrong = Vec::new();
    for &(cmd, who) in TABLE {
        let answer = app.invoke(cmd, fx.args(cmd, tag));
        let code = answer
            .as_ref()
            .err()
            .map(|e| e["code"].as_str().unwrap_or("?").to_owned());
        let expected: Option<&str> = match (role, who) {
            (_, Anyone) => expected_refusal(cmd),
            (None, _) => Some("unauthenticated"),
            (Some(_), SignedIn) => expected_refusal(cmd),
            (Some((mine, ..)), needed) => {
                let rank = |w: Who| match w {
                    Clerk => 1,
                    Manager => 2,
                    Owner => 3,
                    _ => 0,
                };
                if rank(mine) >= rank(needed) {
                    expected_refusal(cmd)
                } else {
                    Some("forbidden")
                }
            }
        };
        if code.as_deref() != expected {
            wrong.push(format!("{cmd}: expected {expected:?}, got {answer:?}"));
        }
        if cmd == "sign_out" {
            if let Some((_, email, password)) = role {
                app.sign_in(email, password);
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "as {role:?}, these commands answered against the role table:\n{}",
        wrong.join("\n")
    );
    app
}

fn assert_no_secrets(what: &str, text: &str) {
    for secret in PASSWORDS.iter().copied().chain([
        "$argon2",
        "password_hash",
        "late-password-9",
        "another-password-8",
        "new-user-pw-7",
        "sync-password-6",
    ]) {
        assert!(!text.contains(secret), "{secret} appeared in {what}");
    }
}

#[test]
fn every_command_for_every_role_follows_the_role_table_and_no_secret_leaks() {
    let log = LOG.clone();
    let mut payloads = String::new();
    for role in [
        Some((Owner, "owner@shop.test", PASSWORDS[0])),
        Some((Manager, "manager@shop.test", PASSWORDS[1])),
        Some((Clerk, "clerk@shop.test", PASSWORDS[2])),
        None,
    ] {
        payloads.push_str(&run_as(role).payloads);
    }
    assert!(payloads.contains("\"memberships\""), "users crossed IPC");
    assert_no_secrets("an IPC payload", &payloads);
    let log = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(
        log.contains("signed in"),
        "the log was captured: {}",
        log.len()
    );
    assert_no_secrets("the log", &log);
}

#[test]
fn the_error_json_of_sign_in_and_roles_is_pinned() {
    let fx = Fixture::new();
    let mut app = App::on(&fx.db);
    let unauthenticated = app
        .invoke("list_companies", json!({}))
        .expect_err("signed out");
    assert_eq!(
        unauthenticated,
        json!({"code": "unauthenticated", "message": "Sign in to continue."})
    );
    let bad = json!({"input": {"email": "clerk@shop.test", "password": "wrong-password"}});
    for _ in 0..3 {
        assert_eq!(
            app.invoke("sign_in", bad.clone())
                .expect_err("wrong password"),
            json!({"code": "sign_in_failed", "message": "Wrong email or password."})
        );
    }
    // The next attempt waits (the exact seconds are pinned in crates/core/tests/users.rs on a
    // frozen clock; here real time passes between calls).
    let throttled = app.invoke("sign_in", bad).expect_err("throttled");
    assert_eq!(throttled["code"], "throttled");
    let message = throttled["message"].as_str().unwrap();
    assert!(
        message.starts_with("Too many failed attempts. Try again in ")
            && message.ends_with(" second."),
        "{message}"
    );
    assert_eq!(
        throttled.as_object().unwrap().len(),
        2,
        "no field: {throttled}"
    );
    app.sign_in("manager@shop.test", PASSWORDS[1]);
    assert_eq!(
        app.invoke("list_users", json!({"companyId": fx.company}))
            .expect_err("a manager"),
        json!({"code": "forbidden", "message": "A manager cannot manage users."})
    );
    let status = app.invoke("auth_status", json!({})).unwrap();
    assert_eq!(status["setup_required"], false);
    assert_eq!(status["user"]["email"], "manager@shop.test");
    assert_eq!(status["user"]["memberships"][0]["role"], "manager");
    assert_eq!(status["idle_lock_minutes"], DEFAULT_IDLE_LOCK_MINUTES);
}
