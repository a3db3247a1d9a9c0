//! The import parser fuzzed (issue #14): arbitrary bytes and structured-but-broken CSV put in
//! place of one file of a valid dataset never panic, and every refusal is a typed error (never
//! `internal`) that wrote nothing. Bounded: a few hundred imports, a few seconds.
//!
//! `fuzz-corpus/` holds inputs kept for good (`<file it replaces>__<what>.csv`), run first on
//! every test run: add one for each case found. Failures proptest finds are kept by it in
//! `fuzz_import.proptest-regressions` next to this file (commit that file too).

mod common;

use std::path::Path;

use common::{snapshot, Fixture};
use proptest::prelude::*;

const FILES: [(&str, &str); 9] = [
    ("companies.csv", "id,name\n1,Harbour\n"),
    ("warehouses.csv", "id,company_id,name\n1,1,Main\n2,1,Back\n"),
    ("product_types.csv", "product_type,default_threshold\nstandard,20\n"),
    (
        "products.csv",
        "id,company_id,sku,name,price,product_type\n1,1,MUG,Mug,12.50,standard\n2,1,GLUE,Glue,3.00,\n",
    ),
    ("suppliers.csv", "id,company_id,name,contact_email\n1,1,Potter,p@potter.example\n"),
    (
        "product_suppliers.csv",
        "product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n1,1,10,5.00,1\n",
    ),
    ("thresholds.csv", "product_id,warehouse_id,threshold\n2,,15\n1,2,3\n"),
    (
        "sales.csv",
        "id,product_id,warehouse_id,quantity,sold_at\n1,1,1,2,2024-12-20T10:00:00Z\n2,2,2,1,2024-12-21T10:00:00Z\n",
    ),
    ("inventory.csv", "product_id,warehouse_id,quantity\n1,1,5\n2,1,4\n"),
];

/// Imports the valid dataset with `file` replaced by `bytes` into a fresh database: no panic
/// (a panic fails the test), and a refusal is typed and writes nothing.
fn import_with(file: &str, bytes: &[u8]) {
    let mut fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in FILES {
        let content = if name == file { bytes } else { text.as_bytes() };
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let before = snapshot(&fx.path);
    match fx.store.import_dir(dir.path(), &mut |_| {}) {
        Ok(_) => assert_eq!(
            fx.store.kept_levels().unwrap(),
            fx.store.ledger_levels().unwrap()
        ),
        Err(e) => {
            assert!(!e.is_internal(), "{file} {bytes:?}: typed, not {e:?}");
            assert!(
                e.to_string().starts_with(&format!("In {file}, line ")) || e.field().is_some(),
                "{file}: the error says where: {e}"
            );
            assert_eq!(
                snapshot(&fx.path),
                before,
                "{file}: a refusal writes nothing"
            );
        }
    }
}

#[test]
fn the_kept_corpus_imports_or_is_refused_typed() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut seen = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some((file, _)) = name.split_once("__") else {
            continue;
        };
        assert!(
            FILES.iter().any(|(f, _)| *f == file),
            "{name}: a corpus file is named <file it replaces>__<what>.csv"
        );
        import_with(file, &std::fs::read(&path).unwrap());
        seen += 1;
    }
    assert!(seen >= 10, "the corpus is there ({seen} files)");
}

fn file() -> impl Strategy<Value = usize> {
    0..FILES.len()
}

/// A field as a hostile or unlucky spreadsheet writes it, as bytes.
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"".to_vec()),
        Just(b"1".to_vec()),
        Just(b"2".to_vec()),
        Just(b"x".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\"\"".to_vec()),
        Just(b"\"a,b\"".to_vec()),
        Just(b"\"a\nb\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just("é".as_bytes().to_vec()),
        Just("\u{200B}".as_bytes().to_vec()),
        Just("\u{202E}".as_bytes().to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"\xe2\x82".to_vec()),
        Just(b"-1".to_vec()),
        Just(b"0".to_vec()),
        Just(b"1000000001".to_vec()),
        Just(b"9223372036854775807".to_vec()),
        Just(b"-9223372036854775808".to_vec()),
        Just(b"1e9".to_vec()),
        Just(b"12.34567".to_vec()),
        Just(b"2024-12-20T10:00:00Z".to_vec()),
        Just(b"not a time".to_vec()),
        "[a-zA-Z0-9 ._@-]{0,12}".prop_map(String::into_bytes),
    ]
}

/// A header of the file's own columns, shuffled, some dropped or doubled, maybe another.
fn header(file: usize) -> impl Strategy<Value = Vec<u8>> {
    let columns: Vec<String> = FILES[file]
        .1
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let n = columns.len();
    (
        Just(columns).prop_shuffle(),
        0..=n,
        prop::option::of(0..n),
        prop::bool::weighted(0.2),
    )
        .prop_map(move |(columns, keep, double, extra)| {
            let mut names: Vec<String> = columns.iter().take(keep.max(n - 1)).cloned().collect();
            if let Some(i) = double {
                names.push(columns[i].clone());
            }
            if extra {
                names.push("extra".into());
            }
            names.join(",").into_bytes()
        })
}

fn structured() -> impl Strategy<Value = (usize, Vec<u8>)> {
    file().prop_flat_map(|f| {
        (
            Just(f),
            header(f),
            prop::collection::vec(prop::collection::vec(token(), 0..8), 0..6),
            prop::bool::ANY,
        )
            .prop_map(|(f, header, rows, crlf)| {
                let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
                let mut bytes = header;
                for row in rows {
                    bytes.extend_from_slice(end);
                    bytes.extend_from_slice(&row.join(&b","[..]));
                }
                (f, bytes)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(f in file(), with_header in prop::bool::ANY, bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut input = Vec::new();
        if with_header {
            // Past the header check, so the bytes reach the rows.
            input.extend_from_slice(FILES[f].1.lines().next().unwrap().as_bytes());
            input.push(b'\n');
        }
        input.extend_from_slice(&bytes);
        import_with(FILES[f].0, &input);
    }

    #[test]
    fn structured_but_broken_csv_never_panics((f, bytes) in structured()) {
        import_with(FILES[f].0, &bytes);
    }
}
