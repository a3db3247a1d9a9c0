//! The dashboard's stock-out forecast on a dataset from `../shared/bench/gen_dataset.py`: the
//! median of `--runs` forecasts for one company, with `now` from the dataset's meta.json and
//! 13:45:12 the same day (partial edge days read from the movements). `--db FILE` reuses a
//! database the alerts bench imported (`--db` there); without it the data is imported first.
//!
//! cargo bench -p stockflow-core --bench forecast -- --data /tmp/lowstock/M [--db FILE]
//!     [--runs 15] [--company "Company 1"]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use stockflow_core::*;

mod common;
use common::{arg, ms};

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
    let (mut store, imported) = match arg("--db").map(PathBuf::from) {
        Some(path) if path.exists() => (Store::open(&path).unwrap(), false),
        other => {
            let path = other.unwrap_or_else(|| dir.path().join("forecast.db"));
            (Store::open(&path).unwrap(), true)
        }
    };
    if imported {
        let started = Instant::now();
        let summary = store.import_dir(&data, &mut |_| {}).unwrap();
        println!(
            "import: {} products, {} stock rows in {:.1} s",
            summary.products,
            summary.inventory,
            started.elapsed().as_secs_f64()
        );
    }
    let company = store.find_company(&company_name).unwrap().id;
    let midday = format!("{}T13:45:12Z", &now[..10]);
    for at in [now.as_str(), midday.as_str()] {
        let query = ForecastQuery {
            company_id: company.clone(),
            now: Some(at.to_owned()),
            window_days: 0,
        };
        let first = store.stockout_forecast(&query).unwrap(); // warm-up
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(store.stockout_forecast(&query).unwrap());
                t.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "forecast for {company_name} at {at}: {} selling rows, {} / {} / {} within 7 / 14 / 30 days; median {} over {runs} runs (min {}, max {})",
            first.selling,
            first.within_7_days,
            first.within_14_days,
            first.within_30_days,
            ms(times[runs / 2]),
            ms(times[0]),
            ms(times[runs - 1])
        );
    }
}
