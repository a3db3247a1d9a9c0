//! The command line as a script sees it: JSON on stdout, exit codes 0 / 1 / 2, errors as
//! `{"error":{"code","message","field"?}}`, and nothing written by a refused command.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stockflow.db");
        Db { _dir: dir, path }
    }

    fn run(&self, args: &[&str]) -> Run {
        run_with(&self.path, args)
    }

    /// Runs with `--json` and expects success.
    fn ok(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let r = self.run(&all);
        assert_eq!(r.status, 0, "{args:?} failed: {}{}", r.stdout, r.stderr);
        r.json()
    }

    fn product_count(&self) -> i64 {
        products_in(&self.path)
    }
}

fn run_with(db: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_stockflow-cli"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("STOCKFLOW_DB")
        .output()
        .unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Products in the file, counted through the CLI itself (all companies are listed first).
fn products_in(db: &Path) -> i64 {
    let companies: Value =
        serde_json::from_str(&run_with(db, &["--json", "company", "list"]).stdout).unwrap();
    companies
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap();
            let page: Value = serde_json::from_str(
                &run_with(db, &["--json", "product", "list", "--company", id]).stdout,
            )
            .unwrap();
            page["total"].as_i64().unwrap()
        })
        .sum()
}

fn setup() -> Db {
    let db = Db::new();
    db.ok(&["company", "add", "Acme"]);
    db.ok(&[
        "warehouse",
        "add",
        "--company",
        "Acme",
        "Main",
        "--code",
        "MAIN",
    ]);
    db.ok(&["warehouse", "add", "--company", "acme", "Back room"]);
    db
}

#[test]
fn a_catalog_built_from_the_command_line_reads_back_as_json() {
    let db = setup();
    db.ok(&[
        "type",
        "add",
        "--company",
        "Acme",
        "Perishable",
        "--threshold",
        "50",
    ]);
    let p = db.ok(&[
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "MUG-1",
        "--name",
        "Blue mug",
        "--price",
        "12.50",
        "--type",
        "perishable",
        "--barcode",
        "5012345",
        "--threshold",
        "4",
        "--stock",
        "Main=7",
        "--stock",
        "Back room=0",
    ]);
    assert_eq!(p["sku"], "MUG-1");
    assert_eq!(
        p["price"], "12.50",
        "decimals are strings, exactly as typed"
    );
    assert_eq!(p["product_type_name"], "Perishable");
    assert_eq!(p["threshold"], 4);

    let stock = db.ok(&["stock", "--company", "Acme"]);
    let rows: Vec<_> = stock
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["sku"], r["warehouse"], r["on_hand"], r["available"]]))
        .collect();
    assert_eq!(
        rows,
        [
            json!(["MUG-1", "Back room", 0, 0]),
            json!(["MUG-1", "Main", 7, 7])
        ]
    );

    let one = db.ok(&[
        "stock",
        "--company",
        "Acme",
        "--warehouse",
        "MAIN",
        "--sku",
        "mug-1",
    ]);
    assert_eq!(
        one.as_array().unwrap().len(),
        1,
        "filter by warehouse code and SKU"
    );

    let page = db.ok(&["product", "list", "--company", "Acme", "--search", "blue"]);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["on_hand"], 7);

    let warehouses = db.ok(&["warehouse", "list", "--company", "Acme"]);
    assert_eq!(warehouses.as_array().unwrap().len(), 2);
    let companies = db.ok(&["company", "list"]);
    assert_eq!(companies[0]["name"], "Acme");
    assert_eq!(companies[0]["default_threshold"], 10);
}

#[test]
fn refusals_exit_1_with_the_error_json_and_write_nothing() {
    let db = setup();
    db.ok(&[
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "A",
        "--name",
        "A",
        "--price",
        "1",
    ]);
    let cases: &[(&[&str], &str, Option<&str>)] = &[
        (
            &["--sku", "a", "--name", "Dup", "--price", "1"],
            "conflict",
            Some("sku"),
        ),
        (
            &["--sku", "B", "--name", "B", "--price", "abc"],
            "validation",
            Some("price"),
        ),
        (
            &["--sku", "B", "--name", "B", "--price", "-1"],
            "validation",
            Some("price"),
        ),
        (
            &["--sku", "B", "--name", "B", "--price", "1.23456"],
            "validation",
            Some("price"),
        ),
        (
            &["--sku", "B", "--name", "B", "--price", "1e30"],
            "validation",
            Some("price"),
        ),
        (
            &["--sku", " ", "--name", "B", "--price", "1"],
            "validation",
            Some("sku"),
        ),
        (
            &[
                "--sku", "B", "--name", "B", "--price", "1", "--stock", "Main=-2",
            ],
            "validation",
            Some("initial_stock"),
        ),
        (
            &[
                "--sku",
                "B",
                "--name",
                "B",
                "--price",
                "1",
                "--stock",
                "Nowhere=2",
            ],
            "not_found",
            None,
        ),
        (
            &[
                "--sku", "B", "--name", "B", "--price", "1", "--type", "Nope",
            ],
            "not_found",
            None,
        ),
    ];
    for (extra, code, field) in cases {
        let mut args = vec!["--json", "product", "add", "--company", "Acme"];
        args.extend_from_slice(extra);
        let r = db.run(&args);
        assert_eq!(
            r.status, 1,
            "{extra:?} should be refused with exit 1: {}{}",
            r.stdout, r.stderr
        );
        let err = &r.json()["error"];
        assert_eq!(err["code"], *code, "{extra:?}: {err}");
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
        match field {
            Some(f) => assert_eq!(err["field"], *f, "{extra:?}"),
            None => assert!(
                err["field"].is_null() && err.get("field").is_some(),
                "field is null for {code}: {err}"
            ),
        }
    }
    assert_eq!(db.product_count(), 1, "no refused command added a product");

    let unknown_company = db.run(&["--json", "warehouse", "list", "--company", "Globex"]);
    assert_eq!(unknown_company.status, 1);
    assert_eq!(unknown_company.json()["error"]["code"], "not_found");
}

#[test]
fn without_json_a_refusal_is_a_sentence_on_stderr() {
    let db = setup();
    let r = db.run(&["company", "add", "ACME"]);
    assert_eq!(r.status, 1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
}

#[test]
fn usage_mistakes_exit_2() {
    let db = setup();
    for args in [
        &["product", "add", "--company", "Acme", "--sku", "X"][..],
        &[
            "product",
            "add",
            "--company",
            "Acme",
            "--sku",
            "X",
            "--name",
            "X",
            "--price",
            "1",
            "--stock",
            "Main",
        ],
        &[
            "product",
            "add",
            "--company",
            "Acme",
            "--sku",
            "X",
            "--name",
            "X",
            "--price",
            "1",
            "--stock",
            "Main=many",
        ],
        &["no-such-command"],
        &["stock"],
    ] {
        let r = db.run(args);
        assert_eq!(r.status, 2, "{args:?} is a usage mistake: {}", r.stderr);
    }
}

#[test]
fn the_database_comes_from_stockflow_db_when_no_flag_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("from-env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_stockflow-cli"))
        .args(["--json", "company", "add", "Env Co"])
        .env("STOCKFLOW_DB", &path)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(path.exists(), "STOCKFLOW_DB names the file the CLI writes");
}

#[test]
fn the_ledger_from_the_command_line() {
    let db = setup();
    for (sku, qty) in [("CUP", "10"), ("SAUCER", "4"), ("SET", "0")] {
        db.ok(&[
            "product",
            "add",
            "--company",
            "Acme",
            "--sku",
            sku,
            "--name",
            sku,
            "--price",
            "2.50",
            "--stock",
            &format!("Main={qty}"),
        ]);
    }
    let kit = db.ok(&[
        "kit",
        "set",
        "--company",
        "Acme",
        "--sku",
        "SET",
        "CUP=1",
        "SAUCER=1",
    ]);
    assert_eq!(kit["is_kit"], true);

    let received = db.ok(&[
        "receive",
        "--company",
        "Acme",
        "--warehouse",
        "Main",
        "CUP=5",
    ]);
    assert_eq!(received[0]["kind"], "receipt");
    let sale = db.ok(&[
        "sell",
        "--company",
        "Acme",
        "--warehouse",
        "Main",
        "SET=3",
        "CUP=1",
    ]);
    assert_eq!(sale["total"], "10.00", "4 x 2.50 exactly");
    let sale_id = sale["id"].as_str().unwrap();
    db.ok(&[
        "return",
        "--company",
        "Acme",
        "--warehouse",
        "Main",
        "--sale",
        sale_id,
        "SET=1",
    ]);
    db.ok(&[
        "adjust",
        "--company",
        "Acme",
        "--warehouse",
        "Main",
        "--reason",
        "damaged",
        "CUP=-2",
        "SAUCER=+1",
    ]);
    let moved = db.ok(&[
        "transfer",
        "--company",
        "Acme",
        "--from",
        "Main",
        "--to",
        "Back room",
        "CUP=3",
    ]);
    assert_eq!(moved.as_array().unwrap().len(), 2, "out and in");

    let on_hand = |sku: &str, wh: &str| -> i64 {
        let rows = db.ok(&[
            "stock",
            "--company",
            "Acme",
            "--sku",
            sku,
            "--warehouse",
            wh,
        ]);
        rows[0]["on_hand"].as_i64().unwrap()
    };
    // CUP: 10 + 5 - 3 (kits) - 1 + 1 (kit returned) - 2 - 3 = 7; SAUCER: 4 - 3 + 1 + 1 = 3.
    assert_eq!(
        (
            on_hand("CUP", "Main"),
            on_hand("SAUCER", "Main"),
            on_hand("CUP", "Back room")
        ),
        (7, 3, 3)
    );
    let set = db.ok(&[
        "stock",
        "--company",
        "Acme",
        "--sku",
        "SET",
        "--warehouse",
        "Main",
    ]);
    assert_eq!(
        set[0]["available"], 3,
        "a kit's availability comes from its components"
    );

    let history = db.ok(&[
        "history",
        "--company",
        "Acme",
        "--sku",
        "CUP",
        "--kind",
        "sale",
    ]);
    let quantities: Vec<_> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["quantity"].as_i64().unwrap())
        .collect();
    assert_eq!(
        quantities,
        [-4],
        "one sale movement: 3 cups in kits and 1 alone"
    );
    let page = db.ok(&["history", "--company", "Acme", "--limit", "2"]);
    assert_eq!(page["has_more"], true);
}

#[test]
fn ledger_refusals_exit_1_and_change_no_stock() {
    let db = setup();
    db.ok(&[
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "A",
        "--name",
        "A",
        "--price",
        "1",
        "--stock",
        "Main=2",
    ]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["sell", "--company", "Acme", "--warehouse", "Main", "A=3"],
            "insufficient_stock",
        ),
        (
            &[
                "adjust",
                "--company",
                "Acme",
                "--warehouse",
                "Main",
                "--reason",
                "lost",
                "A=-3",
            ],
            "insufficient_stock",
        ),
        (
            &[
                "adjust",
                "--company",
                "Acme",
                "--warehouse",
                "Main",
                "--reason",
                "nope",
                "A=-1",
            ],
            "validation",
        ),
        (
            &[
                "transfer",
                "--company",
                "Acme",
                "--from",
                "Main",
                "--to",
                "Main",
                "A=1",
            ],
            "validation",
        ),
        (
            &["receive", "--company", "Acme", "--warehouse", "Main", "A=0"],
            "validation",
        ),
        (
            &[
                "receive",
                "--company",
                "Acme",
                "--warehouse",
                "Main",
                "NOPE=1",
            ],
            "not_found",
        ),
        (
            &[
                "return",
                "--company",
                "Acme",
                "--warehouse",
                "Main",
                "--sale",
                "nope",
                "A=1",
            ],
            "not_found",
        ),
    ];
    for (args, code) in cases {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let r = db.run(&all);
        assert_eq!(r.status, 1, "{args:?}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.json()["error"]["code"], *code, "{args:?}");
    }
    let err = db
        .run(&[
            "--json",
            "sell",
            "--company",
            "Acme",
            "--warehouse",
            "Main",
            "A=3",
        ])
        .json();
    assert_eq!(
        err["error"]["message"],
        "not enough stock of A in Main: 3 requested, 2 on hand"
    );
    let rows = db.ok(&["stock", "--company", "Acme", "--sku", "A"]);
    assert_eq!(rows[0]["on_hand"], 2, "no refused command moved stock");
    let usage = db.run(&["history", "--company", "Acme", "--kind", "teleport"]);
    assert_eq!(usage.status, 2, "an unknown kind is a usage mistake");
    let usage = db.run(&["sell", "--company", "Acme", "--warehouse", "Main"]);
    assert_eq!(usage.status, 2, "lines are required");
}

#[test]
fn purchasing_from_the_command_line() {
    let db = setup();
    db.ok(&[
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "MUG",
        "--name",
        "Mug",
        "--price",
        "5",
    ]);
    db.ok(&[
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "PLATE",
        "--name",
        "Plate",
        "--price",
        "4",
    ]);
    db.ok(&[
        "supplier",
        "add",
        "--company",
        "Acme",
        "Potter & Co",
        "--email",
        "orders@potter.example",
    ]);
    let link = db.ok(&[
        "supplier",
        "link",
        "--company",
        "Acme",
        "--supplier",
        "potter & co",
        "--sku",
        "MUG",
        "--lead-time",
        "7",
        "--cost",
        "2.50",
        "--moq",
        "12",
        "--multiple",
        "6",
        "--preferred",
    ]);
    assert_eq!(
        (
            link["moq"].as_i64(),
            link["pack_multiple"].as_i64(),
            link["preferred"].as_bool()
        ),
        (Some(12), Some(6), Some(true))
    );

    let po = db.ok(&[
        "po",
        "create",
        "--company",
        "Acme",
        "--supplier",
        "Potter & Co",
        "--warehouse",
        "Main",
        "MUG=10",
    ]);
    assert_eq!(
        (po["status"].as_str(), po["total"].as_str()),
        (Some("draft"), Some("25.00"))
    );
    let id = po["id"].as_str().unwrap();
    assert_eq!(db.ok(&["po", "send", id])["status"], "sent");
    assert_eq!(
        db.ok(&["po", "receive", id, "MUG=4"])["status"],
        "partially_received"
    );
    let over = db.run(&["--json", "po", "receive", id, "MUG=7"]);
    assert_eq!(over.status, 1);
    assert_eq!(over.json()["error"]["code"], "confirmation_required");
    assert_eq!(db.ok(&["po", "receive", id, "MUG=6"])["status"], "received");
    let stock = db.ok(&["stock", "--company", "Acme", "--sku", "MUG"]);
    assert_eq!(stock[0]["on_hand"], 10);

    // Ordering a product the supplier does not supply yet asks for confirmation.
    let refused = db.run(&[
        "--json",
        "po",
        "create",
        "--company",
        "Acme",
        "--supplier",
        "Potter & Co",
        "--warehouse",
        "Main",
        "PLATE=2",
    ]);
    assert_eq!(
        (refused.status, refused.json()["error"]["code"].as_str()),
        (1, Some("confirmation_required"))
    );
    let po2 = db.ok(&[
        "po",
        "create",
        "--company",
        "Acme",
        "--supplier",
        "Potter & Co",
        "--warehouse",
        "Main",
        "PLATE=2",
        "--cost",
        "PLATE=1.75",
        "--confirm",
    ]);
    assert_eq!(po2["total"], "3.50");
    let cancelled = db.ok(&["po", "cancel", po2["id"].as_str().unwrap()]);
    assert_eq!(cancelled["status"], "cancelled");
    let received = db.ok(&["po", "list", "--company", "Acme", "--status", "received"]);
    assert_eq!(received["total"], 1);
    let suppliers = db.ok(&["supplier", "list", "--company", "Acme"]);
    assert_eq!(
        suppliers[0]["product_count"], 2,
        "PLATE was linked on confirmation"
    );
    assert_eq!(suppliers[0]["learned_lead_time_days"], 0);

    let bad = db.run(&[
        "--json",
        "supplier",
        "add",
        "--company",
        "Acme",
        "Bad",
        "--email",
        "nope",
    ]);
    assert_eq!(
        (bad.status, bad.json()["error"]["field"].as_str()),
        (1, Some("contact_email"))
    );
    assert_eq!(
        db.run(&["po", "list", "--company", "Acme", "--status", "lost"])
            .status,
        2
    );
}

#[test]
fn drafting_orders_from_alerts_on_the_command_line() {
    let db = setup();
    for (sku, stock) in [("MUG", "Main=12"), ("PLATE", "Main=10")] {
        db.ok(&[
            "product",
            "add",
            "--company",
            "Acme",
            "--sku",
            sku,
            "--name",
            sku,
            "--price",
            "5",
            "--threshold",
            "10",
            "--stock",
            stock,
        ]);
    }
    db.ok(&[
        "supplier",
        "add",
        "--company",
        "Acme",
        "Potter & Co",
        "--email",
        "orders@potter.example",
    ]);
    db.ok(&[
        "supplier",
        "link",
        "--company",
        "Acme",
        "--supplier",
        "Potter & Co",
        "--sku",
        "MUG",
        "--lead-time",
        "7",
        "--cost",
        "2.50",
        "--moq",
        "12",
        "--multiple",
        "6",
    ]);
    db.ok(&[
        "sell",
        "--company",
        "Acme",
        "--warehouse",
        "Main",
        "MUG=5",
        "PLATE=3",
    ]);

    // MUG: 7 on hand < 10, ceil(5*14/30) + 10 - 7 = 6, raised to the MOQ of 12. PLATE has
    // no supplier.
    let drafted = db.ok(&["po", "from-alerts", "--company", "Acme", "--window", "30"]);
    let order = &drafted["orders"][0];
    assert_eq!(
        (
            order["supplier_name"].as_str(),
            order["warehouse_name"].as_str(),
            order["status"].as_str(),
            order["lines"][0]["sku"].as_str(),
            order["lines"][0]["quantity_ordered"].as_i64(),
            order["total"].as_str(),
        ),
        (
            Some("Potter & Co"),
            Some("Main"),
            Some("draft"),
            Some("MUG"),
            Some(12),
            Some("30.00")
        )
    );
    assert_eq!(drafted["orders"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            drafted["skipped"][0]["sku"].as_str(),
            drafted["skipped"][0]["reason"].as_str()
        ),
        (Some("PLATE"), Some("no_supplier"))
    );

    // Without --json: sentences. The draft already has MUG, so nothing new.
    let again = db.run(&[
        "po",
        "from-alerts",
        "--company",
        "Acme",
        "--warehouse",
        "Main",
        "--window-days",
        "30",
    ]);
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert!(
        again.stdout.starts_with("No purchase order drafted")
            && again
                .stdout
                .contains("MUG in Main: already on a draft order to Potter & Co")
            && again
                .stdout
                .contains("PLATE in Main: no supplier supplies PLATE"),
        "{}",
        again.stdout
    );

    // Filters name things that must exist; refused, nothing written.
    for (flag, value) in [
        ("--supplier", "Nobody"),
        ("--type", "Nothing"),
        ("--warehouse", "Attic"),
    ] {
        let r = db.run(&[
            "--json",
            "po",
            "from-alerts",
            "--company",
            "Acme",
            flag,
            value,
        ]);
        assert_eq!(
            (r.status, r.json()["error"]["code"].as_str()),
            (1, Some("not_found")),
            "{flag} {value}"
        );
    }
    let bad_now = db.run(&[
        "--json",
        "po",
        "from-alerts",
        "--company",
        "Acme",
        "--now",
        "soon",
    ]);
    assert_eq!(
        (bad_now.status, bad_now.json()["error"]["field"].as_str()),
        (1, Some("now"))
    );
    assert_eq!(
        db.run(&["po", "from-alerts", "--company", "Acme", "--window", "x"])
            .status,
        2
    );
    assert_eq!(
        db.ok(&["po", "list", "--company", "Acme"])["total"],
        1,
        "one draft in all"
    );
}

#[test]
fn counting_from_the_command_line() {
    let db = setup();
    db.ok(&[
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "MUG",
        "--name",
        "Mug",
        "--price",
        "5",
        "--barcode",
        "4001",
        "--stock",
        "Main=9",
    ]);
    db.ok(&[
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "GLUE",
        "--name",
        "Glue",
        "--price",
        "2",
        "--stock",
        "Main=3",
    ]);
    let session = db.ok(&["count", "start", "--company", "Acme", "--warehouse", "Main"]);
    let id = session["id"].as_str().unwrap();
    assert_eq!(session["in_scope"], 2);
    db.ok(&["count", "scan", id, "4001"]);
    let line = db.ok(&["count", "scan", id, "MUG"]);
    assert_eq!(line["counted"], 2);
    let unknown = db.run(&["--json", "count", "scan", id, "nope"]);
    assert_eq!(
        (unknown.status, unknown.json()["error"]["code"].as_str()),
        (1, Some("not_found"))
    );
    let listed = db.ok(&["count", "list", "--company", "Acme"]);
    assert_eq!(listed[0]["counted"], 1);
    let review = db.ok(&["count", "review", id]);
    assert_eq!(review["lines"][0]["variance"], -7);
    assert_eq!(review["uncounted"][0]["sku"], "GLUE");
    db.ok(&["count", "commit", id, "--zero-uncounted"]);
    let stock = db.ok(&["stock", "--company", "Acme", "--warehouse", "Main"]);
    let on_hand: Vec<_> = stock
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["sku"].as_str().unwrap(), r["on_hand"].as_i64().unwrap()))
        .collect();
    assert_eq!(on_hand, [("GLUE", 0), ("MUG", 2)]);
}

#[test]
fn product_edit_changes_only_what_is_given_and_refuses_with_nothing_written() {
    let db = Db::new();
    db.ok(&["company", "add", "Harbour"]);
    db.ok(&["warehouse", "add", "--company", "Harbour", "Main"]);
    db.ok(&[
        "product",
        "add",
        "--company",
        "Harbour",
        "--sku",
        "MUG",
        "--name",
        "Blue mug",
        "--price",
        "12.50",
        "--barcode",
        "4006381333931",
        "--threshold",
        "4",
    ]);
    db.ok(&[
        "product",
        "add",
        "--company",
        "Harbour",
        "--sku",
        "CUP",
        "--name",
        "Cup",
        "--price",
        "3",
    ]);
    let p = db.ok(&[
        "product",
        "edit",
        "--company",
        "Harbour",
        "MUG",
        "--price",
        "13.00",
        "--archive",
    ]);
    assert_eq!(p["price"], "13.00");
    assert_eq!(p["name"], "Blue mug", "the name stays");
    assert_eq!(p["barcode"], "4006381333931", "the barcode stays");
    assert_eq!(p["threshold"], 4);
    assert_eq!(p["archived"], true);

    let p = db.ok(&[
        "product",
        "edit",
        "--company",
        "Harbour",
        "MUG",
        "--unarchive",
        "--barcode",
        "",
        "--new-sku",
        "MUG-1",
    ]);
    assert_eq!(p["sku"], "MUG-1");
    assert_eq!(p["barcode"], Value::Null, "an empty barcode removes it");
    assert_eq!(p["archived"], false);

    let before = db.ok(&["product", "list", "--company", "Harbour"]);
    let r = db.run(&[
        "--json",
        "product",
        "edit",
        "--company",
        "Harbour",
        "MUG-1",
        "--new-sku",
        "CUP",
        "--archive",
    ]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    assert_eq!(r.json()["error"]["code"], "conflict");
    assert_eq!(
        db.ok(&["product", "list", "--company", "Harbour"]),
        before,
        "a refused edit writes nothing, the archive flag included"
    );

    let r = db.run(&[
        "product",
        "edit",
        "--company",
        "Harbour",
        "MUG-1",
        "--archive",
        "--unarchive",
    ]);
    assert_eq!(r.status, 2, "both flags are a usage mistake");
}

#[test]
fn sync_refuses_plain_http_to_another_machine_before_asking_anything() {
    let db = Db::new();
    let r = db.run(&[
        "--json",
        "sync",
        "--server",
        "http://sync.example.com",
        "--account",
        "shop@example.com",
    ]);
    assert_eq!(r.status, 1);
    assert_eq!(r.json()["error"]["code"], "validation");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("https://"));
}

/// Issue #17 item 1: the company's currency and a product's cost and margin, added to the JSON
/// (no field renamed), and stock valued at cost beside its value at price.
#[test]
fn currency_cost_and_margin_are_in_the_json() {
    let db = Db::new();
    let c = db.ok(&["company", "add", "Acme", "--currency", "eur"]);
    assert_eq!(
        (&c["currency"], &c["currency_decimals"]),
        (&json!("EUR"), &json!(2))
    );
    let plain = db.ok(&["company", "add", "Plain"]);
    assert_eq!(plain["currency"], "USD", "the default currency");
    let edited = db.ok(&["company", "edit", "Plain", "--currency", "JPY"]);
    assert_eq!(
        (&edited["currency"], &edited["currency_decimals"]),
        (&json!("JPY"), &json!(0))
    );
    assert_eq!(edited["name"], "Plain", "what is not given stays");

    let bad = db.run(&["--json", "company", "edit", "Plain", "--currency", "YEN"]);
    assert_eq!(bad.status, 1);
    assert_eq!(bad.json()["error"]["field"], "currency");
    assert_eq!(
        db.ok(&["company", "list"])[1]["currency"],
        "JPY",
        "nothing written"
    );

    db.ok(&["warehouse", "add", "--company", "Acme", "Main"]);
    let p = db.ok(&[
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "MUG",
        "--name",
        "Mug",
        "--price",
        "5.00",
        "--cost",
        "3.20",
        "--stock",
        "Main=4",
    ]);
    assert_eq!(
        (
            &p["cost"],
            &p["margin"],
            &p["margin_percent"],
            &p["last_received_cost"]
        ),
        (&json!("3.20"), &json!("1.80"), &json!("36.0"), &Value::Null),
        "money is a string; a cost not known is null"
    );
    let bad = db.run(&[
        "--json",
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "X",
        "--name",
        "X",
        "--price",
        "1",
        "--cost",
        "-2",
    ]);
    assert_eq!(bad.status, 1);
    assert_eq!(bad.json()["error"]["field"], "cost");

    let list = db.ok(&["product", "list", "--company", "Acme"]);
    assert_eq!(list["items"][0]["margin"], "1.80");
    let stock = db.ok(&["stock", "--company", "Acme"]);
    assert_eq!(
        (&stock[0]["value_at_price"], &stock[0]["value_at_cost"]),
        (&json!("20.00"), &json!("12.80"))
    );

    let kept = db.ok(&[
        "product",
        "edit",
        "--company",
        "Acme",
        "MUG",
        "--price",
        "6",
    ]);
    assert_eq!(kept["cost"], "3.20", "an edit without --cost keeps it");
    let cleared = db.ok(&["product", "edit", "--company", "Acme", "MUG", "--cost", ""]);
    assert_eq!(
        (&cleared["cost"], &cleared["margin"]),
        (&Value::Null, &Value::Null)
    );
}

#[test]
fn a_company_profile_a_draft_edited_and_a_supplier_unlinked_from_the_command_line() {
    let db = setup();
    let c = db.ok(&[
        "company",
        "edit",
        "Acme",
        "--address",
        "12 Quay Street\\nPortsmouth",
        "--email",
        "hello@acme.example",
        "--tax-id",
        "GB123",
    ]);
    assert_eq!(c["address"], "12 Quay Street\nPortsmouth");
    assert_eq!(
        (&c["email"], &c["tax_id"]),
        (&json!("hello@acme.example"), &json!("GB123"))
    );
    let cleared = db.ok(&["company", "edit", "Acme", "--tax-id", ""]);
    assert_eq!(cleared["tax_id"], Value::Null);
    assert_eq!(
        cleared["email"], "hello@acme.example",
        "what is not given stays"
    );

    for sku in ["MUG", "PLATE"] {
        db.ok(&[
            "product",
            "add",
            "--company",
            "Acme",
            "--sku",
            sku,
            "--name",
            sku,
            "--price",
            "5",
        ]);
    }
    db.ok(&[
        "supplier",
        "add",
        "--company",
        "Acme",
        "Potter",
        "--email",
        "o@potter.example",
    ]);
    for sku in ["MUG", "PLATE"] {
        db.ok(&[
            "supplier",
            "link",
            "--company",
            "Acme",
            "--supplier",
            "Potter",
            "--sku",
            sku,
            "--lead-time",
            "3",
            "--cost",
            "2.50",
        ]);
    }
    let po = db.ok(&[
        "po",
        "create",
        "--company",
        "Acme",
        "--supplier",
        "Potter",
        "--warehouse",
        "Main",
        "MUG=10",
    ]);
    let id = po["id"].as_str().unwrap();
    let edited = db.ok(&[
        "po",
        "edit",
        id,
        "--warehouse",
        "Back room",
        "PLATE=4",
        "--cost",
        "PLATE=1.75",
    ]);
    assert_eq!(edited["warehouse_name"], "Back room");
    let lines: Vec<(String, i64, String)> = edited["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_owned(),
                l["quantity_ordered"].as_i64().unwrap(),
                l["unit_cost"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [("PLATE".to_owned(), 4, "1.75".to_owned())],
        "the mug taken off"
    );

    // A line refused names its line; nothing changes.
    let bad = db.run(&["--json", "po", "edit", id, "PLATE=4", "MUG=0"]);
    assert_eq!(bad.status, 1);
    assert_eq!(
        bad.json()["error"]["message"],
        "line 2: a quantity must be more than zero"
    );
    assert_eq!(
        db.ok(&["po", "list", "--company", "Acme"])["items"][0]["units_ordered"],
        4
    );

    let gone = db.ok(&[
        "supplier",
        "unlink",
        "--company",
        "Acme",
        "--supplier",
        "Potter",
        "--sku",
        "MUG",
    ]);
    assert_eq!(gone["removed"], true);
    let again = db.run(&[
        "--json",
        "supplier",
        "unlink",
        "--company",
        "Acme",
        "--supplier",
        "Potter",
        "--sku",
        "MUG",
    ]);
    assert_eq!(again.status, 1);
    assert_eq!(again.json()["error"]["field"], "supplier_id");
}
