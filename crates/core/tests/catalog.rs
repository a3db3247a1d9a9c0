//! The catalog on a real SQLite file: companies, warehouses, product types, products, their
//! rules, and that every refused input writes nothing.

mod common;

use common::{snapshot, Fixture};
use stockflow_core::*;

fn product(sku: &str, name: &str, price: &str) -> ProductInput {
    ProductInput {
        sku: sku.into(),
        name: name.into(),
        price: price.into(),
        ..Default::default()
    }
}

/// Runs `f` and asserts it fails with `code` (and `field` when given) and changes nothing.
fn assert_refused<T: std::fmt::Debug>(
    fx: &mut Fixture,
    code: &str,
    field: Option<&str>,
    f: impl FnOnce(&mut Store) -> Result<T>,
) -> Error {
    let before = snapshot(&fx.path);
    let err = f(&mut fx.store).expect_err("the operation should be refused");
    assert_eq!(err.code(), code, "error code of {err:?}");
    if let Some(field) = field {
        assert_eq!(err.field(), Some(field), "field named by {err:?}");
    }
    assert_eq!(
        snapshot(&fx.path),
        before,
        "a refused {code} must write nothing ({err})"
    );
    err
}

#[test]
fn a_product_with_initial_stock_writes_opening_movements_and_levels() {
    let mut fx = Fixture::with_company("Acme");
    let main = fx.warehouse("Main");
    let back = fx.warehouse("Back room");
    let mut input = product("MUG-1", "Blue mug", "12.50");
    input.initial_stock = vec![
        InitialStock {
            warehouse_id: main.clone(),
            quantity: 7,
        },
        InitialStock {
            warehouse_id: back.clone(),
            quantity: 0,
        },
    ];
    let p = fx.store.create_product(&fx.company, &input).unwrap();

    assert_eq!(p.sku, "MUG-1");
    assert_eq!(
        p.price.to_string(),
        "12.50",
        "the price comes back as typed"
    );
    let stock: Vec<_> = p
        .stock
        .iter()
        .map(|s| (s.warehouse_name.as_str(), s.on_hand))
        .collect();
    assert_eq!(
        stock,
        [("Back room", 0), ("Main", 7)],
        "stocked in both, 7 in Main"
    );

    let movements = fx.count("stock_movements");
    assert_eq!(
        movements, 1,
        "one opening movement (none for a zero quantity)"
    );
    assert_eq!(
        fx.store.kept_levels().unwrap(),
        fx.store.ledger_levels().unwrap()
    );

    let page = fx.store.list_products(&fx.query("")).unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].on_hand, 7);
}

#[test]
fn decimal_prices_come_back_exactly_as_stored() {
    let mut fx = Fixture::with_company("Acme");
    for (i, price) in ["19.99", "19.90", "0", "0.0001", "999999999"]
        .iter()
        .enumerate()
    {
        let p = fx
            .store
            .create_product(&fx.company, &product(&format!("P{i}"), "Thing", price))
            .unwrap();
        assert_eq!(p.price.to_string(), *price);
        let reread = fx.store.get_product(&p.id).unwrap();
        assert_eq!(
            reread.price.to_string(),
            *price,
            "after a round trip through SQLite"
        );
    }
}

#[test]
fn bad_product_input_is_refused_with_a_typed_error_and_writes_nothing() {
    let mut fx = Fixture::with_company("Acme");
    let main = fx.warehouse("Main");
    fx.store
        .create_product(&fx.company, &{
            let mut p = product("SKU-1", "First", "1");
            p.barcode = Some("400123".into());
            p
        })
        .unwrap();
    let company = fx.company.clone();

    let cases: Vec<(&str, &str, ProductInput)> = vec![
        ("validation", "sku", product("", "Name", "1")),
        ("validation", "sku", product("   ", "Name", "1")),
        ("validation", "name", product("NEW", " ", "1")),
        ("validation", "price", product("NEW", "Name", "")),
        ("validation", "price", product("NEW", "Name", "abc")),
        ("validation", "price", product("NEW", "Name", "-1")),
        ("validation", "price", product("NEW", "Name", "1.23456")),
        ("validation", "price", product("NEW", "Name", "1e30")),
        ("conflict", "sku", product("SKU-1", "Other", "1")),
        ("conflict", "sku", product("  sku-1 ", "Other", "1")),
        (
            "conflict",
            "barcode",
            ProductInput {
                barcode: Some("400123".into()),
                ..product("NEW", "Name", "1")
            },
        ),
        (
            "validation",
            "threshold",
            ProductInput {
                threshold: Some(-1),
                ..product("NEW", "Name", "1")
            },
        ),
        (
            "validation",
            "initial_stock",
            ProductInput {
                initial_stock: vec![InitialStock {
                    warehouse_id: main.clone(),
                    quantity: -3,
                }],
                ..product("NEW", "Name", "1")
            },
        ),
    ];
    for (code, field, input) in cases {
        let err = assert_refused(&mut fx, code, Some(field), |s| {
            s.create_product(&company, &input)
        });
        if code == "conflict" {
            assert!(
                err.to_string().contains("SKU") || err.to_string().contains("barcode"),
                "{err}"
            );
        }
    }

    // Unknown references are not found, and still nothing is written.
    let unknown_warehouse = ProductInput {
        initial_stock: vec![
            InitialStock {
                warehouse_id: main.clone(),
                quantity: 5,
            },
            InitialStock {
                warehouse_id: "no-such-warehouse".into(),
                quantity: 1,
            },
        ],
        ..product("NEW", "Name", "1")
    };
    assert_refused(&mut fx, "not_found", None, |s| {
        s.create_product(&company, &unknown_warehouse)
    });
    assert_refused(&mut fx, "not_found", None, |s| {
        s.create_product("no-such-company", &product("NEW", "Name", "1"))
    });
    let unknown_type = ProductInput {
        product_type_id: Some("nope".into()),
        ..product("NEW", "Name", "1")
    };
    assert_refused(&mut fx, "not_found", None, |s| {
        s.create_product(&company, &unknown_type)
    });
}

#[test]
fn conflict_messages_name_the_sku() {
    let mut fx = Fixture::with_company("Acme");
    fx.store
        .create_product(&fx.company, &product("MUG-001", "Mug", "3"))
        .unwrap();
    let err = fx
        .store
        .create_product(&fx.company, &product("mug-001", "Other", "3"))
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(
        err.to_string().contains("mug-001"),
        "the message names the SKU: {err}"
    );
}

#[test]
fn the_same_sku_may_exist_in_two_companies() {
    let mut fx = Fixture::with_company("Acme");
    let other = fx
        .store
        .create_company(&CompanyInput {
            name: "Globex".into(),
            ..Default::default()
        })
        .unwrap();
    fx.store
        .create_product(&fx.company, &product("SHARED", "A", "1"))
        .unwrap();
    fx.store
        .create_product(&other.id, &product("SHARED", "B", "2"))
        .unwrap();
    assert_eq!(fx.store.list_products(&fx.query("")).unwrap().total, 1);
}

#[test]
fn a_product_from_another_company_cannot_use_its_warehouse_or_type() {
    let mut fx = Fixture::with_company("Acme");
    let other = fx
        .store
        .create_company(&CompanyInput {
            name: "Globex".into(),
            ..Default::default()
        })
        .unwrap();
    let their_wh = fx
        .store
        .create_warehouse(
            &other.id,
            &WarehouseInput {
                name: "Theirs".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let their_type = fx
        .store
        .create_product_type(
            &other.id,
            &ProductTypeInput {
                name: "Bulk".into(),
                default_threshold: 5,
                count_frequency_days: None,
            },
        )
        .unwrap();
    let company = fx.company.clone();
    let input = ProductInput {
        initial_stock: vec![InitialStock {
            warehouse_id: their_wh.id.clone(),
            quantity: 1,
        }],
        ..product("X", "X", "1")
    };
    assert_refused(&mut fx, "not_found", None, |s| {
        s.create_product(&company, &input)
    });
    let input = ProductInput {
        product_type_id: Some(their_type.id),
        ..product("X", "X", "1")
    };
    assert_refused(&mut fx, "not_found", None, |s| {
        s.create_product(&company, &input)
    });
}

#[test]
fn editing_a_product_keeps_its_stock_and_checks_the_same_rules() {
    let mut fx = Fixture::with_company("Acme");
    let main = fx.warehouse("Main");
    let mut input = product("A-1", "Apple", "1.00");
    input.initial_stock = vec![InitialStock {
        warehouse_id: main.clone(),
        quantity: 4,
    }];
    let a = fx.store.create_product(&fx.company, &input).unwrap();
    fx.store
        .create_product(&fx.company, &product("B-1", "Banana", "2"))
        .unwrap();

    let mut edit = product("A-2", "Green apple", "1.10");
    edit.threshold = Some(3);
    edit.warehouse_thresholds = vec![WarehouseThreshold {
        warehouse_id: main.clone(),
        threshold: 6,
    }];
    edit.initial_stock = vec![InitialStock {
        warehouse_id: main.clone(),
        quantity: 100,
    }];
    let edited = fx.store.update_product(&a.id, &edit).unwrap();
    assert_eq!(
        (
            edited.sku.as_str(),
            edited.name.as_str(),
            edited.price.to_string().as_str()
        ),
        ("A-2", "Green apple", "1.10")
    );
    assert_eq!(edited.threshold, Some(3));
    assert_eq!(
        edited.warehouse_thresholds,
        vec![WarehouseThreshold {
            warehouse_id: main,
            threshold: 6
        }]
    );
    assert_eq!(edited.stock[0].on_hand, 4, "editing never changes stock");

    let id = a.id.clone();
    assert_refused(&mut fx, "conflict", Some("sku"), |s| {
        s.update_product(&id, &product("b-1", "X", "1"))
    });
    assert_refused(&mut fx, "not_found", None, |s| {
        s.update_product("missing", &product("Z", "Z", "1"))
    });
    // Keeping its own SKU is not a conflict with itself.
    fx.store
        .update_product(&a.id, &product("A-2", "Apple again", "1"))
        .unwrap();
}

#[test]
fn archived_products_leave_the_default_list_but_keep_their_history() {
    let mut fx = Fixture::with_company("Acme");
    let main = fx.warehouse("Main");
    let mut input = product("OLD", "Old thing", "1");
    input.initial_stock = vec![InitialStock {
        warehouse_id: main,
        quantity: 2,
    }];
    let p = fx.store.create_product(&fx.company, &input).unwrap();
    fx.store.set_product_archived(&p.id, true).unwrap();

    assert_eq!(fx.store.list_products(&fx.query("")).unwrap().total, 0);
    let mut q = fx.query("");
    q.archived = ArchivedFilter::Archived;
    assert_eq!(fx.store.list_products(&q).unwrap().total, 1);
    assert_eq!(fx.count("stock_movements"), 1, "history stays");
    fx.store.set_product_archived(&p.id, false).unwrap();
    assert_eq!(fx.store.list_products(&fx.query("")).unwrap().total, 1);
}

#[test]
fn search_matches_sku_and_barcode_prefixes_and_name_words() {
    let mut fx = Fixture::with_company("Acme");
    let tools = fx
        .store
        .create_product_type(
            &fx.company,
            &ProductTypeInput {
                name: "Tools".into(),
                default_threshold: 5,
                count_frequency_days: None,
            },
        )
        .unwrap();
    let rows = [
        ("HAM-100", "Claw hammer", Some("5012345"), Some(&tools.id)),
        ("HAM-200", "Sledge hammer", None, Some(&tools.id)),
        ("MUG-001", "Blue coffee mug", Some("5099999"), None),
        ("NAIL-5", "Nails, box of 100", None, None),
    ];
    for (sku, name, barcode, type_id) in rows {
        let mut p = product(sku, name, "1");
        p.barcode = barcode.map(String::from);
        p.product_type_id = type_id.cloned();
        fx.store.create_product(&fx.company, &p).unwrap();
    }
    let check = |fx: &Fixture, text: &str, expected: &[&str]| {
        let page = fx.store.list_products(&fx.query(text)).unwrap();
        let skus: Vec<_> = page.items.iter().map(|i| i.sku.as_str()).collect();
        assert_eq!(skus, expected, "search {text:?}");
        assert_eq!(page.total as usize, expected.len(), "total for {text:?}");
    };
    check(&fx, "ham", &["HAM-100", "HAM-200"]);
    check(&fx, "ham-1", &["HAM-100"]);
    check(&fx, "hammer", &["HAM-100", "HAM-200"]);
    check(&fx, "sled", &["HAM-200"]);
    check(&fx, "coffee mu", &["MUG-001"]);
    check(&fx, "50123", &["HAM-100"]);
    check(&fx, "509", &["MUG-001"]);
    check(&fx, "mug", &["MUG-001"]);
    check(&fx, "\"OR*", &[]);
    check(&fx, "zzz", &[]);

    let mut q = fx.query("");
    q.product_type_id = Some(tools.id.clone());
    assert_eq!(
        fx.store.list_products(&q).unwrap().total,
        2,
        "filter by type"
    );
    assert_eq!(
        fx.store.list_product_types(&fx.company).unwrap()[0].product_count,
        2
    );

    let mut q = fx.query("");
    q.sort = ProductSort::Sku;
    q.descending = true;
    q.limit = 2;
    q.offset = 1;
    let page = fx.store.list_products(&q).unwrap();
    let skus: Vec<_> = page.items.iter().map(|i| i.sku.as_str()).collect();
    assert_eq!(
        skus,
        ["MUG-001", "HAM-200"],
        "second page of two, SKU descending"
    );
    assert_eq!(page.total, 4, "the total counts every page");
}

/// Regression (#18): the price sort went through `CAST(price AS REAL)`, and a float holds
/// about 16 digits, so prices differing past that tied and fell back to the SKU order. The
/// sort is exact now. Such prices are over the input's ceiling, but a file written by another
/// build or edited by hand can hold them.
#[test]
fn the_price_sort_is_exact_past_a_floats_digits() {
    let mut fx = Fixture::with_company("Acme");
    for sku in ["A-1", "B-2", "C-3"] {
        fx.store
            .create_product(&fx.company, &product(sku, sku, "1"))
            .unwrap();
    }
    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    for (sku, price) in [
        ("A-1", "12345678901234567.03"),
        ("B-2", "12345678901234567.02"),
        ("C-3", "12345678901234567.01"),
    ] {
        conn.execute(
            "UPDATE products SET price = ?2 WHERE sku = ?1",
            [sku, price],
        )
        .unwrap();
    }
    let mut q = fx.query("");
    q.sort = ProductSort::Price;
    for (descending, expected) in [
        (false, ["C-3", "B-2", "A-1"]),
        (true, ["A-1", "B-2", "C-3"]),
    ] {
        q.descending = descending;
        let page = fx.store.list_products(&q).unwrap();
        let skus: Vec<_> = page.items.iter().map(|i| i.sku.as_str()).collect();
        assert_eq!(
            skus, expected,
            "by price (descending: {descending}), cent by cent, not tied as floats"
        );
    }
}

#[test]
fn company_warehouse_and_type_names_are_unique_and_required() {
    let mut fx = Fixture::with_company("Acme");
    assert_refused(&mut fx, "conflict", Some("name"), |s| {
        s.create_company(&CompanyInput {
            name: " acme ".into(),
            ..Default::default()
        })
    });
    assert_refused(&mut fx, "validation", Some("name"), |s| {
        s.create_company(&CompanyInput {
            name: "".into(),
            ..Default::default()
        })
    });
    assert_refused(&mut fx, "validation", Some("default_threshold"), |s| {
        s.create_company(&CompanyInput {
            name: "New".into(),
            default_threshold: Some(-5),
            ..Default::default()
        })
    });
    let company = fx.company.clone();
    let main = fx
        .store
        .create_warehouse(
            &company,
            &WarehouseInput {
                name: "Main".into(),
                code: Some("M1".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_refused(&mut fx, "conflict", Some("name"), |s| {
        s.create_warehouse(
            &company,
            &WarehouseInput {
                name: "MAIN".into(),
                ..Default::default()
            },
        )
    });
    assert_refused(&mut fx, "conflict", Some("code"), |s| {
        s.create_warehouse(
            &company,
            &WarehouseInput {
                name: "Other".into(),
                code: Some("m1".into()),
                ..Default::default()
            },
        )
    });
    assert_refused(&mut fx, "not_found", None, |s| {
        s.create_warehouse(
            "nope",
            &WarehouseInput {
                name: "X".into(),
                ..Default::default()
            },
        )
    });
    fx.store
        .create_product_type(
            &company,
            &ProductTypeInput {
                name: "Perishable".into(),
                default_threshold: 50,
                count_frequency_days: None,
            },
        )
        .unwrap();
    assert_refused(&mut fx, "conflict", Some("name"), |s| {
        s.create_product_type(
            &company,
            &ProductTypeInput {
                name: "perishable".into(),
                default_threshold: 1,
                count_frequency_days: None,
            },
        )
    });
    assert_refused(&mut fx, "validation", Some("default_threshold"), |s| {
        s.create_product_type(
            &company,
            &ProductTypeInput {
                name: "Bulk".into(),
                default_threshold: -1,
                count_frequency_days: None,
            },
        )
    });

    let c = fx.store.get_company(&company).unwrap();
    assert_eq!(
        c.default_threshold, DEFAULT_COMPANY_THRESHOLD,
        "a company starts with 10"
    );
    let renamed = fx
        .store
        .update_warehouse(
            &main.id,
            &WarehouseInput {
                name: "Main".into(),
                code: Some("M1".into()),
                address: Some("1 High St".into()),
            },
        )
        .unwrap();
    assert_eq!(renamed.address.as_deref(), Some("1 High St"));
}

#[test]
fn archived_warehouses_take_no_opening_stock() {
    let mut fx = Fixture::with_company("Acme");
    let old = fx.warehouse("Old");
    fx.store.set_warehouse_archived(&old, true).unwrap();
    assert!(fx
        .store
        .list_warehouses(&fx.company, false)
        .unwrap()
        .is_empty());
    assert_eq!(
        fx.store.list_warehouses(&fx.company, true).unwrap().len(),
        1
    );
    let company = fx.company.clone();
    let input = ProductInput {
        initial_stock: vec![InitialStock {
            warehouse_id: old.clone(),
            quantity: 1,
        }],
        ..product("X", "X", "1")
    };
    assert_refused(&mut fx, "validation", Some("initial_stock"), |s| {
        s.create_product(&company, &input)
    });
}

#[test]
fn names_resolve_for_the_command_line() {
    let mut fx = Fixture::with_company("Acme Ltd");
    let wh = fx
        .store
        .create_warehouse(
            &fx.company,
            &WarehouseInput {
                name: "Main Store".into(),
                code: Some("MS".into()),
                ..Default::default()
            },
        )
        .unwrap();
    fx.store
        .create_product(&fx.company, &product("Abc-1", "A", "1"))
        .unwrap();
    assert_eq!(fx.store.find_company("acme ltd").unwrap().id, fx.company);
    assert_eq!(fx.store.find_company(&fx.company).unwrap().name, "Acme Ltd");
    assert_eq!(
        fx.store
            .find_warehouse(&fx.company, "main store")
            .unwrap()
            .id,
        wh.id
    );
    assert_eq!(
        fx.store.find_warehouse(&fx.company, "ms").unwrap().id,
        wh.id
    );
    assert_eq!(
        fx.store
            .find_product_by_sku(&fx.company, "ABC-1")
            .unwrap()
            .sku,
        "Abc-1"
    );
    assert_eq!(
        fx.store.find_company("Nope").unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn the_company_summary_adds_up_stock_and_its_value_exactly() {
    let mut fx = Fixture::with_company("Acme");
    let main = fx.warehouse("Main");
    let back = fx.warehouse("Back");
    let stock = |qty: &[(&str, i64)]| -> Vec<InitialStock> {
        qty.iter()
            .map(|(w, q)| InitialStock {
                warehouse_id: w.to_string(),
                quantity: *q,
            })
            .collect()
    };
    let mut a = product("A", "A", "0.10");
    a.initial_stock = stock(&[(&main, 3), (&back, 0)]);
    let mut b = product("B", "B", "19.99");
    b.initial_stock = stock(&[(&main, 7)]);
    fx.store.create_product(&fx.company, &a).unwrap();
    fx.store.create_product(&fx.company, &b).unwrap();
    let archived = fx
        .store
        .create_product(
            &fx.company,
            &ProductInput {
                initial_stock: stock(&[(&main, 100)]),
                ..product("C", "C", "5")
            },
        )
        .unwrap();
    fx.store.set_product_archived(&archived.id, true).unwrap();

    let s = fx.store.company_summary(&fx.company).unwrap();
    assert_eq!(
        (s.products, s.warehouses, s.units_on_hand, s.out_of_stock),
        (2, 2, 10, 1)
    );
    assert_eq!(
        s.retail_value.to_string(),
        "140.23",
        "3 x 0.10 + 7 x 19.99, exactly; archived left out"
    );
}
