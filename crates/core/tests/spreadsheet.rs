//! Importing products from one spreadsheet CSV (issue #17 item 6): the column mapping (guessed
//! and given), the preview with every bad cell, the template, quantities per warehouse as
//! opening stock in the ledger, and the interchange import's refusals: file, line and column
//! named, nothing written.

mod common;

use std::path::{Path, PathBuf};

use common::{snapshot, Fixture};
use stockflow_core::{parse_column_map, ColumnMapping, ProductTypeInput};

fn shop() -> (Fixture, tempfile::TempDir) {
    let mut fx = Fixture::with_company("Harbour");
    fx.warehouse("Main Store");
    fx.warehouse("Back Room");
    fx.store
        .create_product_type(
            &fx.company,
            &ProductTypeInput {
                name: "Kitchen".into(),
                default_threshold: 5,
                count_frequency_days: None,
            },
        )
        .unwrap();
    (fx, tempfile::tempdir().unwrap())
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// (sku, kind, warehouse name, quantity) of every movement.
fn movements(path: &Path) -> Vec<(String, String, String, i64)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT p.sku, m.kind, w.name, m.quantity FROM stock_movements m
             JOIN products p ON p.id = m.product_id JOIN warehouses w ON w.id = m.warehouse_id
             ORDER BY p.sku, w.name",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn template_with_rows_imports_cleanly_and_quantities_are_opening_stock() {
    let (mut fx, dir) = shop();
    let template = fx.store.spreadsheet_template(&fx.company).unwrap();
    assert_eq!(
        template.trim_end(),
        "sku,name,price,cost,barcode,type,qty:Back Room,qty:Main Store"
    );
    let file = format!(
        "{template}MUG-1,Blue mug,12.50,4.10,4006381333931,Kitchen,2,7\nGLUE,\"Glue, strong\",3,,,,,\n"
    );
    let path = write(&dir, "products.csv", file.as_bytes());
    let preview = fx
        .store
        .preview_spreadsheet(&fx.company, &path, &[])
        .unwrap();
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    assert!(preview.missing_fields.is_empty());
    assert_eq!(preview.total_rows, 2);
    assert_eq!(preview.rows[1].cells[1], "Glue, strong");

    let summary = fx
        .store
        .import_spreadsheet(&fx.company, &path, &[], false)
        .unwrap();
    assert_eq!(
        (summary.products, summary.stock_lines, summary.units),
        (2, 2, 9)
    );
    let mug = fx.store.find_product_by_sku(&fx.company, "mug-1").unwrap();
    assert_eq!(mug.name, "Blue mug");
    assert_eq!(mug.price.to_string(), "12.50");
    assert_eq!(mug.barcode.as_deref(), Some("4006381333931"));
    assert_eq!(mug.product_type_name.as_deref(), Some("Kitchen"));
    assert_eq!(
        movements(&fx.path),
        vec![
            ("MUG-1".into(), "opening".into(), "Back Room".into(), 2),
            ("MUG-1".into(), "opening".into(), "Main Store".into(), 7),
        ]
    );
    // The kept levels equal the ledger.
    let mut kept = fx.store.kept_levels().unwrap();
    let mut ledger = fx.store.ledger_levels().unwrap();
    kept.retain(|l| l.2 != 0);
    ledger.retain(|l| l.2 != 0);
    kept.sort();
    ledger.sort();
    assert_eq!(kept, ledger);
}

#[test]
fn headers_are_guessed_in_any_case_and_a_few_languages() {
    let (fx, dir) = shop();
    let path = write(
        &dir,
        "export.csv",
        "Artikelnummer,BEZEICHNUNG,Verkaufspreis,Purchase Price,EAN,Category,Main Store qty,Stock Back Room,Notes\nA1,Tasse,2.50,1.00,,,1,2,x\n"
            .as_bytes(),
    );
    let preview = fx
        .store
        .preview_spreadsheet(&fx.company, &path, &[])
        .unwrap();
    let fields: Vec<Option<&str>> = preview.mapping.iter().map(|m| m.field.as_deref()).collect();
    assert_eq!(
        fields,
        vec![
            Some("sku"),
            Some("name"),
            Some("price"),
            Some("cost"),
            Some("barcode"),
            Some("type"),
            Some("qty:Main Store"),
            Some("qty:Back Room"),
            None
        ]
    );
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
}

#[test]
fn a_given_mapping_overrides_the_guesses() {
    let (mut fx, dir) = shop();
    let path = write(
        &dir,
        "mine.csv",
        b"Ref,Label,Amount,Code,Units\nX-1,Widget,9.99,111,4\n",
    );
    let preview = fx
        .store
        .preview_spreadsheet(&fx.company, &path, &[])
        .unwrap();
    // "Label" and "Amount" mean nothing to the guesser: name and price are missing.
    assert_eq!(preview.missing_fields, vec!["name", "price"]);
    let err = fx
        .store
        .import_spreadsheet(&fx.company, &path, &[], false)
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("validation", Some("map")));

    let map = parse_column_map(&[
        "Label=name".into(),
        "Amount=price".into(),
        "Code=barcode".into(),
        "Units=qty:Back Room".into(),
        "Ref=sku".into(),
    ])
    .unwrap();
    let before = snapshot(&fx.path);
    let dry = fx
        .store
        .import_spreadsheet(&fx.company, &path, &map, true)
        .unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.products, 1);
    assert_eq!(snapshot(&fx.path), before, "a dry run writes nothing");
    fx.store
        .import_spreadsheet(&fx.company, &path, &map, false)
        .unwrap();
    let p = fx.store.find_product_by_sku(&fx.company, "X-1").unwrap();
    assert_eq!(
        (p.name.as_str(), p.barcode.as_deref()),
        ("Widget", Some("111"))
    );
    assert_eq!(
        movements(&fx.path),
        vec![("X-1".into(), "opening".into(), "Back Room".into(), 4)]
    );

    // A mapping to a field that does not exist, or to a header the file lacks, is refused.
    for bad in [
        vec![ColumnMapping {
            header: "Ref".into(),
            field: Some("colour".into()),
        }],
        vec![ColumnMapping {
            header: "Nope".into(),
            field: Some("sku".into()),
        }],
    ] {
        let err = fx
            .store
            .preview_spreadsheet(&fx.company, &path, &bad)
            .unwrap_err();
        assert_eq!((err.code(), err.field()), ("validation", Some("map")));
    }
    assert!(parse_column_map(&["no equals sign".into()]).is_err());
}

#[test]
fn the_preview_marks_every_bad_cell_at_once() {
    let (fx, dir) = shop();
    let path = write(
        &dir,
        "bad.csv",
        b"sku,name,price,cost,type,qty:Main Store\nA,Ok,1.00,,,1\n,No sku,abc,x,Garden,-3\nA,Twice,2,,,1.5\n",
    );
    let before = snapshot(&fx.path);
    let preview = fx
        .store
        .preview_spreadsheet(&fx.company, &path, &[])
        .unwrap();
    let places: Vec<(u64, &str)> = preview
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_str()))
        .collect();
    assert_eq!(
        places,
        vec![
            (3, "sku"),
            (3, "price"),
            (3, "cost"),
            (3, "type"),
            (3, "qty:Main Store"),
            (4, "sku"),
            (4, "qty:Main Store"),
        ]
    );
    assert_eq!(preview.error_count, 7);
    assert!(preview.errors.iter().all(|e| e.file == "bad.csv"));
    assert!(
        preview.errors[5].message.contains("line 2"),
        "{:?}",
        preview.errors[5]
    );
    assert_eq!(snapshot(&fx.path), before, "a preview writes nothing");
}

#[test]
fn an_existing_sku_is_refused_not_updated() {
    let (mut fx, dir) = shop();
    let first = write(&dir, "a.csv", b"sku,name,price\nMUG,Mug,1\n");
    fx.store
        .import_spreadsheet(&fx.company, &first, &[], false)
        .unwrap();
    let again = write(
        &dir,
        "b.csv",
        b"sku,name,price\nNEW,New,2\nmug,Mug again,3\n",
    );
    let before = snapshot(&fx.path);
    let err = fx
        .store
        .import_spreadsheet(&fx.company, &again, &[], false)
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(
        err.to_string().starts_with("In b.csv, line 3, column sku"),
        "{err}"
    );
    assert!(err.to_string().contains("edit it in Products"), "{err}");
    assert_eq!(snapshot(&fx.path), before, "nothing written, not even NEW");
}

/// The malformed-file cases of the interchange import, in a spreadsheet: each is a
/// `validation` error naming file, line and column, and writes nothing.
#[test]
fn malformed_files_are_refused_with_their_place_and_write_nothing() {
    let cases: [(&str, &[u8], &str); 9] = [
        (
            "a duplicate header",
            b"sku,sku,name,price\nA,B,N,1\n",
            "In s.csv, line 1, column sku",
        ),
        (
            "not UTF-8",
            b"sku,name,price\nA,Gl\xfce,1\n",
            "In s.csv, line 2, column name",
        ),
        (
            "a header not UTF-8",
            b"sku,n\xe4me,price\nA,B,1\n",
            "In s.csv, line 1, column 2",
        ),
        (
            "a quote never closed",
            b"sku,name,price\nA,\"Mug,1\n",
            "In s.csv, line 2, column name",
        ),
        (
            "text after a quote",
            b"sku,name,price\nA,\"Mug\"gy,1\n",
            "In s.csv, line 2, column name",
        ),
        (
            "a quote inside a value",
            b"sku,name,price\nA,Mu\"g,1\n",
            "In s.csv, line 2, column name",
        ),
        (
            "too few values",
            b"sku,name,price\nA,Mug,1\nB,Glue\n",
            "In s.csv, line 3, column row",
        ),
        (
            "too many values",
            b"sku,name,price\nA,Mug,1,9\n",
            "In s.csv, line 2, column row",
        ),
        (
            "a bad price",
            b"sku,name,price\nA,Mug,1\nB,Glue,12,5\n",
            "In s.csv, line 3, column row",
        ),
    ];
    for (what, bytes, place) in cases {
        let (mut fx, dir) = shop();
        let path = write(&dir, "s.csv", bytes);
        let before = snapshot(&fx.path);
        let err = fx
            .store
            .import_spreadsheet(&fx.company, &path, &[], false)
            .expect_err(what);
        assert_eq!(err.code(), "validation", "{what}: {err}");
        assert!(
            err.to_string().starts_with(place),
            "{what}: {err} should start with {place:?}"
        );
        assert!(err.field().is_some(), "{what}: {err:?}");
        assert_eq!(snapshot(&fx.path), before, "{what}: nothing written");
    }
    // Bad values in good CSV: each names its cell.
    let values: [(&str, &[u8], &str); 6] = [
        (
            "a price that is not money",
            b"sku,name,price\nA,Mug,1.2.3\n",
            "In s.csv, line 2, column price",
        ),
        (
            "a cost that is not money",
            b"sku,name,price,cost\nA,Mug,1,-\n",
            "In s.csv, line 2, column cost",
        ),
        (
            "an empty name",
            b"sku,name,price\nA,,1\n",
            "In s.csv, line 2, column name",
        ),
        (
            "a negative quantity",
            b"sku,name,price,qty:Main Store\nA,Mug,1,-1\n",
            "In s.csv, line 2, column qty:Main Store",
        ),
        (
            "an unknown type",
            b"sku,name,price,type\nA,Mug,1,Garden\n",
            "In s.csv, line 2, column type",
        ),
        (
            "an unknown warehouse",
            b"sku,name,price,qty:Attic\nA,Mug,1,3\n",
            "In s.csv, line 1, column qty:Attic",
        ),
    ];
    for (what, bytes, place) in values {
        let (mut fx, dir) = shop();
        let path = write(&dir, "s.csv", bytes);
        let before = snapshot(&fx.path);
        let err = fx
            .store
            .import_spreadsheet(&fx.company, &path, &[], false)
            .expect_err(what);
        assert_eq!(err.code(), "validation", "{what}: {err}");
        assert!(
            err.to_string().starts_with(place),
            "{what}: {err} should start with {place:?}"
        );
        assert_eq!(snapshot(&fx.path), before, "{what}: nothing written");
    }
}

/// The interchange import's other refusals (`import_malformed.rs`, `import_alerts.rs`), in a
/// spreadsheet: duplicates inside the file, an empty file or cell, line numbers after a quoted
/// line break, the column named by the file's own header, a bad row after thousands of good
/// ones. Each names file, line and column and writes nothing.
#[test]
fn the_interchange_imports_other_refusals_name_their_place_and_write_nothing() {
    let mut long = b"sku,name,price,qty:Main Store\n".to_vec();
    for i in 0..3000 {
        long.extend_from_slice(format!("SKU{i},Product {i},1.00,4\n").as_bytes());
    }
    long.extend_from_slice(b"LAST,Last,1.00,many\n");
    let long: &'static [u8] = Box::leak(long.into_boxed_slice());
    let cases: [(&str, &[u8], &[&str], &str); 9] = [
        (
            "CRLF line ends count as one line each",
            b"sku,name,price\r\nA,Mug,1\r\nB,Glue,x\r\n",
            &[],
            "In s.csv, line 3, column price",
        ),
        (
            "a SKU twice in the file (any case)",
            b"sku,name,price\nMUG,Mug,1\nmug,Mug two,2\n",
            &[],
            "In s.csv, line 3, column sku",
        ),
        (
            "a barcode twice in the file",
            b"sku,name,price,barcode\nA,Mug,1,400638\nB,Glue,2,400638\n",
            &[],
            "In s.csv, line 3, column barcode",
        ),
        (
            "an empty SKU",
            b"sku,name,price\n,Mug,1\n",
            &[],
            "In s.csv, line 2, column sku",
        ),
        (
            "an empty price",
            b"sku,name,price\nA,Mug,\n",
            &[],
            "In s.csv, line 2, column price",
        ),
        (
            "a line after a quoted line break keeps its own line number",
            b"sku,name,price\nA,\"Mug\nblue\",1\nB,Glue,3.0x\n",
            &[],
            "In s.csv, line 4, column price",
        ),
        (
            "the column is named by the file's own header, under a mapping",
            b"Item code,Description,Retail\nA,Mug,1\nB,Glue,cheap\n",
            &["Item code=sku", "Description=name", "Retail=price"],
            "In s.csv, line 3, column Retail",
        ),
        (
            "a quantity too large",
            b"sku,name,price,qty:Back Room\nA,Mug,1,99999999999999999999\n",
            &[],
            "In s.csv, line 2, column qty:Back Room",
        ),
        (
            "a bad row after 3000 good ones refuses them all",
            long,
            &[],
            "In s.csv, line 3002, column qty:Main Store",
        ),
    ];
    for (what, bytes, map, place) in cases {
        let (mut fx, dir) = shop();
        let path = write(&dir, "s.csv", bytes);
        let map: Vec<String> = map.iter().map(|m| m.to_string()).collect();
        let mapping = parse_column_map(&map).unwrap();
        let before = snapshot(&fx.path);
        let err = fx
            .store
            .import_spreadsheet(&fx.company, &path, &mapping, false)
            .expect_err(what);
        assert_eq!(err.code(), "validation", "{what}: {err}");
        assert!(
            err.to_string().starts_with(place),
            "{what}: {err} should start with {place:?}"
        );
        assert!(err.field().is_some(), "{what}: {err:?}");
        assert_eq!(snapshot(&fx.path), before, "{what}: nothing written");
        // The preview lists the same cell, and writes nothing either.
        let preview = fx
            .store
            .preview_spreadsheet(&fx.company, &path, &mapping)
            .unwrap();
        let first = &preview.errors[0];
        assert_eq!(
            format!(
                "In {}, line {}, column {}",
                first.file, first.line, first.column
            ),
            place,
            "{what}: the preview marks the same cell"
        );
        assert_eq!(
            snapshot(&fx.path),
            before,
            "{what}: a preview writes nothing"
        );
    }
}

/// A file that is not there, or empty, or has no required column: refused before any row,
/// naming what is wrong, nothing written.
#[test]
fn a_missing_empty_or_headless_file_is_refused_and_writes_nothing() {
    let (mut fx, dir) = shop();
    let before = snapshot(&fx.path);
    let missing = dir.path().join("nowhere.csv");
    let err = fx
        .store
        .import_spreadsheet(&fx.company, &missing, &[], false)
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("validation", Some("file")));
    assert!(err.to_string().contains("nowhere.csv"), "{err}");

    let empty = write(&dir, "empty.csv", b"");
    let err = fx
        .store
        .import_spreadsheet(&fx.company, &empty, &[], false)
        .unwrap_err();
    assert_eq!(err.code(), "validation", "{err}");
    assert!(err.to_string().contains("empty.csv"), "{err}");

    let no_price = write(&dir, "np.csv", b"sku,name\nA,Mug\n");
    let err = fx
        .store
        .import_spreadsheet(&fx.company, &no_price, &[], false)
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("validation", Some("map")));
    assert!(err.to_string().contains("price"), "{err}");
    assert_eq!(snapshot(&fx.path), before, "nothing written");
}

/// What a spreadsheet program writes is CSV: a byte order mark, CRLF, a quoted line break,
/// doubled quotes, a blank line and no line break at the end.
#[test]
fn a_byte_order_mark_crlf_and_quoted_line_breaks_are_valid() {
    let (mut fx, dir) = shop();
    let path = write(
        &dir,
        "excel.csv",
        b"\xef\xbb\xbfSKU,Name,Price\r\nMUG,\"Mug\r\nblue \"\"big\"\"\",12.50\r\n\r\nGLUE,Glue,3.00",
    );
    let summary = fx
        .store
        .import_spreadsheet(&fx.company, &path, &[], false)
        .unwrap();
    assert_eq!(summary.products, 2);
    let mug = fx.store.find_product_by_sku(&fx.company, "MUG").unwrap();
    assert_eq!(mug.name, "Mug blue \"big\"");
}
