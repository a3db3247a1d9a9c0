//! Stock counts: every scan durable, review against expected, commit as count events that
//! absorb what happened before each line was counted and keep what happened after.

mod common;

use common::{snapshot, Fixture};
use stockflow_core::*;

struct Backroom {
    fx: Fixture,
    main: String,
    back: String,
}

impl Backroom {
    /// Products by SKU with opening stock in Main; "GLUE" has barcode 4001.
    fn new(products: &[(&str, i64)]) -> Backroom {
        let mut fx = Fixture::with_company("Acme");
        let main = fx.warehouse("Main");
        let back = fx.warehouse("Back");
        for (sku, qty) in products {
            let input = ProductInput {
                sku: sku.to_string(),
                name: format!("Product {sku}"),
                price: "1".into(),
                barcode: (*sku == "GLUE").then(|| "4001".to_string()),
                initial_stock: vec![InitialStock {
                    warehouse_id: main.clone(),
                    quantity: *qty,
                }],
                ..Default::default()
            };
            fx.store.create_product(&fx.company, &input).unwrap();
        }
        Backroom { fx, main, back }
    }

    fn id(&self, sku: &str) -> String {
        self.fx
            .store
            .find_product_by_sku(&self.fx.company, sku)
            .unwrap()
            .id
    }

    fn start(&mut self, warehouse: &str, scope: CountScope) -> Result<CountSession> {
        let input = CountSessionInput {
            warehouse_id: warehouse.to_owned(),
            scope,
            blind: true,
        };
        self.fx.store.start_count(&self.fx.company.clone(), &input)
    }

    fn scan(&mut self, session: &str, code: &str) -> Result<CountLine> {
        self.fx.store.scan(
            session,
            &ScanInput {
                code: code.into(),
                ..Default::default()
            },
        )
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

    fn sell(&mut self, sku: &str, quantity: i64) {
        let input = SaleInput {
            warehouse_id: self.main.clone(),
            lines: vec![SaleLineInput {
                product_id: self.id(sku),
                quantity,
                unit_price: None,
            }],
            note: None,
        };
        self.fx
            .store
            .record_sale(&self.fx.company.clone(), &input)
            .unwrap();
    }
}

#[test]
fn every_scan_is_saved_at_once_and_a_count_resumes_after_the_app_is_killed() {
    let mut b = Backroom::new(&[("MUG", 5), ("GLUE", 2)]);
    let main = b.main.clone();
    let session = b.start(&main, CountScope::All).unwrap();
    assert_eq!(
        session.number.as_deref(),
        Some("C-0001"),
        "a count has a human number"
    );
    for code in ["MUG", "MUG", "4001", "mug"] {
        b.scan(&session.id, code).unwrap();
    }
    // The process dies: nothing is flushed on the way out, the store is simply gone.
    let path = b.fx.path.clone();
    std::mem::forget(std::mem::replace(
        &mut b.fx.store,
        Store::open(&path).unwrap(),
    ));

    let resumed = b.fx.store.list_open_counts(&b.fx.company).unwrap();
    assert_eq!(resumed.len(), 1, "the open count is found again");
    let counted: Vec<_> = resumed[0]
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.counted))
        .collect();
    assert_eq!(counted.len(), 2);
    assert!(
        counted.contains(&("MUG", 3)) && counted.contains(&("GLUE", 1)),
        "{counted:?}"
    );
    assert_eq!((resumed[0].counted, resumed[0].in_scope), (2, 2));
}

#[test]
fn unknown_codes_are_refused_and_recorded_nowhere() {
    let mut b = Backroom::new(&[("MUG", 5)]);
    let main = b.main.clone();
    let session = b.start(&main, CountScope::All).unwrap().id;
    let before = snapshot(&b.fx.path);
    assert_eq!(b.scan(&session, "999999").unwrap_err().code(), "not_found");
    assert_eq!(b.scan(&session, "  ").unwrap_err().code(), "validation");
    assert_eq!(
        snapshot(&b.fx.path),
        before,
        "a refused scan writes nothing"
    );
}

#[test]
fn a_product_outside_the_scope_asks_before_it_is_added() {
    let mut b = Backroom::new(&[("MUG", 5), ("GLUE", 2)]);
    let (main, mug) = (b.main.clone(), b.id("MUG"));
    let session = b
        .start(
            &main,
            CountScope::Products {
                product_ids: vec![mug],
            },
        )
        .unwrap()
        .id;
    let err = b.scan(&session, "GLUE").unwrap_err();
    assert_eq!(err.code(), "confirmation_required");
    let line =
        b.fx.store
            .scan(
                &session,
                &ScanInput {
                    code: "GLUE".into(),
                    quantity: None,
                    confirm_out_of_scope: true,
                },
            )
            .unwrap();
    assert!(!line.in_scope);
    let typed =
        b.fx.store
            .scan(
                &session,
                &ScanInput {
                    code: "MUG".into(),
                    quantity: Some(12),
                    confirm_out_of_scope: false,
                },
            )
            .unwrap();
    assert_eq!(typed.counted, 12, "a typed quantity sets the line");
}

#[test]
fn uncounted_products_are_zeroed_or_left_as_the_user_chooses() {
    for (choice, glue_after) in [
        (UncountedChoice::TreatAsZero, 0),
        (UncountedChoice::Leave, 2),
    ] {
        let mut b = Backroom::new(&[("MUG", 5), ("GLUE", 2)]);
        let main = b.main.clone();
        let session = b.start(&main, CountScope::All).unwrap().id;
        b.scan(&session, "MUG").unwrap();
        let review = b.fx.store.review_count(&session).unwrap();
        assert_eq!(
            review
                .uncounted
                .iter()
                .map(|u| u.sku.as_str())
                .collect::<Vec<_>>(),
            ["GLUE"]
        );
        assert_eq!(
            (review.lines[0].expected, review.lines[0].variance),
            (5, -4)
        );

        let done = b.fx.store.commit_count(&session, choice).unwrap();
        assert_eq!(done.session.status, CountStatus::Committed);
        assert_eq!(
            (b.on_hand("MUG", &main), b.on_hand("GLUE", &main)),
            (1, glue_after),
            "{choice:?}"
        );
        assert_eq!(
            b.fx.store.kept_levels().unwrap(),
            b.fx.store.ledger_levels().unwrap()
        );
        assert_eq!(
            b.scan(&session, "MUG").unwrap_err().code(),
            "validation",
            "a committed count takes no scans"
        );
    }
}

#[test]
fn a_sale_before_a_line_was_counted_is_absorbed_and_one_after_still_applies() {
    let mut b = Backroom::new(&[("MUG", 10), ("GLUE", 10)]);
    let main = b.main.clone();
    let session = b.start(&main, CountScope::All).unwrap().id;

    b.sell("MUG", 3); // rung up before MUG was counted: already gone from the shelf
    b.fx.store
        .scan(
            &session,
            &ScanInput {
                code: "MUG".into(),
                quantity: Some(7),
                confirm_out_of_scope: false,
            },
        )
        .unwrap();
    b.fx.store
        .scan(
            &session,
            &ScanInput {
                code: "GLUE".into(),
                quantity: Some(10),
                confirm_out_of_scope: false,
            },
        )
        .unwrap();
    b.sell("GLUE", 4); // rung up after GLUE was counted, while counting went on

    let review = b.fx.store.review_count(&session).unwrap();
    let glue = review.lines.iter().find(|l| l.sku == "GLUE").unwrap();
    assert_eq!(
        glue.movements_since.len(),
        1,
        "the review shows the sale made since the scan"
    );
    assert_eq!(
        (glue.expected, glue.variance, glue.on_hand_after),
        (10, 0, 6)
    );

    b.fx.store
        .commit_count(&session, UncountedChoice::Leave)
        .unwrap();
    assert_eq!(
        b.on_hand("MUG", &main),
        7,
        "counted after the sale: the count is the truth"
    );
    assert_eq!(b.on_hand("GLUE", &main), 6, "10 counted, 4 sold since");
    assert_eq!(
        b.fx.store.kept_levels().unwrap(),
        b.fx.store.ledger_levels().unwrap()
    );
}

#[test]
fn two_warehouses_can_be_counted_at_once_but_not_one_twice() {
    let mut b = Backroom::new(&[("MUG", 5)]);
    let (main, back) = (b.main.clone(), b.back.clone());
    let one = b.start(&main, CountScope::All).unwrap();
    let two = b.start(&back, CountScope::All).unwrap();
    assert_eq!(
        b.start(&main, CountScope::All).unwrap_err().code(),
        "validation"
    );
    b.scan(&one.id, "MUG").unwrap();
    b.fx.store
        .scan(
            &two.id,
            &ScanInput {
                code: "MUG".into(),
                quantity: Some(4),
                confirm_out_of_scope: false,
            },
        )
        .unwrap();
    b.fx.store
        .commit_count(&one.id, UncountedChoice::Leave)
        .unwrap();
    b.fx.store
        .commit_count(&two.id, UncountedChoice::Leave)
        .unwrap();
    assert_eq!((b.on_hand("MUG", &main), b.on_hand("MUG", &back)), (1, 4));

    let paused = b.start(&main, CountScope::All).unwrap();
    let paused = b.fx.store.set_count_paused(&paused.id, true).unwrap();
    assert_eq!(paused.status, CountStatus::Paused);
    assert_eq!(
        b.fx.store.cancel_count(&paused.id).unwrap().status,
        CountStatus::Cancelled
    );
    assert_eq!(
        b.on_hand("MUG", &main),
        1,
        "a cancelled count changes nothing"
    );
}

#[test]
fn cycle_counting_lists_what_is_due_by_product_type() {
    let mut b = Backroom::new(&[("MUG", 5), ("GLUE", 2)]);
    let company = b.fx.company.clone();
    let main = b.main.clone();
    let fragile =
        b.fx.store
            .create_product_type(
                &company,
                &ProductTypeInput {
                    name: "Fragile".into(),
                    default_threshold: 5,
                    count_frequency_days: Some(30),
                },
            )
            .unwrap();
    let mug = b.fx.store.find_product_by_sku(&company, "MUG").unwrap();
    let input = ProductInput {
        sku: mug.sku.clone(),
        name: mug.name.clone(),
        price: "1".into(),
        product_type_id: Some(fragile.id.clone()),
        ..Default::default()
    };
    b.fx.store.update_product(&mug.id, &input).unwrap();

    let due = b.fx.store.counts_due(&company, &main).unwrap();
    assert_eq!(
        due.iter()
            .map(|d| (d.sku.as_str(), d.last_counted_at.is_none()))
            .collect::<Vec<_>>(),
        [("MUG", true)]
    );

    let session = b
        .start(
            &main,
            CountScope::Products {
                product_ids: due.iter().map(|d| d.product_id.clone()).collect(),
            },
        )
        .unwrap();
    b.scan(&session.id, "MUG").unwrap();
    b.fx.store
        .commit_count(&session.id, UncountedChoice::Leave)
        .unwrap();
    assert!(
        b.fx.store.counts_due(&company, &main).unwrap().is_empty(),
        "counted today: not due for 30 days"
    );
}
