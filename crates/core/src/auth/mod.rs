//! Users, roles and sign-in, and the one authorization check every operation makes.
//!
//! A [`Store`](crate::db::Store) carries who is signed in (a
//! [`Session`](crate::session::Session)). Every public operation of the core starts with
//! `Store::authorize` (or one of its forms below): nobody signed in is
//! `unauthenticated`, a role that may not do the action is `forbidden`, and both are answered
//! before any input is validated or any row read for the caller, so a refusal reveals nothing
//! and writes nothing. While the database has no user at all (setup mode) the store acts as the
//! owner of everything: the CLI and a fresh install work as before users existed.
//!
//! Passwords are hashed with argon2id (default parameters, PHC strings with their salt) and
//! never leave this module: no model type carries a hash, and the inputs that carry a password
//! hide it from `Debug`.
//!
//! One file per concern: `roles.rs` (the role table), `authorize.rs` (the session and the
//! checks), `passwords.rs`, `throttle.rs` (failed sign-ins), `users.rs` (users and memberships),
//! `sign_in.rs`, `settings.rs` (the idle lock).

mod authorize;
mod passwords;
mod roles;
mod settings;
mod sign_in;
mod throttle;
mod users;

// The concerns share their helpers through these (each file's `use super::*`); only what the
// rest of the core calls is re-exported from here.
use passwords::*;
use roles::*;
use settings::*;
use throttle::*;
use users::*;

use crate::error::Error;
pub use crate::session::Actor;

pub use roles::role_table;
pub(crate) use roles::Action;
pub use throttle::sign_in_throttle_path;
pub(crate) use users::own_new_company;

/// Minutes without activity before a session locks, until an owner changes it.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;
/// The longest idle lock an owner may choose (8 hours).
pub const MAX_IDLE_LOCK_MINUTES: u32 = 480;
pub const MIN_PASSWORD_CHARS: usize = 8;

fn unauthenticated(reason: impl Into<String>) -> Error {
    Error::Unauthenticated {
        reason: reason.into(),
    }
}

/// What a row of one of our tables is, for a `not_found` answer.
fn entity_of(table: &str) -> crate::error::Entity {
    use crate::error::Entity;
    match table {
        "companies" => Entity::Company,
        "warehouses" => Entity::Warehouse,
        "product_types" => Entity::ProductType,
        "products" => Entity::Product,
        "sales" => Entity::Sale,
        "suppliers" => Entity::Supplier,
        "purchase_orders" => Entity::PurchaseOrder,
        "count_sessions" => Entity::CountSession,
        "users" => Entity::User,
        _ => Entity::Product,
    }
}

fn not_member() -> Error {
    Error::Forbidden {
        reason: "You are not a member of this company.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    #[test]
    fn the_role_table_names_each_action_once_with_the_role_the_checks_use() {
        let table = role_table();
        let mut names: Vec<&str> = table.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), table.len(), "an action is listed twice");
        assert!(table.contains(&("edit_catalog".to_owned(), Role::Manager)));
        assert!(table.contains(&("connect_sync".to_owned(), Role::Owner)));
        assert!(table.contains(&("sync".to_owned(), Role::Clerk)));
        for a in Action::ALL {
            assert_eq!(
                table.iter().find(|(n, _)| *n == a.name()).map(|(_, r)| *r),
                Some(a.least())
            );
        }
    }
}
