//! SKUs, barcodes and names that only look different (issue #14, class 6): uniqueness
//! compares them after NFKC and full Unicode case folding, and invisible or bidi-control
//! characters are refused with a `validation` error that writes nothing.

mod common;

use common::{snapshot, Fixture};
use stockflow_core::*;

fn product(sku: &str, barcode: Option<&str>) -> ProductInput {
    ProductInput {
        sku: sku.into(),
        name: format!("Product {sku}"),
        price: "1.00".into(),
        barcode: barcode.map(Into::into),
        ..Default::default()
    }
}

fn refused(fx: &mut Fixture, input: &ProductInput, code: &str, field: &str) {
    let before = snapshot(&fx.path);
    let company = fx.company.clone();
    let err = fx
        .store
        .create_product(&company, input)
        .expect_err(&format!("{:?} / {:?} is refused", input.sku, input.barcode));
    assert_eq!(
        (err.code(), err.field()),
        (code, Some(field)),
        "{:?}: {err}",
        input.sku
    );
    assert_eq!(snapshot(&fx.path), before, "a refusal writes nothing");
}

#[test]
fn skus_and_barcodes_that_only_look_different_are_duplicates() {
    let mut fx = Fixture::with_company("Harbour");
    let company = fx.company.clone();
    fx.store
        .create_product(&company, &product("äpfel", Some("ＡＢＣ１２３")))
        .unwrap();
    fx.store
        .create_product(&company, &product("STRASSE", None))
        .unwrap();
    // Upper case of a non-ASCII letter (was accepted: only ASCII case was folded).
    refused(&mut fx, &product("ÄPFEL", None), "conflict", "sku");
    // The same letter written decomposed: a + combining diaeresis.
    refused(&mut fx, &product("a\u{308}pfel", None), "conflict", "sku");
    // Full case folding: ẞ folds to ss.
    refused(&mut fx, &product("STRAẞE", None), "conflict", "sku");
    // Compatibility forms: fullwidth letters and digits are the ASCII ones (NFKC).
    refused(
        &mut fx,
        &product("OTHER", Some("abc123")),
        "conflict",
        "barcode",
    );
    refused(&mut fx, &product("ｓｔｒａｓｓｅ", None), "conflict", "sku");

    // Found by any of its forms, and stored in its NFKC form.
    let apfel = fx.store.find_product_by_sku(&company, "ÄPFEL").unwrap();
    assert_eq!(apfel.sku, "äpfel");
    assert_eq!(
        apfel.barcode.as_deref(),
        Some("ABC123"),
        "the barcode is stored NFKC"
    );
    assert_eq!(
        fx.store
            .find_product_by_code(&company, "abc123")
            .unwrap()
            .id,
        apfel.id
    );

    // Renaming one onto another's folded form is refused too.
    let strasse = fx.store.find_product_by_sku(&company, "strasse").unwrap();
    let err = fx
        .store
        .update_product(&strasse.id, &product("Äpfel", None))
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("conflict", Some("sku")),
        "{err}"
    );
}

#[test]
fn invisible_and_bidi_control_characters_are_refused() {
    let mut fx = Fixture::with_company("Harbour");
    for sku in [
        "\u{200B}",            // only a zero-width space
        "MUG\u{200B}",         // a zero-width space at the end
        "M\u{200D}UG",         // zero-width joiner
        "\u{FEFF}MUG",         // byte order mark
        "MUG\u{202E}GUM",      // right-to-left override
        "\u{2066}MUG\u{2069}", // isolates
        "MU\u{00AD}G",         // soft hyphen
        "M\u{200E}UG",         // left-to-right mark
    ] {
        refused(&mut fx, &product(sku, None), "validation", "sku");
    }
    refused(
        &mut fx,
        &product("MUG", Some("123\u{202D}456")),
        "validation",
        "barcode",
    );
    // Names that identify: a product, a warehouse, a supplier, a company.
    let company = fx.company.clone();
    for name in ["Mug\u{202E}", "\u{200B}", "Mu\u{2060}g"] {
        let before = snapshot(&fx.path);
        let err = fx
            .store
            .create_product(
                &company,
                &ProductInput {
                    name: name.into(),
                    ..product("MUG", None)
                },
            )
            .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("validation", Some("name")),
            "{name:?}: {err}"
        );
        let err = fx
            .store
            .create_warehouse(
                &company,
                &WarehouseInput {
                    name: name.into(),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("validation", Some("name")),
            "{name:?}: {err}"
        );
        let err = fx
            .store
            .create_company(&CompanyInput {
                name: name.into(),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("validation", Some("name")),
            "{name:?}: {err}"
        );
        assert_eq!(snapshot(&fx.path), before);
    }
    // Scripts that need joiners keep them inside a name (Persian uses the zero-width
    // non-joiner), and right-to-left text is fine without controls.
    for name in ["می\u{200C}خواهم", "שלום", "Café"] {
        fx.store
            .create_product(
                &company,
                &ProductInput {
                    name: name.into(),
                    ..product(&format!("N{}", name.len()), None)
                },
            )
            .unwrap_or_else(|e| panic!("{name:?} is a fine name: {e}"));
    }
}

#[test]
fn names_that_identify_are_unique_after_folding() {
    let mut fx = Fixture::with_company("Harbour");
    let company = fx.company.clone();
    let warehouse = |name: &str| WarehouseInput {
        name: name.into(),
        ..Default::default()
    };
    fx.store
        .create_warehouse(&company, &warehouse("Größe"))
        .unwrap();
    let err = fx
        .store
        .create_warehouse(&company, &warehouse("GRÖSSE"))
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("conflict", Some("name")),
        "{err}"
    );
    let err = fx
        .store
        .create_company(&CompanyInput {
            name: "ＨＡＲＢＯＵＲ".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("conflict", Some("name")),
        "{err}"
    );
}
