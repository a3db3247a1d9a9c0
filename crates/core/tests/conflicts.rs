//! The Sync conflicts screen's rules (issue #13, item 4): a product edited on two computers at
//! once shows what the later edit overwrote, beside what won, until someone keeps it; and the
//! one-click "keep" of a SKU conflict, which syncs so the conflict is gone on every computer.

mod common;

use common::{snapshot, Fixture, Relay};
use stockflow_core::*;

struct Shop {
    window: Fixture,
    laptop: Fixture,
    relay: Relay,
    window_after: i64,
    laptop_after: i64,
    mug: String,
}

impl Shop {
    fn new() -> Shop {
        let mut window = Fixture::with_company("Harbour");
        let main = window.warehouse("Main");
        let mug = add(&mut window, "MUG", "Mug", Some(main));
        let mut relay = Relay {
            company: window.company.clone(),
            log: Vec::new(),
        };
        let mut window_after = 0;
        relay.sync(&mut window.store, &mut window_after);
        let mut laptop = Fixture::new();
        laptop.store.start_join().unwrap();
        laptop.company = window.company.clone();
        let mut laptop_after = 0;
        relay.sync(&mut laptop.store, &mut laptop_after);
        laptop
            .store
            .set_device_name(&laptop.company, Some("Shop laptop"))
            .unwrap();
        relay.sync(&mut laptop.store, &mut laptop_after);
        relay.sync(&mut window.store, &mut window_after);
        Shop {
            window,
            laptop,
            relay,
            window_after,
            laptop_after,
            mug,
        }
    }

    fn sync_window(&mut self) {
        self.relay
            .sync(&mut self.window.store, &mut self.window_after);
    }

    fn sync_laptop(&mut self) {
        self.relay
            .sync(&mut self.laptop.store, &mut self.laptop_after);
    }
}

fn add(fx: &mut Fixture, sku: &str, name: &str, stock_in: Option<String>) -> String {
    fx.store
        .create_product(
            &fx.company,
            &ProductInput {
                sku: sku.into(),
                name: name.into(),
                price: "4.00".into(),
                initial_stock: stock_in
                    .map(|w| {
                        vec![InitialStock {
                            warehouse_id: w,
                            quantity: 5,
                        }]
                    })
                    .unwrap_or_default(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
}

fn edit(store: &mut Store, id: &str, change: impl FnOnce(&mut ProductInput)) {
    let p = store.get_product(id).unwrap();
    let mut input = ProductInput {
        sku: p.sku,
        name: p.name,
        price: p.price.to_string(),
        barcode: p.barcode,
        product_type_id: p.product_type_id,
        threshold: p.threshold,
        warehouse_thresholds: p.warehouse_thresholds,
        initial_stock: Vec::new(),
        cost: None,
    };
    change(&mut input);
    store.update_product(id, &input).unwrap();
}

#[test]
fn a_product_edited_on_two_computers_at_once_shows_what_the_later_edit_overwrote() {
    let mut shop = Shop::new();
    let mug = shop.mug.clone();
    let company = shop.window.company.clone();
    // Both edit the price offline; the laptop's edit is the later one and syncs first.
    edit(&mut shop.window.store, &mug, |p| p.price = "5.00".into());
    edit(&mut shop.laptop.store, &mug, |p| p.price = "6.00".into());
    shop.sync_laptop();
    shop.sync_window();

    let price = shop.window.store.get_product(&mug).unwrap().price;
    assert_eq!(price.to_string(), "6.00", "the later edit won, as always");
    let notes = shop.window.store.sync_overwrites(&company).unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    let n = &notes[0];
    assert_eq!(
        (
            n.sku.as_str(),
            n.field.as_str(),
            n.kept_value.as_str(),
            n.kept_device_name.as_str(),
            n.kept_here,
            n.lost_value.as_str(),
            n.lost_here
        ),
        ("MUG", "price", "6.00", "Shop laptop", false, "5.00", true)
    );

    // Keeping it: the note goes and does not come back with the next syncs.
    shop.window.store.keep_sync_overwrite(&n.id).unwrap();
    assert_eq!(shop.window.store.sync_overwrites(&company).unwrap(), vec![]);
    shop.sync_laptop();
    shop.sync_window();
    assert_eq!(shop.window.store.sync_overwrites(&company).unwrap(), vec![]);
    let err = shop.window.store.keep_sync_overwrite(&n.id).unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
}

#[test]
fn edits_one_after_the_other_or_of_different_fields_overwrite_nothing() {
    let mut shop = Shop::new();
    let mug = shop.mug.clone();
    let company = shop.window.company.clone();
    // One after the other: the laptop had seen the window's edit before making its own.
    edit(&mut shop.window.store, &mug, |p| p.name = "Blue mug".into());
    shop.sync_window();
    shop.sync_laptop();
    edit(&mut shop.laptop.store, &mug, |p| {
        p.name = "Big blue mug".into()
    });
    shop.sync_laptop();
    shop.sync_window();
    assert_eq!(
        shop.window.store.get_product(&mug).unwrap().name,
        "Big blue mug"
    );
    // At once, but different fields: both stay, nothing lost.
    edit(&mut shop.window.store, &mug, |p| p.threshold = Some(3));
    edit(&mut shop.laptop.store, &mug, |p| p.price = "7.00".into());
    shop.sync_laptop();
    shop.sync_window();
    let p = shop.window.store.get_product(&mug).unwrap();
    assert_eq!((p.threshold, p.price.to_string()), (Some(3), "7.00".into()));
    assert_eq!(shop.window.store.sync_overwrites(&company).unwrap(), vec![]);
    assert_eq!(shop.laptop.store.sync_overwrites(&company).unwrap(), vec![]);
}

#[test]
fn keeping_a_sku_conflict_gives_the_later_product_its_suffixed_sku_on_every_computer() {
    let mut shop = Shop::new();
    let company = shop.window.company.clone();
    add(&mut shop.laptop, "LAMP", "Desk lamp (laptop)", None);
    add(&mut shop.window, "LAMP", "Desk lamp (window)", None);
    shop.sync_laptop();
    shop.sync_window();
    let conflicts = shop.window.store.sync_conflicts(&company).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let holder = conflicts[0].products[0].clone();
    let later = conflicts[0].products[1].clone();
    assert!(later.sku.starts_with("LAMP~"), "{later:?}");

    // Keeping the one that holds the SKU is refused and writes nothing.
    let before = snapshot(&shop.window.path);
    let err = shop
        .window
        .store
        .keep_sync_conflict(&holder.product_id, "sku")
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("validation", Some("kind")),
        "{err}"
    );
    let err = shop
        .window
        .store
        .keep_sync_conflict(&later.product_id, "colour")
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("validation", Some("kind")),
        "{err}"
    );
    assert_eq!(snapshot(&shop.window.path), before);

    shop.window
        .store
        .keep_sync_conflict(&later.product_id, "sku")
        .unwrap();
    assert_eq!(shop.window.store.sync_conflicts(&company).unwrap(), vec![]);
    assert_eq!(
        shop.window
            .store
            .get_product(&later.product_id)
            .unwrap()
            .sku,
        later.sku,
        "kept as it is"
    );
    shop.sync_window();
    shop.sync_laptop();
    assert_eq!(
        shop.laptop.store.sync_conflicts(&company).unwrap(),
        vec![],
        "gone on the laptop too"
    );
    assert_eq!(
        shop.laptop
            .store
            .get_product(&later.product_id)
            .unwrap()
            .sku,
        later.sku
    );
    assert_eq!(
        shop.laptop
            .store
            .get_product(&holder.product_id)
            .unwrap()
            .sku,
        "LAMP"
    );
    // And it does not come back.
    shop.sync_window();
    assert_eq!(shop.window.store.sync_conflicts(&company).unwrap(), vec![]);
}
