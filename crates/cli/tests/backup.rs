//! `backup`, `restore` and `export` through the real binary (issue #15): a backup taken while
//! another process records sales is sound and holds every sale committed before it began; a
//! refused restore exits 1 with its code; an export imported into a fresh database gives the
//! same products, stock and alerts on generated data (needs `python3`, which also reads the
//! SQLite files: the CLI crate does not link SQLite itself).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const NOW: &str = "2025-01-01T00:00:00Z";

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench")
}

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockflow-cli"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn cli(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "stockflow-cli {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&cli(db, &all)).unwrap()
}

/// Runs a Python snippet on a SQLite file: its stdout lines.
fn sqlite(db: &Path, query: &str) -> Vec<String> {
    let script = "import sqlite3, sys\n\
                  c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n\
                  for row in c.execute(sys.argv[2]): print(row[0])";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(db)
        .arg(query)
        .output()
        .expect("python3 reads SQLite");
    assert!(
        out.status.success(),
        "{query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Generated S data (seed 42, dated `NOW`) in `dir/data`, imported into `dir/stockflow.db`.
fn imported(dir: &Path) -> (PathBuf, PathBuf) {
    let data = dir.join("data");
    let out = Command::new("python3")
        .arg(bench_dir().join("gen_dataset.py"))
        .args(["--scale", "S", "--seed", "42", "--now", NOW, "--out"])
        .arg(&data)
        .output()
        .expect("python3 runs the generator");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = dir.join("stockflow.db");
    cli(&db, &["import", data.to_str().unwrap()]);
    (db, data)
}

#[test]
fn a_backup_taken_while_another_process_sells_holds_every_sale_committed_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = imported(dir.path());
    let sales = "SELECT id FROM stock_movements WHERE kind = 'sale' ORDER BY id";
    let imported_sales = sqlite(&db, sales).len();
    let pair = sqlite(
        &db,
        "SELECT p.sku || '|' || w.name FROM stock_levels l JOIN products p ON p.id = l.product_id
         JOIN warehouses w ON w.id = l.warehouse_id ORDER BY p.sku, w.name LIMIT 1",
    );
    let (sku, warehouse) = pair[0].split_once('|').unwrap();
    let (sku, warehouse) = (sku.to_owned(), warehouse.to_owned());
    cli(
        &db,
        &[
            "receive",
            "--company",
            "Company 1",
            "--warehouse",
            &warehouse,
            &format!("{sku}=100000"),
        ],
    );
    let level_sql = format!(
        "SELECT on_hand FROM stock_levels l JOIN products p ON p.id = l.product_id
         JOIN warehouses w ON w.id = l.warehouse_id WHERE p.sku = '{sku}' AND w.name = '{warehouse}'"
    );
    let start_level: i64 = sqlite(&db, &level_sql)[0].parse().unwrap();

    // Another process records sales, one command (one transaction) at a time.
    let writer = Command::new("sh")
        .arg("-c")
        .arg(
            r#"i=0; while [ $i -lt 150 ]; do
                 "$0" --db "$1" sell --company "Company 1" --warehouse "$2" "$3=1" >/dev/null || exit 1
                 i=$((i+1))
               done"#,
        )
        .arg(env!("CARGO_BIN_EXE_stockflow-cli"))
        .arg(&db)
        .arg(&warehouse)
        .arg(&sku)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut writer = scopeguard(writer);
    // Wait until it is writing, so the backup runs while it does.
    loop {
        if sqlite(&db, sales).len() > imported_sales + 3 {
            break;
        }
        if let Some(status) = writer.0.try_wait().unwrap() {
            panic!("the writer stopped before the backup: {status}");
        }
    }
    let committed: BTreeSet<String> = sqlite(&db, sales).into_iter().collect();
    let copy = dir.path().join("while-selling.db");
    let done = json(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(done["kind"], "manual");

    assert_eq!(sqlite(&copy, "PRAGMA integrity_check"), vec!["ok"]);
    let in_copy: BTreeSet<String> = sqlite(&copy, sales).into_iter().collect();
    let missing: Vec<_> = committed.difference(&in_copy).collect();
    assert!(
        missing.is_empty(),
        "the backup lacks {} sales committed before it began",
        missing.len()
    );
    // On hand in the copy agrees with its own ledger: no half-written sale.
    let sold_in_copy = (in_copy.len() - imported_sales) as i64;
    assert_eq!(
        sqlite(&copy, &level_sql),
        vec![(start_level - sold_in_copy).to_string()],
        "on hand in the backup is its ledger's"
    );
    let sold_meanwhile = sqlite(&db, sales).len() - in_copy.len();
    eprintln!("sales committed by the other process after the backup's snapshot: {sold_meanwhile}");

    let status = writer.0.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(writer.0.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(status.success(), "the writer was never refused: {err}");
    // And the backup opens as a database of its own.
    let opened = json(&copy, &["stock", "--company", "Company 1", "--sku", &sku]);
    assert!(opened.as_array().is_some_and(|rows| !rows.is_empty()));
}

/// Kills the child if the test panics before waiting for it.
struct Guard(std::process::Child);
impl Drop for Guard {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}
fn scopeguard(child: std::process::Child) -> Guard {
    Guard(child)
}

#[test]
fn a_refused_restore_exits_1_with_its_code_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    cli(&db, &["company", "add", "Shop"]);
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let before = cli(&db, &["--json", "company", "list"]);
    let out = run(&db, &["--json", "restore", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["error"]["code"], "validation");
    assert_eq!(e["error"]["field"], "file");
    assert_eq!(cli(&db, &["--json", "company", "list"]), before);

    let over = run(&db, &["--json", "backup", db.to_str().unwrap()]);
    assert_eq!(over.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&over.stdout).unwrap();
    assert_eq!(e["error"]["code"], "validation");
    // A usage mistake is 2.
    assert_eq!(run(&db, &["backup"]).status.code(), Some(2));
}

/// A JSON value without the ids and times each database makes its own.
fn portable(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    !(k.as_str() == "id"
                        || k.ends_with("_id")
                        || k.ends_with("_at")
                        || k.as_str() == "updated_hlc")
                })
                .map(|(k, v)| (k.clone(), portable(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(portable).collect()),
        other => other.clone(),
    }
}

fn products(db: &Path) -> Vec<Value> {
    let mut all = Vec::new();
    loop {
        let offset = all.len().to_string();
        let page = json(
            db,
            &[
                "product",
                "list",
                "--company",
                "Company 1",
                "--limit",
                "500",
                "--offset",
                &offset,
            ],
        );
        let items = page["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        all.extend(items.iter().map(portable));
    }
    all
}

#[test]
fn export_then_import_into_a_fresh_database_gives_the_same_products_stock_and_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = imported(dir.path());
    let export = dir.path().join("export");
    let summary = json(
        &db,
        &["export", "--company", "Company 1", export.to_str().unwrap()],
    );
    assert_eq!(summary["products"], 2000);
    assert_eq!(summary["sales"], 50000);

    let fresh = dir.path().join("fresh.db");
    cli(&fresh, &["import", export.to_str().unwrap()]);

    let (a, b) = (products(&db), products(&fresh));
    assert_eq!(a.len(), 2000);
    assert!(a == b, "the same products (first difference: {:?})", {
        a.iter().zip(&b).find(|(x, y)| x != y)
    });
    let stock = |db: &Path| portable(&json(db, &["stock", "--company", "Company 1"]));
    assert_eq!(stock(&db), stock(&fresh), "the same stock");
    let alerts = |db: &Path| {
        portable(&json(
            db,
            &["alerts", "--company", "Company 1", "--now", NOW],
        ))
    };
    let before = alerts(&db);
    assert!(before["total_alerts"].as_u64().unwrap() > 0);
    assert_eq!(before, alerts(&fresh), "the same alerts");

    // A second export into the same folder is refused rather than mixing two exports.
    let again = run(
        &db,
        &[
            "--json",
            "export",
            "--company",
            "Company 1",
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(again.status.code(), Some(1));
}
