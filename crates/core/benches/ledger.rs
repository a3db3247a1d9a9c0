//! The stock ledger's hot paths on products from `../shared/bench/gen_dataset.py`:
//! - recording one sale, each in its own transaction with `synchronous=FULL` (10,000 sales);
//! - the first page of history (newest first) once the ledger holds `--movements` movements.
//!
//! cargo bench -p stockflow-core --bench ledger -- --data /tmp/lowstock/S [--sales 10000]
//!     [--movements 5000000] [--db /tmp/ledger-bench.db]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use stockflow_core::*;

mod common;
use common::{arg, ms, read_csv};

fn main() {
    let Some(data) = arg("--data").map(PathBuf::from) else {
        eprintln!("usage: --data DIR (a folder written by ../shared/bench/gen_dataset.py)");
        return;
    };
    let sales: usize = arg("--sales").map_or(10_000, |v| v.parse().expect("--sales N"));
    let movements: usize =
        arg("--movements").map_or(5_000_000, |v| v.parse().expect("--movements N"));
    let dir = tempfile::tempdir().unwrap();
    let path = arg("--db").map_or_else(|| dir.path().join("ledger.db"), PathBuf::from);
    let _ = std::fs::remove_file(&path);
    let mut store = Store::open(&path).unwrap();

    let company = store
        .create_company(&CompanyInput {
            name: "Bench".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let warehouses: Vec<String> = read_csv(&data.join("warehouses.csv"))
        .iter()
        .take(3)
        .map(|r| {
            store
                .create_warehouse(
                    &company,
                    &WarehouseInput {
                        name: r[2].clone(),
                        ..Default::default()
                    },
                )
                .unwrap()
                .id
        })
        .collect();
    let rows = read_csv(&data.join("products.csv"));
    let inputs: Vec<ProductInput> = rows
        .iter()
        .take(2_000)
        .map(|r| ProductInput {
            sku: r[2].clone(),
            name: r[3].clone(),
            price: r[4].clone(),
            initial_stock: warehouses
                .iter()
                .map(|w| InitialStock {
                    warehouse_id: w.clone(),
                    quantity: 1_000_000,
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    store.create_products(&company, &inputs).unwrap();
    let products: Vec<String> = inputs
        .iter()
        .map(|p| store.find_product_by_sku(&company, &p.sku).unwrap().id)
        .collect();

    // 1. Sales: 1 to 3 lines each, products spread deterministically over the catalog.
    let mut rng = 42u64;
    let mut next = |n: usize| {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng >> 33) as usize % n
    };
    let mut times = Vec::with_capacity(sales);
    for _ in 0..sales {
        let lines = (0..1 + next(3))
            .map(|_| SaleLineInput {
                product_id: products[next(products.len())].clone(),
                quantity: 1 + next(3) as i64,
                unit_price: None,
            })
            .collect();
        let input = SaleInput {
            warehouse_id: warehouses[next(warehouses.len())].clone(),
            lines,
            note: None,
        };
        let t = Instant::now();
        store.record_sale(&company, &input).unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "record_sale, own transaction, synchronous=FULL, {sales} sales: median {}, p95 {}, p99 {}",
        ms(times[sales / 2]),
        ms(times[sales * 95 / 100]),
        ms(times[sales * 99 / 100])
    );

    // 2. Fill the ledger up to `movements` with receipts of 500 lines per transaction.
    let have = store
        .list_movements(&HistoryQuery {
            company_id: company.clone(),
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert!(!have.items.is_empty());
    let started = Instant::now();
    let mut written = inputs.len() * warehouses.len() + sales * 2;
    let mut batch = 0usize;
    while written < movements {
        let lines: Vec<QuantityLine> = (0..500)
            .map(|i| QuantityLine {
                product_id: products[(batch * 500 + i) % products.len()].clone(),
                quantity: 1,
            })
            .collect();
        store
            .receive_stock(
                &company,
                &ReceiptInput {
                    warehouse_id: warehouses[batch % warehouses.len()].clone(),
                    lines,
                    note: None,
                },
            )
            .unwrap();
        written += 500;
        batch += 1;
    }
    println!(
        "filled the ledger to about {written} movements in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    let query = |f: &dyn Fn(&mut HistoryQuery)| {
        let mut q = HistoryQuery {
            company_id: company.clone(),
            ..Default::default()
        };
        f(&mut q);
        q
    };
    let cases = [
        ("first page, everything", query(&|_| {})),
        (
            "first page, one warehouse",
            query(&|q| q.warehouse_id = Some(warehouses[1].clone())),
        ),
        (
            "first page, one product",
            query(&|q| q.product_id = Some(products[7].clone())),
        ),
        (
            "first page, sales only",
            query(&|q| q.kind = Some(MovementKind::Sale)),
        ),
        ("fifth page, everything", query(&|q| q.offset = 200)),
    ];
    println!("\n| history query | median | p95 |\n|---|---:|---:|");
    for (label, q) in &cases {
        store.list_movements(q).unwrap();
        let mut t: Vec<Duration> = (0..31)
            .map(|_| {
                let s = Instant::now();
                std::hint::black_box(store.list_movements(q).unwrap());
                s.elapsed()
            })
            .collect();
        t.sort();
        println!("| {label} | {} | {} |", ms(t[15]), ms(t[29]));
    }
}
