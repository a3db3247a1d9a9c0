//! Users, roles and sign-in on a real database file: setup, sign-in and its throttling, the idle
//! lock, owners managing users, the last owner rule, the audit of who did what, and that a
//! refused operation writes nothing.

mod common;

use common::Fixture;
use stockflow_core::*;

const OWNER_PW: &str = "owner-secret-1";

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
    assert_eq!(status.user.as_ref().map(|u| u.id.as_str()), Some(owner.id.as_str()));

    fx.store.sign_out();
    assert_eq!(fx.store.auth_status().unwrap().user, None);
    let again = sign_in(&mut fx.store, "OLIVE@shop.test", OWNER_PW).unwrap();
    assert_eq!(again.id, owner.id, "emails match ignoring case");
}
