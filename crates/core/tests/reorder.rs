//! Draft purchase orders from low-stock alerts: one order per supplier and warehouse with the
//! suggested quantities, the alerts left out with their reasons, and refusals that write nothing.

mod common;

use common::{snapshot, Fixture};
use stockflow_core::*;

/// A shop with two warehouses, two suppliers and products selling below their thresholds.
///
/// | product | threshold | Main: stock, sold | Back: stock, sold | supplier (lead, cost, MOQ, pack) |
/// | MUG     | 10        | 12, 5 -> 7        | 12, 4 -> 8        | Potter (7 d, 2.50, 12, 6), preferred |
/// | PLATE   | 10        | 10, 3 -> 7        | -                 | Potter (7 d, 4.00, 1, 1) |
/// | NAIL    | 20        | 15, 6 -> 9        | 25, 10 -> 15      | Nailsworth (3 d, 1.85, 10, 10) |
/// | GLUE    | 10        | 8, 2 -> 6         | -                 | none |
struct Shop {
    fx: Fixture,
    main: String,
    back: String,
    potter: String,
    nailsworth: String,
    mug: String,
    plate: String,
    nail: String,
    glue: String,
}

fn link(lead_time_days: i64, unit_cost: &str, moq: i64, pack: i64) -> ProductSupplierInput {
    ProductSupplierInput {
        lead_time_days,
        unit_cost: unit_cost.into(),
        moq: Some(moq),
        pack_multiple: Some(pack),
        ..Default::default()
    }
}

impl Shop {
    fn new() -> Shop {
        let mut fx = Fixture::with_company("Acme");
        let main = fx.warehouse("Main");
        let back = fx.warehouse("Back");
        let company = fx.company.clone();
        let mut product = |sku: &str, threshold: i64, stock: &[(&str, i64)]| {
            fx.store
                .create_product(
                    &company,
                    &ProductInput {
                        sku: sku.into(),
                        name: format!("{sku} name"),
                        price: "9.99".into(),
                        threshold: Some(threshold),
                        initial_stock: stock
                            .iter()
                            .map(|(w, q)| InitialStock {
                                warehouse_id: w.to_string(),
                                quantity: *q,
                            })
                            .collect(),
                        ..Default::default()
                    },
                )
                .unwrap()
                .id
        };
        let mug = product("MUG", 10, &[(&main, 12), (&back, 12)]);
        let plate = product("PLATE", 10, &[(&main, 10)]);
        let nail = product("NAIL", 20, &[(&main, 15), (&back, 25)]);
        let glue = product("GLUE", 10, &[(&main, 8)]);
        let mut supplier = |name: &str| {
            fx.store
                .create_supplier(
                    &company,
                    &SupplierInput {
                        name: name.into(),
                        contact_email: "orders@supplier.example".into(),
                        ..Default::default()
                    },
                )
                .unwrap()
                .id
        };
        let potter = supplier("Potter & Co");
        let nailsworth = supplier("Nailsworth Supply");
        let mut shop = Shop {
            fx,
            main,
            back,
            potter,
            nailsworth,
            mug,
            plate,
            nail,
            glue,
        };
        let s = &mut shop.fx.store;
        s.link_supplier(
            &shop.mug,
            &shop.potter,
            &ProductSupplierInput {
                preferred: true,
                ..link(7, "2.50", 12, 6)
            },
        )
        .unwrap();
        s.link_supplier(&shop.plate, &shop.potter, &link(7, "4.00", 1, 1))
            .unwrap();
        s.link_supplier(&shop.nail, &shop.nailsworth, &link(3, "1.85", 10, 10))
            .unwrap();
        let (main, back) = (shop.main.clone(), shop.back.clone());
        for (product, warehouse, qty) in [
            (shop.mug.clone(), &main, 5),
            (shop.mug.clone(), &back, 4),
            (shop.plate.clone(), &main, 3),
            (shop.nail.clone(), &main, 6),
            (shop.nail.clone(), &back, 10),
            (shop.glue.clone(), &main, 2),
        ] {
            shop.sell(&product, warehouse, qty);
        }
        shop
    }

    fn sell(&mut self, product: &str, warehouse: &str, quantity: i64) {
        self.fx
            .store
            .record_sale(
                &self.fx.company.clone(),
                &SaleInput {
                    warehouse_id: warehouse.into(),
                    lines: vec![SaleLineInput {
                        product_id: product.into(),
                        quantity,
                        unit_price: None,
                    }],
                    note: None,
                },
            )
            .unwrap();
    }

    /// Alerts as of a minute from now: every sale above is inside the window.
    fn query(&self) -> AlertQuery {
        AlertQuery {
            company_id: self.fx.company.clone(),
            now: Some((chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339()),
            ..Default::default()
        }
    }

    fn alerts(&self) -> Vec<Alert> {
        self.fx
            .store
            .low_stock_alerts(&self.query())
            .unwrap()
            .alerts
    }

    fn draft(&mut self, selection: Option<Vec<(&str, &str)>>) -> Result<DraftedOrders> {
        let input = DraftFromAlertsInput {
            query: self.query(),
            selection: selection.map(|keys| {
                keys.into_iter()
                    .map(|(p, w)| AlertKey {
                        product_id: p.into(),
                        warehouse_id: w.into(),
                    })
                    .collect()
            }),
        };
        self.fx.store.draft_orders_from_alerts(&input)
    }

    fn draft_with(
        &mut self,
        edit: impl FnOnce(&mut DraftFromAlertsInput),
    ) -> Result<DraftedOrders> {
        let mut input = DraftFromAlertsInput {
            query: self.query(),
            selection: None,
        };
        edit(&mut input);
        self.fx.store.draft_orders_from_alerts(&input)
    }
}

/// Orders as "supplier / warehouse: SKU quantity @ unit cost, ...", in the order returned.
fn orders(d: &DraftedOrders) -> Vec<String> {
    d.orders
        .iter()
        .map(|o| {
            let lines: Vec<String> = o
                .lines
                .iter()
                .map(|l| format!("{} {} @ {}", l.sku, l.quantity_ordered, l.unit_cost))
                .collect();
            format!(
                "{} / {}: {}",
                o.supplier_name,
                o.warehouse_name,
                lines.join(", ")
            )
        })
        .collect()
}

/// Skipped alerts as (sku, warehouse, reason).
fn skipped(d: &DraftedOrders) -> Vec<(&str, &str, SkipReason)> {
    d.skipped
        .iter()
        .map(|s| (s.sku.as_str(), s.warehouse_name.as_str(), s.reason))
        .collect()
}

#[test]
fn every_alert_becomes_a_line_on_one_draft_per_supplier_and_warehouse() {
    let mut shop = Shop::new();
    let alerts = shop.alerts();
    let suggested = |sku: &str, warehouse: &str| {
        alerts
            .iter()
            .find(|a| a.sku == sku && a.warehouse_name == warehouse)
            .unwrap_or_else(|| panic!("{sku} in {warehouse} should alert"))
            .suggested_order_qty
    };
    // MUG in Main: sold 5 in 30 days; cover 7 + 7 days: ceil(5*14/30) + 10 = 13, less 7 on
    // hand = 6, raised to the MOQ of 12 (two packs of 6). PLATE: ceil(3*14/30) + 10 - 7 = 5.
    // NAIL in Main: ceil(6*10/30) + 20 - 9 = 13, in packs of 10: 20. In Back: ceil(10*10/30)
    // + 20 - 15 = 9, raised to the MOQ: 10.
    assert_eq!(
        [
            suggested("MUG", "Main"),
            suggested("MUG", "Back"),
            suggested("PLATE", "Main"),
            suggested("NAIL", "Main"),
            suggested("NAIL", "Back"),
        ],
        [12, 12, 5, 20, 10]
    );

    let drafted = shop.draft(None).unwrap();
    assert_eq!(
        orders(&drafted),
        [
            "Nailsworth Supply / Back: NAIL 10 @ 1.85",
            "Nailsworth Supply / Main: NAIL 20 @ 1.85",
            "Potter & Co / Back: MUG 12 @ 2.50",
            "Potter & Co / Main: MUG 12 @ 2.50, PLATE 5 @ 4.00",
        ],
        "one draft per supplier and warehouse, the suggested quantities at the supplier's costs, most urgent line first"
    );
    for o in &drafted.orders {
        assert_eq!(o.status, PurchaseOrderStatus::Draft);
        assert_eq!(o.note.as_deref(), Some("Drafted from low-stock alerts"));
        assert_eq!(
            shop.fx.store.get_purchase_order(&o.id).unwrap(),
            *o,
            "what is returned is what was stored"
        );
    }
    assert_eq!(drafted.orders[3].total.to_string(), "50.00");
    assert_eq!(
        skipped(&drafted),
        [("GLUE", "Main", SkipReason::NoSupplier)]
    );
    assert!(drafted.skipped[0].message.contains("GLUE"));
    assert_eq!(
        shop.fx
            .store
            .list_purchase_orders(&PurchaseOrderQuery {
                company_id: shop.fx.company.clone(),
                ..Default::default()
            })
            .unwrap()
            .total,
        4
    );
}

#[test]
fn once_the_drafts_are_sent_a_second_run_orders_nothing_more() {
    let mut shop = Shop::new();
    let first = shop.draft(None).unwrap();
    assert_eq!(first.orders.len(), 4);

    // Still drafts: a second click orders nothing twice.
    let again = shop.draft(None).unwrap();
    assert!(again.orders.is_empty(), "{:?}", orders(&again));
    assert!(again
        .skipped
        .iter()
        .filter(|s| s.sku != "GLUE")
        .all(|s| s.reason == SkipReason::AlreadyOnDraft));
    let mug_main = again
        .skipped
        .iter()
        .find(|s| s.sku == "MUG" && s.warehouse_name == "Main")
        .unwrap();
    assert_eq!(
        mug_main.purchase_order_id.as_deref(),
        Some(first.orders[3].id.as_str()),
        "the skipped alert points at the draft that has it"
    );

    for o in &first.orders {
        shop.fx.store.send_purchase_order(&o.id).unwrap();
    }
    let on_order = shop.fx.store.on_order(&shop.fx.company, None).unwrap();
    assert_eq!(
        on_order.iter().map(|o| o.quantity).sum::<i64>(),
        12 + 12 + 5 + 20 + 10
    );

    let after = shop.draft(None).unwrap();
    assert!(
        after.orders.is_empty(),
        "on order now covers every alert: {:?}",
        orders(&after)
    );
    // In the alerts' order: days until stock-out, then SKU, then warehouse.
    assert_eq!(
        skipped(&after),
        [
            ("MUG", "Main", SkipReason::CoveredByOnOrder),
            ("NAIL", "Back", SkipReason::CoveredByOnOrder),
            ("NAIL", "Main", SkipReason::CoveredByOnOrder),
            ("MUG", "Back", SkipReason::CoveredByOnOrder),
            ("PLATE", "Main", SkipReason::CoveredByOnOrder),
            ("GLUE", "Main", SkipReason::NoSupplier),
        ]
    );
    assert_eq!(
        after
            .skipped
            .iter()
            .find(|s| s.sku == "NAIL" && s.warehouse_name == "Main")
            .unwrap()
            .message,
        "the 20 units on order already cover what Main needs"
    );
}

#[test]
fn a_selection_orders_only_the_rows_chosen_and_reports_those_that_no_longer_alert() {
    let mut shop = Shop::new();
    let (mug, nail, plate) = (shop.mug.clone(), shop.nail.clone(), shop.plate.clone());
    let (main, back) = (shop.main.clone(), shop.back.clone());
    let drafted = shop
        .draft(Some(vec![
            (&mug, &main),
            (&nail, &back),
            (&plate, &back), // PLATE has no stock in Back: it does not alert there
            (&mug, &main),   // twice: ordered once
        ]))
        .unwrap();
    assert_eq!(
        orders(&drafted),
        [
            "Nailsworth Supply / Back: NAIL 10 @ 1.85",
            "Potter & Co / Main: MUG 12 @ 2.50",
        ]
    );
    assert_eq!(
        skipped(&drafted),
        [("PLATE", "Back", SkipReason::NoLongerAlerting)]
    );

    // Restocked since it was selected: no longer alerts, nothing ordered.
    let glue = shop.glue.clone();
    shop.fx
        .store
        .receive_stock(
            &shop.fx.company.clone(),
            &ReceiptInput {
                warehouse_id: main.clone(),
                lines: vec![QuantityLine {
                    product_id: glue.clone(),
                    quantity: 50,
                }],
                note: None,
            },
        )
        .unwrap();
    let drafted = shop
        .draft(Some(vec![(&glue, &main), (&plate, &main)]))
        .unwrap();
    assert_eq!(orders(&drafted), ["Potter & Co / Main: PLATE 5 @ 4.00"]);
    assert_eq!(
        skipped(&drafted),
        [("GLUE", "Main", SkipReason::NoLongerAlerting)]
    );
}

#[test]
fn the_alert_filters_choose_what_is_ordered() {
    let mut shop = Shop::new();
    let potter = shop.potter.clone();
    let drafted = shop
        .draft_with(|i| i.query.supplier_id = Some(potter.clone()))
        .unwrap();
    assert_eq!(
        orders(&drafted),
        [
            "Potter & Co / Back: MUG 12 @ 2.50",
            "Potter & Co / Main: MUG 12 @ 2.50, PLATE 5 @ 4.00",
        ]
    );
    assert!(
        drafted.skipped.is_empty(),
        "GLUE has no supplier: not Potter's"
    );

    let back = shop.back.clone();
    let drafted = shop
        .draft_with(|i| {
            i.query.warehouse_id = Some(back.clone());
            i.query.search = Some("nai".into());
        })
        .unwrap();
    assert_eq!(
        orders(&drafted),
        ["Nailsworth Supply / Back: NAIL 10 @ 1.85"]
    );
}

#[test]
fn an_archived_supplier_gets_no_order() {
    let mut shop = Shop::new();
    let nailsworth = shop.nailsworth.clone();
    shop.fx
        .store
        .set_supplier_archived(&nailsworth, true)
        .unwrap();
    let drafted = shop.draft(None).unwrap();
    assert!(drafted
        .orders
        .iter()
        .all(|o| o.supplier_name == "Potter & Co"));
    let nails: Vec<_> = drafted
        .skipped
        .iter()
        .filter(|s| s.sku == "NAIL")
        .map(|s| (s.reason, s.message.as_str()))
        .collect();
    assert_eq!(
        nails,
        [
            (
                SkipReason::SupplierArchived,
                "Nailsworth Supply is archived: choose another supplier"
            ),
            (
                SkipReason::SupplierArchived,
                "Nailsworth Supply is archived: choose another supplier"
            ),
        ]
    );
}

#[test]
fn bad_input_is_refused_with_a_typed_error_and_writes_nothing() {
    let mut shop = Shop::new();
    let other = {
        let c = shop
            .fx
            .store
            .create_company(&CompanyInput {
                name: "Other".into(),
                ..Default::default()
            })
            .unwrap();
        shop.fx
            .store
            .create_warehouse(
                &c.id,
                &WarehouseInput {
                    name: "Elsewhere".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
    };
    let (mug, main) = (shop.mug.clone(), shop.main.clone());
    let main2 = main.clone();
    type Edit = Box<dyn Fn(&mut DraftFromAlertsInput)>;
    let cases: Vec<(&str, Edit, &str, Option<&str>)> = vec![
        (
            "unknown company",
            Box::new(|i| i.query.company_id = "no-such-company".into()),
            "not_found",
            None,
        ),
        (
            "a warehouse filter of another company",
            Box::new(move |i| i.query.warehouse_id = Some(other.clone())),
            "not_found",
            None,
        ),
        (
            "an unknown supplier filter",
            Box::new(|i| i.query.supplier_id = Some("nope".into())),
            "not_found",
            None,
        ),
        (
            "an unknown product type filter",
            Box::new(|i| i.query.product_type_id = Some("nope".into())),
            "not_found",
            None,
        ),
        (
            "a window too long",
            Box::new(|i| i.query.window_days = 400),
            "validation",
            Some("window_days"),
        ),
        (
            "an unreadable now",
            Box::new(|i| i.query.now = Some("yesterday".into())),
            "validation",
            Some("now"),
        ),
        (
            "an empty selection",
            Box::new(|i| i.selection = Some(vec![])),
            "validation",
            Some("selection"),
        ),
        (
            "a blank product id",
            Box::new(move |i| {
                i.selection = Some(vec![AlertKey {
                    product_id: " ".into(),
                    warehouse_id: main2.clone(),
                }])
            }),
            "validation",
            Some("selection"),
        ),
        (
            "an unknown product beside a good one",
            Box::new(move |i| {
                i.selection = Some(vec![
                    AlertKey {
                        product_id: mug.clone(),
                        warehouse_id: main.clone(),
                    },
                    AlertKey {
                        product_id: "0190-not-a-product".into(),
                        warehouse_id: main.clone(),
                    },
                ])
            }),
            "not_found",
            None,
        ),
    ];
    for (what, edit, code, field) in cases {
        let before = snapshot(&shop.fx.path);
        let err = shop.draft_with(|i| edit(i)).expect_err(what);
        assert_eq!(err.code(), code, "{what}: {err}");
        assert_eq!(err.field(), field, "{what}: {err}");
        assert_eq!(
            snapshot(&shop.fx.path),
            before,
            "{what}: refused, yet something was written"
        );
    }
    assert_eq!(
        shop.fx.count("purchase_orders"),
        0,
        "no order from any refusal"
    );
}
