//! Malformed import files (issue #14, class 3): every one is a `validation` error naming the
//! file, line and column, never a panic or an `internal` error, and writes nothing; valid CSV
//! that a hand-written splitter got wrong (a quoted line break) is imported.

mod common;

use std::path::Path;

use common::{snapshot, Fixture};

/// A small valid dataset; `edit` replaces whole files (as bytes) before they are written.
fn write_dataset(dir: &Path, edit: impl FnOnce(&mut Vec<(&'static str, Vec<u8>)>)) {
    let mut files: Vec<(&'static str, Vec<u8>)> = vec![
        ("companies.csv", b"id,name\n1,Harbour\n".to_vec()),
        ("warehouses.csv", b"id,company_id,name\n1,1,Main\n2,1,Back\n".to_vec()),
        ("product_types.csv", b"product_type,default_threshold\nstandard,20\n".to_vec()),
        (
            "products.csv",
            b"id,company_id,sku,name,price,product_type\n1,1,MUG,Mug,12.50,standard\n2,1,GLUE,Glue,3.00,standard\n".to_vec(),
        ),
        ("suppliers.csv", b"id,company_id,name,contact_email\n1,1,Potter,p@potter.example\n".to_vec()),
        (
            "product_suppliers.csv",
            b"product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n1,1,10,5.00,0\n".to_vec(),
        ),
        ("thresholds.csv", b"product_id,warehouse_id,threshold\n2,,15\n".to_vec()),
        (
            "sales.csv",
            b"id,product_id,warehouse_id,quantity,sold_at\n1,1,1,2,2024-12-20T10:00:00Z\n".to_vec(),
        ),
        ("inventory.csv", b"product_id,warehouse_id,quantity\n1,1,5\n2,1,4\n".to_vec()),
    ];
    edit(&mut files);
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn set(files: &mut [(&'static str, Vec<u8>)], name: &str, bytes: &[u8]) {
    files.iter_mut().find(|(n, _)| *n == name).unwrap().1 = bytes.to_vec();
}

/// A malformed file: what is wrong, the file and its bytes, where the error must point
/// (`In FILE, line N, column C`).
struct Case {
    what: &'static str,
    file: &'static str,
    bytes: &'static [u8],
    place: &'static str,
}

fn check_refused(case: &Case) {
    let mut fx = Fixture::with_company("Existing");
    fx.warehouse("Somewhere");
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), |f| set(f, case.file, case.bytes));
    let before = snapshot(&fx.path);
    let err = fx
        .store
        .import_dir(dir.path(), &mut |_| {})
        .expect_err(case.what);
    assert_eq!(err.code(), "validation", "{}: {err}", case.what);
    assert!(
        err.to_string().starts_with(case.place),
        "{}: {err} should start with {:?}",
        case.what,
        case.place
    );
    assert!(
        err.field().is_some(),
        "{}: the error names a column: {err:?}",
        case.what
    );
    assert_eq!(
        snapshot(&fx.path),
        before,
        "{}: a refused import writes nothing",
        case.what
    );
}

#[test]
fn every_malformed_file_is_a_validation_error_naming_file_line_and_column() {
    let cases = [
        Case {
            what: "a duplicate header column (was an index-out-of-bounds panic)",
            file: "companies.csv",
            bytes: b"id,id,name\n1,2,Harbour\n",
            place: "In companies.csv, line 1, column id",
        },
        Case {
            what: "a file that is not UTF-8 (was `internal`, without a line)",
            file: "products.csv",
            bytes: b"id,company_id,sku,name,price,product_type\n1,1,MUG,Mug,12.50,standard\n2,1,GLUE,Gl\xfce,3.00,standard\n",
            place: "In products.csv, line 3, column name",
        },
        Case {
            what: "a header that is not UTF-8",
            file: "warehouses.csv",
            bytes: b"id,company_id,n\xe4me\n1,1,Main\n",
            place: "In warehouses.csv, line 1, column 3",
        },
        Case {
            what: "a quote that is never closed",
            file: "warehouses.csv",
            bytes: b"id,company_id,name\n1,1,Main\n2,1,\"Back\n",
            place: "In warehouses.csv, line 3, column name",
        },
        Case {
            what: "text after a closing quote",
            file: "products.csv",
            bytes: b"id,company_id,sku,name,price,product_type\n1,1,MUG,\"Mug\"gy,12.50,standard\n2,1,GLUE,Glue,3.00,standard\n",
            place: "In products.csv, line 2, column name",
        },
        Case {
            what: "a quote inside an unquoted value",
            file: "suppliers.csv",
            bytes: b"id,company_id,name,contact_email\n1,1,Pot\"ter,p@potter.example\n",
            place: "In suppliers.csv, line 2, column name",
        },
        Case {
            what: "too few values",
            file: "inventory.csv",
            bytes: b"product_id,warehouse_id,quantity\n1,1,5\n2,1\n",
            place: "In inventory.csv, line 3, column row",
        },
        Case {
            what: "too many values",
            file: "sales.csv",
            bytes: b"id,product_id,warehouse_id,quantity,sold_at\n1,1,1,2,2024-12-20T10:00:00Z,extra\n",
            place: "In sales.csv, line 2, column row",
        },
        Case {
            what: "a duplicate company id (the later row shadowed the earlier)",
            file: "companies.csv",
            bytes: b"id,name\n1,Harbour\n1,Quay\n",
            place: "In companies.csv, line 3, column id",
        },
        Case {
            what: "a duplicate warehouse id",
            file: "warehouses.csv",
            bytes: b"id,company_id,name\n1,1,Main\n2,1,Back\n1,1,Attic\n",
            place: "In warehouses.csv, line 4, column id",
        },
        Case {
            what: "a duplicate product id",
            file: "products.csv",
            bytes: b"id,company_id,sku,name,price,product_type\n1,1,MUG,Mug,12.50,standard\n1,1,GLUE,Glue,3.00,standard\n",
            place: "In products.csv, line 3, column id",
        },
        Case {
            what: "a duplicate supplier id",
            file: "suppliers.csv",
            bytes: b"id,company_id,name,contact_email\n1,1,Potter,p@potter.example\n1,1,Kiln,k@kiln.example\n",
            place: "In suppliers.csv, line 3, column id",
        },
        Case {
            what: "a duplicate product type",
            file: "product_types.csv",
            bytes: b"product_type,default_threshold\nstandard,20\nStandard,5\n",
            place: "In product_types.csv, line 3, column product_type",
        },
        Case {
            what: "a product linked twice to one supplier",
            file: "product_suppliers.csv",
            bytes: b"product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n1,1,10,5.00,0\n1,1,3,4.00,0\n",
            place: "In product_suppliers.csv, line 3, column supplier_id",
        },
        Case {
            what: "two thresholds for one product and warehouse",
            file: "thresholds.csv",
            bytes: b"product_id,warehouse_id,threshold\n2,,15\n2,,16\n",
            place: "In thresholds.csv, line 3, column warehouse_id",
        },
        Case {
            what: "two quantities on hand for one product and warehouse",
            file: "inventory.csv",
            bytes: b"product_id,warehouse_id,quantity\n1,1,5\n1,1,4\n",
            place: "In inventory.csv, line 3, column warehouse_id",
        },
        Case {
            what: "an empty id",
            file: "companies.csv",
            bytes: b"id,name\n,Harbour\n",
            place: "In companies.csv, line 2, column id",
        },
        Case {
            what: "an empty file",
            file: "warehouses.csv",
            bytes: b"",
            place: "In warehouses.csv, line 1, column id",
        },
        Case {
            what: "a line after a quoted line break keeps its own line number",
            file: "products.csv",
            bytes: b"id,company_id,sku,name,price,product_type\n1,1,MUG,\"Mug\nblue\",12.50,standard\n2,1,GLUE,Glue,3.0x,standard\n",
            place: "In products.csv, line 4, column price",
        },
        Case {
            what: "CRLF line ends (a spreadsheet's CSV): the line is not one short",
            file: "products.csv",
            bytes: b"id,company_id,sku,name,price,product_type\r\n1,1,MUG,Mug,12.50,standard\r\n2,1,GLUE,Glue,3.0x,standard\r\n",
            place: "In products.csv, line 3, column price",
        },
    ];
    for case in &cases {
        check_refused(case);
    }
}

#[test]
fn quoted_line_breaks_quotes_and_a_byte_order_mark_are_valid_csv() {
    let mut fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), |f| {
        set(
            f,
            "products.csv",
            b"\xef\xbb\xbfid,company_id,sku,name,price,product_type\r\n1,1,MUG,\"Mug\r\nblue \"\"big\"\"\",12.50,standard\r\n\r\n2,1,GLUE,Glue,3.00,standard\r\n",
        );
        set(
            f,
            "suppliers.csv",
            b"id,company_id,name,contact_email\n1,1,\"Potter, Sons\",p@potter.example",
        );
    });
    let summary = fx.store.import_dir(dir.path(), &mut |_| {}).unwrap();
    assert_eq!(
        (summary.products, summary.suppliers),
        (2, 1),
        "a blank line is skipped; a last line without a line break is read"
    );
    let company = fx.store.find_company("Harbour").unwrap().id;
    let mug = fx.store.find_product_by_sku(&company, "MUG").unwrap();
    assert_eq!(
        mug.name, "Mug blue \"big\"",
        "a line break inside a quoted name (a wrapped spreadsheet cell) is a space; doubled quotes are one"
    );
    let supplier = fx.store.list_suppliers(&company, false).unwrap();
    assert_eq!(supplier[0].name, "Potter, Sons");
    assert_eq!(
        fx.store.kept_levels().unwrap(),
        fx.store.ledger_levels().unwrap()
    );
}
