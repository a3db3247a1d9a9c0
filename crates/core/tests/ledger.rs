//! The stock ledger: receipts, adjustments, transfers, sales, returns, kits, counts and
//! history; refusals that write nothing; kept stock levels always equal to the ledger.

mod common;

use common::{snapshot, Fixture};
use stockflow_core::*;

/// A company with warehouses "Main" and "Back" and products by SKU with opening stock in Main.
struct Shop {
    fx: Fixture,
    main: String,
    back: String,
}

impl Shop {
    fn new(products: &[(&str, &str, i64)]) -> Shop {
        let mut fx = Fixture::with_company("Acme");
        let main = fx.warehouse("Main");
        let back = fx.warehouse("Back");
        for (sku, price, qty) in products {
            fx.store
                .create_product(
                    &fx.company,
                    &ProductInput {
                        sku: sku.to_string(),
                        name: format!("Product {sku}"),
                        price: price.to_string(),
                        initial_stock: vec![InitialStock {
                            warehouse_id: main.clone(),
                            quantity: *qty,
                        }],
                        ..Default::default()
                    },
                )
                .unwrap();
        }
        Shop { fx, main, back }
    }

    fn id(&self, sku: &str) -> String {
        self.fx
            .store
            .find_product_by_sku(&self.fx.company, sku)
            .unwrap()
            .id
    }

    fn line(&self, sku: &str, quantity: i64) -> QuantityLine {
        QuantityLine {
            product_id: self.id(sku),
            quantity,
        }
    }

    fn on_hand(&self, sku: &str, warehouse: &str) -> i64 {
        let p = self
            .fx
            .store
            .find_product_by_sku(&self.fx.company, sku)
            .unwrap();
        p.stock
            .iter()
            .find(|s| s.warehouse_id == warehouse)
            .map_or(0, |s| s.on_hand)
    }

    fn sell(&mut self, lines: &[(&str, i64)]) -> Result<Sale> {
        let lines = lines
            .iter()
            .map(|(sku, q)| SaleLineInput {
                product_id: self.id(sku),
                quantity: *q,
                unit_price: None,
            })
            .collect();
        let input = SaleInput {
            warehouse_id: self.main.clone(),
            lines,
            note: None,
        };
        self.fx.store.record_sale(&self.fx.company, &input)
    }

    fn assert_ledger_agrees(&self) {
        assert_eq!(
            self.fx.store.kept_levels().unwrap(),
            self.fx.store.ledger_levels().unwrap(),
            "stock levels must equal what the ledger says"
        );
    }

    /// Asserts `f` fails with `code` and writes nothing.
    fn refused<T: std::fmt::Debug>(
        &mut self,
        code: &str,
        f: impl FnOnce(&mut Shop) -> Result<T>,
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

#[test]
fn receipts_adjustments_and_transfers_move_stock_and_keep_the_ledger() {
    let mut shop = Shop::new(&[("A", "1", 10)]);
    let (company, main, back) = (
        shop.fx.company.clone(),
        shop.main.clone(),
        shop.back.clone(),
    );
    let a = shop.line("A", 5);
    shop.fx
        .store
        .receive_stock(
            &company,
            &ReceiptInput {
                warehouse_id: main.clone(),
                lines: vec![a],
                note: Some("delivery".into()),
            },
        )
        .unwrap();
    assert_eq!(shop.on_hand("A", &main), 15);

    let result = shop
        .fx
        .store
        .adjust_stock(
            &company,
            &AdjustmentInput {
                warehouse_id: main.clone(),
                reason: "Damaged".into(),
                lines: vec![shop.line("A", -2)],
                note: None,
            },
        )
        .unwrap();
    assert_eq!(
        result.movements[0].reason.as_deref(),
        Some("damaged"),
        "the company's spelling of the reason"
    );
    assert_eq!(shop.on_hand("A", &main), 13);

    let moved = shop
        .fx
        .store
        .transfer_stock(
            &company,
            &TransferInput {
                from_warehouse_id: main.clone(),
                to_warehouse_id: back.clone(),
                lines: vec![shop.line("A", 4)],
                note: None,
            },
        )
        .unwrap();
    let kinds: Vec<_> = moved
        .movements
        .iter()
        .map(|m| (m.kind, m.quantity))
        .collect();
    assert_eq!(
        kinds,
        [
            (MovementKind::TransferOut, -4),
            (MovementKind::TransferIn, 4)
        ]
    );
    assert_eq!(
        moved.movements[0].reference_id, moved.movements[1].reference_id,
        "one transfer"
    );
    assert_eq!((shop.on_hand("A", &main), shop.on_hand("A", &back)), (9, 4));
    shop.assert_ledger_agrees();
}

#[test]
fn nothing_goes_below_zero_by_surprise() {
    let mut shop = Shop::new(&[("A", "1", 3)]);
    let (company, main, back) = (
        shop.fx.company.clone(),
        shop.main.clone(),
        shop.back.clone(),
    );
    let err = shop.refused("insufficient_stock", |s| s.sell(&[("A", 4)]));
    assert_eq!(
        err.to_string(),
        "not enough stock of A in Main: 4 requested, 3 on hand"
    );
    let line = shop.line("A", -4);
    shop.refused("insufficient_stock", |s| {
        s.fx.store.adjust_stock(
            &company,
            &AdjustmentInput {
                warehouse_id: main.clone(),
                reason: "lost".into(),
                lines: vec![line],
                note: None,
            },
        )
    });
    let line = shop.line("A", 4);
    shop.refused("insufficient_stock", |s| {
        s.fx.store.transfer_stock(
            &company,
            &TransferInput {
                from_warehouse_id: main.clone(),
                to_warehouse_id: back.clone(),
                lines: vec![line],
                note: None,
            },
        )
    });
    // Two lines of the same product add up before the check.
    shop.refused("insufficient_stock", |s| s.sell(&[("A", 2), ("A", 2)]));

    // With backorders allowed, the sale goes through and on hand goes negative.
    shop.fx
        .store
        .update_company(
            &company,
            &CompanyInput {
                name: "Acme".into(),
                allow_backorders: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    shop.sell(&[("A", 4)]).unwrap();
    assert_eq!(shop.on_hand("A", &main), -1);
    shop.assert_ledger_agrees();
}

#[test]
fn bad_movement_input_is_refused_and_writes_nothing() {
    let mut shop = Shop::new(&[("A", "1", 3)]);
    let (company, main) = (shop.fx.company.clone(), shop.main.clone());
    let a = shop.line("A", 1);
    let receipt = |lines: Vec<QuantityLine>, w: &str| ReceiptInput {
        warehouse_id: w.into(),
        lines,
        note: None,
    };
    for (code, input) in [
        ("validation", receipt(vec![], &main)),
        (
            "validation",
            receipt(
                vec![QuantityLine {
                    quantity: 0,
                    ..a.clone()
                }],
                &main,
            ),
        ),
        (
            "validation",
            receipt(
                vec![QuantityLine {
                    quantity: -1,
                    ..a.clone()
                }],
                &main,
            ),
        ),
        (
            "not_found",
            receipt(
                vec![QuantityLine {
                    product_id: "nope".into(),
                    quantity: 1,
                }],
                &main,
            ),
        ),
        ("not_found", receipt(vec![a.clone()], "nope")),
    ] {
        shop.refused(code, |s| s.fx.store.receive_stock(&company, &input));
    }
    let err = shop.refused("validation", |s| {
        s.fx.store.adjust_stock(
            &company,
            &AdjustmentInput {
                warehouse_id: main.clone(),
                reason: "stolen by elves".into(),
                lines: vec![a.clone()],
                note: None,
            },
        )
    });
    assert_eq!(err.field(), Some("reason"));
    let err = shop.refused("validation", |s| {
        s.fx.store.transfer_stock(
            &company,
            &TransferInput {
                from_warehouse_id: main.clone(),
                to_warehouse_id: main.clone(),
                lines: vec![a.clone()],
                note: None,
            },
        )
    });
    assert_eq!(err.field(), Some("to_warehouse_id"));
    let bad_price = SaleInput {
        warehouse_id: main.clone(),
        lines: vec![SaleLineInput {
            product_id: a.product_id.clone(),
            quantity: 1,
            unit_price: Some("1.00001".into()),
        }],
        note: None,
    };
    let err = shop.refused("validation", |s| {
        s.fx.store.record_sale(&company, &bad_price)
    });
    assert_eq!(err.field(), Some("unit_price"));
}

#[test]
fn a_sale_totals_exactly_and_records_its_movements_and_rollup() {
    let mut shop = Shop::new(&[("A", "19.99", 10), ("B", "0.10", 10)]);
    let main = shop.main.clone();
    let sale = shop.sell(&[("A", 3), ("B", 3)]).unwrap();
    assert_eq!(
        sale.total.to_string(),
        "60.27",
        "3 x 19.99 + 3 x 0.10, exactly"
    );
    assert_eq!(sale.lines[0].line_total.to_string(), "59.97");

    let custom = SaleInput {
        warehouse_id: main.clone(),
        lines: vec![SaleLineInput {
            product_id: shop.id("A"),
            quantity: 1,
            unit_price: Some("15".into()),
        }],
        note: Some("staff discount".into()),
    };
    let discounted = shop
        .fx
        .store
        .record_sale(&shop.fx.company.clone(), &custom)
        .unwrap();
    assert_eq!(discounted.total.to_string(), "15");
    assert_eq!(shop.on_hand("A", &main), 6);

    let today = shop.fx.store.daily_sales(&shop.id("A"), None, 1).unwrap();
    assert_eq!(today.len(), 1);
    assert_eq!(today[0].units, 4, "today's rollup holds both sales");
    let page = shop
        .fx
        .store
        .list_sales(&SaleQuery {
            company_id: shop.fx.company.clone(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].id, discounted.id, "newest first");
    shop.assert_ledger_agrees();
}

#[test]
fn returns_come_back_into_stock_and_never_exceed_what_was_sold() {
    let mut shop = Shop::new(&[("A", "2", 10)]);
    let (company, main) = (shop.fx.company.clone(), shop.main.clone());
    let sale = shop.sell(&[("A", 3)]).unwrap();
    let back = ReturnInput {
        sale_id: sale.id.clone(),
        lines: vec![shop.line("A", 2)],
        note: None,
    };
    let after = shop.fx.store.record_return(&company, &back).unwrap();
    assert_eq!(after.lines[0].returned, 2);
    assert_eq!(shop.on_hand("A", &main), 9);

    let too_many = ReturnInput {
        sale_id: sale.id.clone(),
        lines: vec![shop.line("A", 2)],
        note: None,
    };
    let err = shop.refused("validation", |s| {
        s.fx.store.record_return(&company, &too_many)
    });
    assert!(err.to_string().contains("only 1 of A"), "{err}");
    let unknown = ReturnInput {
        sale_id: "nope".into(),
        lines: vec![shop.line("A", 1)],
        note: None,
    };
    shop.refused("not_found", |s| {
        s.fx.store.record_return(&company, &unknown)
    });

    let today = shop
        .fx
        .store
        .daily_sales(&shop.id("A"), Some(&main), 1)
        .unwrap();
    assert_eq!(today[0].units, 1, "units sold net of returns");
    shop.assert_ledger_agrees();
}

#[test]
fn kits_sell_their_components_all_or_nothing() {
    let mut shop = Shop::new(&[("CUP", "4", 10), ("SAUCER", "3", 4), ("SET", "6", 0)]);
    let main = shop.main.clone();
    let set = shop.id("SET");
    let kit = shop
        .fx
        .store
        .set_kit_components(&set, &[shop.line("CUP", 1), shop.line("SAUCER", 1)])
        .unwrap();
    assert!(kit.is_kit);
    assert_eq!(
        kit.stock.iter().map(|s| s.on_hand).collect::<Vec<_>>(),
        [4],
        "4 whole sets in Main"
    );

    let sale = shop.sell(&[("SET", 3)]).unwrap();
    assert_eq!(sale.total.to_string(), "18");
    assert!(sale.lines[0].is_kit);
    assert_eq!(
        (shop.on_hand("CUP", &main), shop.on_hand("SAUCER", &main)),
        (7, 1)
    );

    let err = shop.refused("insufficient_stock", |s| s.sell(&[("SET", 2)]));
    assert!(
        err.to_string().contains("SAUCER"),
        "names the component that is short: {err}"
    );
    // A kit line and a component line compete for the same cups.
    shop.refused("insufficient_stock", |s| {
        s.sell(&[("SET", 1), ("SAUCER", 1)])
    });

    let stock = shop
        .fx
        .store
        .list_stock(&StockQuery {
            company_id: shop.fx.company.clone(),
            ..Default::default()
        })
        .unwrap();
    let set_row = stock
        .iter()
        .find(|r| r.sku == "SET")
        .expect("kits are listed with their availability");
    assert_eq!(
        (set_row.is_kit, set_row.on_hand, set_row.available),
        (true, 0, 1)
    );

    let company = shop.fx.company.clone();
    let of_sale = shop
        .fx
        .store
        .list_movements(&HistoryQuery {
            company_id: company.clone(),
            reference_id: Some(sale.id.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        of_sale.items.len(),
        2,
        "the sale's movements: one per component"
    );
    let back = ReturnInput {
        sale_id: sale.id,
        lines: vec![shop.line("SET", 1)],
        note: None,
    };
    shop.fx.store.record_return(&company, &back).unwrap();
    assert_eq!(
        (shop.on_hand("CUP", &main), shop.on_hand("SAUCER", &main)),
        (8, 2),
        "a returned kit brings its parts back"
    );
    let kit_days = shop.fx.store.daily_sales(&set, None, 1).unwrap();
    assert_eq!(
        kit_days[0].units, 2,
        "a kit's own series: 3 sold, 1 returned"
    );
    let cup_days = shop.fx.store.daily_sales(&shop.id("CUP"), None, 1).unwrap();
    assert_eq!(
        cup_days[0].units, 2,
        "and its components' demand: 3 cups out, 1 back"
    );
    shop.assert_ledger_agrees();
}

#[test]
fn kits_refuse_cycles_stock_history_and_stock_movements() {
    let mut shop = Shop::new(&[("A", "1", 5), ("K1", "1", 0), ("K2", "1", 0)]);
    let (k1, k2) = (shop.id("K1"), shop.id("K2"));
    shop.fx
        .store
        .set_kit_components(&k1, &[shop.line("K2", 1)])
        .unwrap();
    shop.fx
        .store
        .set_kit_components(&k2, &[shop.line("A", 2)])
        .unwrap();
    let nested = shop
        .fx
        .store
        .find_product_by_sku(&shop.fx.company, "K1")
        .unwrap();
    assert_eq!(
        nested.stock[0].on_hand, 2,
        "K1 = K2 = 2 x A: 5 A make 2 whole K1"
    );

    let cycle = [shop.line("K1", 1)];
    let err = shop.refused("validation", |s| s.fx.store.set_kit_components(&k2, &cycle));
    assert_eq!(err.field(), Some("components"));
    let itself = [shop.line("K1", 1)];
    shop.refused("validation", |s| {
        s.fx.store.set_kit_components(&k1, &itself)
    });
    let a = shop.id("A");
    let parts = [shop.line("K2", 1)];
    shop.refused("validation", |s| s.fx.store.set_kit_components(&a, &parts)); // A has stock history

    let (company, main) = (shop.fx.company.clone(), shop.main.clone());
    let receipt = ReceiptInput {
        warehouse_id: main,
        lines: vec![shop.line("K1", 1)],
        note: None,
    };
    shop.refused("validation", |s| {
        s.fx.store.receive_stock(&company, &receipt)
    });

    shop.sell(&[("K1", 2)]).unwrap();
    assert_eq!(shop.on_hand("A", &shop.main.clone()), 1);
    shop.assert_ledger_agrees();
}

#[test]
fn a_count_absorbs_earlier_movements_and_later_ones_still_apply() {
    let mut shop = Shop::new(&[("A", "1", 20)]);
    let (company, main) = (shop.fx.company.clone(), shop.main.clone());
    let at = |minutes: i64| (chrono::Utc::now() + chrono::Duration::minutes(minutes)).to_rfc3339();

    // A sale rang up now; the count says 12 as of one minute from now: the sale was already
    // gone from the shelf when counting, so on hand is what was counted.
    shop.sell(&[("A", 3)]).unwrap();
    let count = |qty: i64, at: String, s: &Shop| CountInput {
        warehouse_id: main.clone(),
        lines: vec![s.line("A", qty)],
        counted_at: Some(at),
    };
    let input = count(12, at(1), &shop);
    shop.fx.store.record_count(&company, &input).unwrap();
    assert_eq!(shop.on_hand("A", &main), 12);

    // A count dated an hour ago, arriving late (a count made offline): the newer count wins,
    // and nothing after it is lost.
    let input = count(50, at(-60), &shop);
    shop.fx.store.record_count(&company, &input).unwrap();
    assert_eq!(
        shop.on_hand("A", &main),
        12,
        "an older count does not override a newer one"
    );

    // A sale after the latest count applies on top of it: a count a minute ago, a sale now.
    let input = count(30, at(-1), &shop);
    let mut other = Shop::new(&[("A", "1", 0)]);
    let (c2, m2) = (other.fx.company.clone(), other.main.clone());
    let input2 = CountInput {
        warehouse_id: m2.clone(),
        lines: vec![other.line("A", 30)],
        counted_at: input.counted_at.clone(),
    };
    other.fx.store.record_count(&c2, &input2).unwrap();
    other.sell(&[("A", 4)]).unwrap();
    assert_eq!(
        other.on_hand("A", &m2),
        26,
        "30 counted a minute ago, 4 sold since"
    );
    shop.assert_ledger_agrees();
    other.assert_ledger_agrees();

    let err = shop.refused("validation", |s| {
        s.fx.store.record_count(
            &company,
            &CountInput {
                warehouse_id: main.clone(),
                lines: vec![s.line("A", 1)],
                counted_at: Some("yesterday".into()),
            },
        )
    });
    assert_eq!(err.field(), Some("counted_at"));
}

#[test]
fn history_lists_movements_newest_first_with_filters() {
    let mut shop = Shop::new(&[("A", "1", 10), ("B", "1", 10)]);
    let (company, main, back) = (
        shop.fx.company.clone(),
        shop.main.clone(),
        shop.back.clone(),
    );
    shop.sell(&[("A", 1)]).unwrap();
    shop.fx
        .store
        .adjust_stock(
            &company,
            &AdjustmentInput {
                warehouse_id: main.clone(),
                reason: "found".into(),
                lines: vec![shop.line("B", 2)],
                note: Some("behind the shelf".into()),
            },
        )
        .unwrap();
    shop.fx
        .store
        .transfer_stock(
            &company,
            &TransferInput {
                from_warehouse_id: main.clone(),
                to_warehouse_id: back.clone(),
                lines: vec![shop.line("A", 1)],
                note: None,
            },
        )
        .unwrap();

    let query = |f: &dyn Fn(&mut HistoryQuery)| {
        let mut q = HistoryQuery {
            company_id: company.clone(),
            ..Default::default()
        };
        f(&mut q);
        shop.fx.store.list_movements(&q).unwrap()
    };
    let all = query(&|_| {});
    let kinds: Vec<_> = all.items.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MovementKind::TransferIn,
            MovementKind::TransferOut,
            MovementKind::Adjustment,
            MovementKind::Sale,
            MovementKind::Opening,
            MovementKind::Opening
        ]
    );
    assert!(!all.has_more);
    assert_eq!(query(&|q| q.product_id = Some(shop.id("B"))).items.len(), 2);
    assert_eq!(
        query(&|q| q.warehouse_id = Some(back.clone())).items.len(),
        1
    );
    assert_eq!(
        query(&|q| q.kind = Some(MovementKind::Sale)).items[0].quantity,
        -1
    );
    let found = query(&|q| q.reason = Some("FOUND".into()));
    assert_eq!(found.items[0].note.as_deref(), Some("behind the shelf"));
    let page = query(&|q| q.limit = 2);
    assert_eq!((page.items.len(), page.has_more), (2, true));
    assert!(query(
        &|q| q.from = Some((chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339())
    )
    .items
    .is_empty());
}

#[test]
fn adjustment_reasons_are_an_editable_list() {
    let mut shop = Shop::new(&[("A", "1", 10)]);
    let company = shop.fx.company.clone();
    let names = |s: &Shop| {
        s.fx.store
            .list_adjustment_reasons(&company)
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&shop),
        ["correction", "damaged", "expired", "found", "lost"]
    );
    let theft = shop
        .fx
        .store
        .add_adjustment_reason(&company, "Theft")
        .unwrap();
    shop.refused("conflict", |s| {
        s.fx.store.add_adjustment_reason(&company, "theft")
    });
    shop.fx
        .store
        .remove_adjustment_reason(&company, &theft.id)
        .unwrap();
    assert!(!names(&shop).contains(&"Theft".to_string()));
    shop.fx
        .store
        .add_adjustment_reason(&company, "theft")
        .unwrap();
    assert!(
        names(&shop).contains(&"Theft".to_string()),
        "brought back under its first spelling"
    );
}

#[test]
fn the_scanner_finds_products_by_barcode_or_sku() {
    let mut fx = Fixture::with_company("Acme");
    let p = fx
        .store
        .create_product(
            &fx.company,
            &ProductInput {
                sku: "MUG-1".into(),
                name: "Mug".into(),
                price: "1".into(),
                barcode: Some("4006381333931".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        fx.store
            .find_product_by_code(&fx.company, "4006381333931")
            .unwrap()
            .id,
        p.id
    );
    assert_eq!(
        fx.store
            .find_product_by_code(&fx.company, " mug-1 ")
            .unwrap()
            .id,
        p.id
    );
    assert_eq!(
        fx.store
            .find_product_by_code(&fx.company, "MUG")
            .unwrap_err()
            .code(),
        "not_found"
    );
}

mod properties {
    //! Random movements, counts included, arriving out of time order as sync will deliver
    //! them: the kept stock levels always equal the levels recomputed from the ledger, and
    //! match a model computed independently here.

    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Receive {
            product: usize,
            warehouse: usize,
            quantity: i64,
        },
        Adjust {
            product: usize,
            warehouse: usize,
            quantity: i64,
        },
        Transfer {
            product: usize,
            from: usize,
            quantity: i64,
        },
        Sell {
            product: usize,
            warehouse: usize,
            quantity: i64,
        },
        /// A count as of `minutes` from now: in the past (before every other operation of the
        /// case, which all run within seconds) or in the future (after all of them). Never 0,
        /// so that the model below knows the order.
        Count {
            product: usize,
            warehouse: usize,
            quantity: i64,
            minutes: i64,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        let p = 0..2usize;
        let w = 0..2usize;
        prop_oneof![
            (p.clone(), w.clone(), 1..20i64).prop_map(|(product, warehouse, quantity)| {
                Op::Receive {
                    product,
                    warehouse,
                    quantity,
                }
            }),
            (p.clone(), w.clone(), prop_oneof![-9..0i64, 1..10i64]).prop_map(
                |(product, warehouse, quantity)| Op::Adjust {
                    product,
                    warehouse,
                    quantity
                }
            ),
            (p.clone(), w.clone(), 1..10i64).prop_map(|(product, from, quantity)| Op::Transfer {
                product,
                from,
                quantity
            }),
            (p.clone(), w.clone(), 1..5i64).prop_map(|(product, warehouse, quantity)| Op::Sell {
                product,
                warehouse,
                quantity
            }),
            (p, w, 0..30i64, prop_oneof![-120..0i64, 1..120i64]).prop_map(
                |(product, warehouse, quantity, minutes)| Op::Count {
                    product,
                    warehouse,
                    quantity,
                    minutes
                }
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn kept_levels_always_equal_the_ledger(ops in proptest::collection::vec(op(), 1..25)) {
            let mut fx = Fixture::with_company("Acme");
            let company = fx.company.clone();
            // Backorders on: every generated operation is accepted, so none is skipped.
            fx.store.update_company(&company, &CompanyInput { name: "Acme".into(), allow_backorders: Some(true), ..Default::default() }).unwrap();
            let warehouses = [fx.warehouse("W0"), fx.warehouse("W1")];
            let products: Vec<String> = (0..2)
                .map(|i| fx.store.create_product(&company, &ProductInput { sku: format!("P{i}"), name: "P".into(), price: "1".into(), ..Default::default() }).unwrap().id)
                .collect();
            let line = |p: usize, q: i64| vec![QuantityLine { product_id: products[p].clone(), quantity: q }];
            // The model: per (product, warehouse), the deltas, and the latest count as
            // (minutes, order of arrival, quantity).
            let mut deltas = [[0i64; 2]; 2];
            let mut latest: [[Option<(i64, usize, i64)>; 2]; 2] = [[None; 2]; 2];
            for (arrival, op) in ops.iter().enumerate() {
                match *op {
                    Op::Receive { product, warehouse, quantity } | Op::Adjust { product, warehouse, quantity } => deltas[product][warehouse] += quantity,
                    Op::Transfer { product, from, quantity } => {
                        deltas[product][from] -= quantity;
                        deltas[product][1 - from] += quantity;
                    }
                    Op::Sell { product, warehouse, quantity } => deltas[product][warehouse] -= quantity,
                    Op::Count { product, warehouse, quantity, minutes } => {
                        let slot = &mut latest[product][warehouse];
                        if slot.is_none_or(|(m, a, _)| (minutes, arrival) > (m, a)) {
                            *slot = Some((minutes, arrival, quantity));
                        }
                    }
                }
            }
            for op in &ops {
                match op.clone() {
                    Op::Receive { product, warehouse, quantity } => {
                        fx.store.receive_stock(&company, &ReceiptInput { warehouse_id: warehouses[warehouse].clone(), lines: line(product, quantity), note: None }).unwrap();
                    }
                    Op::Adjust { product, warehouse, quantity } => {
                        fx.store.adjust_stock(&company, &AdjustmentInput { warehouse_id: warehouses[warehouse].clone(), reason: "correction".into(), lines: line(product, quantity), note: None }).unwrap();
                    }
                    Op::Transfer { product, from, quantity } => {
                        fx.store.transfer_stock(&company, &TransferInput { from_warehouse_id: warehouses[from].clone(), to_warehouse_id: warehouses[1 - from].clone(), lines: line(product, quantity), note: None }).unwrap();
                    }
                    Op::Sell { product, warehouse, quantity } => {
                        let lines = vec![SaleLineInput { product_id: products[product].clone(), quantity, unit_price: None }];
                        fx.store.record_sale(&company, &SaleInput { warehouse_id: warehouses[warehouse].clone(), lines, note: None }).unwrap();
                    }
                    Op::Count { product, warehouse, quantity, minutes } => {
                        let at = (chrono::Utc::now() + chrono::Duration::minutes(minutes)).to_rfc3339();
                        fx.store.record_count(&company, &CountInput { warehouse_id: warehouses[warehouse].clone(), lines: line(product, quantity), counted_at: Some(at) }).unwrap();
                    }
                }
            }
            prop_assert_eq!(fx.store.kept_levels().unwrap(), fx.store.ledger_levels().unwrap());
            for (p, product) in products.iter().enumerate() {
                for (w, warehouse) in warehouses.iter().enumerate() {
                    let expected = match latest[p][w] {
                        None => deltas[p][w],
                        // A count in the future comes after every other movement.
                        Some((minutes, _, counted)) if minutes > 0 => counted,
                        // One in the past comes before all of them.
                        Some((_, _, counted)) => counted + deltas[p][w],
                    };
                    let on_hand = fx.store.get_product(product).unwrap().stock.iter()
                        .find(|s| &s.warehouse_id == warehouse).map_or(0, |s| s.on_hand);
                    prop_assert_eq!(on_hand, expected, "P{} in W{}", p, w);
                }
            }
        }
    }
}

#[test]
fn quantities_never_overflow_and_limits_apply_to_sums() {
    const MAX: i64 = 1_000_000_000;
    let mut shop = Shop::new(&[("P", "1", 5), ("K", "2", 0), ("BIG", "3", 0)]);
    let (company, main) = (shop.fx.company.clone(), shop.main.clone());
    let (p, k, big) = (shop.id("P"), shop.id("K"), shop.id("BIG"));

    // A recipe whose lines of one component add up to more than can ever move.
    let ten = vec![shop.line("P", MAX); 10];
    let err = shop.refused("validation", |s| s.fx.store.set_kit_components(&k, &ten));
    assert!(err.to_string().contains(&MAX.to_string()), "{err}");
    shop.fx
        .store
        .set_kit_components(&k, &[shop.line("P", MAX)])
        .unwrap();

    // Selling a billion of it would take a billion billion of P: a typo, not a shortage; ten
    // such lines once wrapped around to a negative demand and were accepted.
    let err = shop.refused("validation", |s| s.sell(&vec![("K", MAX); 10]));
    assert!(err.to_string().contains('P'), "names the component: {err}");
    shop.refused("validation", |s| s.sell(&[("K", MAX)]));
    // Lines of one product are capped together, whether plain or through a kit.
    shop.refused("validation", |s| {
        s.sell(&[("P", MAX), ("P", MAX), ("P", MAX)])
    });
    shop.refused("validation", |s| s.sell(&[("K", 1), ("P", 1)]));

    let receipt = ReceiptInput {
        warehouse_id: main.clone(),
        lines: vec![shop.line("P", MAX); 3],
        note: None,
    };
    let err = shop.refused("validation", |s| {
        s.fx.store.receive_stock(&company, &receipt)
    });
    assert_eq!(err.field(), Some("quantity"), "{err}");
    let transfer = TransferInput {
        from_warehouse_id: main.clone(),
        to_warehouse_id: shop.back.clone(),
        lines: vec![shop.line("P", MAX), shop.line("P", 1)],
        note: None,
    };
    shop.refused("validation", |s| {
        s.fx.store.transfer_stock(&company, &transfer)
    });
    let adjustment = AdjustmentInput {
        warehouse_id: main.clone(),
        reason: "found".into(),
        lines: vec![shop.line("P", MAX), shop.line("P", MAX)],
        note: None,
    };
    shop.refused("validation", |s| {
        s.fx.store.adjust_stock(&company, &adjustment)
    });
    let count = CountInput {
        warehouse_id: main.clone(),
        lines: vec![shop.line("P", MAX), shop.line("P", 1)],
        counted_at: None,
    };
    shop.refused("validation", |s| s.fx.store.record_count(&company, &count));

    // Nesting multiplies: a kit of a thousand kits of a million P each is a billion P per kit,
    // and one more level is refused when the recipe is set, not at the till.
    shop.fx
        .store
        .set_kit_components(&k, &[shop.line("P", 1_000_000)])
        .unwrap();
    shop.fx
        .store
        .set_kit_components(&big, &[shop.line("K", 1_000)])
        .unwrap();
    shop.refused("validation", |s| {
        s.fx.store.set_kit_components(&k, &[s.line("P", 1_000_001)])
    });
    shop.refused("validation", |s| s.sell(&[("BIG", 2)]));

    // What a user sees: P still 5 on hand, nothing sold, the ledger agreeing.
    assert_eq!(shop.on_hand("P", &main), 5);
    assert!(shop
        .fx
        .store
        .daily_sales(&p, None, 1)
        .unwrap()
        .iter()
        .all(|d| d.units == 0));
    shop.assert_ledger_agrees();
    // And what is within limits still sells.
    shop.fx
        .store
        .set_kit_components(&k, &[shop.line("P", 2)])
        .unwrap();
    shop.sell(&[("K", 2), ("P", 1)]).unwrap();
    assert_eq!(shop.on_hand("P", &main), 0);
}

#[test]
fn a_returned_kit_puts_back_what_its_sale_took_even_after_the_recipe_changed() {
    let mut shop = Shop::new(&[("X", "1", 20), ("M", "1", 20), ("K", "5", 0)]);
    let (company, main) = (shop.fx.company.clone(), shop.main.clone());
    let k = shop.id("K");
    shop.fx
        .store
        .set_kit_components(&k, &[shop.line("X", 2), shop.line("M", 1)])
        .unwrap();
    // Two kits and a plain X on one sale: the sale takes 5 X and 2 M.
    let sale = shop.sell(&[("K", 2), ("X", 1)]).unwrap();
    assert_eq!(
        (shop.on_hand("X", &main), shop.on_hand("M", &main)),
        (15, 18)
    );

    shop.fx
        .store
        .set_kit_components(&k, &[shop.line("X", 5)])
        .unwrap();
    let back = |lines: Vec<QuantityLine>| ReturnInput {
        sale_id: sale.id.clone(),
        lines,
        note: None,
    };
    shop.fx
        .store
        .record_return(&company, &back(vec![shop.line("K", 1)]))
        .unwrap();
    assert_eq!(
        (shop.on_hand("X", &main), shop.on_hand("M", &main)),
        (17, 19),
        "one kit back: its 2 X and 1 M as sold, not today's 5 X"
    );
    shop.fx
        .store
        .record_return(&company, &back(vec![shop.line("K", 1), shop.line("X", 1)]))
        .unwrap();
    assert_eq!(
        (shop.on_hand("X", &main), shop.on_hand("M", &main)),
        (20, 20),
        "everything back: on hand as before the sale"
    );
    for sku in ["X", "M"] {
        let days = shop.fx.store.daily_sales(&shop.id(sku), None, 1).unwrap();
        assert!(
            days.iter().all(|d| d.units == 0),
            "{sku}'s rollup nets to zero: {days:?}"
        );
    }
    shop.assert_ledger_agrees();
}

#[test]
fn a_return_shows_what_it_refunded_and_the_sale_its_net_total() {
    let mut shop = Shop::new(&[("A", "2.50", 10), ("B", "4", 10)]);
    let company = shop.fx.company.clone();
    let sale = shop.sell(&[("A", 3), ("B", 1)]).unwrap();
    assert_eq!(sale.total.to_string(), "11.50");
    assert_eq!(sale.refunded.to_string(), "0");
    assert_eq!(sale.net_total, sale.total);
    let back = ReturnInput {
        sale_id: sale.id.clone(),
        lines: vec![shop.line("A", 2)],
        note: None,
    };
    let after = shop.fx.store.record_return(&company, &back).unwrap();
    assert_eq!(
        after.refunded.to_string(),
        "5.00",
        "two at the price they were sold at"
    );
    assert_eq!(after.net_total.to_string(), "6.50");
    let listed = shop
        .fx
        .store
        .list_sales(&SaleQuery {
            company_id: company.clone(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.items[0].refunded.to_string(), "5.00");
    assert_eq!(listed.items[0].net_total.to_string(), "6.50");
}

#[test]
fn sales_are_numbered_in_order_and_found_by_number_and_day() {
    let mut shop = Shop::new(&[("A", "1", 100)]);
    let company = shop.fx.company.clone();
    let numbers: Vec<String> = (0..3)
        .map(|_| shop.sell(&[("A", 1)]).unwrap().number.unwrap())
        .collect();
    assert_eq!(numbers, ["S-0001", "S-0002", "S-0003"]);

    // Another process on the same file (the CLI beside the app) takes the next number, never
    // one already given.
    let mut other = Store::open(&shop.fx.path).unwrap();
    let fourth = other
        .record_sale(
            &company,
            &SaleInput {
                warehouse_id: shop.main.clone(),
                lines: vec![SaleLineInput {
                    product_id: shop.id("A"),
                    quantity: 1,
                    unit_price: None,
                }],
                note: None,
            },
        )
        .unwrap();
    assert_eq!(fourth.number.as_deref(), Some("S-0004"));
    assert_eq!(
        shop.sell(&[("A", 1)]).unwrap().number.as_deref(),
        Some("S-0005")
    );

    let query = |search: Option<&str>, from: Option<&str>, to: Option<&str>| SaleQuery {
        company_id: company.clone(),
        search: search.map(str::to_owned),
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        ..Default::default()
    };
    let found = shop
        .fx
        .store
        .list_sales(&query(Some(" s-0002"), None, None))
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.items[0].number.as_deref(), Some("S-0002"));
    let today = chrono::Utc::now().date_naive();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let yesterday = day(today.pred_opt().unwrap());
    let tomorrow = day(today.succ_opt().unwrap());
    let all = shop
        .fx
        .store
        .list_sales(&query(None, Some(&day(today)), Some(&day(today))))
        .unwrap();
    assert_eq!(all.total, 5, "from and to are inclusive days");
    let none = shop
        .fx
        .store
        .list_sales(&query(None, Some(&tomorrow), None))
        .unwrap();
    assert_eq!(none.total, 0);
    let before = shop
        .fx
        .store
        .list_sales(&query(None, None, Some(&yesterday)))
        .unwrap();
    assert_eq!(before.total, 0);
    for (from, to, field) in [
        (Some("31/12/2026"), None, "from"),
        (None, Some("2026-02-30"), "to"),
        (Some(tomorrow.as_str()), Some(yesterday.as_str()), "to"),
    ] {
        let err = shop
            .fx
            .store
            .list_sales(&query(None, from, to))
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation { field: f, .. } if f == field),
            "{from:?}..{to:?}: {err:?}"
        );
    }
}
