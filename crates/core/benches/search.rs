//! Product search over a generated catalog (`../shared/bench/gen_dataset.py`): loads the
//! products of one company from `products.csv` into a fresh database, then times each kind of
//! query a user types, reporting the median and 95th percentile over `--runs` runs.
//!
//! cargo bench -p stockflow-core --bench search -- --data /tmp/lowstock/L [--runs 31]

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use stockflow_core::*;

mod common;
use common::{arg, ms, read_csv};

fn main() {
    let Some(data) = arg("--data").map(PathBuf::from) else {
        // `cargo bench` with no arguments (or `cargo test --benches`) must not fail.
        eprintln!("usage: --data DIR (a folder written by ../shared/bench/gen_dataset.py)");
        return;
    };
    let runs: usize = arg("--runs").map_or(31, |r| r.parse().expect("--runs N"));

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("bench.db")).unwrap();
    let company = store
        .create_company(&CompanyInput {
            name: "Bench".into(),
            ..Default::default()
        })
        .unwrap();
    let mut types = HashMap::new();
    for row in read_csv(&data.join("product_types.csv")) {
        let t = store
            .create_product_type(
                &company.id,
                &ProductTypeInput {
                    name: row[0].clone(),
                    default_threshold: row[1].parse().unwrap(),
                    count_frequency_days: None,
                },
            )
            .unwrap();
        types.insert(row[0].clone(), t.id);
    }
    let products = read_csv(&data.join("products.csv"));
    let first_company = products[0][1].clone();
    let inputs: Vec<ProductInput> = products
        .iter()
        .filter(|r| r[1] == first_company)
        .map(|r| ProductInput {
            sku: r[2].clone(),
            name: r[3].clone(),
            price: r[4].clone(),
            product_type_id: types.get(&r[5]).cloned(),
            ..Default::default()
        })
        .collect();
    let started = Instant::now();
    let created = store.create_products(&company.id, &inputs).unwrap();
    println!(
        "loaded {created} products of company {first_company} in {:.1} s (one transaction)\n",
        started.elapsed().as_secs_f64()
    );

    let sample = &inputs[inputs.len() / 3];
    let sku_prefix = &sample.sku[..sample.sku.len() - 2];
    let query = |search: &str| ProductQuery {
        company_id: company.id.clone(),
        search: Some(search.to_owned()),
        ..Default::default()
    };
    let cases: Vec<(String, ProductQuery)> = vec![
        ("browse: first page by name, no search".into(), query("")),
        (format!("SKU prefix `{sku_prefix}`"), query(sku_prefix)),
        (format!("exact SKU `{}`", sample.sku), query(&sample.sku)),
        (format!("name words `{}`", sample.name), query(&sample.name)),
        ("a word in every name `product`".into(), query("product")),
        ("no match `zzz`".into(), query("zzz")),
        (
            "browse: first page by price, highest first".into(),
            ProductQuery {
                sort: ProductSort::Price,
                descending: true,
                ..query("")
            },
        ),
        (
            "type filter, sorted by SKU, third page".into(),
            ProductQuery {
                product_type_id: types.get("standard").cloned(),
                sort: ProductSort::Sku,
                offset: 100,
                ..query("")
            },
        ),
    ];

    println!("| query | matches | median | p95 |\n|---|---:|---:|---:|");
    let mut medians = Vec::new();
    for (label, q) in &cases {
        let total = store.list_products(q).unwrap().total; // also warms the statement cache
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(store.list_products(q).unwrap());
                t.elapsed()
            })
            .collect();
        times.sort();
        let median = times[runs / 2];
        let p95 = times[(runs * 95 / 100).min(runs - 1)];
        medians.push(median);
        println!("| {label} | {total} | {} | {} |", ms(median), ms(p95));
    }
    medians.sort();
    println!(
        "\nmedian of the per-kind medians: {}",
        ms(medians[medians.len() / 2])
    );
}
