//! Sync in the app (issue #13): the device's connection settings, who may sync or connect,
//! and joining a shop whose users arrive with it.

mod common;

use common::Fixture;
use stockflow_core::*;
use stockflow_sync_proto::PulledChange;

fn connection(server: &str, account: &str) -> SyncConnectionInput {
    SyncConnectionInput {
        server_url: server.into(),
        account: account.into(),
    }
}

fn add_user(fx: &mut Fixture, email: &str, role: Role) {
    fx.store
        .add_user(&NewUser {
            company_id: fx.company.clone(),
            email: email.into(),
            name: email.into(),
            role,
            password: "password-of-user".into(),
        })
        .unwrap();
}

fn sign_in(store: &mut Store, email: &str, password: &str) {
    store
        .sign_in(&SignIn {
            email: email.into(),
            password: password.into(),
        })
        .unwrap();
}

fn shop_with_users() -> Fixture {
    let mut fx = Fixture::with_company("Harbour");
    fx.warehouse("Main");
    fx.store
        .setup_owner(&SetupOwner {
            name: "Olive".into(),
            email: "owner@shop.test".into(),
            password: "owner-password".into(),
        })
        .unwrap();
    add_user(&mut fx, "clerk@shop.test", Role::Clerk);
    add_user(&mut fx, "manager@shop.test", Role::Manager);
    fx
}

#[test]
fn the_connection_is_kept_in_the_device_settings_and_disconnect_keeps_the_data() {
    let mut fx = Fixture::with_company("Harbour");
    let main = fx.warehouse("Main");
    assert_eq!(fx.store.sync_connection().unwrap(), None);

    let saved = fx
        .store
        .connect_sync(&connection(
            "  https://sync.example.com/ ",
            " shop@example.com ",
        ))
        .unwrap();
    assert_eq!(saved.server_url, "https://sync.example.com");
    assert_eq!(saved.account, "shop@example.com");
    assert!(!saved.connected_at.is_empty());

    // Another process (the CLI, the sync worker) sees it.
    let other = Store::open(&fx.path).unwrap();
    assert_eq!(other.sync_connection().unwrap(), Some(saved.clone()));
    let summary = other.sync_summary().unwrap();
    assert_eq!(summary.connection, Some(saved));
    assert!(
        summary.pending > 0,
        "the company and warehouse wait to be sent"
    );
    assert_eq!(summary.last_synced_at, None);

    assert_eq!(
        fx.store.disconnect_sync().unwrap().map(|c| c.server_url),
        Some("https://sync.example.com".to_owned())
    );
    assert_eq!(fx.store.sync_connection().unwrap(), None);
    assert_eq!(
        fx.store.list_warehouses(&fx.company, false).unwrap()[0].id,
        main,
        "the shop's data stays"
    );
    assert_eq!(
        fx.store.sync_summary().unwrap().pending,
        summary.pending,
        "what waits to be sent stays for the next connection"
    );
}

#[test]
fn a_bad_address_or_account_is_refused_and_saves_nothing() {
    let mut fx = Fixture::with_company("Harbour");
    for (server, account, field) in [
        ("", "shop@example.com", "server_url"),
        ("sync.example.com", "shop@example.com", "server_url"),
        ("ftp://sync.example.com", "shop@example.com", "server_url"),
        ("https://sync.example.com", "", "account"),
        ("https://sync.example.com", "shop", "account"),
    ] {
        for e in [
            fx.store
                .check_sync_connection(&connection(server, account))
                .unwrap_err(),
            fx.store
                .connect_sync(&connection(server, account))
                .unwrap_err(),
        ] {
            assert_eq!(e.code(), "validation", "{server} {account}: {e}");
            assert_eq!(e.field(), Some(field), "{server} {account}: {e}");
        }
        assert_eq!(fx.store.sync_connection().unwrap(), None);
    }
}

#[test]
fn a_clerk_may_sync_but_only_an_owner_connects_or_disconnects() {
    let mut fx = shop_with_users();
    let path = fx.path.clone();
    sign_in(&mut fx.store, "owner@shop.test", "owner-password");
    fx.store
        .connect_sync(&connection("https://sync.example.com", "shop@example.com"))
        .unwrap();

    for email in ["clerk@shop.test", "manager@shop.test"] {
        let mut store = Store::open(&path).unwrap();
        sign_in(&mut store, email, "password-of-user");
        assert!(store.sync_summary().unwrap().connection.is_some());
        assert!(
            !store.sync_outgoing(10).unwrap().is_empty(),
            "{email} may send the changes"
        );
        assert!(store.sync_conflicts(&fx.company).unwrap().is_empty());
        for refused in [
            store
                .connect_sync(&connection("https://other.example.com", "x@example.com"))
                .unwrap_err(),
            store.disconnect_sync().unwrap_err(),
            store
                .check_sync_connection(&connection("https://other.example.com", "x@example.com"))
                .unwrap_err(),
        ] {
            assert_eq!(refused.code(), "forbidden", "{email}: {refused}");
            assert!(
                refused
                    .to_string()
                    .contains("cannot connect or disconnect sync"),
                "{refused}"
            );
        }
        assert_eq!(
            store.sync_connection().unwrap().unwrap().server_url,
            "https://sync.example.com",
            "nothing changed"
        );
    }

    let signed_out = Store::open(&path).unwrap();
    assert_eq!(
        signed_out.sync_summary().unwrap_err().code(),
        "unauthenticated"
    );
}

#[test]
fn the_session_is_read_without_counting_as_activity() {
    let mut fx = shop_with_users();
    sign_in(&mut fx.store, "clerk@shop.test", "password-of-user");
    assert_eq!(
        fx.store.actor_if_signed_in().map(|a| a.email().to_owned()),
        Some("clerk@shop.test".to_owned())
    );
    fx.store
        .pretend_idle_for(std::time::Duration::from_secs(16 * 60));
    assert_eq!(
        fx.store.actor_if_signed_in(),
        None,
        "a locked session is nobody"
    );
    assert_eq!(
        fx.store.list_companies().unwrap_err().code(),
        "unauthenticated"
    );
}

/// Regression: joining a shop that has users failed at its last step, listing the conflicts,
/// because by then the users had arrived and nobody was signed in.
#[test]
fn a_new_device_joins_a_shop_whose_users_arrive_with_it() {
    let mut shop = shop_with_users();
    sign_in(&mut shop.store, "owner@shop.test", "owner-password");
    let changes = shop.store.sync_outgoing(10_000).unwrap();
    let page: Vec<PulledChange> = changes
        .into_iter()
        .enumerate()
        .map(|(i, change)| PulledChange {
            seq: i as i64 + 1,
            change,
        })
        .collect();
    let last = page.len() as i64;

    let mut laptop = Fixture::new();
    laptop.store.start_join().unwrap();
    laptop
        .store
        .connect_sync(&connection("https://sync.example.com", "shop@example.com"))
        .unwrap();
    laptop
        .store
        .sync_apply(&shop.company, &page, last, "epoch-1", &[])
        .unwrap();
    assert_eq!(
        laptop.store.sync_conflicts(&shop.company).unwrap(),
        vec![],
        "the join's last step"
    );

    // The shop's users sign in on the new laptop, offline, with their own passwords.
    let mut store = Store::open(&laptop.path).unwrap();
    assert_eq!(
        store.list_companies().unwrap_err().code(),
        "unauthenticated"
    );
    sign_in(&mut store, "clerk@shop.test", "password-of-user");
    assert_eq!(store.list_companies().unwrap()[0].name, "Harbour");
    assert_eq!(
        store.sync_connection().unwrap().unwrap().account,
        "shop@example.com"
    );
}

/// A join stopped half way ("Cancel" on the join screen) can be started over: the laptop's
/// database is empty again, a new device without a connection, and the next join brings the
/// whole shop. A database holding anything made on it is refused and keeps everything.
#[test]
fn a_join_stopped_half_way_starts_over_from_an_empty_database() {
    let mut shop = shop_with_users();
    sign_in(&mut shop.store, "owner@shop.test", "owner-password");
    let page = pages(shop.store.sync_outgoing(10_000).unwrap(), 1);
    let half = page.len() / 2;
    let last = page.len() as i64;

    let mut laptop = Fixture::new();
    laptop.store.start_join().unwrap();
    laptop
        .store
        .connect_sync(&connection(
            "https://sync.example.com",
            "wrong-shop@example.com",
        ))
        .unwrap();
    laptop
        .store
        .sync_apply(&shop.company, &page[..half], half as i64, "epoch-1", &[])
        .unwrap();
    let first_device = laptop.store.device_id().to_owned();

    // The app restarted, nobody signed in (the users may not have arrived yet).
    let mut store = Store::open(&laptop.path).unwrap();
    store.discard_join().unwrap();
    assert_ne!(store.device_id(), first_device, "a new device");
    assert_eq!(store.sync_connection().unwrap(), None);
    assert_eq!(
        store.list_companies().unwrap(),
        vec![],
        "nothing of the half shop"
    );
    assert!(
        store.auth_status().unwrap().setup_required,
        "a first run again"
    );
    assert_eq!(
        store.discard_join().unwrap_err().code(),
        "conflict",
        "nothing to start over"
    );

    // Joining again brings the whole shop, whose users then sign in.
    store.start_join().unwrap();
    store
        .connect_sync(&connection("https://sync.example.com", "shop@example.com"))
        .unwrap();
    store
        .sync_apply(&shop.company, &page, last, "epoch-1", &[])
        .unwrap();
    let mut store = Store::open(&laptop.path).unwrap();
    sign_in(&mut store, "clerk@shop.test", "password-of-user");
    assert_eq!(store.list_companies().unwrap()[0].name, "Harbour");

    // The shop's own database made everything it holds: it is never emptied.
    shop.store
        .connect_sync(&connection("https://sync.example.com", "shop@example.com"))
        .unwrap();
    assert_eq!(shop.store.discard_join().unwrap_err().code(), "conflict");
    assert_eq!(shop.store.list_companies().unwrap()[0].name, "Harbour");
    assert!(shop.store.sync_connection().unwrap().is_some());
}

/// A join that stopped part way (the app closed, or Cancel) is remembered by the device:
/// the first run goes on with it instead of setting up a new shop over the half that came
/// down, joining may start again although a company is here, and only the end of the join
/// forgets it.
#[test]
fn a_join_that_did_not_finish_is_remembered_until_it_does() {
    let mut shop = shop_with_users();
    sign_in(&mut shop.store, "owner@shop.test", "owner-password");
    let page = pages(shop.store.sync_outgoing(10_000).unwrap(), 1);
    // The company came down, its users not yet.
    let half = 1;

    let mut laptop = Fixture::new();
    laptop.store.start_join().unwrap();
    assert!(
        !laptop.store.auth_status().unwrap().join_unfinished,
        "nothing came down yet"
    );
    laptop
        .store
        .sync_apply(&shop.company, &page[..half], half as i64, "epoch-1", &[])
        .unwrap();

    // The app restarts.
    let mut store = Store::open(&laptop.path).unwrap();
    let status = store.auth_status().unwrap();
    assert!(
        status.join_unfinished && status.setup_required,
        "{status:?}"
    );
    let refused = store
        .setup_owner(&SetupOwner {
            name: "Someone".into(),
            email: "someone@example.com".into(),
            password: "a long password".into(),
        })
        .unwrap_err();
    assert_eq!(refused.code(), "conflict");
    assert!(
        refused.to_string().contains("join"),
        "no new shop over half of another: {refused}"
    );
    store.start_join().expect("the join goes on");

    store
        .sync_apply(
            &shop.company,
            &page[half..],
            page.len() as i64,
            "epoch-1",
            &[],
        )
        .unwrap();
    store.finish_join().unwrap();
    let store = Store::open(&laptop.path).unwrap();
    assert!(!store.auth_status().unwrap().join_unfinished);
    assert_eq!(
        store.start_join().unwrap_err().code(),
        "conflict",
        "a joined shop syncs as itself"
    );
}

/// The shop's users may come down before the join is over (an import's history goes out
/// after them): the join still goes on first, and nobody signs in to half a shop.
#[test]
fn a_join_that_brought_its_users_but_did_not_finish_goes_on_first() {
    let mut shop = shop_with_users();
    sign_in(&mut shop.store, "owner@shop.test", "owner-password");
    let back = shop.warehouse("Back");
    let company = shop.company.clone();
    let product_id = product(&mut shop.store, &company, &back, "LATE", 3);
    let page = pages(shop.store.sync_outgoing(10_000).unwrap(), 1);
    let users_in = page
        .iter()
        .position(|c| c.change.entity == "user")
        .expect("the users are sent")
        + 1;
    let half = page
        .iter()
        .position(|c| c.change.entity_id == product_id)
        .expect("the late product is sent");
    assert!(users_in <= half, "the users came down before the product");

    let mut laptop = Fixture::new();
    laptop.store.start_join().unwrap();
    laptop
        .store
        .sync_apply(&shop.company, &page[..half], half as i64, "epoch-1", &[])
        .unwrap();
    let mut store = Store::open(&laptop.path).unwrap();
    let status = store.auth_status().unwrap();
    assert!(
        status.join_unfinished && status.setup_required,
        "the join screen, not the sign-in: {status:?}"
    );
    store
        .sync_summary()
        .expect("the join screen reads where the join goes on from");
    store.start_join().expect("the join goes on");
    store
        .connect_sync(&connection("https://sync.example.com", "shop@example.com"))
        .expect("and connects with nobody signed in");
    store
        .sync_apply(
            &shop.company,
            &page[half..],
            page.len() as i64,
            "epoch-1",
            &[],
        )
        .unwrap();
    store.finish_join().unwrap();
    let status = Store::open(&laptop.path).unwrap().auth_status().unwrap();
    assert!(
        !status.join_unfinished && !status.setup_required,
        "then the shop's users sign in: {status:?}"
    );
}

fn product(store: &mut Store, company: &str, warehouse: &str, sku: &str, stock: i64) -> String {
    store
        .create_product(
            company,
            &ProductInput {
                sku: sku.into(),
                name: format!("{sku} name"),
                price: "2.50".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: warehouse.to_owned(),
                    quantity: stock,
                }],
                ..Default::default()
            },
        )
        .unwrap()
        .id
}

fn pages(changes: Vec<stockflow_sync_proto::Change>, first_seq: i64) -> Vec<PulledChange> {
    changes
        .into_iter()
        .enumerate()
        .map(|(i, change)| PulledChange {
            seq: first_seq + i as i64,
            change,
        })
        .collect()
}

/// The app's sync worker applies pulled pages on a connection of its own while the till
/// records sales on the window's: every sale goes through (each page is one short
/// transaction, and a sale waits for it rather than being refused).
#[test]
fn sales_rung_up_while_sync_applies_pages_are_never_refused() {
    let mut shop = Fixture::with_company("Harbour");
    let main = shop.warehouse("Main");
    let mug = product(&mut shop.store, &shop.company, &main, "MUG", 1_000);
    let first = pages(shop.store.sync_outgoing(10_000).unwrap(), 1);
    let mut seq = first.len() as i64;

    let laptop = Fixture::new();
    {
        let mut worker = Store::open(&laptop.path).unwrap();
        worker.start_join().unwrap();
        worker
            .sync_apply(&shop.company, &first, seq, "epoch-1", &[])
            .unwrap();
    }
    // The other device keeps working: many changes to bring down in pages.
    for i in 0..600 {
        product(
            &mut shop.store,
            &shop.company,
            &main,
            &format!("P{i:04}"),
            5,
        );
    }
    let rest = pages(shop.store.sync_outgoing(10_000).unwrap(), seq + 1);
    assert!(rest.len() > 1_000, "several pages to apply: {}", rest.len());

    let company = shop.company.clone();
    let path = laptop.path.clone();
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let worker_start = start.clone();
    let worker = std::thread::spawn(move || {
        let mut worker = Store::open(&path).unwrap();
        worker.start_join().ok(); // the shop is here already: the worker syncs as setup mode
        worker_start.wait();
        for page in rest.chunks(500) {
            seq += page.len() as i64;
            worker
                .sync_apply(&company, page, seq, "epoch-1", &[])
                .unwrap();
        }
    });

    let mut till = Store::open(&laptop.path).unwrap();
    start.wait();
    for n in 0..40 {
        till.record_sale(
            &shop.company,
            &SaleInput {
                warehouse_id: main.clone(),
                lines: vec![SaleLineInput {
                    product_id: mug.clone(),
                    quantity: 1,
                    unit_price: None,
                }],
                note: None,
            },
        )
        .unwrap_or_else(|e| panic!("sale {n} refused during the sync: {e}"));
    }
    worker.join().unwrap();
    let products = till
        .list_products(&ProductQuery {
            company_id: shop.company.clone(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(products.total, 601, "every pulled product arrived");
    let mug_stock = till.get_product(&mug).unwrap().stock;
    assert_eq!(mug_stock[0].on_hand, 960);
}
