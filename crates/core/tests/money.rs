//! Money and numbers (issue #17 item 1): the company's currency and its decimals, a product's
//! cost price, its last received cost from purchase orders, margins, and stock valued at cost
//! beside its value at price. Refusals write nothing.

mod common;

use common::{snapshot, Fixture};
use stockflow_core::*;

fn company(fx: &mut Fixture, name: &str, currency: Option<&str>) -> Result<Company> {
    fx.store.create_company(&CompanyInput {
        name: name.into(),
        currency: currency.map(Into::into),
        ..Default::default()
    })
}

fn product(sku: &str, price: &str, cost: Option<&str>) -> ProductInput {
    ProductInput {
        sku: sku.into(),
        name: format!("Product {sku}"),
        price: price.into(),
        cost: cost.map(Into::into),
        ..Default::default()
    }
}

fn dec(text: &str) -> rust_decimal::Decimal {
    text.parse().unwrap()
}

#[test]
fn a_company_has_an_iso_currency_with_its_own_decimals() {
    let mut fx = Fixture::new();
    let plain = company(&mut fx, "Plain", None).unwrap();
    assert_eq!(
        (plain.currency.as_str(), plain.currency_decimals),
        ("USD", 2),
        "a company made without a currency is in USD, the documented default"
    );
    for (typed, code, decimals) in [
        ("eur", "EUR", 2),
        (" GBP ", "GBP", 2),
        ("JPY", "JPY", 0),
        ("BHD", "BHD", 3),
    ] {
        let c = company(&mut fx, &format!("Shop {code}"), Some(typed)).unwrap();
        assert_eq!(
            (c.currency.as_str(), c.currency_decimals),
            (code, decimals),
            "{typed:?} is stored as its ISO code with its minor-unit decimals"
        );
    }

    let edited = fx
        .store
        .update_company(
            &plain.id,
            &CompanyInput {
                name: "Plain".into(),
                currency: Some("CHF".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(edited.currency, "CHF");
    let kept = fx
        .store
        .update_company(
            &plain.id,
            &CompanyInput {
                name: "Plain renamed".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(kept.currency, "CHF", "an edit without a currency keeps it");
}

#[test]
fn an_unknown_currency_is_refused_with_the_field_and_writes_nothing() {
    let mut fx = Fixture::with_company("Harbour");
    for bad in ["", "EURO", "XYZ", "€", "us"] {
        let before = snapshot(&fx.path);
        let e = company(&mut fx, "Other", Some(bad)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            ("validation", Some("currency")),
            "{bad:?} is not a currency"
        );
        let company_id = fx.company.clone();
        let e = fx
            .store
            .update_company(
                &company_id,
                &CompanyInput {
                    name: "Harbour".into(),
                    currency: Some(bad.into()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(e.field(), Some("currency"));
        assert_eq!(snapshot(&fx.path), before, "refusing {bad:?} wrote nothing");
    }
}

#[test]
fn a_product_has_a_cost_price_and_a_margin_when_the_cost_is_known() {
    let mut fx = Fixture::with_company("Harbour");
    let co = fx.company.clone();
    let mug = fx
        .store
        .create_product(&co, &product("MUG", "5.00", Some("3.20")))
        .unwrap();
    assert_eq!(mug.cost, Some(dec("3.20")));
    assert_eq!(mug.margin, Some(dec("1.80")), "price minus cost");
    assert_eq!(mug.margin_percent, Some(dec("36.0")), "1.80 of 5.00");

    let plate = fx
        .store
        .create_product(&co, &product("PLATE", "3", None))
        .unwrap();
    assert_eq!(
        (plate.cost, plate.margin, plate.margin_percent),
        (None, None, None)
    );

    // A third rounds to one decimal; a free product has a margin but no percentage.
    let third = fx
        .store
        .update_product(&plate.id, &product("PLATE", "3", Some("1")))
        .unwrap();
    assert_eq!(
        (third.margin, third.margin_percent),
        (Some(dec("2")), Some(dec("66.7")))
    );
    let free = fx
        .store
        .update_product(&plate.id, &product("PLATE", "0", None))
        .unwrap();
    assert_eq!(free.cost, Some(dec("1")), "an edit without a cost keeps it");
    assert_eq!((free.margin, free.margin_percent), (Some(dec("-1")), None));
    let loss = fx
        .store
        .update_product(&plate.id, &product("PLATE", "0.50", Some("0.75")))
        .unwrap();
    assert_eq!(
        (loss.margin, loss.margin_percent),
        (Some(dec("-0.25")), Some(dec("-50.0"))),
        "selling below cost is a negative margin"
    );
    let cleared = fx
        .store
        .update_product(&plate.id, &product("PLATE", "3", Some(" ")))
        .unwrap();
    assert_eq!(
        (cleared.cost, cleared.margin),
        (None, None),
        "an empty cost clears it"
    );

    // The product list carries them too.
    let page = fx
        .store
        .list_products(&ProductQuery {
            company_id: co.clone(),
            ..Default::default()
        })
        .unwrap();
    let row = page.items.iter().find(|p| p.sku == "MUG").unwrap();
    assert_eq!(
        (row.cost, row.margin, row.margin_percent),
        (Some(dec("3.20")), Some(dec("1.80")), Some(dec("36.0")))
    );
}

#[test]
fn a_bad_cost_is_refused_with_the_field_and_writes_nothing() {
    let mut fx = Fixture::with_company("Harbour");
    let co = fx.company.clone();
    let mug = fx
        .store
        .create_product(&co, &product("MUG", "5", Some("2")))
        .unwrap();
    for bad in ["-1", "abc", "1.23456", "1e3", "1000000000"] {
        let before = snapshot(&fx.path);
        let e = fx
            .store
            .create_product(&co, &product("NEW", "5", Some(bad)))
            .unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            ("validation", Some("cost")),
            "{bad:?} is not a cost"
        );
        let e = fx
            .store
            .update_product(&mug.id, &product("MUG", "5", Some(bad)))
            .unwrap_err();
        assert_eq!(e.field(), Some("cost"));
        assert_eq!(snapshot(&fx.path), before, "refusing {bad:?} wrote nothing");
    }
}

struct Buyer {
    fx: Fixture,
    main: String,
    supplier: String,
    mug: String,
}

impl Buyer {
    fn new() -> Buyer {
        let mut fx = Fixture::with_company("Acme");
        let main = fx.warehouse("Main");
        let company = fx.company.clone();
        let mug = fx
            .store
            .create_product(&company, &product("MUG", "5", None))
            .unwrap()
            .id;
        let supplier = fx
            .store
            .create_supplier(
                &company,
                &SupplierInput {
                    name: "Potter & Co".into(),
                    contact_email: "orders@potter.example".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id;
        fx.store
            .link_supplier(
                &mug,
                &supplier,
                &ProductSupplierInput {
                    lead_time_days: 3,
                    unit_cost: "2.50".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        Buyer {
            fx,
            main,
            supplier,
            mug,
        }
    }

    /// Orders `quantity` mugs at `unit_cost`, sends the order and receives `received` of them.
    fn buy(&mut self, quantity: i64, unit_cost: &str, received: i64) {
        let company = self.fx.company.clone();
        let order = self
            .fx
            .store
            .create_purchase_order(
                &company,
                &PurchaseOrderInput {
                    supplier_id: self.supplier.clone(),
                    warehouse_id: self.main.clone(),
                    lines: vec![PurchaseOrderLineInput {
                        product_id: self.mug.clone(),
                        quantity,
                        unit_cost: Some(unit_cost.into()),
                    }],
                    note: None,
                    confirm_new_links: false,
                },
            )
            .unwrap();
        self.fx.store.send_purchase_order(&order.id).unwrap();
        if received > 0 {
            self.fx
                .store
                .receive_purchase_order(
                    &order.id,
                    &ReceiveOrderInput {
                        lines: vec![QuantityLine {
                            product_id: self.mug.clone(),
                            quantity: received,
                        }],
                        confirm_over_receipt: false,
                    },
                )
                .unwrap();
        }
    }

    fn last_received_cost(&self) -> Option<rust_decimal::Decimal> {
        self.fx
            .store
            .get_product(&self.mug)
            .unwrap()
            .last_received_cost
    }
}

#[test]
fn the_last_received_cost_is_the_unit_cost_of_the_latest_purchase_order_receipt() {
    let mut b = Buyer::new();
    assert_eq!(b.last_received_cost(), None, "never received: not known");

    // A receipt outside any order says nothing about cost.
    let company = b.fx.company.clone();
    b.fx.store
        .receive_stock(
            &company,
            &ReceiptInput {
                warehouse_id: b.main.clone(),
                lines: vec![QuantityLine {
                    product_id: b.mug.clone(),
                    quantity: 4,
                }],
                note: None,
            },
        )
        .unwrap();
    assert_eq!(b.last_received_cost(), None);

    b.buy(10, "2.40", 10);
    assert_eq!(b.last_received_cost(), Some(dec("2.40")));
    // An order sent but not received yet changes nothing.
    b.buy(5, "9.99", 0);
    assert_eq!(b.last_received_cost(), Some(dec("2.40")));
    // A later order received in part: its cost is now the last received.
    b.buy(6, "2.65", 2);
    assert_eq!(b.last_received_cost(), Some(dec("2.65")));
    let mug = b.fx.store.get_product(&b.mug).unwrap();
    assert_eq!(
        mug.cost, None,
        "receiving never sets the cost price the owner keeps"
    );
}

#[test]
fn stock_is_valued_at_cost_beside_its_value_at_price() {
    let mut fx = Fixture::with_company("Harbour");
    let co = fx.company.clone();
    let main = fx.warehouse("Main");
    let back = fx.warehouse("Back");
    let with_stock =
        |sku: &str, price: &str, cost: Option<&str>, main_qty, back_qty| ProductInput {
            initial_stock: vec![
                InitialStock {
                    warehouse_id: main.clone(),
                    quantity: main_qty,
                },
                InitialStock {
                    warehouse_id: back.clone(),
                    quantity: back_qty,
                },
            ],
            ..product(sku, price, cost)
        };
    fx.store
        .create_product(&co, &with_stock("MUG", "5.00", Some("3.20"), 10, 2))
        .unwrap();
    fx.store
        .create_product(&co, &with_stock("PLATE", "1.10", None, 3, 0))
        .unwrap();
    fx.store
        .create_product(&co, &with_stock("BOWL", "2", Some("0.3333"), 3, 0))
        .unwrap();
    fx.store
        .create_product(&co, &with_stock("EMPTY", "9", None, 0, 0))
        .unwrap();

    let summary = fx.store.company_summary(&co).unwrap();
    assert_eq!(summary.retail_value, dec("69.30"), "12×5.00 + 3×1.10 + 3×2");
    assert_eq!(
        summary.cost_value,
        dec("39.3999"),
        "12×3.20 + 3×0.3333, exactly: rounding is for display"
    );
    assert_eq!(
        summary.products_without_cost, 1,
        "PLATE has stock and no cost; EMPTY has no stock to value"
    );

    let rows = fx
        .store
        .list_stock(&StockQuery {
            company_id: co.clone(),
            ..Default::default()
        })
        .unwrap();
    let row = |sku: &str, warehouse: &str| {
        rows.iter()
            .find(|r| r.sku == sku && r.warehouse == warehouse)
            .unwrap()
    };
    assert_eq!(
        (
            row("MUG", "Main").value_at_price,
            row("MUG", "Main").value_at_cost
        ),
        (dec("50.00"), Some(dec("32.00")))
    );
    assert_eq!(row("MUG", "Back").value_at_cost, Some(dec("6.40")));
    assert_eq!(
        (
            row("PLATE", "Main").value_at_price,
            row("PLATE", "Main").value_at_cost
        ),
        (dec("3.30"), None),
        "no cost: no value at cost, rather than a wrong zero"
    );
}

#[test]
fn a_spreadsheet_import_writes_each_products_cost() {
    let mut fx = Fixture::with_company("Harbour");
    fx.warehouse("Main");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("products.csv");
    std::fs::write(
        &path,
        "sku,name,price,cost,qty:Main\nMUG,Blue mug,12.50,4.10,3\nGLUE,Glue,3,,1\n",
    )
    .unwrap();
    let co = fx.company.clone();
    fx.store.import_spreadsheet(&co, &path, &[], false).unwrap();
    let mug = fx.store.find_product_by_sku(&co, "MUG").unwrap();
    assert_eq!(mug.cost, Some(dec("4.10")));
    assert_eq!(mug.margin, Some(dec("8.40")));
    let glue = fx.store.find_product_by_sku(&co, "GLUE").unwrap();
    assert_eq!(glue.cost, None, "an empty cost cell: not known");

    // The cost leaves in the product's one outbox entry, which sends the row whole.
    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    let entries: Vec<(Option<String>, String)> = conn
        .prepare("SELECT fields, hlc FROM outbox WHERE entity = 'product' AND entity_id = ?1")
        .unwrap()
        .query_map([&mug.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let row_hlc: String = conn
        .query_row(
            "SELECT updated_hlc FROM products WHERE id = ?1",
            [&mug.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(entries, vec![(None, row_hlc)]);
}

#[test]
fn export_then_import_keeps_the_currency() {
    let mut fx = Fixture::new();
    let co = company(&mut fx, "Tokyo Shop", Some("JPY")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    fx.store.export_company(&co.id, dir.path()).unwrap();
    let mut other = Fixture::new();
    other.store.import_dir(dir.path(), &mut |_| {}).unwrap();
    let back = other.store.find_company("Tokyo Shop").unwrap();
    assert_eq!((back.currency.as_str(), back.currency_decimals), ("JPY", 0));
}

/// products.csv carries two columns beyond the interchange format, a barcode and a cost
/// price: exported, they come back; a bad cost is refused by file, line and column.
#[test]
fn export_then_import_keeps_the_cost_and_barcode() {
    let mut fx = Fixture::new();
    let co = company(&mut fx, "Harbour", None).unwrap();
    let mut mug = product("MUG", "5.00", Some("3.20"));
    mug.barcode = Some("4006381333931".into());
    fx.store.create_product(&co.id, &mug).unwrap();
    fx.store
        .create_product(&co.id, &product("PLATE", "2", None))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    fx.store.export_company(&co.id, dir.path()).unwrap();
    let mut other = Fixture::new();
    other.store.import_dir(dir.path(), &mut |_| {}).unwrap();
    let back = other.store.find_company("Harbour").unwrap();
    let mug = other.store.find_product_by_sku(&back.id, "MUG").unwrap();
    assert_eq!(
        (mug.cost, mug.barcode.as_deref()),
        (Some(dec("3.20")), Some("4006381333931"))
    );
    let plate = other.store.find_product_by_sku(&back.id, "PLATE").unwrap();
    assert_eq!((plate.cost, plate.barcode), (None, None));

    let products = dir.path().join("products.csv");
    let text = std::fs::read_to_string(&products).unwrap();
    std::fs::write(&products, text.replace(",3.20", ",three")).unwrap();
    let mut third = Fixture::new();
    let err = third.store.import_dir(dir.path(), &mut |_| {}).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("In products.csv, line 2, column cost:"),
        "{err}"
    );
    assert!(
        third.store.list_companies().unwrap().is_empty(),
        "nothing imported"
    );
}

/// A device on a build from before migration 0014 sends companies and products without
/// `currency` and `cost`: they apply (the currency takes its default, the cost stays unknown)
/// instead of failing on a NULL, and the fields travel whole between two current devices.
#[test]
fn currency_and_cost_sync_and_a_payload_without_them_still_applies() {
    let mut fx = Fixture::new();
    let co = company(&mut fx, "Harbour", Some("EUR")).unwrap();
    fx.store
        .create_product(&co.id, &product("MUG", "5.00", Some("3.20")))
        .unwrap();
    let outgoing = fx.store.sync_outgoing(1_000).unwrap();
    let page = |strip: bool| -> Vec<stockflow_sync_proto::PulledChange> {
        outgoing
            .iter()
            .enumerate()
            .map(|(i, ch)| {
                let mut change = ch.clone();
                if strip {
                    if let Some(payload) = change.payload.as_object_mut() {
                        payload.remove("currency");
                        payload.remove("cost");
                    }
                }
                stockflow_sync_proto::PulledChange {
                    seq: i as i64 + 1,
                    change,
                }
            })
            .collect()
    };
    for (strip, currency, cost) in [(false, "EUR", Some(dec("3.20"))), (true, "USD", None)] {
        let mut laptop = Fixture::new();
        laptop.store.start_join().unwrap();
        let p = page(strip);
        laptop
            .store
            .sync_apply(&co.id, &p, p.len() as i64, "e", &[])
            .unwrap();
        assert!(
            laptop.store.sync_parked().unwrap().is_empty(),
            "nothing waits: {:?}",
            laptop.store.sync_parked()
        );
        let there = laptop.store.get_company(&co.id).unwrap();
        assert_eq!(there.currency, currency, "stripped: {strip}");
        let mug = laptop.store.find_product_by_sku(&co.id, "MUG").unwrap();
        assert_eq!(mug.cost, cost, "stripped: {strip}");
    }
}
