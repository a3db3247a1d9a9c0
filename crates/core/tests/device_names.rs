//! Which computer made each movement (issue #13, item 5): a device name an owner sets, synced
//! so the other computers of the shop show it, a short readable fallback for unnamed ones
//! (never the raw id), and when a product and warehouse pair last moved on another computer.

mod common;

use common::{snapshot, Fixture, Relay};
use stockflow_core::*;

fn sale(store: &mut Store, company: &str, warehouse: &str, product: &str, quantity: i64) {
    store
        .record_sale(
            company,
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

fn history(store: &Store, company: &str) -> Vec<Movement> {
    store
        .list_movements(&HistoryQuery {
            company_id: company.into(),
            ..Default::default()
        })
        .unwrap()
        .items
}

/// The shop's first computer with a stocked mug, and a laptop that joined it.
fn shop_and_laptop() -> (Fixture, Fixture, Relay, String, String, i64) {
    let mut shop = Fixture::with_company("Harbour");
    let main = shop.warehouse("Main");
    let mug = shop
        .store
        .create_product(
            &shop.company,
            &ProductInput {
                sku: "MUG".into(),
                name: "Mug".into(),
                price: "4.00".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: main.clone(),
                    quantity: 10,
                }],
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let mut relay = Relay {
        company: shop.company.clone(),
        log: Vec::new(),
    };
    relay.push(&mut shop.store);
    let mut laptop = Fixture::new();
    laptop.store.start_join().unwrap();
    let mut laptop_after = 0;
    relay.pull(&mut laptop.store, &mut laptop_after);
    laptop.company = shop.company.clone();
    (shop, laptop, relay, main, mug, laptop_after)
}

#[test]
fn an_unnamed_computer_shows_a_short_readable_name_never_its_id() {
    let mut fx = Fixture::with_company("Harbour");
    let main = fx.warehouse("Main");
    let names = fx.store.device_name(&fx.company).unwrap();
    assert_eq!(names.name, None);
    assert!(
        names.fallback.starts_with("Computer ") && names.fallback.len() == "Computer K7Q".len(),
        "{names:?}"
    );
    let mug = fx
        .store
        .create_product(
            &fx.company,
            &ProductInput {
                sku: "MUG".into(),
                name: "Mug".into(),
                price: "4.00".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: main,
                    quantity: 3,
                }],
                ..Default::default()
            },
        )
        .unwrap();
    let moves = history(&fx.store, &fx.company);
    assert_eq!(moves.len(), 1, "{moves:?}");
    assert_eq!(moves[0].device_name, names.fallback);
    assert!(moves[0].this_device);
    assert!(!moves[0].device_name.contains(fx.store.device_id()));
    assert_eq!(moves[0].product_id, mug.id);

    // Named, the history shows the name; a blank name goes back to the fallback.
    let named = fx
        .store
        .set_device_name(&fx.company, Some("  Front counter  "))
        .unwrap();
    assert_eq!(named.name.as_deref(), Some("Front counter"));
    assert_eq!(
        history(&fx.store, &fx.company)[0].device_name,
        "Front counter"
    );
    let cleared = fx.store.set_device_name(&fx.company, Some(" ")).unwrap();
    assert_eq!(cleared.name, None);
    assert_eq!(
        history(&fx.store, &fx.company)[0].device_name,
        names.fallback
    );
}

#[test]
fn a_bad_device_name_is_a_validation_error_that_writes_nothing_and_clerks_may_not_name() {
    let mut fx = Fixture::with_company("Harbour");
    let before = snapshot(&fx.path);
    for bad in ["x".repeat(61), "line\nbreak".to_owned()] {
        let err = fx
            .store
            .set_device_name(&fx.company, Some(&bad))
            .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("validation", Some("name")),
            "{err}"
        );
    }
    // Clearing a name that was never set writes nothing either.
    fx.store.set_device_name(&fx.company, None).unwrap();
    assert_eq!(snapshot(&fx.path), before, "refusals wrote nothing");

    fx.store
        .setup_owner(&SetupOwner {
            name: "Olive".into(),
            email: "owner@shop.test".into(),
            password: "owner-password".into(),
        })
        .unwrap();
    fx.store
        .add_user(&NewUser {
            company_id: fx.company.clone(),
            email: "clerk@shop.test".into(),
            name: "Cleo".into(),
            role: Role::Clerk,
            password: "clerk-password".into(),
        })
        .unwrap();
    fx.store
        .sign_in(&SignIn {
            email: "clerk@shop.test".into(),
            password: "clerk-password".into(),
        })
        .unwrap();
    let before = snapshot(&fx.path);
    let err = fx
        .store
        .set_device_name(&fx.company, Some("Till"))
        .unwrap_err();
    assert_eq!(err.code(), "forbidden", "{err}");
    assert_eq!(snapshot(&fx.path), before);
    // A clerk still reads the name (history shows it to everyone).
    assert_eq!(fx.store.device_name(&fx.company).unwrap().name, None);
}

#[test]
fn names_sync_so_history_and_stock_show_which_other_computer_made_a_change() {
    let (mut shop, mut laptop, mut relay, main, mug, mut laptop_after) = shop_and_laptop();
    let mut shop_after = relay.log.len() as i64;
    let shop_fallback = shop.store.device_name(&shop.company).unwrap().fallback;

    // The laptop is named and sells; the shop computer pulls it.
    laptop
        .store
        .set_device_name(&laptop.company, Some("Shop laptop"))
        .unwrap();
    sale(&mut laptop.store, &laptop.company, &main, &mug, 2);
    relay.push(&mut laptop.store);
    relay.pull(&mut shop.store, &mut shop_after);

    let moves = history(&shop.store, &shop.company);
    let sold = moves
        .iter()
        .find(|m| m.kind == MovementKind::Sale)
        .expect("the laptop's sale arrived");
    assert_eq!(sold.device_name, "Shop laptop");
    assert!(!sold.this_device);
    let received = moves.iter().find(|m| m.kind != MovementKind::Sale).unwrap();
    assert_eq!(received.device_name, shop_fallback);
    assert!(received.this_device);

    let elsewhere = shop.store.stock_changes_elsewhere(&shop.company).unwrap();
    assert_eq!(elsewhere.len(), 1, "{elsewhere:?}");
    assert_eq!(
        (
            elsewhere[0].product_id.as_str(),
            elsewhere[0].warehouse_id.as_str(),
            elsewhere[0].device_name.as_str(),
            elsewhere[0].occurred_at.as_str()
        ),
        (
            mug.as_str(),
            main.as_str(),
            "Shop laptop",
            sold.occurred_at.as_str()
        )
    );

    // On the laptop, the shop computer's own movements are the ones from elsewhere; its own
    // sale is not. Renaming the shop computer reaches the laptop with the next sync.
    let on_laptop = laptop
        .store
        .stock_changes_elsewhere(&laptop.company)
        .unwrap();
    assert_eq!(on_laptop.len(), 1);
    assert_eq!(on_laptop[0].device_name, shop_fallback);
    shop.store
        .set_device_name(&shop.company, Some("Back office"))
        .unwrap();
    relay.push(&mut shop.store);
    relay.pull(&mut laptop.store, &mut laptop_after);
    let on_laptop = laptop
        .store
        .stock_changes_elsewhere(&laptop.company)
        .unwrap();
    assert_eq!(on_laptop[0].device_name, "Back office");
    let laptop_moves = history(&laptop.store, &laptop.company);
    assert!(
        laptop_moves
            .iter()
            .any(|m| m.device_name == "Back office" && !m.this_device),
        "{laptop_moves:?}"
    );
    assert!(laptop_moves
        .iter()
        .any(|m| m.device_name == "Shop laptop" && m.this_device));
}
