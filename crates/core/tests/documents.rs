//! Issue #17 items 3 and 5: the company profile printed on documents, barcode labels, a draft
//! order edited (and the edit merged across devices), a supplier link removed, and a sale or
//! order line refused by its number.

mod common;

use common::{snapshot, Fixture, Relay};
use stockflow_core::*;

struct Shop {
    fx: Fixture,
    main: String,
    back: String,
    supplier: String,
    other: String,
    mug: String,
    plate: String,
    cup: String,
}

fn product(fx: &mut Fixture, sku: &str, barcode: Option<&str>, stock_in: Option<&str>) -> String {
    let company = fx.company.clone();
    fx.store
        .create_product(
            &company,
            &ProductInput {
                sku: sku.into(),
                name: format!("{sku} name"),
                price: "5".into(),
                barcode: barcode.map(Into::into),
                initial_stock: stock_in
                    .map(|w| {
                        vec![InitialStock {
                            warehouse_id: w.into(),
                            quantity: 20,
                        }]
                    })
                    .unwrap_or_default(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
}

fn supplier(fx: &mut Fixture, name: &str) -> String {
    let company = fx.company.clone();
    fx.store
        .create_supplier(
            &company,
            &SupplierInput {
                name: name.into(),
                contact_email: "orders@example.com".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
}

fn link(lead_time_days: i64, unit_cost: &str, preferred: bool) -> ProductSupplierInput {
    ProductSupplierInput {
        lead_time_days,
        unit_cost: unit_cost.into(),
        preferred,
        ..Default::default()
    }
}

impl Shop {
    fn new() -> Shop {
        let mut fx = Fixture::with_company("Harbour Goods");
        let main = fx.warehouse("Main");
        let back = fx.warehouse("Back room");
        let mug = product(&mut fx, "MUG", Some("4006381333931"), Some(&main));
        let plate = product(&mut fx, "PLATE", None, Some(&main));
        let cup = product(&mut fx, "CUP", None, None);
        let potter = supplier(&mut fx, "Potter & Co");
        let other = supplier(&mut fx, "Clay Direct");
        for p in [&mug, &plate, &cup] {
            fx.store
                .link_supplier(p, &potter, &link(7, "2.50", false))
                .unwrap();
        }
        Shop {
            fx,
            main,
            back,
            supplier: potter,
            other,
            mug,
            plate,
            cup,
        }
    }

    fn order_input(&self, lines: &[(&str, i64, Option<&str>)]) -> PurchaseOrderInput {
        PurchaseOrderInput {
            supplier_id: self.supplier.clone(),
            warehouse_id: self.main.clone(),
            lines: lines
                .iter()
                .map(|(id, q, cost)| PurchaseOrderLineInput {
                    product_id: id.to_string(),
                    quantity: *q,
                    unit_cost: cost.map(Into::into),
                })
                .collect(),
            note: None,
            confirm_new_links: false,
        }
    }

    fn draft(&mut self) -> PurchaseOrder {
        let input = self.order_input(&[
            (&self.mug.clone(), 10, None),
            (&self.plate.clone(), 4, None),
        ]);
        self.fx
            .store
            .create_purchase_order(&self.fx.company.clone(), &input)
            .unwrap()
    }

    fn refused<T: std::fmt::Debug>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Error {
        let before = snapshot(&self.fx.path);
        let err = f(&mut self.fx.store).expect_err("should be refused");
        assert_eq!(
            snapshot(&self.fx.path),
            before,
            "refused ({err}) yet something was written"
        );
        err
    }
}

/// The shop's window and a laptop that joined it, syncing through a relay.
struct Pair {
    relay: Relay,
    laptop: Fixture,
    window_after: i64,
    laptop_after: i64,
}

impl Pair {
    /// The window sends what it has; a new laptop joins and takes it.
    fn join(window: &mut Fixture) -> Pair {
        let mut pair = Pair {
            relay: Relay::new(&window.company),
            laptop: Fixture::new(),
            window_after: 0,
            laptop_after: 0,
        };
        pair.sync_window(window);
        pair.laptop.store.start_join().unwrap();
        pair.sync_laptop();
        pair
    }

    fn sync_window(&mut self, window: &mut Fixture) {
        self.relay.sync(&mut window.store, &mut self.window_after);
    }

    fn sync_laptop(&mut self) {
        self.relay
            .sync(&mut self.laptop.store, &mut self.laptop_after);
    }
}

fn lines(order: &PurchaseOrder) -> Vec<(String, i64, String)> {
    order
        .lines
        .iter()
        .map(|l| (l.sku.clone(), l.quantity_ordered, l.unit_cost.to_string()))
        .collect()
}

#[test]
fn the_company_profile_is_kept_cleared_and_checked() {
    let mut shop = Shop::new();
    let company = shop.fx.company.clone();
    let c = shop
        .fx
        .store
        .update_company(
            &company,
            &CompanyInput {
                name: "Harbour Goods".into(),
                address: Some("  12 Quay Street \r\n\r\nPortsmouth PO1 2AB ".into()),
                phone: Some("+44 23 9200 0000".into()),
                email: Some("hello@harbour.example".into()),
                tax_id: Some("GB123456789".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        c.address.as_deref(),
        Some("12 Quay Street\nPortsmouth PO1 2AB"),
        "lines trimmed, blank ones dropped"
    );
    assert_eq!(c.tax_id.as_deref(), Some("GB123456789"));

    // Omitted fields stay; an empty one is cleared.
    let c = shop
        .fx
        .store
        .update_company(
            &company,
            &CompanyInput {
                name: "Harbour Goods".into(),
                phone: Some(" ".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(c.phone, None);
    assert_eq!(c.email.as_deref(), Some("hello@harbour.example"));

    let err = shop.refused(|s| {
        s.update_company(
            &company,
            &CompanyInput {
                name: "Renamed".into(),
                email: Some("not an email".into()),
                ..Default::default()
            },
        )
    });
    assert_eq!((err.code(), err.field()), ("validation", Some("email")));
    let err = shop.refused(|s| {
        s.update_company(
            &company,
            &CompanyInput {
                name: "Harbour Goods".into(),
                tax_id: Some("GB1\u{202e}23".into()),
                ..Default::default()
            },
        )
    });
    assert_eq!(err.field(), Some("tax_id"));
}

#[test]
fn the_profile_reaches_the_other_computer() {
    let mut window = Fixture::with_company("Harbour Goods");
    let company = window.company.clone();
    window
        .store
        .update_company(
            &company,
            &CompanyInput {
                name: "Harbour Goods".into(),
                address: Some("12 Quay Street".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let pair = Pair::join(&mut window);
    let seen = pair.laptop.store.get_company(&company).unwrap();
    assert_eq!(seen.address.as_deref(), Some("12 Quay Street"));
}

#[test]
fn a_draft_is_edited_line_by_line_and_only_a_draft() {
    let mut shop = Shop::new();
    let order = shop.draft();
    let (mug, plate, cup) = (shop.mug.clone(), shop.plate.clone(), shop.cup.clone());
    let mut input = shop.order_input(&[(&cup, 3, Some("1.75")), (&mug, 12, None)]);
    input.warehouse_id = shop.back.clone();
    input.note = Some("Call before delivery".into());
    let edited = shop
        .fx
        .store
        .update_purchase_order(&order.id, &input)
        .unwrap();
    assert_eq!(
        lines(&edited),
        vec![
            ("CUP".to_owned(), 3, "1.75".to_owned()),
            ("MUG".to_owned(), 12, "2.50".to_owned()),
        ],
        "the plate taken off, the cup added at its typed cost, the mug's quantity changed and its cost kept, in the order given"
    );
    assert_eq!(edited.warehouse_name, "Back room");
    assert_eq!(edited.note.as_deref(), Some("Call before delivery"));
    assert_eq!(edited.total.to_string(), "35.25");
    assert_eq!(edited.number, order.number, "the same order");

    // Taking a line off and putting the product back is the same line again.
    let back = shop.order_input(&[(&mug, 12, None), (&plate, 1, None)]);
    let again = shop
        .fx
        .store
        .update_purchase_order(&order.id, &back)
        .unwrap();
    assert_eq!(lines(&again)[1], ("PLATE".to_owned(), 1, "2.50".to_owned()));
    assert_eq!(
        shop.fx.count("purchase_order_lines"),
        3,
        "no line deleted, none doubled"
    );

    // Sent: the quantities the supplier has are the order's.
    shop.fx.store.send_purchase_order(&order.id).unwrap();
    let later = shop.order_input(&[(&mug, 99, None)]);
    let err = shop.refused(|s| s.update_purchase_order(&order.id, &later));
    assert_eq!((err.code(), err.field()), ("validation", Some("status")));
    assert_eq!(
        shop.fx
            .store
            .on_order(&shop.fx.company, Some(&plate))
            .unwrap()[0]
            .quantity,
        1,
        "on order counts the lines as edited"
    );
    assert!(
        shop.fx
            .store
            .on_order(&shop.fx.company, Some(&cup))
            .unwrap()
            .is_empty(),
        "the cup was taken off"
    );
}

#[test]
fn an_edit_that_cannot_be_made_changes_nothing() {
    let mut shop = Shop::new();
    let order = shop.draft();
    let (mug, plate) = (shop.mug.clone(), shop.plate.clone());

    let mut other = shop.order_input(&[(&mug, 1, None)]);
    other.supplier_id = shop.other.clone();
    let err = shop.refused(|s| s.update_purchase_order(&order.id, &other));
    assert_eq!(err.field(), Some("supplier_id"));

    let bad = shop.order_input(&[(&mug, 2, None), (&plate, 0, None)]);
    let err = shop.refused(|s| s.update_purchase_order(&order.id, &bad));
    assert_eq!(err.line(), Some(2), "{err}");
    assert_eq!(err.to_string(), "line 2: a quantity must be more than zero");

    // A product the supplier does not supply, on the third line, is named by its line too.
    let stranger = product(&mut shop.fx, "VASE", None, None);
    let stray = shop.order_input(&[
        (&mug, 2, None),
        (&plate, 1, None),
        ("no-such-product", 1, Some("1")),
    ]);
    let err = shop.refused(|s| s.update_purchase_order(&order.id, &stray));
    assert_eq!((err.code(), err.line()), ("not_found", Some(3)));
    let new_link = shop.order_input(&[(&stranger, 2, Some("3.00"))]);
    let err = shop.refused(|s| s.update_purchase_order(&order.id, &new_link));
    assert_eq!(err.code(), "confirmation_required");
    assert_eq!(
        lines(&shop.fx.store.get_purchase_order(&order.id).unwrap()).len(),
        2
    );
}

#[test]
fn a_sale_line_refused_is_named_by_its_number() {
    let mut shop = Shop::new();
    let company = shop.fx.company.clone();
    let input = SaleInput {
        warehouse_id: shop.main.clone(),
        lines: vec![
            SaleLineInput {
                product_id: shop.mug.clone(),
                quantity: 1,
                unit_price: None,
            },
            SaleLineInput {
                product_id: shop.plate.clone(),
                quantity: 1,
                unit_price: Some("12,50".into()),
            },
        ],
        ..Default::default()
    };
    let err = shop.refused(|s| s.record_sale(&company, &input));
    assert_eq!(
        (err.code(), err.field(), err.line()),
        ("validation", Some("unit_price"), Some(2))
    );
    assert!(err.to_string().starts_with("line 2: "), "{err}");

    let mut input = input;
    input.lines[1].unit_price = None;
    input.lines[0].product_id = "gone".into();
    let err = shop.refused(|s| s.record_sale(&company, &input));
    assert_eq!((err.code(), err.line()), ("not_found", Some(1)));
}

#[test]
fn two_computers_editing_one_draft_keep_both_edits() {
    let mut shop = Shop::new();
    let order = shop.draft();
    let (mug, plate) = (shop.mug.clone(), shop.plate.clone());
    let mut pair = Pair::join(&mut shop.fx);

    // Offline: the window takes the plate off; the laptop orders 30 mugs.
    let input = shop.order_input(&[(&mug, 10, None)]);
    shop.fx
        .store
        .update_purchase_order(&order.id, &input)
        .unwrap();
    let input = shop.order_input(&[(&mug, 30, None), (&plate, 4, None)]);
    pair.laptop
        .store
        .update_purchase_order(&order.id, &input)
        .unwrap();

    pair.sync_window(&mut shop.fx);
    pair.sync_laptop();
    pair.sync_window(&mut shop.fx);
    let on_window = lines(&shop.fx.store.get_purchase_order(&order.id).unwrap());
    let on_laptop = lines(&pair.laptop.store.get_purchase_order(&order.id).unwrap());
    assert_eq!(
        on_window,
        vec![("MUG".to_owned(), 30, "2.50".to_owned())],
        "the plate off and 30 mugs"
    );
    assert_eq!(on_laptop, on_window);
}

#[test]
fn a_supplier_link_removed_leaves_the_choice_to_the_others() {
    let mut shop = Shop::new();
    let (mug, other) = (shop.mug.clone(), shop.other.clone());
    shop.fx
        .store
        .link_supplier(&mug, &other, &link(2, "3.10", true))
        .unwrap();
    let order = shop.draft();
    let names = |s: &Store| -> Vec<String> {
        s.product_suppliers(&mug)
            .unwrap()
            .into_iter()
            .map(|l| l.supplier_name)
            .collect()
    };
    assert_eq!(names(&shop.fx.store), ["Clay Direct", "Potter & Co"]);
    let company = shop.fx.company.clone();
    shop.fx
        .store
        .update_company(
            &company,
            &CompanyInput {
                name: "Harbour Goods".into(),
                default_threshold: Some(100),
                ..Default::default()
            },
        )
        .unwrap();
    // Alerts are driven by sales: one sale of a mug.
    shop.fx
        .store
        .record_sale(
            &company,
            &SaleInput {
                warehouse_id: shop.main.clone(),
                lines: vec![SaleLineInput {
                    product_id: mug.clone(),
                    quantity: 1,
                    unit_price: None,
                }],
                ..Default::default()
            },
        )
        .unwrap();
    // Asked a second after the sale: the window ends before `now` (DESIGN §3), so a sale in
    // the same millisecond as the question is not in it yet.
    let later = (chrono::Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
    let low = |s: &Store| {
        s.low_stock_alerts(&AlertQuery {
            company_id: s.list_companies().unwrap()[0].id.clone(),
            now: Some(later.clone()),
            ..Default::default()
        })
        .unwrap()
        .alerts
        .into_iter()
        .find(|a| a.sku == "MUG")
        .and_then(|a| a.supplier)
        .map(|s| s.name)
    };
    assert_eq!(
        low(&shop.fx.store).as_deref(),
        Some("Clay Direct"),
        "the preferred one"
    );

    shop.fx.store.unlink_supplier(&mug, &other).unwrap();
    assert_eq!(names(&shop.fx.store), ["Potter & Co"]);
    assert_eq!(shop.fx.store.get_supplier(&other).unwrap().product_count, 0);
    assert_eq!(
        low(&shop.fx.store).as_deref(),
        Some("Potter & Co"),
        "Clay Direct is gone"
    );
    assert_eq!(
        shop.fx
            .store
            .get_purchase_order(&order.id)
            .unwrap()
            .lines
            .len(),
        2,
        "orders already made keep their lines"
    );

    let err = shop.refused(|s| s.unlink_supplier(&mug, &other));
    assert_eq!(
        (err.code(), err.field()),
        ("validation", Some("supplier_id"))
    );

    // Linked again, it is back, not preferred any more.
    shop.fx
        .store
        .link_supplier(&mug, &other, &link(2, "3.20", false))
        .unwrap();
    let back = shop.fx.store.product_suppliers(&mug).unwrap();
    assert_eq!(back.len(), 2);
    assert!(back.iter().all(|l| !l.preferred));
}

#[test]
fn a_preferred_supplier_removed_is_removed_on_the_other_computer_too() {
    let mut shop = Shop::new();
    let (mug, other) = (shop.mug.clone(), shop.other.clone());
    shop.fx
        .store
        .link_supplier(&mug, &other, &link(2, "3.10", true))
        .unwrap();
    let mut pair = Pair::join(&mut shop.fx);
    assert_eq!(pair.laptop.store.product_suppliers(&mug).unwrap().len(), 2);

    shop.fx.store.unlink_supplier(&mug, &other).unwrap();
    pair.sync_window(&mut shop.fx);
    pair.sync_laptop();
    let seen = pair.laptop.store.product_suppliers(&mug).unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].supplier_name, "Potter & Co");
    assert!(!seen[0].preferred);
}

#[test]
fn labels_carry_an_ean13_where_the_product_has_one_and_code128_otherwise() {
    let shop = Shop::new();
    let request = |symbology, labels: Vec<(&str, i64)>| LabelRequest {
        company_id: shop.fx.company.clone(),
        symbology,
        labels: labels
            .into_iter()
            .map(|(p, copies)| LabelInput {
                product_id: p.into(),
                copies,
            })
            .collect(),
    };
    let labels = shop
        .fx
        .store
        .barcode_labels(&request(None, vec![(&shop.mug, 3), (&shop.plate, 1)]))
        .unwrap();
    assert_eq!(labels[0].symbology, Symbology::Ean13);
    assert_eq!(
        (labels[0].text.as_str(), labels[0].copies),
        ("4006381333931", 3)
    );
    assert_eq!(labels[0].modules.len(), 95);
    assert_eq!(labels[1].symbology, Symbology::Code128);
    assert_eq!(labels[1].text, "PLATE", "no barcode: the SKU");
    // Start, five characters, the check, then the stop.
    assert_eq!(labels[1].modules.len(), 7 * 11 + 13);

    let all_128 = shop
        .fx
        .store
        .barcode_labels(&request(Some(Symbology::Code128), vec![(&shop.mug, 1)]))
        .unwrap();
    assert_eq!(
        (all_128[0].symbology, all_128[0].text.as_str()),
        (Symbology::Code128, "4006381333931")
    );

    let err = shop
        .fx
        .store
        .barcode_labels(&request(
            Some(Symbology::Ean13),
            vec![(&shop.mug, 1), (&shop.plate, 1)],
        ))
        .unwrap_err();
    assert_eq!((err.field(), err.line()), (Some("symbology"), Some(2)));
    assert!(err.to_string().contains("PLATE"), "{err}");
    let err = shop
        .fx
        .store
        .barcode_labels(&request(None, vec![(&shop.mug, 0)]))
        .unwrap_err();
    assert_eq!((err.field(), err.line()), (Some("copies"), Some(1)));
    let err = shop
        .fx
        .store
        .barcode_labels(&request(
            None,
            vec![(&shop.mug, MAX_LABELS), (&shop.plate, 1)],
        ))
        .unwrap_err();
    assert_eq!(err.field(), Some("copies"));
}

#[test]
fn a_count_values_its_difference_at_the_products_cost() {
    let mut shop = Shop::new();
    let (main, plate) = (shop.main.clone(), shop.plate.clone());
    let company = shop.fx.company.clone();
    shop.fx
        .store
        .update_product(
            &plate,
            &ProductInput {
                sku: "PLATE".into(),
                name: "PLATE name".into(),
                price: "5".into(),
                cost: Some("1.20".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let session = shop
        .fx
        .store
        .start_count(
            &company,
            &CountSessionInput {
                warehouse_id: main,
                scope: CountScope::All,
                blind: false,
            },
        )
        .unwrap();
    shop.fx
        .store
        .scan(
            &session.id,
            &ScanInput {
                code: "PLATE".into(),
                quantity: Some(17),
                ..Default::default()
            },
        )
        .unwrap();
    shop.fx
        .store
        .scan(
            &session.id,
            &ScanInput {
                code: "CUP".into(),
                quantity: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
    let review = shop.fx.store.review_count(&session.id).unwrap();
    let line = review.lines.iter().find(|l| l.sku == "PLATE").unwrap();
    assert_eq!(line.variance, -3);
    // At the cost price the owner set (1.20), not the supplier's 2.50.
    assert_eq!(line.variance_value.as_deref(), Some("-3.60"));
    // No cost price, nothing received: the chosen supplier's cost.
    let cup = review.lines.iter().find(|l| l.sku == "CUP").unwrap();
    assert_eq!(
        (cup.variance, cup.variance_value.as_deref()),
        (2, Some("5.00"))
    );
}

/// A device on a build from before migration 0015 sends companies without a profile, order
/// lines without `removed` and links without `archived`: they apply (nothing removed, no
/// profile) instead of failing on a NULL.
#[test]
fn a_payload_from_before_the_profile_and_removals_still_applies() {
    let mut shop = Shop::new();
    shop.draft();
    let outgoing = shop.fx.store.sync_outgoing(10_000).unwrap();
    let page: Vec<stockflow_sync_proto::PulledChange> = outgoing
        .iter()
        .enumerate()
        .map(|(i, ch)| {
            let mut change = ch.clone();
            if let Some(payload) = change.payload.as_object_mut() {
                for field in ["address", "phone", "email", "tax_id", "removed", "archived"] {
                    payload.remove(field);
                }
            }
            stockflow_sync_proto::PulledChange {
                seq: i as i64 + 1,
                change,
            }
        })
        .collect();
    let mut laptop = Fixture::new();
    laptop.store.start_join().unwrap();
    laptop
        .store
        .sync_apply(&shop.fx.company, &page, page.len() as i64, "e", &[])
        .unwrap();
    assert!(
        laptop.store.sync_parked().unwrap().is_empty(),
        "nothing waits"
    );
    let orders = laptop
        .store
        .list_purchase_orders(&PurchaseOrderQuery {
            company_id: shop.fx.company.clone(),
            ..Default::default()
        })
        .unwrap();
    let order = laptop
        .store
        .get_purchase_order(&orders.items[0].id)
        .unwrap();
    assert_eq!(order.lines.len(), 2);
    assert_eq!(laptop.store.product_suppliers(&shop.mug).unwrap().len(), 1);
    assert_eq!(
        laptop.store.get_company(&shop.fx.company).unwrap().address,
        None
    );
}
