//! Every command the UI may invoke is listed here and granted in `capabilities/`: a command
//! missing from either is refused at run time.

const COMMANDS: &[&str] = &[
    "app_info",
    "list_companies",
    "create_company",
    "update_company",
    "company_summary",
    "list_warehouses",
    "create_warehouse",
    "update_warehouse",
    "set_warehouse_archived",
    "list_product_types",
    "create_product_type",
    "update_product_type",
    "list_products",
    "get_product",
    "create_product",
    "update_product",
    "set_product_archived",
    "list_stock",
    "find_product_by_code",
    "receive_stock",
    "adjust_stock",
    "transfer_stock",
    "list_adjustment_reasons",
    "add_adjustment_reason",
    "remove_adjustment_reason",
    "record_sale",
    "get_sale",
    "list_sales",
    "record_return",
    "set_kit_components",
    "list_movements",
    "daily_sales",
    "list_suppliers",
    "get_supplier",
    "create_supplier",
    "update_supplier",
    "set_supplier_archived",
    "link_supplier",
    "product_suppliers",
    "supplier_products",
    "create_purchase_order",
    "send_purchase_order",
    "receive_purchase_order",
    "cancel_purchase_order",
    "get_purchase_order",
    "list_purchase_orders",
    "on_order",
    "start_count",
    "get_count",
    "list_open_counts",
    "scan",
    "set_count_paused",
    "cancel_count",
    "review_count",
    "commit_count",
    "counts_due",
    "low_stock_alerts",
    "import_dir",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build: check tauri.conf.json, the icons and the capabilities");
}
