//! Reads never wait for a writer (issue #14, class 5): while another connection holds the
//! write lock (an import runs for a minute at M), opening the database and reading from it
//! go through at once, and a write is refused with `busy`, writing nothing. Signing in is not a
//! write to the database either (the throttle counts attempts in a file of its own).

mod common;

use std::time::Duration;

use common::Fixture;
use stockflow_core::*;

fn stocked() -> (Fixture, String) {
    let mut fx = Fixture::with_company("Harbour");
    let warehouse = fx.warehouse("Main");
    fx.store
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
        .unwrap();
    (fx, warehouse)
}

/// Another process's write transaction, held open until dropped.
fn hold_write_lock(path: &std::path::Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; UPDATE device SET hlc_counter = hlc_counter;")
        .unwrap();
    conn
}

#[test]
fn opening_and_reading_go_through_while_another_connection_holds_the_write_lock() {
    let (fx, warehouse) = stocked();
    let writer = hold_write_lock(&fx.path);

    // Opening took a write transaction (the device row) and so waited out the busy timeout,
    // then failed with `busy`: it must not need the lock when there is nothing to write.
    let mut reader = Store::open(&fx.path).expect("opening does not wait for the writer");
    let rows = reader
        .list_stock(&StockQuery {
            company_id: fx.company.clone(),
            ..Default::default()
        })
        .expect("a read does not wait for the writer");
    assert_eq!(
        rows.iter()
            .map(|r| (r.sku.as_str(), r.on_hand))
            .collect::<Vec<_>>(),
        [("MUG", 7)]
    );

    // A write still waits for the lock, then is refused with `busy`, writing nothing.
    reader.set_busy_timeout(Duration::ZERO).unwrap();
    let mug = reader.find_product_by_sku(&fx.company, "MUG").unwrap();
    let err = reader
        .receive_stock(
            &fx.company,
            &ReceiptInput {
                warehouse_id: warehouse,
                lines: vec![QuantityLine {
                    product_id: mug.id,
                    quantity: 1,
                }],
                note: None,
            },
        )
        .expect_err("the write lock is held");
    assert_eq!(err.code(), "busy", "{err}");
    drop(writer);
    assert_eq!(
        reader
            .find_product_by_sku(&fx.company, "MUG")
            .unwrap()
            .stock[0]
            .on_hand,
        7
    );
}

#[test]
fn a_database_moved_to_another_folder_opens_while_the_write_lock_is_held() {
    // A copied database must take a new device id before it sends anything: that write may
    // wait for the lock, but the open must not fail on it, and reads go through.
    let (fx, _) = stocked();
    drop(fx.store);
    let dir = tempfile::tempdir().unwrap();
    let moved = dir.path().join("moved.db");
    std::fs::copy(&fx.path, &moved).unwrap();
    let writer = hold_write_lock(&moved);
    let reader = Store::open(&moved).expect("opening does not wait for the writer");
    reader.set_busy_timeout(Duration::ZERO).unwrap();
    assert_eq!(reader.list_companies().unwrap().len(), 1);
    drop(writer);
}

#[test]
fn signing_in_and_reading_go_through_while_another_connection_holds_the_write_lock() {
    // Signing in counted the attempt in the main database, so with users set up
    // `stockflow-cli --user X stock` waited for an import and failed with `busy`.
    let (mut fx, _) = stocked();
    fx.store
        .setup_owner(&SetupOwner {
            name: "Olive Owner".into(),
            email: "olive@shop.test".into(),
            password: "owner-password".into(),
        })
        .unwrap();
    drop(fx.store);
    let writer = hold_write_lock(&fx.path);

    let mut reader = Store::open(&fx.path).unwrap();
    reader.set_busy_timeout(Duration::ZERO).unwrap();
    // A wrong password is still counted (the throttle works while the lock is held)...
    let wrong = reader
        .sign_in(&SignIn {
            email: "olive@shop.test".into(),
            password: "not-the-password".into(),
        })
        .expect_err("a wrong password");
    assert_eq!(wrong.code(), "sign_in_failed", "{wrong}");
    // ...and the right one signs in, then reads.
    reader
        .sign_in(&SignIn {
            email: "olive@shop.test".into(),
            password: "owner-password".into(),
        })
        .expect("signing in does not wait for the writer");
    let rows = reader
        .list_stock(&StockQuery {
            company_id: fx.company.clone(),
            ..Default::default()
        })
        .expect("a read after signing in does not wait for the writer");
    assert_eq!(rows.len(), 1);
    drop(writer);
}
