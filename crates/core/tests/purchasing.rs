//! Suppliers, product–supplier links and purchase orders from draft to stock on the shelf.

mod common;

use common::{snapshot, Fixture};
use stockflow_core::*;

struct Buyer {
    fx: Fixture,
    main: String,
    supplier: String,
    mug: String,
    plate: String,
}

impl Buyer {
    fn new() -> Buyer {
        let mut fx = Fixture::with_company("Acme");
        let main = fx.warehouse("Main");
        let company = fx.company.clone();
        let mut product = |sku: &str| {
            fx.store
                .create_product(
                    &company,
                    &ProductInput {
                        sku: sku.into(),
                        name: sku.into(),
                        price: "5".into(),
                        ..Default::default()
                    },
                )
                .unwrap()
                .id
        };
        let (mug, plate) = (product("MUG"), product("PLATE"));
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
            .link_supplier(&mug, &supplier, &link(7, "2.50"))
            .unwrap();
        Buyer {
            fx,
            main,
            supplier,
            mug,
            plate,
        }
    }

    fn order(&mut self, lines: &[(&str, i64)], confirm: bool) -> Result<PurchaseOrder> {
        let lines = lines
            .iter()
            .map(|(id, q)| PurchaseOrderLineInput {
                product_id: id.to_string(),
                quantity: *q,
                unit_cost: None,
            })
            .collect();
        let input = PurchaseOrderInput {
            supplier_id: self.supplier.clone(),
            warehouse_id: self.main.clone(),
            lines,
            note: None,
            confirm_new_links: confirm,
        };
        self.fx
            .store
            .create_purchase_order(&self.fx.company.clone(), &input)
    }

    fn receive(
        &mut self,
        order: &str,
        product: &str,
        quantity: i64,
        confirm: bool,
    ) -> Result<PurchaseOrder> {
        let input = ReceiveOrderInput {
            lines: vec![QuantityLine {
                product_id: product.into(),
                quantity,
            }],
            confirm_over_receipt: confirm,
        };
        self.fx.store.receive_purchase_order(order, &input)
    }

    fn on_hand(&self, product: &str) -> i64 {
        self.fx
            .store
            .get_product(product)
            .unwrap()
            .stock
            .iter()
            .map(|s| s.on_hand)
            .sum()
    }

    fn on_order(&self, product: &str) -> i64 {
        self.fx
            .store
            .on_order(&self.fx.company, Some(product))
            .unwrap()
            .iter()
            .map(|o| o.quantity)
            .sum()
    }

    fn refused<T: std::fmt::Debug>(
        &mut self,
        code: &str,
        f: impl FnOnce(&mut Buyer) -> Result<T>,
    ) -> Error {
        let before = snapshot(&self.fx.path);
        let err = f(self).expect_err("should be refused");
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(
            snapshot(&self.fx.path),
            before,
            "refused with {code} yet something was written"
        );
        err
    }
}

fn link(lead_time_days: i64, unit_cost: &str) -> ProductSupplierInput {
    ProductSupplierInput {
        lead_time_days,
        unit_cost: unit_cost.into(),
        ..Default::default()
    }
}

#[test]
fn an_order_goes_from_draft_to_received_and_puts_stock_on_the_shelf() {
    let mut b = Buyer::new();
    let mug = b.mug.clone();
    let order = b.order(&[(&mug, 10)], false).unwrap();
    assert_eq!(order.status, PurchaseOrderStatus::Draft);
    assert_eq!(
        order.number.as_deref(),
        Some("PO-0001"),
        "numbered, not a UUID"
    );
    assert_eq!(
        order.lines[0].unit_cost.to_string(),
        "2.50",
        "the cost defaults to the supplier's"
    );
    assert_eq!(order.total.to_string(), "25.00");
    assert_eq!(b.on_order(&mug), 0, "a draft is not on order yet");

    let sent = b.fx.store.send_purchase_order(&order.id).unwrap();
    assert_eq!(sent.status, PurchaseOrderStatus::Sent);
    let days = |from: &str, to: &str| {
        (to.parse::<chrono::DateTime<chrono::Utc>>().unwrap()
            - from.parse::<chrono::DateTime<chrono::Utc>>().unwrap())
        .num_days()
    };
    assert_eq!(
        days(
            sent.sent_at.as_deref().unwrap(),
            sent.expected_at.as_deref().unwrap()
        ),
        7,
        "expected = sent + lead time"
    );
    assert_eq!(b.on_order(&mug), 10);

    let part = b.receive(&order.id, &mug, 4, false).unwrap();
    assert_eq!(part.status, PurchaseOrderStatus::PartiallyReceived);
    assert_eq!(part.lines[0].quantity_received, 4);
    assert_eq!((b.on_hand(&mug), b.on_order(&mug)), (4, 6));

    let done = b.receive(&order.id, &mug, 6, false).unwrap();
    assert_eq!(done.status, PurchaseOrderStatus::Received);
    assert!(done.received_at.is_some());
    assert_eq!((b.on_hand(&mug), b.on_order(&mug)), (10, 0));
    let receipts =
        b.fx.store
            .list_movements(&HistoryQuery {
                company_id: b.fx.company.clone(),
                kind: Some(MovementKind::Receipt),
                ..Default::default()
            })
            .unwrap();
    assert!(
        receipts
            .items
            .iter()
            .all(|m| m.reference_id.as_deref() == Some(order.id.as_str())),
        "receipts point at the order"
    );
    assert_eq!(
        b.fx.store.kept_levels().unwrap(),
        b.fx.store.ledger_levels().unwrap()
    );

    let supplier = b.fx.store.get_supplier(&b.supplier).unwrap();
    assert_eq!(supplier.learned_from_orders, 1);
    assert_eq!(
        supplier.learned_lead_time_days,
        Some(0),
        "received the same day it was sent"
    );
    assert_eq!(supplier.promised_lead_time_days, Some(7));

    let page =
        b.fx.store
            .list_purchase_orders(&PurchaseOrderQuery {
                company_id: b.fx.company.clone(),
                ..Default::default()
            })
            .unwrap();
    assert_eq!(
        (
            page.total,
            page.items[0].units_received,
            page.items[0].total.to_string()
        ),
        (1, 10, "25.00".to_string())
    );
}

#[test]
fn over_receipts_need_confirmation_and_cancelled_orders_take_nothing() {
    let mut b = Buyer::new();
    let mug = b.mug.clone();
    let order = b.order(&[(&mug, 5)], false).unwrap();
    b.refused("validation", |b| b.receive(&order.id, &mug, 1, false)); // still a draft
    b.fx.store.send_purchase_order(&order.id).unwrap();

    let err = b.refused("confirmation_required", |b| {
        b.receive(&order.id, &mug, 6, false)
    });
    assert!(
        err.to_string()
            .contains("1 more of MUG than is still open (5)"),
        "{err}"
    );
    b.receive(&order.id, &mug, 2, false).unwrap();

    // Cancelling closes what is open; what was received stays.
    let cancelled = b.fx.store.cancel_purchase_order(&order.id).unwrap();
    assert_eq!(cancelled.status, PurchaseOrderStatus::Cancelled);
    assert_eq!((b.on_hand(&mug), b.on_order(&mug)), (2, 0));
    b.refused("validation", |b| b.receive(&order.id, &mug, 1, true));
    b.refused("validation", |b| {
        b.fx.store.cancel_purchase_order(&order.id)
    });

    // An over-receipt confirmed goes through.
    let again = b.order(&[(&mug, 1)], false).unwrap();
    b.fx.store.send_purchase_order(&again.id).unwrap();
    let over = b.receive(&again.id, &mug, 3, true).unwrap();
    assert_eq!(
        (over.status, over.lines[0].quantity_received),
        (PurchaseOrderStatus::Received, 3)
    );
    assert_eq!(b.on_hand(&mug), 5);
}

#[test]
fn ordering_a_product_the_supplier_does_not_supply_asks_first_then_links_it() {
    let mut b = Buyer::new();
    let plate = b.plate.clone();
    let err = b.refused("confirmation_required", |b| b.order(&[(&plate, 3)], false));
    assert_eq!(err.field(), Some("lines"));
    b.refused("validation", |b| b.order(&[(&plate, 3)], true)); // no cost known: give one

    let company = b.fx.company.clone();
    let input = PurchaseOrderInput {
        supplier_id: b.supplier.clone(),
        warehouse_id: b.main.clone(),
        lines: vec![PurchaseOrderLineInput {
            product_id: plate.clone(),
            quantity: 3,
            unit_cost: Some("1.75".into()),
        }],
        note: None,
        confirm_new_links: true,
    };
    let order = b.fx.store.create_purchase_order(&company, &input).unwrap();
    assert_eq!(order.total.to_string(), "5.25");
    let links = b.fx.store.product_suppliers(&plate).unwrap();
    assert_eq!(
        (links.len(), links[0].unit_cost.to_string()),
        (1, "1.75".to_string()),
        "linked at the order's cost"
    );
}

#[test]
fn bad_purchasing_input_is_refused_and_writes_nothing() {
    let mut b = Buyer::new();
    let (company, mug, supplier) = (b.fx.company.clone(), b.mug.clone(), b.supplier.clone());
    for (field, email) in [
        ("contact_email", "not-an-email"),
        ("contact_email", "a@b"),
        ("contact_email", "a b@c.com"),
        ("name", ""),
    ] {
        let input = SupplierInput {
            name: if field == "name" {
                "".into()
            } else {
                "New".into()
            },
            contact_email: email.into(),
            ..Default::default()
        };
        let err = b.refused("validation", |b| {
            b.fx.store.create_supplier(&company, &input)
        });
        assert_eq!(err.field(), Some(field), "{email}");
    }
    let dup = SupplierInput {
        name: "potter & co".into(),
        contact_email: "x@y.com".into(),
        ..Default::default()
    };
    b.refused("conflict", |b| b.fx.store.create_supplier(&company, &dup));
    let err = b.refused("validation", |b| {
        b.fx.store
            .link_supplier(&mug, &supplier, &link(3, "1.23456"))
    });
    assert_eq!(err.field(), Some("unit_cost"));
    b.refused("validation", |b| {
        b.fx.store.link_supplier(&mug, &supplier, &link(-1, "1"))
    });
    b.refused("not_found", |b| {
        b.fx.store.link_supplier(&mug, "nope", &link(1, "1"))
    });
    b.refused("validation", |b| b.order(&[(&mug, 0)], false));
    b.refused("not_found", |b| b.order(&[("nope", 1)], false));
    let bad_cost = PurchaseOrderInput {
        supplier_id: supplier.clone(),
        warehouse_id: b.main.clone(),
        lines: vec![PurchaseOrderLineInput {
            product_id: mug.clone(),
            quantity: 1,
            unit_cost: Some("0.00001".into()),
        }],
        note: None,
        confirm_new_links: false,
    };
    b.refused("validation", |b| {
        b.fx.store.create_purchase_order(&company, &bad_cost)
    });
    let unknown_supplier = PurchaseOrderInput {
        supplier_id: "nope".into(),
        lines: vec![PurchaseOrderLineInput {
            product_id: mug.clone(),
            quantity: 1,
            unit_cost: None,
        }],
        ..bad_cost
    };
    b.refused("not_found", |b| {
        b.fx.store
            .create_purchase_order(&company, &unknown_supplier)
    });
}

#[test]
fn a_product_has_at_most_one_preferred_supplier() {
    let mut b = Buyer::new();
    let company = b.fx.company.clone();
    let other =
        b.fx.store
            .create_supplier(
                &company,
                &SupplierInput {
                    name: "Kiln Ltd".into(),
                    contact_email: "sales@kiln.example".into(),
                    ..Default::default()
                },
            )
            .unwrap();
    let mug = b.mug.clone();
    let supplier = b.supplier.clone();
    b.fx.store
        .link_supplier(
            &mug,
            &supplier,
            &ProductSupplierInput {
                preferred: true,
                ..link(7, "2.50")
            },
        )
        .unwrap();
    b.fx.store
        .link_supplier(
            &mug,
            &other.id,
            &ProductSupplierInput {
                preferred: true,
                ..link(9, "3")
            },
        )
        .unwrap();
    let links = b.fx.store.product_suppliers(&mug).unwrap();
    let preferred: Vec<_> = links
        .iter()
        .map(|l| (l.supplier_name.as_str(), l.preferred))
        .collect();
    assert_eq!(
        preferred,
        [("Kiln Ltd", true), ("Potter & Co", false)],
        "the newest preference wins, listed first"
    );
    assert_eq!(b.fx.store.supplier_products(&other.id).unwrap().len(), 1);
}

#[test]
fn an_archived_supplier_takes_no_new_orders_and_comes_back() {
    let mut b = Buyer::new();
    let (supplier, mug) = (b.supplier.clone(), b.mug.clone());
    assert!(
        b.fx.store
            .set_supplier_archived(&supplier, true)
            .unwrap()
            .archived
    );
    assert!(b
        .fx
        .store
        .list_suppliers(&b.fx.company, false)
        .unwrap()
        .is_empty());
    let err = b.refused("validation", |b| b.order(&[(&mug, 1)], false));
    assert_eq!(err.field(), Some("supplier_id"));
    assert!(
        !b.fx
            .store
            .set_supplier_archived(&supplier, false)
            .unwrap()
            .archived
    );
    b.order(&[(&mug, 1)], false).unwrap();
}
