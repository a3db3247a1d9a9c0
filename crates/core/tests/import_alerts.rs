//! CSV import (all or nothing, errors naming file, line and column) and low-stock alerts
//! beyond the reference columns: on order, reorder point, suggested quantity, returns, kits.

mod common;

use std::path::Path;

use common::{snapshot, Fixture};
use stockflow_core::*;

/// A small dataset in the interchange format; `edit` may change any file before writing.
fn write_dataset(dir: &Path, edit: impl FnOnce(&mut Vec<(&'static str, String)>)) {
    let mut files = vec![
        ("companies.csv", "id,name\n1,Harbour\n".to_string()),
        ("warehouses.csv", "id,company_id,name\n1,1,Main\n2,1,Back\n".to_string()),
        ("product_types.csv", "product_type,default_threshold\nstandard,20\n".to_string()),
        (
            "products.csv",
            "id,company_id,sku,name,price,product_type\n1,1,MUG,\"Mug, blue\",12.50,standard\n2,1,GLUE,Glue,3.00,fragile\n".to_string(),
        ),
        ("suppliers.csv", "id,company_id,name,contact_email\n1,1,Potter,p@potter.example\n2,1,Kiln,k@kiln.example\n".to_string()),
        (
            "product_suppliers.csv",
            "product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n1,1,10,5.00,0\n1,2,4,6.00,0\n".to_string(),
        ),
        ("thresholds.csv", "product_id,warehouse_id,threshold\n2,,15\n1,2,3\n".to_string()),
        (
            "sales.csv",
            "id,product_id,warehouse_id,quantity,sold_at\n1,1,1,12,2024-12-20T10:00:00Z\n2,2,1,6,2024-12-21T10:00:00Z\n3,1,2,2,2024-12-22T10:00:00Z\n4,1,1,30,2024-10-01T10:00:00Z\n".to_string(),
        ),
        ("inventory.csv", "product_id,warehouse_id,quantity\n1,1,5\n2,1,4\n1,2,1\n".to_string()),
    ];
    edit(&mut files);
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn replace(files: &mut [(&'static str, String)], file: &str, from: &str, to: &str) {
    let entry = files.iter_mut().find(|(n, _)| *n == file).unwrap();
    assert!(entry.1.contains(from), "{file} has {from:?}");
    entry.1 = entry.1.replace(from, to);
}

const NOW: &str = "2025-01-01T00:00:00Z";

/// The files of a dataset, by name, as [`write_dataset`] writes them.
type Files = Vec<(&'static str, String)>;
/// A broken dataset: what is wrong, how, the error code, where the error must point.
type Case = (
    &'static str,
    Box<dyn Fn(&mut Files)>,
    &'static str,
    &'static str,
);

#[test]
fn an_import_brings_in_every_file_and_on_hand_equals_the_inventory() {
    let mut fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), |_| {});
    let mut seen = Vec::new();
    let summary = fx
        .store
        .import_dir(dir.path(), &mut |p| seen.push(p.done_bytes))
        .unwrap();
    assert_eq!(
        (
            summary.products,
            summary.sales,
            summary.inventory,
            summary.thresholds
        ),
        (2, 4, 3, 2)
    );
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]) && !seen.is_empty(),
        "progress only goes forward"
    );

    let company = fx.store.find_company("Harbour").unwrap().id;
    let mug = fx.store.find_product_by_sku(&company, "MUG").unwrap();
    assert_eq!(mug.name, "Mug, blue", "quoted fields keep their commas");
    assert_eq!(mug.price.to_string(), "12.50");
    let stock: Vec<_> = mug
        .stock
        .iter()
        .map(|s| (s.warehouse_name.as_str(), s.on_hand))
        .collect();
    assert_eq!(
        stock,
        [("Back", 1), ("Main", 5)],
        "on hand is the inventory file, after the sales"
    );
    let glue = fx.store.find_product_by_sku(&company, "GLUE").unwrap();
    assert_eq!(
        (glue.product_type_id, glue.threshold),
        (None, Some(15)),
        "a type the file does not define is no type"
    );
    assert_eq!(
        fx.store.kept_levels().unwrap(),
        fx.store.ledger_levels().unwrap()
    );
}

#[test]
fn a_bad_row_aborts_the_import_naming_file_line_and_column_and_changes_nothing() {
    let cases: Vec<Case> = vec![
        (
            "unknown reference",
            Box::new(|f| replace(f, "sales.csv", "3,1,2,2,", "3,1,9,2,")),
            "not_found_or_validation",
            "In sales.csv, line 4, column warehouse_id",
        ),
        (
            "bad decimal",
            Box::new(|f| replace(f, "products.csv", "3.00", "3,00x")),
            "validation",
            "In products.csv, line 3",
        ),
        (
            "bad decimal places",
            Box::new(|f| replace(f, "product_suppliers.csv", "6.00", "6.00001")),
            "validation",
            "In product_suppliers.csv, line 3, column unit_cost",
        ),
        (
            "duplicate SKU",
            Box::new(|f| replace(f, "products.csv", "2,1,GLUE", "2,1,mug")),
            "conflict",
            "In products.csv, line 3, column sku",
        ),
        (
            "missing column",
            Box::new(|f| {
                replace(
                    f,
                    "inventory.csv",
                    "product_id,warehouse_id,quantity",
                    "product_id,warehouse_id,qty",
                )
            }),
            "validation",
            "In inventory.csv, line 1, column quantity",
        ),
        (
            "bad date",
            Box::new(|f| replace(f, "sales.csv", "2024-12-21T10:00:00Z", "21/12/2024")),
            "validation",
            "In sales.csv, line 3, column sold_at",
        ),
    ];
    for (what, edit, code, place) in cases {
        let mut fx = Fixture::with_company("Existing");
        fx.warehouse("Somewhere");
        let dir = tempfile::tempdir().unwrap();
        write_dataset(dir.path(), |f| edit(f));
        let before = snapshot(&fx.path);
        let err = fx
            .store
            .import_dir(dir.path(), &mut |_| {})
            .expect_err(what);
        if code == "not_found_or_validation" {
            assert!(
                ["not_found", "validation"].contains(&err.code()),
                "{what}: {err}"
            );
        } else {
            assert_eq!(err.code(), code, "{what}: {err}");
        }
        assert!(
            err.to_string().starts_with(place),
            "{what}: {err:?} should start with {place:?}"
        );
        assert_eq!(
            snapshot(&fx.path),
            before,
            "{what}: the database must be exactly as before"
        );
    }
}

#[test]
fn alerts_add_on_order_reorder_point_and_a_suggested_order() {
    let mut fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), |_| {});
    fx.store.import_dir(dir.path(), &mut |_| {}).unwrap();
    let company = fx.store.find_company("Harbour").unwrap().id;
    let query = AlertQuery {
        company_id: company.clone(),
        now: Some(NOW.into()),
        ..Default::default()
    };

    let page = fx.store.low_stock_alerts(&query).unwrap();
    let rows: Vec<_> = page
        .alerts
        .iter()
        .map(|a| {
            (
                a.sku.as_str(),
                a.warehouse_name.as_str(),
                a.recent_sales,
                a.days_until_stockout,
            )
        })
        .collect();
    // MUG in Main: 5 < 20, sold 12 in the window (the October sale is outside): 30*5/12 = 12.
    // GLUE: 4 < 15 (product threshold), sold 6: 30*4/6 = 20. MUG in Back: 1 < 3, sold 2: 15.
    assert_eq!(
        rows,
        [
            ("MUG", "Main", 12, 12),
            ("MUG", "Back", 2, 15),
            ("GLUE", "Main", 6, 20)
        ]
    );
    assert_eq!(page.total_alerts, 3);

    let mug = &page.alerts[0];
    let supplier = mug.supplier.as_ref().unwrap();
    assert_eq!(
        (supplier.name.as_str(), supplier.lead_time_days),
        ("Kiln", 4),
        "shortest lead time, no preferred"
    );
    // avg 12/30 a day: reorder point ceil(12*4/30) + 20 = 22; cover 4+7 days: ceil(12*11/30) + 20 = 25, less 5 on hand.
    assert_eq!(
        (mug.reorder_point, mug.suggested_order_qty, mug.on_order),
        (22, 20, 0)
    );
    assert_eq!(
        mug.reorder_by, "2025-01-09",
        "12 days of stock, 4 of lead time: order within 8 days"
    );
    assert!(page.alerts[2].supplier.is_none(), "GLUE has no supplier");

    // Ordering it: on order counts, and the suggestion shrinks.
    let po = fx
        .store
        .create_purchase_order(
            &company,
            &PurchaseOrderInput {
                supplier_id: supplier.id.clone(),
                warehouse_id: mug.warehouse_id.clone(),
                lines: vec![PurchaseOrderLineInput {
                    product_id: mug.product_id.clone(),
                    quantity: 15,
                    unit_cost: None,
                }],
                note: None,
                confirm_new_links: false,
            },
        )
        .unwrap();
    fx.store.send_purchase_order(&po.id).unwrap();
    let mug = fx.store.low_stock_alerts(&query).unwrap().alerts.remove(0);
    assert_eq!((mug.on_order, mug.suggested_order_qty), (15, 5));

    // Filters and paging.
    let only = |f: &dyn Fn(&mut AlertQuery)| {
        let mut q = query.clone();
        f(&mut q);
        fx.store.low_stock_alerts(&q).unwrap()
    };
    assert_eq!(only(&|q| q.search = Some("glu".into())).total_alerts, 1);
    let main = fx.store.find_warehouse(&company, "Main").unwrap().id;
    assert_eq!(
        only(&|q| q.warehouse_id = Some(main.clone())).total_alerts,
        2
    );
    let page = only(&|q| {
        q.limit = 1;
        q.offset = 1;
    });
    assert_eq!(
        (
            page.alerts.len(),
            page.alerts[0].warehouse_name.as_str(),
            page.total_alerts
        ),
        (1, "Back", 3)
    );
    let mut too_long = query.clone();
    too_long.window_days = 400;
    assert_eq!(
        fx.store.low_stock_alerts(&too_long).unwrap_err().field(),
        Some("window_days")
    );
}

#[test]
fn returns_and_kits_count_in_the_window() {
    let mut fx = Fixture::with_company("Acme");
    let main = fx.warehouse("Main");
    let company = fx.company.clone();
    let mut make = |sku: &str, qty: i64| {
        fx.store
            .create_product(
                &company,
                &ProductInput {
                    sku: sku.into(),
                    name: sku.into(),
                    price: "1".into(),
                    threshold: Some(100),
                    initial_stock: vec![InitialStock {
                        warehouse_id: main.clone(),
                        quantity: qty,
                    }],
                    ..Default::default()
                },
            )
            .unwrap()
            .id
    };
    let (cup, set) = (make("CUP", 50), make("SET", 0));
    fx.store
        .set_kit_components(
            &set,
            &[QuantityLine {
                product_id: cup.clone(),
                quantity: 2,
            }],
        )
        .unwrap();
    let sale = fx
        .store
        .record_sale(
            &company,
            &SaleInput {
                warehouse_id: main.clone(),
                lines: vec![SaleLineInput {
                    product_id: set.clone(),
                    quantity: 5,
                    unit_price: None,
                }],
                note: None,
            },
        )
        .unwrap();
    fx.store
        .record_return(
            &company,
            &ReturnInput {
                sale_id: sale.id,
                lines: vec![QuantityLine {
                    product_id: set,
                    quantity: 2,
                }],
                note: None,
            },
        )
        .unwrap();
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(5)).to_rfc3339();
    let page = fx
        .store
        .low_stock_alerts(&AlertQuery {
            company_id: company,
            now: Some(soon),
            ..Default::default()
        })
        .unwrap();
    let rows: Vec<_> = page
        .alerts
        .iter()
        .map(|a| (a.sku.as_str(), a.recent_sales, a.current_stock))
        .collect();
    assert_eq!(
        rows,
        [("CUP", 6, 44)],
        "kits never alert; 5 sets of 2 cups sold, 2 sets back: 6 cups, net"
    );
}

/// What the alert query reads from data kept by triggers (effective thresholds, the
/// integer-keyed rollup, the supplier choice, the last sale day) equals what it would compute
/// from the source tables. Returns the number of disagreements, with the first few named.
fn kept_data_disagreements(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let checks = [
        (
            "threshold",
            "SELECT s.product_id || '@' || s.warehouse_id FROM stock_levels s
             JOIN products p ON p.id = s.product_id
             JOIN companies c ON c.id = p.company_id
             LEFT JOIN product_types t ON t.id = p.product_type_id
             LEFT JOIN product_warehouse_thresholds x
                    ON x.product_id = s.product_id AND x.warehouse_id = s.warehouse_id
             WHERE s.threshold IS NOT COALESCE(x.threshold, p.threshold, t.default_threshold, c.default_threshold)
                OR s.product_seq IS NOT p.seq",
        ),
        (
            "last sale day",
            "SELECT s.product_id || '@' || s.warehouse_id FROM stock_levels s
             WHERE (SELECT MAX(day) FROM sales_daily d WHERE d.product_id = s.product_id
                    AND d.warehouse_id = s.warehouse_id AND d.units > 0) > COALESCE(s.last_sale_day, '')",
        ),
        (
            "keyed rollup",
            "SELECT d.product_id || '@' || d.day FROM sales_daily d
             JOIN products p ON p.id = d.product_id JOIN warehouses w ON w.id = d.warehouse_id
             LEFT JOIN sales_daily_keyed k
                    ON k.key = p.seq * 68719476736 + w.seq * 65536 + CAST(julianday(d.day) - 2440587.5 AS INTEGER)
             WHERE k.units IS NOT d.units
             UNION ALL
             SELECT 'extra ' || k.key FROM sales_daily_keyed k
             WHERE (SELECT COUNT(*) FROM sales_daily) <> (SELECT COUNT(*) FROM sales_daily_keyed)",
        ),
        (
            "product and supplier choice",
            "SELECT p.id FROM products p
             LEFT JOIN alert_products c ON c.seq = p.seq
             LEFT JOIN product_supplier_ranked r ON r.product_id = p.id AND r.rank = 1
             WHERE c.supplier_id IS NOT r.supplier_id OR c.lead_time_days IS NOT r.lead_time_days
                OR c.moq IS NOT r.moq OR c.pack_multiple IS NOT r.pack_multiple
                OR c.sku IS NOT p.sku OR c.name IS NOT p.name OR c.archived IS NOT p.archived
                OR c.product_type_id IS NOT p.product_type_id",
        ),
    ];
    let mut out = Vec::new();
    for (what, sql) in checks {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        out.extend(rows.map(|r| format!("{what}: {}", r.unwrap())));
    }
    out
}

#[test]
fn alerts_follow_thresholds_suppliers_and_sales_changed_after_the_import() {
    let mut fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), |_| {});
    fx.store.import_dir(dir.path(), &mut |_| {}).unwrap();
    assert_eq!(kept_data_disagreements(&fx.path), Vec::<String>::new());
    let company = fx.store.find_company("Harbour").unwrap().id;
    let query = AlertQuery {
        company_id: company.clone(),
        now: Some(NOW.into()),
        ..Default::default()
    };
    let alerts = |fx: &Fixture| -> Vec<(String, String, i64, Option<String>)> {
        fx.store
            .low_stock_alerts(&query)
            .unwrap()
            .alerts
            .into_iter()
            .map(|a| {
                (
                    a.sku,
                    a.warehouse_name,
                    a.threshold,
                    a.supplier.map(|s| s.name),
                )
            })
            .collect()
    };
    let row = |sku: &str, wh: &str, threshold: i64, supplier: Option<&str>| {
        (
            sku.to_string(),
            wh.to_string(),
            threshold,
            supplier.map(str::to_string),
        )
    };
    assert_eq!(
        alerts(&fx),
        [
            row("MUG", "Main", 20, Some("Kiln")),
            row("MUG", "Back", 3, Some("Kiln")),
            row("GLUE", "Main", 15, None)
        ]
    );

    // The type's default falls below MUG's 5 on hand in Main: that alert goes.
    let standard = fx
        .store
        .list_product_types(&company)
        .unwrap()
        .into_iter()
        .find(|t| t.name == "standard")
        .unwrap();
    fx.store
        .update_product_type(
            &standard.id,
            &ProductTypeInput {
                name: "standard".into(),
                default_threshold: 4,
                count_frequency_days: None,
            },
        )
        .unwrap();
    assert_eq!(kept_data_disagreements(&fx.path), Vec::<String>::new());
    assert_eq!(
        alerts(&fx),
        [
            row("MUG", "Back", 3, Some("Kiln")),
            row("GLUE", "Main", 15, None)
        ]
    );

    // MUG gets its own threshold and loses Back's: 6 everywhere.
    let mug = fx
        .store
        .get_product(&alerts_product(&fx, &company, "MUG"))
        .unwrap();
    fx.store
        .update_product(
            &mug.id,
            &ProductInput {
                sku: mug.sku.clone(),
                name: mug.name.clone(),
                price: mug.price.to_string(),
                product_type_id: mug.product_type_id.clone(),
                threshold: Some(6),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(kept_data_disagreements(&fx.path), Vec::<String>::new());
    assert_eq!(
        alerts(&fx),
        [
            row("MUG", "Main", 6, Some("Kiln")),
            row("MUG", "Back", 6, Some("Kiln")),
            row("GLUE", "Main", 15, None)
        ]
    );

    // GLUE has no threshold of its own left: its type's, then the company's default.
    let glue = fx
        .store
        .get_product(&alerts_product(&fx, &company, "GLUE"))
        .unwrap();
    fx.store
        .update_product(
            &glue.id,
            &ProductInput {
                sku: glue.sku.clone(),
                name: glue.name.clone(),
                price: glue.price.to_string(),
                product_type_id: None,
                threshold: None,
                ..Default::default()
            },
        )
        .unwrap();
    fx.store
        .update_company(
            &company,
            &CompanyInput {
                name: "Harbour".into(),
                default_threshold: Some(9),
                allow_backorders: None,
                currency: None,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(kept_data_disagreements(&fx.path), Vec::<String>::new());
    assert_eq!(alerts(&fx).last().unwrap(), &row("GLUE", "Main", 9, None));

    // Potter becomes preferred: alerts and reorders go to it despite its longer lead time.
    let potter = fx
        .store
        .list_suppliers(&company, false)
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Potter")
        .unwrap();
    fx.store
        .link_supplier(
            &mug.id,
            &potter.id,
            &ProductSupplierInput {
                supplier_sku: None,
                lead_time_days: 10,
                unit_cost: "5.00".into(),
                moq: None,
                pack_multiple: None,
                preferred: true,
            },
        )
        .unwrap();
    assert_eq!(kept_data_disagreements(&fx.path), Vec::<String>::new());
    assert_eq!(alerts(&fx)[0], row("MUG", "Main", 6, Some("Potter")));

    // A sale today keeps the keyed rollup and the last sale day in step.
    let main = fx.store.find_warehouse(&company, "Main").unwrap().id;
    fx.store
        .record_sale(
            &company,
            &SaleInput {
                warehouse_id: main,
                lines: vec![SaleLineInput {
                    product_id: glue.id.clone(),
                    quantity: 1,
                    unit_price: None,
                }],
                note: None,
            },
        )
        .unwrap();
    assert_eq!(kept_data_disagreements(&fx.path), Vec::<String>::new());

    // Potter renamed (the supplier choice is read again), GLUE archived: it alerts no more.
    fx.store
        .update_supplier(
            &potter.id,
            &SupplierInput {
                name: "Aardvark Pottery".into(),
                contact_email: "p@potter.example".into(),
                phone: None,
                address: None,
                notes: None,
            },
        )
        .unwrap();
    fx.store.set_product_archived(&glue.id, true).unwrap();
    assert_eq!(kept_data_disagreements(&fx.path), Vec::<String>::new());
    assert_eq!(
        alerts(&fx),
        [
            row("MUG", "Main", 6, Some("Aardvark Pottery")),
            row("MUG", "Back", 6, Some("Aardvark Pottery"))
        ]
    );
}

fn alerts_product(fx: &Fixture, company: &str, sku: &str) -> String {
    fx.store
        .list_products(&ProductQuery {
            company_id: company.into(),
            search: Some(sku.into()),
            ..Default::default()
        })
        .unwrap()
        .items
        .into_iter()
        .find(|p| p.sku == sku)
        .unwrap()
        .id
}

/// Every index of the database, with its definition.
fn indexes(path: &Path) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_large_import_refused_at_its_last_sale_deletes_its_batches_and_keeps_every_index() {
    // 30,000 sales: many of the import's short transactions (issue #16) are committed before
    // the last row is refused; the refusal deletes them all, and no index ever changes.
    let many = |files: &mut Files, last: &str| {
        let entry = files.iter_mut().find(|(n, _)| *n == "sales.csv").unwrap();
        let mut text = String::from("id,product_id,warehouse_id,quantity,sold_at\n");
        for i in 0..30_000 {
            let (product, warehouse) = [("1", "1"), ("2", "1"), ("1", "2")][i % 3];
            text.push_str(&format!(
                "{i},{product},{warehouse},1,2024-12-{:02}T{:02}:{:02}:00Z\n",
                1 + i % 28,
                i % 24,
                i % 60
            ));
        }
        text.push_str(last);
        entry.1 = text;
    };

    let fx = Fixture::new();
    let before = indexes(&fx.path);
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), |f| many(f, "x,1,1,1,not a time\n"));
    let mut fx = fx;
    let untouched = snapshot(&fx.path);
    let err = fx.store.import_dir(dir.path(), &mut |_| {}).unwrap_err();
    assert_eq!(err.field(), Some("sold_at"), "{err}");
    assert_eq!(
        indexes(&fx.path),
        before,
        "the failed import dropped no index"
    );
    assert_eq!(snapshot(&fx.path), untouched);

    write_dataset(dir.path(), |f| many(f, ""));
    let summary = fx.store.import_dir(dir.path(), &mut |_| {}).unwrap();
    assert_eq!(summary.sales, 30_000);
    assert_eq!(indexes(&fx.path), before, "every index is back, as defined");
    assert_eq!(
        fx.store.kept_levels().unwrap(),
        fx.store.ledger_levels().unwrap()
    );
    assert_eq!(kept_data_disagreements(&fx.path), Vec::<String>::new());
}

#[test]
fn a_folder_without_one_of_the_files_is_refused_naming_it_and_changes_nothing() {
    let mut fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), |_| {});
    std::fs::remove_file(dir.path().join("thresholds.csv")).unwrap();
    let before = snapshot(&fx.path);

    let err = fx.store.import_dir(dir.path(), &mut |_| {}).unwrap_err();
    assert_eq!((err.code(), err.field()), ("validation", Some("dir")));
    assert!(err.to_string().contains("thresholds.csv"), "{err}");

    let err = fx
        .store
        .import_dir(&dir.path().join("nowhere"), &mut |_| {})
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("validation", Some("dir")));
    assert!(err.to_string().contains("no folder"), "{err}");
    assert_eq!(snapshot(&fx.path), before);
}

#[test]
fn the_daily_sales_of_imported_history_follow_it_day_by_day_in_each_warehouse() {
    // The rollup is one integer-keyed table read by ranges (migration 0017): a product's
    // series, and one warehouse's, must still be its sales day by day.
    let mut fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let today = chrono::Utc::now().date_naive();
    let day = |ago: i64| (today - chrono::Duration::days(ago)).to_string();
    write_dataset(dir.path(), |files| {
        let sales = files.iter_mut().find(|(n, _)| *n == "sales.csv").unwrap();
        sales.1 = format!(
            "id,product_id,warehouse_id,quantity,sold_at\n\
             1,1,1,10,{d2}T09:00:00Z\n2,1,2,2,{d2}T23:59:59Z\n3,1,1,3,{d5}T00:00:00Z\n\
             4,1,1,7,{d40}T12:00:00Z\n5,2,1,4,{d2}T10:00:00Z\n",
            d2 = day(2),
            d5 = day(5),
            d40 = day(40)
        );
    });
    fx.store.import_dir(dir.path(), &mut |_| {}).unwrap();
    let company = fx.store.find_company("Harbour").unwrap().id;
    let mug = fx.store.find_product_by_sku(&company, "MUG").unwrap();
    let back = mug
        .stock
        .iter()
        .find(|s| s.warehouse_name == "Back")
        .unwrap()
        .warehouse_id
        .clone();
    let sold = |warehouse: Option<&str>| -> Vec<(String, i64)> {
        fx.store
            .daily_sales(&mug.id, warehouse, 30)
            .unwrap()
            .into_iter()
            .filter(|d| d.units != 0)
            .map(|d| (d.day, d.units))
            .collect()
    };
    assert_eq!(
        sold(None),
        [(day(5), 3), (day(2), 12)],
        "both warehouses, the 30 days only, not the glue"
    );
    assert_eq!(sold(Some(&back)), [(day(2), 2)], "one warehouse");
    assert_eq!(fx.store.daily_sales(&mug.id, None, 30).unwrap().len(), 30);
}

/// A company of `products` products, each below its threshold in both warehouses (5 < 20)
/// with sales in the window: product i sold `i % 7 + 1` units in Main and 2 in Back.
fn write_large_dataset(dir: &Path, products: usize) {
    write_dataset(dir, |files| {
        let mut catalog = String::from("id,company_id,sku,name,price,product_type\n");
        let mut sales = String::from("id,product_id,warehouse_id,quantity,sold_at\n");
        let mut inventory = String::from("product_id,warehouse_id,quantity\n");
        for i in 1..=products {
            catalog.push_str(&format!("{i},1,SKU-{i:05},Product {i},1.00,standard\n"));
            let sale = 2 * i;
            sales.push_str(&format!(
                "{},{i},1,{},2024-12-20T10:00:00Z\n{sale},{i},2,2,2024-12-22T10:00:00Z\n",
                sale - 1,
                i % 7 + 1
            ));
            inventory.push_str(&format!("{i},1,5\n{i},2,5\n"));
        }
        for (name, text) in [
            ("products.csv", catalog),
            ("sales.csv", sales),
            ("inventory.csv", inventory),
            (
                "product_suppliers.csv",
                "product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n".into(),
            ),
            (
                "thresholds.csv",
                "product_id,warehouse_id,threshold\n".into(),
            ),
        ] {
            files.iter_mut().find(|(n, _)| *n == name).unwrap().1 = text;
        }
    });
}

#[test]
fn a_large_company_has_every_alert_whether_or_not_another_writer_holds_the_lock() {
    // Above 1,000 products the alerts are read on two threads, over two halves of the
    // products, with the write lock held so that both read one state; when another writer has
    // the lock they are read on one. Either way every row is there once, with its figures, and
    // the lock is free again afterwards.
    let mut fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    write_large_dataset(dir.path(), 1_500);
    fx.store.import_dir(dir.path(), &mut |_| {}).unwrap();
    let company = fx.store.find_company("Harbour").unwrap().id;
    let query = AlertQuery {
        company_id: company.clone(),
        now: Some(NOW.into()),
        ..Default::default()
    };
    let mut expected: Vec<(String, String, i64, i64)> = (1..=1_500i64)
        .flat_map(|i| {
            let main = i % 7 + 1;
            [
                (
                    format!("SKU-{i:05}"),
                    "Main".to_string(),
                    main,
                    30 * 5 / main,
                ),
                (format!("SKU-{i:05}"), "Back".to_string(), 2, 30 * 5 / 2),
            ]
        })
        .collect();
    expected.sort_by(|a, b| (a.3, &a.0, &a.1).cmp(&(b.3, &b.0, &b.1)));
    let rows = |page: &AlertPage| -> Vec<(String, String, i64, i64)> {
        page.alerts
            .iter()
            .map(|a| {
                (
                    a.sku.clone(),
                    a.warehouse_name.clone(),
                    a.recent_sales,
                    a.days_until_stockout,
                )
            })
            .collect()
    };

    let split = fx.store.low_stock_alerts(&query).unwrap();
    assert_eq!(split.total_alerts, 3_000);
    assert_eq!(rows(&split), expected);

    // The lock is free: another process's write takes it at once.
    let other = rusqlite::Connection::open(&fx.path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    // And while that writer holds it, the alerts are the same, read on one connection.
    let alone = fx.store.low_stock_alerts(&query).unwrap();
    assert_eq!(alone, split);
    other.execute_batch("ROLLBACK").unwrap();

    // A sale after the split read is in the next one (today's window: the only sale in it).
    let product = fx.store.find_product_by_sku(&company, "SKU-01500").unwrap();
    let main = fx.store.find_warehouse(&company, "Main").unwrap().id;
    fx.store
        .record_sale(
            &company,
            &SaleInput {
                warehouse_id: main,
                lines: vec![SaleLineInput {
                    product_id: product.id.clone(),
                    quantity: 1,
                    unit_price: None,
                }],
                note: None,
            },
        )
        .unwrap();
    let today = fx
        .store
        .low_stock_alerts(&AlertQuery { now: None, ..query })
        .unwrap();
    assert_eq!(
        rows(&today),
        [("SKU-01500".to_string(), "Main".to_string(), 1, 30 * 4)]
    );
}
