//! A sale during an import (issue #16): the import writes in short transactions and leaves the
//! write lock free between them, so a sale from another connection, waiting at most 1 s, goes
//! through while the import is half way; the half-written import is invisible until it ends,
//! and an import killed half way leaves nothing anyone can see and is deleted by the next one.
//!
//! The import is stopped at a known point by its progress callback (called between its
//! transactions), so nothing here depends on timing.

mod common;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use common::{snapshot, Fixture};
use stockflow_core::*;

/// A dataset with enough sales that `sales.csv` reports progress (between transactions).
fn write_dataset(dir: &Path) {
    let mut sales = String::from("id,product_id,warehouse_id,quantity,sold_at\n");
    for i in 0..3_000 {
        sales.push_str(&format!(
            "{i},{},1,{},2024-12-{:02}T10:{:02}:00Z\n",
            1 + i % 2,
            1 + i % 3,
            1 + i % 28,
            i % 60
        ));
    }
    let files: [(&str, String); 9] = [
        ("companies.csv", "id,name\n1,Imported\n".into()),
        ("warehouses.csv", "id,company_id,name\n1,1,Depot\n".into()),
        (
            "product_types.csv",
            "product_type,default_threshold\nstandard,20\n".into(),
        ),
        (
            "products.csv",
            "id,company_id,sku,name,price,product_type\n1,1,CUP,Cup,2.50,standard\n2,1,JAR,Jar,4.00,standard\n"
                .into(),
        ),
        (
            "suppliers.csv",
            "id,company_id,name,contact_email\n1,1,Kiln,k@kiln.example\n".into(),
        ),
        (
            "product_suppliers.csv",
            "product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n1,1,7,1.00,1\n".into(),
        ),
        ("thresholds.csv", "product_id,warehouse_id,threshold\n2,,15\n".into()),
        ("sales.csv", sales),
        (
            "inventory.csv",
            "product_id,warehouse_id,quantity\n1,1,40\n2,1,9\n".into(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// A shop with a mug in stock, ready to sell.
fn shop() -> (Fixture, String, String) {
    let mut fx = Fixture::with_company("Harbour");
    let warehouse = fx.warehouse("Main");
    let mug = fx
        .store
        .create_product(
            &fx.company,
            &ProductInput {
                sku: "MUG".into(),
                name: "Mug".into(),
                price: "4.00".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: warehouse.clone(),
                    quantity: 7,
                }],
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    (fx, warehouse, mug)
}

fn sell_one(store: &mut Store, company: &str, warehouse: &str, mug: &str) -> Result<Sale> {
    store.record_sale(
        company,
        &SaleInput {
            warehouse_id: warehouse.to_owned(),
            lines: vec![SaleLineInput {
                product_id: mug.to_owned(),
                quantity: 1,
                unit_price: None,
            }],
            note: None,
        },
    )
}

fn company_names(store: &Store) -> Vec<String> {
    store
        .list_companies()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// Every row of every table but the device's clock, which an import moves on even when it
/// is refused (a clock, not data: its values are never issued twice).
fn data(path: &Path) -> Vec<String> {
    snapshot(path)
        .into_iter()
        .filter(|row| !row.starts_with("device:"))
        .collect()
}

#[test]
fn a_sale_during_an_import_goes_through_and_the_import_shows_only_when_done() {
    let (mut fx, warehouse, mug) = shop();
    let data_dir = tempfile::tempdir().unwrap();
    write_dataset(data_dir.path());

    let (paused_tx, paused) = mpsc::channel::<()>();
    let (go, go_rx) = mpsc::channel::<()>();
    let path = fx.path.clone();
    let dir = data_dir.path().to_owned();
    let importer = std::thread::spawn(move || {
        let mut store = Store::open(&path).unwrap();
        let mut stopped = false;
        store.import_dir(&dir, &mut |p| {
            // Half way through the sales: stop here until the test has sold.
            if p.file == "sales.csv" && !stopped {
                stopped = true;
                paused_tx.send(()).unwrap();
                go_rx.recv().unwrap();
            }
        })
    });
    paused.recv().unwrap();

    // The import has written its catalog and some sales, committed, and is not finished.
    fx.store.set_busy_timeout(Duration::from_secs(1)).unwrap();
    let sale = sell_one(&mut fx.store, &fx.company, &warehouse, &mug)
        .expect("a sale during an import waits at most 1 s");
    assert_eq!(sale.lines[0].quantity, 1);
    // Nothing of the import shows yet: not in the list, not by name, nothing to sync.
    assert_eq!(company_names(&fx.store), ["Harbour"]);
    assert_eq!(
        fx.store.find_company("Imported").unwrap_err().code(),
        "not_found"
    );
    let sync_before = fx.store.sync_pending().unwrap();

    go.send(()).unwrap();
    let summary = importer.join().unwrap().expect("the import finishes");
    assert_eq!(summary.sales, 3_000);

    // Now all of it at once; the sale made meanwhile is kept.
    assert_eq!(company_names(&fx.store), ["Harbour", "Imported"]);
    let imported = fx.store.find_company("Imported").unwrap();
    let stock = fx
        .store
        .list_stock(&StockQuery {
            company_id: imported.id.clone(),
            ..Default::default()
        })
        .unwrap();
    let mut on_hand: Vec<(String, i64)> =
        stock.iter().map(|r| (r.sku.clone(), r.on_hand)).collect();
    on_hand.sort();
    assert_eq!(on_hand, [("CUP".to_owned(), 40), ("JAR".to_owned(), 9)]);
    let mine = fx
        .store
        .list_stock(&StockQuery {
            company_id: fx.company.clone(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(mine[0].on_hand, 6, "the sale made during the import");
    assert!(fx.store.sync_pending().unwrap() > sync_before + 9_000);
    assert_eq!(
        fx.store.ledger_levels().unwrap(),
        fx.store.kept_levels().unwrap()
    );

    // The imported history (queued as a range, not an entry per row) goes out in pages like
    // any change: each sale, its line and its movement once.
    let mut sent: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    loop {
        let page = fx.store.sync_outgoing(500).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 500);
        for c in &page {
            // (A product is sent again for each later change: its thresholds, its supplier.)
            if c.company_id == imported.id
                && ["sale", "sale_line", "stock_movement"].contains(&c.entity.as_str())
            {
                assert!(
                    sent.entry(c.entity.clone())
                        .or_default()
                        .insert(c.entity_id.clone()),
                    "{} {} sent twice",
                    c.entity,
                    c.entity_id
                );
            }
        }
        let ids: Vec<String> = page.iter().map(|c| c.change_id.clone()).collect();
        fx.store.sync_acknowledge(&ids).unwrap();
    }
    for kind in ["sale", "sale_line", "stock_movement"] {
        let n = sent.get(kind).map_or(0, |s| s.len());
        // The inventory's two counts are movements too.
        let expected = if kind == "stock_movement" {
            3_002
        } else {
            3_000
        };
        assert_eq!(n, expected, "{kind}");
    }
    assert_eq!(fx.store.sync_pending().unwrap(), 0);
}

#[test]
fn an_import_killed_half_way_shows_nothing_and_the_next_import_deletes_it() {
    let (mut fx, warehouse, mug) = shop();
    let before = data(&fx.path);
    let data_dir = tempfile::tempdir().unwrap();
    write_dataset(data_dir.path());

    // The import's thread dies in the middle of sales.csv: what it committed stays behind.
    let path = fx.path.clone();
    let dir = data_dir.path().to_owned();
    let killed = std::thread::spawn(move || {
        let mut store = Store::open(&path).unwrap();
        let _ = store.import_dir(&dir, &mut |p| {
            if p.file == "sales.csv" {
                panic!("killed half way");
            }
        });
    })
    .join();
    assert!(killed.is_err());
    assert_ne!(data(&fx.path), before, "the killed import left rows behind");
    assert_eq!(
        company_names(&fx.store),
        ["Harbour"],
        "none of them visible"
    );
    assert_eq!(
        fx.store.find_company("Imported").unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        fx.store.sync_outgoing(1_000).unwrap().len(),
        fx.store.sync_pending().unwrap() as usize
    );
    assert!(fx
        .store
        .sync_outgoing(1_000)
        .unwrap()
        .iter()
        .all(|c| c.company_id == fx.company));
    // The app goes on selling.
    sell_one(&mut fx.store, &fx.company, &warehouse, &mug).unwrap();
    let after_sale = data(&fx.path);

    // The next import, refused at its first file, first deletes the killed one: everything
    // is as it was before, but for the sale.
    std::fs::write(data_dir.path().join("companies.csv"), "id,name\n1,\n").unwrap();
    let err = fx
        .store
        .import_dir(data_dir.path(), &mut |_| {})
        .unwrap_err();
    assert_eq!(err.code(), "validation", "{err}");
    let now = data(&fx.path);
    let pending: Vec<&String> = now.iter().filter(|r| !after_sale.contains(r)).collect();
    assert!(
        pending.is_empty(),
        "left behind: {:?}",
        &pending[..pending.len().min(5)]
    );
    let kept: Vec<&String> = after_sale
        .iter()
        .filter(|r| !now.contains(r))
        .filter(|r| before.contains(r))
        .collect();
    assert!(kept.is_empty(), "deleted too much: {kept:?}");
    assert_eq!(
        fx.store.ledger_levels().unwrap(),
        fx.store.kept_levels().unwrap()
    );

    // And a good import then goes through.
    write_dataset(data_dir.path());
    fx.store.import_dir(data_dir.path(), &mut |_| {}).unwrap();
    assert_eq!(company_names(&fx.store), ["Harbour", "Imported"]);
}

#[test]
fn a_refused_import_deletes_what_it_wrote() {
    let (fx, _, _) = shop();
    // Exactly, the device's clock included (no other write stamped meanwhile).
    let before = snapshot(&fx.path);
    let data_dir = tempfile::tempdir().unwrap();
    write_dataset(data_dir.path());
    // The last file is wrong: everything before it was written, in many transactions.
    std::fs::write(
        data_dir.path().join("inventory.csv"),
        "product_id,warehouse_id,quantity\n1,1,40\n9,1,9\n",
    )
    .unwrap();
    let mut store = Store::open(&fx.path).unwrap();
    let err = store.import_dir(data_dir.path(), &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "validation", "{err}");
    assert!(
        err.to_string().starts_with("In inventory.csv, line 3"),
        "{err}"
    );
    assert_eq!(snapshot(&fx.path), before);
}

/// An import's stock rows are queued as one range of the ledger's `seq` (migration 0022);
/// another company's movements written in between, while the import left the lock free, fall
/// inside that range and have entries of their own. Sent in small pages, each movement goes
/// out once, under its own company, and nothing is left to send.
#[test]
fn a_range_of_counts_sends_its_own_companys_movements_once_each() {
    let (mut fx, warehouse, mug) = shop();
    let quay = fx
        .store
        .create_company(&CompanyInput {
            name: "Quay".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let quay_depot = fx
        .store
        .create_warehouse(
            &quay,
            &WarehouseInput {
                name: "Depot".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let jar = fx
        .store
        .create_product(
            &quay,
            &ProductInput {
                sku: "JAR".into(),
                name: "Jar".into(),
                price: "2.00".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: quay_depot.clone(),
                    quantity: 50,
                }],
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    // Send everything so far, then count Harbour's mug five times with Quay's sales between.
    while let page @ [_, ..] = fx.store.sync_outgoing(100).unwrap().as_slice() {
        let ids: Vec<String> = page.iter().map(|c| c.change_id.clone()).collect();
        fx.store.sync_acknowledge(&ids).unwrap();
    }
    let mut counts = Vec::new();
    let mut others = Vec::new();
    for n in 0..5 {
        let counted = fx
            .store
            .record_count(
                &fx.company,
                &CountInput {
                    warehouse_id: warehouse.clone(),
                    lines: vec![QuantityLine {
                        product_id: mug.clone(),
                        quantity: 7 + n,
                    }],
                    counted_at: None,
                },
            )
            .unwrap();
        counts.push(counted.movements[0].id.clone());
        let sale = sell_one(&mut fx.store, &quay, &quay_depot, &jar).unwrap();
        let page = fx
            .store
            .list_movements(&HistoryQuery {
                company_id: quay.clone(),
                reference_id: Some(sale.id.clone()),
                ..Default::default()
            })
            .unwrap();
        others.push(page.items[0].id.clone());
    }
    // Harbour's counts as an import queues them: one range instead of their entries.
    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    conn.execute_batch(&format!(
        "DELETE FROM outbox WHERE company_id = '{c}' AND entity = 'stock_movement';
         INSERT INTO outbox_ranges (company_id, first_sale, last_sale, sales, entity)
         SELECT '{c}', MIN(m.seq), MAX(m.seq), COUNT(*), 'stock_movement'
         FROM stock_movements m WHERE m.company_id = '{c}' AND m.kind = 'count';",
        c = fx.company
    ))
    .unwrap();
    let pending = fx.store.sync_pending().unwrap();
    assert_eq!(
        pending,
        5 + 5 * 3,
        "five counts, five sales of three rows each"
    );
    let mut sent: Vec<(String, String)> = Vec::new();
    loop {
        let page = fx.store.sync_outgoing(2).unwrap();
        if page.is_empty() {
            break;
        }
        for c in &page {
            if c.entity == "stock_movement" {
                sent.push((c.company_id.clone(), c.entity_id.clone()));
            }
        }
        let ids: Vec<String> = page.iter().map(|c| c.change_id.clone()).collect();
        fx.store.sync_acknowledge(&ids).unwrap();
    }
    sent.sort();
    let mut expected: Vec<(String, String)> = counts
        .iter()
        .map(|id| (fx.company.clone(), id.clone()))
        .chain(others.iter().map(|id| (quay.clone(), id.clone())))
        .collect();
    expected.sort();
    assert_eq!(sent, expected, "each movement once, under its own company");
    assert_eq!(fx.store.sync_pending().unwrap(), 0);
}
