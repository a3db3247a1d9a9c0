//! The database file itself: schema, pragmas, refusing newer files, the device and its clock,
//! and the append-only ledger.

mod common;

use common::Fixture;
use stockflow_core::*;

#[test]
fn migrations_are_valid() {
    validate_migrations().expect("migrations/ applies cleanly from scratch");
}

#[test]
fn opening_creates_the_file_with_the_pragmas_we_rely_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/stockflow.db");
    let store = Store::open(&path).unwrap();
    assert!(
        path.exists(),
        "the database file and its folder are created"
    );
    assert_eq!(store.path(), path);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "WAL persists in the file");
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert!(version >= 1, "migrations ran");
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE from_the_future (x); PRAGMA user_version = 999;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("a newer schema is refused");
    assert_eq!(err.code(), "database_too_new");
    assert!(
        err.to_string().contains("newer version of StockFlow"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is byte for byte as it was"
    );
    assert!(
        !dir.path().join("future.db-wal").exists(),
        "not even switched to WAL"
    );
}

#[test]
fn the_device_id_and_its_clock_survive_a_restart() {
    let mut fx = Fixture::with_company("Acme");
    let device = fx.store.device_id().to_owned();
    fx.warehouse("A");
    let last_hlc = |path: &std::path::Path| -> String {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.query_row("SELECT MAX(hlc) FROM outbox", [], |r| r.get(0))
            .unwrap()
    };
    let before = last_hlc(&fx.path);
    let path = fx.path.clone();
    drop(std::mem::replace(
        &mut fx.store,
        Store::open(&path).unwrap(),
    ));
    assert_eq!(
        fx.store.device_id(),
        device,
        "the same installation keeps its id"
    );
    fx.warehouse("B");
    let after = last_hlc(&fx.path);
    assert!(
        after > before,
        "the clock moves forward across restarts: {before} then {after}"
    );
    assert!(after.ends_with(&device), "HLC values carry the device id");
}

#[test]
fn every_change_gets_a_distinct_increasing_hlc_in_the_outbox() {
    let mut fx = Fixture::with_company("Acme");
    let wh = fx.warehouse("Main");
    fx.store
        .create_product(
            &fx.company,
            &ProductInput {
                sku: "S".into(),
                name: "N".into(),
                price: "1".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: wh,
                    quantity: 3,
                }],
                ..Default::default()
            },
        )
        .unwrap();
    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT entity, hlc FROM outbox ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let entities: Vec<_> = rows.iter().map(|r| r.0.as_str()).collect();
    let mut expected = vec!["company"];
    expected.extend(["adjustment_reason"; 5]); // the default reasons a company starts with
    expected.extend(["warehouse", "product", "stock_movement"]);
    assert_eq!(entities, expected);
    assert!(
        rows.windows(2).all(|w| w[0].1 < w[1].1),
        "strictly increasing: {rows:?}"
    );
}

#[test]
fn the_ledger_refuses_updates_and_deletes() {
    let mut fx = Fixture::with_company("Acme");
    let wh = fx.warehouse("Main");
    fx.store
        .create_product(
            &fx.company,
            &ProductInput {
                sku: "S".into(),
                name: "N".into(),
                price: "1".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: wh,
                    quantity: 3,
                }],
                ..Default::default()
            },
        )
        .unwrap();
    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    let update = conn.execute("UPDATE stock_movements SET quantity = 99", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM stock_movements", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn each_write_of_a_device_happens_after_the_last_even_in_the_same_millisecond() {
    // A scan, then a sale rung up in the same millisecond: the sale must come after the scan
    // in time, or the count would absorb it. Many quick writes in a row: strictly later times.
    let mut fx = Fixture::with_company("Acme");
    let wh = fx.warehouse("Main");
    let product = fx
        .store
        .create_product(
            &fx.company,
            &ProductInput {
                sku: "S".into(),
                name: "N".into(),
                price: "1".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    for _ in 0..100 {
        fx.store
            .receive_stock(
                &fx.company,
                &ReceiptInput {
                    warehouse_id: wh.clone(),
                    lines: vec![QuantityLine {
                        product_id: product.clone(),
                        quantity: 1,
                    }],
                    note: None,
                },
            )
            .unwrap();
    }
    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    let times: Vec<String> = conn
        .prepare("SELECT occurred_at FROM stock_movements ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(times.len(), 100);
    assert!(
        times.windows(2).all(|w| w[0] < w[1]),
        "strictly increasing: {times:?}"
    );
}

#[test]
fn a_write_while_another_writer_holds_the_file_is_refused_as_busy_and_can_be_retried() {
    let mut fx = Fixture::with_company("Acme");
    let product = ProductInput {
        sku: "S".into(),
        name: "N".into(),
        price: "1".into(),
        ..Default::default()
    };
    // Another writer, as a long import is: it holds the write lock.
    let other = rusqlite::Connection::open(&fx.path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    fx.store
        .set_busy_timeout(std::time::Duration::from_millis(20))
        .unwrap();
    let err = fx.store.create_product(&fx.company, &product).unwrap_err();
    assert_eq!(err.code(), "busy", "{err}");
    assert!(!err.is_internal(), "the message is for the user: {err}");
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(fx.count("products"), 0);

    fx.store.create_product(&fx.company, &product).unwrap();
    assert_eq!(fx.count("products"), 1);
}
