//! `product import` and `product template`: products from one spreadsheet CSV as a script
//! sees it. JSON on stdout (the summary, like `import`), exit 0 / 1 refused / 2 usage, a
//! refused file names file, line and column and leaves the database file byte for byte as it
//! was; a dry run and a preview write nothing either.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

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

struct Shop {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Shop {
    fn new() -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("stockflow.db");
        let shop = Shop { dir, db };
        shop.ok(&["company", "add", "Acme"]);
        shop.ok(&["warehouse", "add", "--company", "Acme", "Main Store"]);
        shop.ok(&["warehouse", "add", "--company", "Acme", "Back Room"]);
        shop
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_stockflow-cli"))
            .arg("--db")
            .arg(&self.db)
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

    fn ok(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let r = self.run(&all);
        assert_eq!(r.status, 0, "{args:?} failed: {}{}", r.stdout, r.stderr);
        r.json()
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// The database and its write-ahead log, byte for byte.
    fn bytes(&self) -> Vec<Vec<u8>> {
        ["", "-wal"]
            .iter()
            .map(|suffix| {
                let mut p = self.db.clone().into_os_string();
                p.push(suffix);
                std::fs::read(Path::new(&p)).unwrap_or_default()
            })
            .collect()
    }
}

#[test]
fn the_template_with_rows_imports_with_its_opening_stock() {
    let shop = Shop::new();
    let plain = shop.run(&["product", "template", "--company", "Acme"]);
    assert_eq!(plain.status, 0, "{}", plain.stderr);
    assert_eq!(
        plain.stdout,
        "sku,name,price,cost,barcode,type,qty:Back Room,qty:Main Store\n"
    );
    let json = shop.ok(&["product", "template", "--company", "acme"]);
    assert_eq!(json["csv"], plain.stdout.as_str());
    assert_eq!(json["columns"][0], "sku");

    let out = shop.dir.path().join("template.csv");
    let written = shop.ok(&[
        "product",
        "template",
        "--company",
        "Acme",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(written["file"], out.to_str().unwrap());
    let mut csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv, plain.stdout);
    // A second --output to the same file is refused: it never overwrites.
    let again = shop.run(&[
        "--json",
        "product",
        "template",
        "--company",
        "Acme",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.status, 1);
    assert_eq!(again.json()["error"]["field"], "output");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), plain.stdout);

    csv.push_str("MUG,Blue mug,12.50,4.10,4006381333931,,2,5\nGLUE,Glue,3.00,,,,,7\n");
    std::fs::write(&out, &csv).unwrap();
    let before = shop.bytes();
    let dry = shop.ok(&[
        "product",
        "import",
        "--company",
        "Acme",
        out.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(
        (dry["products"].as_i64(), dry["units"].as_i64()),
        (Some(2), Some(14))
    );
    assert_eq!(shop.bytes(), before, "a dry run writes nothing");

    let done = shop.ok(&[
        "product",
        "import",
        "--company",
        "Acme",
        out.to_str().unwrap(),
    ]);
    assert_eq!(done["dry_run"], false);
    assert_eq!(done["products"], 2);
    assert_eq!(done["stock_lines"], 3);
    assert_eq!(done["units"], 14);
    let stock = shop.ok(&["stock", "--company", "Acme", "--sku", "MUG"]);
    let mut on_hand: Vec<(String, i64)> = stock
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["warehouse_name"].as_str().unwrap_or_default().to_owned(),
                r["on_hand"].as_i64().unwrap(),
            )
        })
        .collect();
    on_hand.sort();
    assert_eq!(on_hand.iter().map(|(_, q)| q).sum::<i64>(), 7, "{stock}");
    let text = shop.run(&[
        "product",
        "import",
        "--company",
        "Acme",
        out.to_str().unwrap(),
    ]);
    assert_eq!(text.status, 1, "the same SKUs again are refused");
    assert!(
        text.stderr.contains("line 2, column sku") && text.stderr.contains("edit it in Products"),
        "{}",
        text.stderr
    );
}

#[test]
fn a_column_mapping_and_a_preview_of_every_bad_cell() {
    let shop = Shop::new();
    let file = shop.file(
        "shop.csv",
        b"Item code,Description,Retail,Main Store,Notes\r\nMUG,Mug,12.50,5,x\r\nGLUE,Glue,cheap,-2,y\r\n",
    );
    let before = shop.bytes();
    let p = shop.ok(&[
        "product",
        "import",
        "--company",
        "Acme",
        &file,
        "--preview",
        "--map",
        "Retail=price",
        "--map",
        "Main Store=qty:Main Store",
    ]);
    let fields: Vec<&str> = p["mapping"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(fields, ["sku", "name", "price", "qty:Main Store", "-"]);
    assert_eq!(p["total_rows"], 2);
    assert_eq!(p["rows"][1]["line"], 3);
    assert_eq!(p["error_count"], 2);
    let places: Vec<(i64, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(places, [(3, "Retail"), (3, "Main Store")]);
    assert_eq!(shop.bytes(), before, "a preview writes nothing");

    let text = shop.run(&[
        "product",
        "import",
        "--company",
        "Acme",
        &file,
        "--preview",
        "--map",
        "Retail=price",
    ]);
    assert_eq!(text.status, 0, "a preview lists errors, it is not refused");
    assert!(
        text.stdout.contains("line 3, column Retail:"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("nothing would be imported"),
        "{}",
        text.stdout
    );

    let refused = shop.run(&[
        "--json",
        "product",
        "import",
        "--company",
        "Acme",
        &file,
        "--map",
        "Retail=price",
    ]);
    assert_eq!(refused.status, 1);
    let e = &refused.json()["error"];
    assert_eq!(e["code"], "validation");
    assert_eq!(e["field"], "Retail");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("In shop.csv, line 3, column Retail"),
        "{e}"
    );
    assert_eq!(
        shop.bytes(),
        before,
        "a refused file writes nothing, not even MUG"
    );
}

#[test]
fn refused_files_exit_1_name_their_place_and_write_nothing() {
    let shop = Shop::new();
    shop.ok(&[
        "product",
        "add",
        "--company",
        "Acme",
        "--sku",
        "OLD",
        "--name",
        "Old",
        "--price",
        "1",
    ]);
    let cases: [(&str, &[u8], &str, &str); 7] = [
        (
            "a bad price",
            b"sku,name,price\nA,Mug,1.2.3\n",
            "validation",
            "In f.csv, line 2, column price",
        ),
        (
            "a quote never closed",
            b"sku,name,price\nA,\"Mug,1\n",
            "validation",
            "In f.csv, line 2, column name",
        ),
        (
            "too many values",
            b"sku,name,price\nA,Mug,1,9\n",
            "validation",
            "In f.csv, line 2, column row",
        ),
        (
            "an unknown warehouse",
            b"sku,name,price,qty:Attic\nA,Mug,1,3\n",
            "validation",
            "In f.csv, line 1, column qty:Attic",
        ),
        (
            "a SKU already in the catalog",
            b"sku,name,price\nNEW,New,1\nold,Old again,2\n",
            "conflict",
            "In f.csv, line 3, column sku",
        ),
        (
            "a SKU twice in the file",
            b"sku,name,price\nA,Mug,1\nA,Mug,1\n",
            "validation",
            "In f.csv, line 3, column sku",
        ),
        (
            "no column for the price",
            b"sku,name,cost\nA,Mug,1\n",
            "validation",
            "no column is mapped to price",
        ),
    ];
    for (what, bytes, code, place) in cases {
        let file = shop.file("f.csv", bytes);
        let args = vec!["--json", "product", "import", "--company", "Acme", &file];
        let before = shop.bytes();
        for dry in [false, true] {
            let mut args = args.clone();
            if dry {
                args.push("--dry-run");
            }
            let r = shop.run(&args);
            assert_eq!(r.status, 1, "{what}: {}{}", r.stdout, r.stderr);
            let e = &r.json()["error"];
            assert_eq!(e["code"], code, "{what}: {e}");
            assert!(
                e["message"].as_str().unwrap().starts_with(place),
                "{what}: {e} should start with {place:?}"
            );
            assert!(e["field"].is_string(), "{what}: names a field: {e}");
            assert_eq!(shop.bytes(), before, "{what}: nothing written");
        }
    }
    // A file that is not there, and a mapping that is not HEADER=FIELD: refused, exit 1.
    let before = shop.bytes();
    let missing = shop.run(&[
        "--json",
        "product",
        "import",
        "--company",
        "Acme",
        "/nonexistent/f.csv",
    ]);
    assert_eq!(missing.status, 1);
    assert_eq!(missing.json()["error"]["field"], "file");
    let file = shop.file("ok.csv", b"sku,name,price\nA,Mug,1\n");
    for map in ["no equals", "sku=colour"] {
        let r = shop.run(&[
            "--json",
            "product",
            "import",
            "--company",
            "Acme",
            &file,
            "--map",
            map,
        ]);
        assert_eq!(r.status, 1, "{map}: {}", r.stdout);
        assert_eq!(r.json()["error"]["field"], "map", "{map}");
    }
    assert_eq!(shop.bytes(), before);
}

#[test]
fn usage_mistakes_exit_2() {
    let shop = Shop::new();
    let file = shop.file("ok.csv", b"sku,name,price\nA,Mug,1\n");
    for args in [
        &["product", "import", "--company", "Acme"][..],
        &["product", "import", &file][..],
        &[
            "product",
            "import",
            "--company",
            "Acme",
            &file,
            "--dry-run",
            "--preview",
        ][..],
        &["product", "template"][..],
    ] {
        let r = shop.run(args);
        assert_eq!(r.status, 2, "{args:?}: {}{}", r.stdout, r.stderr);
    }
    assert_eq!(
        shop.ok(&["product", "list", "--company", "Acme"])["total"],
        0
    );
}
