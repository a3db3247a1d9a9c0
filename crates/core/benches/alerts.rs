//! CSV import and low-stock alerts on a dataset from `../shared/bench/gen_dataset.py`:
//! the import time, then the median of `--runs` alert queries for one company with `now`
//! from the dataset's meta.json. Compare with `ref_alerts.py bench` on the same data.
//!
//! cargo bench -p stockflow-core --bench alerts -- --data /tmp/lowstock/M [--runs 15]
//!     [--company "Company 1"] [--db FILE [--reuse]]
//!
//! `--reuse` measures the alerts on a database a previous run imported into `--db FILE`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use stockflow_core::*;

mod common;
use common::{arg, cpu_time, ms};

fn main() {
    let Some(data) = arg("--data").map(PathBuf::from) else {
        eprintln!("usage: --data DIR (a folder written by ../shared/bench/gen_dataset.py)");
        return;
    };
    let runs: usize = arg("--runs").map_or(15, |v| v.parse().expect("--runs N"));
    let company_name = arg("--company").unwrap_or_else(|| "Company 1".into());
    let meta = std::fs::read_to_string(data.join("meta.json")).expect("meta.json");
    let now = meta
        .split("\"now\":")
        .nth(1)
        .and_then(|rest| rest.split('"').nth(1))
        .expect("meta.json has now")
        .to_owned();

    let dir = tempfile::tempdir().unwrap();
    let path = arg("--db").map_or_else(|| dir.path().join("alerts.db"), PathBuf::from);
    let reuse = std::env::args().any(|a| a == "--reuse");
    if !reuse {
        let _ = std::fs::remove_file(&path);
    }
    let mut store = Store::open(&path).unwrap();
    if !reuse {
        let started = Instant::now();
        let cpu = cpu_time();
        // Where the time goes: the time at which each file was done.
        let mut current = String::new();
        let summary = store
            .import_dir(&data, &mut |p| {
                if p.file != current {
                    if !current.is_empty() {
                        println!(
                            "  {current} done at {:.1} s",
                            started.elapsed().as_secs_f64()
                        );
                    }
                    current = p.file.clone();
                }
            })
            .unwrap();
        println!(
            "import: {} products, {} sales, {} stock rows in {:.1} s, {:.1} s of CPU",
            summary.products,
            summary.sales,
            summary.inventory,
            started.elapsed().as_secs_f64(),
            (cpu_time() - cpu).as_secs_f64()
        );
    }

    let company = store.find_company(&company_name).unwrap().id;
    let query = AlertQuery {
        company_id: company,
        now: Some(now.clone()),
        ..Default::default()
    };
    let first = store.low_stock_alerts(&query).unwrap(); // warm-up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(store.low_stock_alerts(&query).unwrap());
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "alerts for {company_name} at {now}: {} alerts, median {} over {runs} runs (min {}, max {})",
        first.total_alerts,
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1])
    );
}
