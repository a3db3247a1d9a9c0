//! Users, roles and sign-in on a real database file: setup, sign-in and its throttling, the idle
//! lock, owners managing users, the last owner rule, the audit of who did what, and that a
//! refused operation writes nothing.

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{snapshot, Fixture};
use stockflow_core::*;

const OWNER_PW: &str = "owner-secret-1";
const MANAGER_PW: &str = "manager-secret-2";
const CLERK_PW: &str = "clerk-secret-3";

fn setup(fx: &mut Fixture) -> User {
    fx.store
        .setup_owner(&SetupOwner {
            name: "Olive Owner".into(),
            email: "olive@shop.test".into(),
            password: OWNER_PW.into(),
        })
        .unwrap()
}

fn sign_in(store: &mut Store, email: &str, password: &str) -> Result<User> {
    store.sign_in(&SignIn {
        email: email.into(),
        password: password.into(),
    })
}

fn new_user(company: &str, email: &str, name: &str, role: Role, password: &str) -> NewUser {
    NewUser {
        company_id: company.into(),
        email: email.into(),
        name: name.into(),
        role,
        password: password.into(),
    }
}

/// A company "Acme" with a warehouse and a stocked product, its owner (signed in), a manager
/// and a clerk. Returns (fixture, warehouse, product, manager id, clerk id).
fn shop() -> (Fixture, String, String, String, String) {
    let mut fx = Fixture::with_company("Acme");
    let main = fx.warehouse("Main");
    let product = fx
        .store
        .create_product(
            &fx.company,
            &ProductInput {
                sku: "MUG".into(),
                name: "Mug".into(),
                price: "5".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: main.clone(),
                    quantity: 20,
                }],
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    setup(&mut fx);
    let company = fx.company.clone();
    let manager = fx
        .store
        .add_user(&new_user(
            &company,
            "manny@shop.test",
            "Manny Manager",
            Role::Manager,
            MANAGER_PW,
        ))
        .unwrap()
        .id;
    let clerk = fx
        .store
        .add_user(&new_user(
            &company,
            "cleo@shop.test",
            "Cleo Clerk",
            Role::Clerk,
            CLERK_PW,
        ))
        .unwrap()
        .id;
    (fx, main, product, manager, clerk)
}

/// Runs `f` and asserts it fails with `code` and writes nothing.
fn refused<T: std::fmt::Debug>(
    fx: &mut Fixture,
    code: &str,
    f: impl FnOnce(&mut Store) -> Result<T>,
) -> Error {
    let before = snapshot(&fx.path);
    let err = f(&mut fx.store).expect_err("the operation should be refused");
    assert_eq!(err.code(), code, "error code of {err:?}");
    assert_eq!(
        snapshot(&fx.path),
        before,
        "a refused {code} wrote something ({err})"
    );
    err
}

fn sale(warehouse: &str, product: &str, quantity: i64) -> SaleInput {
    SaleInput {
        warehouse_id: warehouse.into(),
        lines: vec![SaleLineInput {
            product_id: product.into(),
            quantity,
            unit_price: None,
        }],
        note: None,
    }
}

fn sql<T: rusqlite::types::FromSql>(fx: &Fixture, query: &str) -> Vec<T> {
    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    let mut stmt = conn.prepare(query).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A query on the sign-in throttle's own file beside the database.
fn throttle_sql<T: rusqlite::types::FromSql>(fx: &Fixture, query: &str) -> Vec<T> {
    let conn = rusqlite::Connection::open(sign_in_throttle_path(&fx.path)).unwrap();
    let mut stmt = conn.prepare(query).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn the_first_run_sets_up_an_owner_of_every_company_who_is_signed_in() {
    let mut fx = Fixture::with_company("Acme");
    let before = fx.store.auth_status().unwrap();
    assert!(before.setup_required);
    assert_eq!(before.user, None);
    assert_eq!(before.idle_lock_minutes, DEFAULT_IDLE_LOCK_MINUTES);

    let owner = setup(&mut fx);
    assert_eq!(owner.memberships.len(), 1);
    assert_eq!(owner.memberships[0].role, Role::Owner);
    assert_eq!(owner.memberships[0].company_name, "Acme");

    let status = fx.store.auth_status().unwrap();
    assert!(!status.setup_required);
    assert_eq!(
        status.user.as_ref().map(|u| u.id.as_str()),
        Some(owner.id.as_str())
    );

    // Only while no user exists.
    let err = refused(&mut fx, "conflict", |s| {
        s.setup_owner(&SetupOwner {
            name: "Mallory".into(),
            email: "mallory@shop.test".into(),
            password: "mallory-secret".into(),
        })
    });
    assert!(err.to_string().contains("already set up"), "{err}");

    fx.store.sign_out();
    assert_eq!(fx.store.auth_status().unwrap().user, None);
    assert_eq!(
        fx.store.list_companies().unwrap_err().code(),
        "unauthenticated"
    );
    let again = sign_in(&mut fx.store, "OLIVE@shop.test", OWNER_PW).unwrap();
    assert_eq!(again.id, owner.id, "emails match ignoring case");

    // A company created by a signed-in owner is theirs.
    let beta = fx
        .store
        .create_company(&CompanyInput {
            name: "Beta".into(),
            ..Default::default()
        })
        .unwrap();
    let me = fx.store.auth_status().unwrap().user.unwrap();
    assert_eq!(
        me.memberships
            .iter()
            .map(|m| (m.company_name.as_str(), m.role))
            .collect::<Vec<_>>(),
        [("Acme", Role::Owner), ("Beta", Role::Owner)]
    );
    assert_eq!(fx.store.list_companies().unwrap().len(), 2);
    assert_eq!(fx.store.get_company(&beta.id).unwrap().name, "Beta");
}

#[test]
fn setup_input_is_validated() {
    let mut fx = Fixture::new();
    let mut input = SetupOwner {
        name: "Olive".into(),
        email: "olive@shop.test".into(),
        password: "short".into(),
    };
    let err = refused(&mut fx, "validation", |s| s.setup_owner(&input));
    assert_eq!(err.field(), Some("password"));
    assert!(err.to_string().contains("at least 8 characters"), "{err}");
    input.password = "long enough".into();
    input.email = "not an email".into();
    assert_eq!(
        refused(&mut fx, "validation", |s| s.setup_owner(&input)).field(),
        Some("email")
    );
    input.email = "olive@shop.test".into();
    input.name = " ".into();
    assert_eq!(
        refused(&mut fx, "validation", |s| s.setup_owner(&input)).field(),
        Some("name")
    );
}

#[test]
fn wrong_passwords_unknown_emails_and_disabled_users_cannot_sign_in() {
    let (mut fx, _, _, _, clerk) = shop();
    fx.store.sign_out();

    let wrong = sign_in(&mut fx.store, "cleo@shop.test", "not-her-password").unwrap_err();
    assert_eq!(wrong.code(), "sign_in_failed");
    assert_eq!(wrong.to_string(), "Wrong email or password.");
    let unknown = sign_in(&mut fx.store, "nobody@shop.test", CLERK_PW).unwrap_err();
    assert_eq!(
        (unknown.code(), unknown.to_string()),
        (wrong.code(), wrong.to_string()),
        "an unknown email gets the very same answer"
    );
    assert_eq!(fx.store.auth_status().unwrap().user, None);

    sign_in(&mut fx.store, "olive@shop.test", OWNER_PW).unwrap();
    let disabled = fx.store.set_user_disabled(&clerk, true).unwrap();
    assert!(disabled.disabled);
    fx.store.sign_out();
    let err = sign_in(&mut fx.store, "cleo@shop.test", CLERK_PW).unwrap_err();
    assert_eq!(err.code(), "sign_in_failed");
    assert_eq!(err.to_string(), "This account is disabled.");
    let err = sign_in(&mut fx.store, "cleo@shop.test", "not-her-password").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Wrong email or password.",
        "a disabled account is only said so after the right password"
    );
    assert_eq!(fx.store.auth_status().unwrap().user, None);
}

#[test]
fn failed_sign_ins_make_each_further_attempt_wait_longer() {
    let (mut fx, ..) = shop();
    fx.store.sign_out();
    let start: DateTime<Utc> = "2030-01-01T10:00:00Z".parse().unwrap();
    let at = |secs: f64| start + chrono::Duration::milliseconds((secs * 1000.0) as i64);
    fx.store.freeze_sign_in_clock(Some(start));
    let attempt = |store: &mut Store, password: &str| {
        sign_in(store, "Cleo@Shop.test ", password).map_err(|e| (e.code(), e.to_string()))
    };

    for _ in 0..3 {
        assert_eq!(
            attempt(&mut fx.store, "wrong").unwrap_err().0,
            "sign_in_failed"
        );
    }
    // The fourth comes too soon: refused without looking at the password, even the right one.
    let throttled = attempt(&mut fx.store, CLERK_PW).unwrap_err();
    assert_eq!(
        throttled,
        (
            "throttled",
            "Too many failed attempts. Try again in 1 second.".to_owned()
        )
    );

    // Each failure after the third doubles the wait: 1, 2, 4, 8 seconds...
    let mut now = 0.0;
    for wait in [1, 2, 4, 8] {
        now += f64::from(wait);
        fx.store.freeze_sign_in_clock(Some(at(now)));
        assert_eq!(
            attempt(&mut fx.store, "wrong").unwrap_err().0,
            "sign_in_failed"
        );
        let next = 2 * wait;
        assert_eq!(
            attempt(&mut fx.store, "wrong").unwrap_err(),
            (
                "throttled",
                format!("Too many failed attempts. Try again in {next} seconds.")
            )
        );
        // Half-way through, the message states what is left.
        fx.store
            .freeze_sign_in_clock(Some(at(now + f64::from(next) / 2.0)));
        assert_eq!(
            attempt(&mut fx.store, "wrong").unwrap_err(),
            (
                "throttled",
                format!(
                    "Too many failed attempts. Try again in {} second{}.",
                    next / 2,
                    if next == 2 { "" } else { "s" }
                )
            )
        );
        fx.store.freeze_sign_in_clock(Some(at(now)));
    }

    // Capped at five minutes, however many failures.
    for _ in 0..10 {
        now += 300.0;
        fx.store.freeze_sign_in_clock(Some(at(now)));
        assert_eq!(
            attempt(&mut fx.store, "wrong").unwrap_err().0,
            "sign_in_failed"
        );
    }
    assert_eq!(
        attempt(&mut fx.store, CLERK_PW).unwrap_err().1,
        "Too many failed attempts. Try again in 300 seconds."
    );

    // Once the wait is over the right password works, and clears the count.
    now += 300.0;
    fx.store.freeze_sign_in_clock(Some(at(now)));
    attempt(&mut fx.store, CLERK_PW).unwrap();
    for _ in 0..3 {
        assert_eq!(
            attempt(&mut fx.store, "wrong").unwrap_err().0,
            "sign_in_failed"
        );
    }
    assert_eq!(attempt(&mut fx.store, "wrong").unwrap_err().0, "throttled");

    // Unknown emails are throttled the same way, keyed by the email.
    for _ in 0..3 {
        let e = sign_in(&mut fx.store, "ghost@shop.test", "x").unwrap_err();
        assert_eq!(e.code(), "sign_in_failed");
    }
    assert_eq!(
        sign_in(&mut fx.store, "ghost@shop.test", "x")
            .unwrap_err()
            .code(),
        "throttled"
    );
    assert_eq!(
        throttle_sql::<i64>(
            &fx,
            "SELECT failures FROM sign_in_attempts WHERE email = 'ghost@shop.test'"
        ),
        [3]
    );
    // Another email is not held up by them.
    sign_in(&mut fx.store, "olive@shop.test", OWNER_PW).unwrap();
}

#[test]
fn an_idle_session_locks_and_the_owner_sets_how_soon() {
    let (mut fx, ..) = shop();
    fx.store.pretend_idle_for(Duration::from_secs(14 * 60));
    fx.store
        .list_companies()
        .expect("still within the idle time");
    fx.store.pretend_idle_for(Duration::from_secs(16 * 60));
    let err = fx.store.list_companies().unwrap_err();
    assert_eq!(err.code(), "unauthenticated");
    assert_eq!(
        err.to_string(),
        "Locked after 15 minutes without activity. Sign in again."
    );
    assert_eq!(
        fx.store.auth_status().unwrap().user,
        None,
        "the session is gone"
    );
    assert_eq!(
        fx.store.list_companies().unwrap_err().to_string(),
        "Sign in to continue."
    );

    sign_in(&mut fx.store, "olive@shop.test", OWNER_PW).unwrap();
    assert_eq!(
        refused(&mut fx, "validation", |s| s.set_idle_lock_minutes(481)).field(),
        Some("minutes")
    );
    let status = fx.store.set_idle_lock_minutes(5).unwrap();
    assert_eq!(status.idle_lock_minutes, 5);
    fx.store.pretend_idle_for(Duration::from_secs(4 * 60));
    fx.store.list_companies().unwrap();
    // auth_status is not activity: polling it does not keep the session open.
    fx.store.pretend_idle_for(Duration::from_secs(4 * 60));
    assert!(fx.store.auth_status().unwrap().user.is_some());
    fx.store.pretend_idle_for(Duration::from_secs(2 * 60));
    assert_eq!(fx.store.auth_status().unwrap().user, None);

    sign_in(&mut fx.store, "olive@shop.test", OWNER_PW).unwrap();
    fx.store.set_idle_lock_minutes(0).unwrap();
    fx.store.pretend_idle_for(Duration::from_secs(100 * 3600));
    fx.store.list_companies().expect("0 never locks");

    // Only owners choose it.
    sign_in(&mut fx.store, "manny@shop.test", MANAGER_PW).unwrap();
    let err = refused(&mut fx, "forbidden", |s| s.set_idle_lock_minutes(10));
    assert_eq!(err.to_string(), "A manager cannot change the settings.");
}

#[test]
fn roles_allow_what_the_role_table_says_and_a_refusal_writes_nothing() {
    let (mut fx, main, product, _, _) = shop();
    let company = fx.company.clone();

    sign_in(&mut fx.store, "cleo@shop.test", CLERK_PW).unwrap();
    // A clerk sells, and reads everything of the company.
    fx.store
        .record_sale(&company, &sale(&main, &product, 1))
        .unwrap();
    fx.store
        .list_movements(&HistoryQuery {
            company_id: company.clone(),
            ..Default::default()
        })
        .unwrap();
    // ...but changes neither the catalog nor stock directly, nor the company, nor users.
    let err = refused(&mut fx, "forbidden", |s| {
        s.create_product(
            &company,
            &ProductInput {
                sku: "NEW".into(),
                name: "New".into(),
                price: "1".into(),
                ..Default::default()
            },
        )
    });
    assert_eq!(err.to_string(), "A clerk cannot change the catalog.");
    // The role is checked before the input: even a bad product is refused as forbidden.
    refused(&mut fx, "forbidden", |s| {
        s.create_product(&company, &ProductInput::default())
    });
    refused(&mut fx, "forbidden", |s| {
        s.update_product(&product, &ProductInput::default())
    });
    refused(&mut fx, "forbidden", |s| {
        s.update_product("no-such-product", &ProductInput::default())
    });
    let err = refused(&mut fx, "forbidden", |s| {
        s.adjust_stock(
            &company,
            &AdjustmentInput {
                warehouse_id: main.clone(),
                reason: "found".into(),
                lines: vec![QuantityLine {
                    product_id: product.clone(),
                    quantity: 5,
                }],
                note: None,
            },
        )
    });
    assert_eq!(err.to_string(), "A clerk cannot adjust stock.");
    refused(&mut fx, "forbidden", |s| {
        s.receive_stock(
            &company,
            &ReceiptInput {
                warehouse_id: main.clone(),
                lines: vec![],
                note: None,
            },
        )
    });
    refused(&mut fx, "forbidden", |s| {
        s.create_supplier(&company, &SupplierInput::default())
    });
    refused(&mut fx, "forbidden", |s| {
        s.update_company(&company, &CompanyInput::default())
    });
    refused(&mut fx, "forbidden", |s| {
        s.create_company(&CompanyInput {
            name: "Mine".into(),
            ..Default::default()
        })
    });
    refused(&mut fx, "forbidden", |s| s.list_users(&company));
    refused(&mut fx, "forbidden", |s| {
        s.import_dir(std::path::Path::new("/nonexistent"), &mut |_| {})
    });

    // A manager changes the catalog and adjusts stock, but manages no users.
    sign_in(&mut fx.store, "manny@shop.test", MANAGER_PW).unwrap();
    fx.store
        .adjust_stock(
            &company,
            &AdjustmentInput {
                warehouse_id: main.clone(),
                reason: "found".into(),
                lines: vec![QuantityLine {
                    product_id: product.clone(),
                    quantity: 5,
                }],
                note: None,
            },
        )
        .unwrap();
    let err = refused(&mut fx, "forbidden", |s| {
        s.add_user(&new_user(
            &company,
            "x@shop.test",
            "X",
            Role::Clerk,
            "xxxxxxxxx",
        ))
    });
    assert_eq!(err.to_string(), "A manager cannot manage users.");
    refused(&mut fx, "forbidden", |s| {
        s.update_company(
            &company,
            &CompanyInput {
                name: "Renamed".into(),
                ..Default::default()
            },
        )
    });

    // Signed out, nothing at all.
    fx.store.sign_out();
    refused(&mut fx, "unauthenticated", |s| s.get_product(&product));
    refused(&mut fx, "unauthenticated", |s| {
        s.record_sale(&company, &sale(&main, &product, 1))
    });
}

#[test]
fn a_user_sees_only_the_companies_they_belong_to() {
    let (mut fx, ..) = shop();
    let acme = fx.company.clone();
    let beta = fx
        .store
        .create_company(&CompanyInput {
            name: "Beta".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let beta_warehouse = fx
        .store
        .create_warehouse(
            &beta,
            &WarehouseInput {
                name: "Beta store".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    sign_in(&mut fx.store, "cleo@shop.test", CLERK_PW).unwrap();
    let names: Vec<String> = fx
        .store
        .list_companies()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Acme"]);
    let err = fx.store.list_warehouses(&beta, true).unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert_eq!(err.to_string(), "You are not a member of this company.");
    // Issue #14: an id of another company's row is answered like an id that does not exist
    // (it was `forbidden`, which told that the id exists).
    let err = fx.store.get_warehouse(&beta_warehouse).unwrap_err();
    assert_eq!(
        (err.code(), err.to_string()),
        (
            "not_found",
            format!("warehouse not found: {beta_warehouse}")
        ),
        "another company's id is not confirmed"
    );
    assert_eq!(
        fx.store.get_warehouse("no-such-id").unwrap_err().code(),
        "not_found",
        "the same answer as an id that does not exist"
    );
    assert_eq!(
        fx.store.find_company("Beta").unwrap_err().code(),
        "not_found",
        "by name, a company of others is not even found"
    );
    assert_eq!(fx.store.find_company("Acme").unwrap().id, acme);
    // A company that does not exist is refused like one of others: nothing is revealed.
    assert_eq!(
        fx.store.list_warehouses("nope", true).unwrap_err().code(),
        "forbidden"
    );
}

#[test]
fn owners_manage_users_and_the_last_owner_stays() {
    let (mut fx, _, _, manager, clerk) = shop();
    let company = fx.company.clone();
    let owner = fx.store.auth_status().unwrap().user.unwrap().id;

    let users = fx.store.list_users(&company).unwrap();
    let listed: Vec<(&str, Role)> = users
        .iter()
        .map(|u| (u.email.as_str(), u.memberships[0].role))
        .collect();
    assert_eq!(
        listed,
        [
            ("cleo@shop.test", Role::Clerk),
            ("manny@shop.test", Role::Manager),
            ("olive@shop.test", Role::Owner)
        ]
    );

    // Emails are unique ignoring case, and checked.
    let err = refused(&mut fx, "conflict", |s| {
        s.add_user(&new_user(
            &company,
            "CLEO@shop.test",
            "Other",
            Role::Clerk,
            "long enough",
        ))
    });
    assert_eq!(err.field(), Some("email"));
    assert_eq!(
        err.to_string(),
        "a user with email \"CLEO@shop.test\" already exists"
    );
    assert_eq!(
        refused(&mut fx, "validation", |s| {
            s.add_user(&new_user(
                &company,
                "x@shop.test",
                "X",
                Role::Clerk,
                "1234567",
            ))
        })
        .field(),
        Some("password")
    );

    // The last owner can be neither demoted nor disabled, not even by themselves.
    let err = refused(&mut fx, "conflict", |s| {
        s.set_user_role(&owner, &company, Role::Manager)
    });
    assert_eq!(
        err.to_string(),
        "This is the last owner of Acme: make another user owner first."
    );
    assert_eq!(err.field(), Some("role"));
    let err = refused(&mut fx, "conflict", |s| s.set_user_disabled(&owner, true));
    assert_eq!(err.to_string(), "You cannot disable your own account.");

    // With a second owner, the first may step down.
    fx.store
        .set_user_role(&manager, &company, Role::Owner)
        .unwrap();
    let demoted = fx
        .store
        .set_user_role(&owner, &company, Role::Manager)
        .unwrap();
    assert_eq!(demoted.memberships[0].role, Role::Manager);
    // Olive is a manager now: her next call sees it.
    assert_eq!(
        fx.store.list_users(&company).unwrap_err().code(),
        "forbidden"
    );

    // Manny, now the only owner, cannot be disabled by another owner of another company
    // either: he would leave Acme without an owner.
    sign_in(&mut fx.store, "manny@shop.test", MANAGER_PW).unwrap();
    let beta = fx
        .store
        .create_company(&CompanyInput {
            name: "Beta".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let ozzy = fx
        .store
        .add_user(&new_user(
            &beta,
            "ozzy@shop.test",
            "Ozzy",
            Role::Owner,
            "ozzy-secret",
        ))
        .unwrap()
        .id;
    fx.store
        .set_user_role(&ozzy, &company, Role::Clerk)
        .unwrap();
    fx.store
        .set_user_role(&manager, &beta, Role::Clerk)
        .unwrap();
    sign_in(&mut fx.store, "ozzy@shop.test", "ozzy-secret").unwrap();
    let err = refused(&mut fx, "conflict", |s| s.set_user_disabled(&manager, true));
    assert_eq!(
        err.to_string(),
        "This is the last owner of Acme: make another user owner first."
    );
    // Ozzy owns Beta only: Acme's users are not his to manage.
    assert_eq!(
        fx.store.list_users(&company).unwrap_err().code(),
        "forbidden"
    );
    assert_eq!(
        refused(&mut fx, "forbidden", |s| s.set_user_role(
            &clerk,
            &company,
            Role::Manager
        ))
        .code(),
        "forbidden"
    );

    // A disabled user's open session ends at its next call.
    sign_in(&mut fx.store, "manny@shop.test", MANAGER_PW).unwrap();
    let mut clerk_store = Store::open(&fx.path).unwrap();
    sign_in(&mut clerk_store, "cleo@shop.test", CLERK_PW).unwrap();
    clerk_store.list_companies().unwrap();
    fx.store.set_user_disabled(&clerk, true).unwrap();
    let err = clerk_store.list_companies().unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().as_str()),
        ("unauthenticated", "This account is disabled.")
    );
    fx.store.set_user_disabled(&clerk, false).unwrap();
    sign_in(&mut clerk_store, "cleo@shop.test", CLERK_PW).unwrap();
}

#[test]
fn passwords_are_changed_by_their_user_and_reset_by_an_owner() {
    let (mut fx, _, _, _, clerk) = shop();
    sign_in(&mut fx.store, "cleo@shop.test", CLERK_PW).unwrap();
    let err = refused(&mut fx, "validation", |s| {
        s.change_password(&ChangePassword {
            current_password: "not-it".into(),
            new_password: "a-new-password".into(),
        })
    });
    assert_eq!(err.field(), Some("current_password"));
    let err = refused(&mut fx, "validation", |s| {
        s.change_password(&ChangePassword {
            current_password: CLERK_PW.into(),
            new_password: "short".into(),
        })
    });
    assert_eq!(err.field(), Some("new_password"));
    fx.store
        .change_password(&ChangePassword {
            current_password: CLERK_PW.into(),
            new_password: "a-new-password".into(),
        })
        .unwrap();
    assert_eq!(
        sign_in(&mut fx.store, "cleo@shop.test", CLERK_PW)
            .unwrap_err()
            .code(),
        "sign_in_failed"
    );
    sign_in(&mut fx.store, "cleo@shop.test", "a-new-password").unwrap();
    // A clerk resets nobody's password.
    refused(&mut fx, "forbidden", |s| {
        s.reset_password(&clerk, "whatever-123")
    });

    // Forgotten: the owner sets a new one, which also lifts the sign-in wait.
    fx.store.sign_out();
    for _ in 0..4 {
        let _ = sign_in(&mut fx.store, "cleo@shop.test", "guess");
    }
    sign_in(&mut fx.store, "olive@shop.test", OWNER_PW).unwrap();
    assert_eq!(
        refused(&mut fx, "validation", |s| s.reset_password(&clerk, "short")).field(),
        Some("password")
    );
    fx.store.reset_password(&clerk, "from-the-owner").unwrap();
    sign_in(&mut fx.store, "cleo@shop.test", "from-the-owner").unwrap();

    fx.store.sign_out();
    assert_eq!(
        fx.store
            .change_password(&ChangePassword {
                current_password: "from-the-owner".into(),
                new_password: "whatever-else".into(),
            })
            .unwrap_err()
            .code(),
        "unauthenticated"
    );
}

#[test]
fn every_movement_and_change_records_who_made_it() {
    let (mut fx, main, product, _, clerk) = shop();
    let company = fx.company.clone();
    // Before users existed (the fixture's opening stock), nobody.
    assert_eq!(
        sql::<Option<String>>(&fx, "SELECT user_id FROM stock_movements"),
        [None]
    );

    sign_in(&mut fx.store, "cleo@shop.test", CLERK_PW).unwrap();
    let s = fx
        .store
        .record_sale(&company, &sale(&main, &product, 2))
        .unwrap();
    let page = fx
        .store
        .list_movements(&HistoryQuery {
            company_id: company.clone(),
            reference_id: Some(s.id.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].user_id.as_deref(), Some(clerk.as_str()));
    assert_eq!(page.items[0].user_name.as_deref(), Some("Cleo Clerk"));
    let sold_by: Vec<String> = sql(
        &fx,
        &format!("SELECT user_id FROM sales WHERE id = '{}'", s.id),
    );
    assert_eq!(sold_by, [clerk.as_str()]);
    // The sale's outbox rows (the sale and its movement) carry the clerk too.
    let outbox: Vec<Option<String>> = sql(
        &fx,
        "SELECT user_id FROM outbox WHERE entity IN ('sale', 'stock_movement') ORDER BY seq DESC LIMIT 2",
    );
    assert_eq!(outbox, [Some(clerk.clone()), Some(clerk.clone())]);

    // A change of the catalog by the owner is the owner's, in the outbox.
    sign_in(&mut fx.store, "olive@shop.test", OWNER_PW).unwrap();
    let owner = fx.store.auth_status().unwrap().user.unwrap().id;
    fx.store
        .create_warehouse(
            &company,
            &WarehouseInput {
                name: "Back".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        sql::<Option<String>>(
            &fx,
            "SELECT user_id FROM outbox WHERE entity = 'warehouse' ORDER BY seq DESC LIMIT 1"
        ),
        [Some(owner)]
    );
    // The history filters by user.
    let mine = fx
        .store
        .list_movements(&HistoryQuery {
            company_id: company,
            user_id: Some(clerk),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(mine.items.len(), 1);
}

#[test]
fn a_second_store_acts_as_the_same_user() {
    let (mut fx, ..) = shop();
    sign_in(&mut fx.store, "cleo@shop.test", CLERK_PW).unwrap();
    let actor = fx.store.actor().unwrap().expect("signed in");
    assert_eq!(actor.email(), "cleo@shop.test");
    let mut worker = Store::open(&fx.path).unwrap();
    assert_eq!(
        worker.list_companies().unwrap_err().code(),
        "unauthenticated"
    );
    worker.set_actor(Some(actor)).unwrap();
    assert_eq!(worker.list_companies().unwrap().len(), 1);
    assert_eq!(
        worker
            .import_dir(std::path::Path::new("/nonexistent"), &mut |_| {})
            .unwrap_err()
            .code(),
        "forbidden",
        "the import refuses a clerk"
    );
    // A locked session hands no actor on.
    fx.store.pretend_idle_for(Duration::from_secs(3600));
    assert_eq!(fx.store.actor().unwrap_err().code(), "unauthenticated");
}

#[test]
fn the_first_user_added_in_setup_mode_must_be_an_owner() {
    let mut fx = Fixture::with_company("Acme");
    let company = fx.company.clone();
    let err = refused(&mut fx, "conflict", |s| {
        s.add_user(&new_user(
            &company,
            "c@shop.test",
            "C",
            Role::Clerk,
            "clerk-password",
        ))
    });
    assert_eq!(err.to_string(), "The first user must be an owner.");
    let owner = fx
        .store
        .add_user(&new_user(
            &company,
            "o@shop.test",
            "O",
            Role::Owner,
            "owner-password",
        ))
        .unwrap();
    assert_eq!(owner.memberships[0].role, Role::Owner);
    assert_eq!(
        fx.store.list_companies().unwrap_err().code(),
        "unauthenticated",
        "setup mode is over, and adding a user signs nobody in"
    );
}

#[test]
fn passwords_are_stored_as_argon2id_and_never_leave_the_core() {
    let (fx, ..) = shop();
    let hashes: Vec<String> = sql(&fx, "SELECT password_hash FROM users");
    assert_eq!(hashes.len(), 3);
    for h in &hashes {
        assert!(
            h.starts_with("$argon2id$v=19$"),
            "a PHC argon2id string: {h}"
        );
        assert!(!h.contains(OWNER_PW) && !h.contains(CLERK_PW));
    }
    assert_ne!(hashes[0], hashes[1], "each hash has its own salt");

    // What leaves the core (the JSON of IPC and the CLI is checked in tests/roles.rs and the
    // CLI's tests) carries no hash: every field, as Debug shows them.
    let users = fx.store.list_users(&fx.company).unwrap();
    let status = fx.store.auth_status().unwrap();
    for text in [format!("{users:?}"), format!("{status:?}")] {
        assert!(!text.contains("$argon2"), "{text}");
        assert!(!text.contains("password"), "{text}");
    }
    let input = SignIn {
        email: "olive@shop.test".into(),
        password: OWNER_PW.into(),
    };
    let debug = format!(
        "{input:?} {:?} {:?}",
        NewUser {
            company_id: "c".into(),
            email: "e".into(),
            name: "n".into(),
            role: Role::Clerk,
            password: CLERK_PW.into()
        },
        ChangePassword {
            current_password: OWNER_PW.into(),
            new_password: CLERK_PW.into()
        }
    );
    assert!(
        !debug.contains(OWNER_PW) && !debug.contains(CLERK_PW),
        "{debug}"
    );
}

/// After three failures, `attempts` stores of the same file (as many processes would be) try
/// at once, all frozen at the moment the first wait is over. Returns the error codes, "ok" for
/// a sign-in.
fn simultaneous_attempts(fx: &Fixture, password: &str, attempts: usize) -> Vec<String> {
    let start: DateTime<Utc> = "2030-01-01T10:00:00Z".parse().unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(attempts));
    let threads: Vec<_> = (0..attempts)
        .map(|_| {
            let mut store = Store::open(&fx.path).unwrap();
            store.set_busy_timeout(Duration::from_secs(60)).unwrap();
            store.freeze_sign_in_clock(Some(start + chrono::Duration::seconds(1)));
            let barrier = barrier.clone();
            let password = password.to_owned();
            std::thread::spawn(move || {
                barrier.wait();
                match sign_in(&mut store, "cleo@shop.test", &password) {
                    Ok(_) => "ok".to_owned(),
                    Err(e) => e.code().to_owned(),
                }
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn three_failures(fx: &mut Fixture) {
    fx.store.sign_out();
    fx.store
        .freeze_sign_in_clock(Some("2030-01-01T10:00:00Z".parse().unwrap()));
    for _ in 0..3 {
        let e = sign_in(&mut fx.store, "cleo@shop.test", "wrong").unwrap_err();
        assert_eq!(e.code(), "sign_in_failed");
    }
}

#[test]
fn simultaneous_attempts_get_one_password_check_per_wait() {
    let (mut fx, ..) = shop();
    three_failures(&mut fx);
    let mut codes = simultaneous_attempts(&fx, "still-wrong", 16);
    codes.sort();
    let mut expected = vec!["throttled".to_owned(); 15];
    expected.insert(0, "sign_in_failed".to_owned());
    assert_eq!(codes, expected, "one attempt per wait reaches the password");
    assert_eq!(
        throttle_sql::<i64>(
            &fx,
            "SELECT failures FROM sign_in_attempts WHERE email = 'cleo@shop.test'"
        ),
        [4]
    );
}

#[test]
fn receiving_more_than_an_order_has_open_needs_a_manager_even_with_the_confirmation() {
    let (mut fx, main, product, ..) = shop();
    let company = fx.company.clone();
    let supplier = fx
        .store
        .create_supplier(
            &company,
            &SupplierInput {
                name: "Potter".into(),
                contact_email: "p@potter.test".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let order = fx
        .store
        .create_purchase_order(
            &company,
            &PurchaseOrderInput {
                supplier_id: supplier,
                warehouse_id: main,
                lines: vec![PurchaseOrderLineInput {
                    product_id: product.clone(),
                    quantity: 5,
                    unit_cost: Some("2".into()),
                }],
                note: None,
                confirm_new_links: true,
            },
        )
        .unwrap()
        .id;
    fx.store.send_purchase_order(&order).unwrap();
    let receive = |quantity, confirm| ReceiveOrderInput {
        lines: vec![QuantityLine {
            product_id: product.clone(),
            quantity,
        }],
        confirm_over_receipt: confirm,
    };

    sign_in(&mut fx.store, "cleo@shop.test", CLERK_PW).unwrap();
    let err = refused(&mut fx, "forbidden", |s| {
        s.receive_purchase_order(&order, &receive(50, true))
    });
    assert!(
        err.to_string().contains("more than an order has open"),
        "{err}"
    );
    refused(&mut fx, "confirmation_required", |s| {
        s.receive_purchase_order(&order, &receive(50, false))
    });
    // What is open a clerk receives as before.
    let received = fx
        .store
        .receive_purchase_order(&order, &receive(3, true))
        .unwrap();
    assert_eq!(received.lines[0].quantity_received, 3);

    sign_in(&mut fx.store, "manny@shop.test", MANAGER_PW).unwrap();
    let received = fx
        .store
        .receive_purchase_order(&order, &receive(4, true))
        .unwrap();
    assert_eq!(
        received.lines[0].quantity_received, 7,
        "a manager may over-receive"
    );
}
