//! Alerts against the reference: data from `../shared/bench/gen_dataset.py`, imported with
//! `stockflow-cli import`, must give exactly the alerts of `../shared/bench/ref_alerts.py` on
//! the same data: same rows, same order, same values.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench")
}

fn python(args: &[&str]) {
    let out = Command::new("python3")
        .args(args)
        .output()
        .expect("python3 runs the reference");
    assert!(
        out.status.success(),
        "python3 {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn cli(db: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_stockflow-cli"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stockflow-cli {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The columns both sides have, as one comparable tuple per alert.
fn row(
    sku: &Value,
    name: &Value,
    warehouse: &Value,
    nums: [&Value; 4],
    supplier: (&Value, &Value),
) -> String {
    format!(
        "{sku} {name} {warehouse} {} {} {} {} {} {}",
        nums[0], nums[1], nums[2], nums[3], supplier.0, supplier.1
    )
}

fn check(seed: &str, now: &str) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let gen = bench_dir().join("gen_dataset.py");
    let reference = bench_dir().join("ref_alerts.py");
    python(&[
        gen.to_str().unwrap(),
        "--scale",
        "S",
        "--seed",
        seed,
        "--now",
        now,
        "--out",
        data.to_str().unwrap(),
    ]);

    let ref_db = dir.path().join("ref.db");
    let ref_json = dir.path().join("ref.json");
    python(&[
        reference.to_str().unwrap(),
        "load",
        "--data",
        data.to_str().unwrap(),
        "--db",
        ref_db.to_str().unwrap(),
    ]);
    python(&[
        reference.to_str().unwrap(),
        "query",
        "--db",
        ref_db.to_str().unwrap(),
        "--now",
        now,
        "--json",
        ref_json.to_str().unwrap(),
    ]);
    let expected: Vec<String> =
        serde_json::from_str::<Vec<Value>>(&std::fs::read_to_string(&ref_json).unwrap())
            .unwrap()
            .iter()
            .map(|a| {
                row(
                    &a["sku"],
                    &a["product_name"],
                    &a["warehouse_name"],
                    [
                        &a["current_stock"],
                        &a["threshold"],
                        &a["recent_sales"],
                        &a["days_until_stockout"],
                    ],
                    (&a["supplier_name"], &a["supplier_email"]),
                )
            })
            .collect();

    let db = dir.path().join("stockflow.db");
    cli(&db, &["import", data.to_str().unwrap()]);
    let ours: Value = serde_json::from_str(&cli(
        &db,
        &["--json", "alerts", "--company", "Company 1", "--now", now],
    ))
    .unwrap();
    let null = Value::Null;
    let actual: Vec<String> = ours["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = &a["supplier"];
            let (name, email) = if s.is_null() {
                (&null, &null)
            } else {
                (&s["name"], &s["contact_email"])
            };
            row(
                &a["sku"],
                &a["product_name"],
                &a["warehouse_name"],
                [
                    &a["current_stock"],
                    &a["threshold"],
                    &a["recent_sales"],
                    &a["days_until_stockout"],
                ],
                (name, email),
            )
        })
        .collect();
    assert!(!expected.is_empty(), "the dataset should produce alerts");
    assert_eq!(ours["total_alerts"].as_u64(), Some(expected.len() as u64));
    if let Some(i) = (0..expected.len().min(actual.len())).find(|&i| expected[i] != actual[i]) {
        panic!(
            "seed {seed}, now {now}: alert {i} differs\n  reference: {}\n  ours:      {}",
            expected[i], actual[i]
        );
    }
    assert_eq!(
        actual.len(),
        expected.len(),
        "seed {seed}, now {now}: as many alerts as the reference"
    );
}

#[test]
fn alerts_equal_the_reference_at_midnight() {
    check("42", "2025-01-01T00:00:00Z");
}

#[test]
fn alerts_equal_the_reference_in_the_middle_of_a_day() {
    check("7", "2025-03-15T13:45:12Z");
}
