//! Who is signed in on a [`crate::Store`]: the [`Actor`] and its [`Session`] (when it was last
//! active, and after how long idle it locks). Plain data below the storage, so `db.rs` can hold
//! a session without depending on `auth.rs`, which makes and checks them.

use std::time::{Duration, Instant};

/// The signed-in user. Only a successful sign-in (or setting up the owner) makes one, so
/// holding one is proof of it: a second store opened for long work (the import) takes the
/// app's actor with [`Store::set_actor`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub(crate) user_id: String,
    name: String,
    email: String,
}

impl Actor {
    /// Only `auth.rs` calls this, once the user's password (or the owner's setup) checked out.
    pub(crate) fn new(user_id: String, name: String, email: String) -> Actor {
        Actor {
            user_id,
            name,
            email,
        }
    }

    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn email(&self) -> &str {
        &self.email
    }
}

/// A signed-in actor and the time of their last authorized call.
pub(crate) struct Session {
    pub actor: Actor,
    pub(crate) last_seen: Instant,
    pub(crate) idle_lock_minutes: u32,
}

impl Session {
    pub(crate) fn new(actor: Actor, idle_lock_minutes: u32) -> Session {
        Session {
            actor,
            last_seen: Instant::now(),
            idle_lock_minutes,
        }
    }

    pub(crate) fn expired(&self) -> bool {
        self.idle_lock_minutes > 0
            && self.last_seen.elapsed()
                > Duration::from_secs(60 * u64::from(self.idle_lock_minutes))
    }
}
