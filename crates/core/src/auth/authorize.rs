//! The session on a store and the authorization check every operation starts with.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use crate::db::Store;
use crate::error::{Error, Result};
use crate::session::{Actor, Session};

use super::*;

impl Store {
    /// The signed-in user's id after checking the session: `None` in setup mode (no users:
    /// the store acts as the owner of everything). A session idle for longer than the idle
    /// lock, or whose user has since been disabled, ends here.
    pub(super) fn session_user(&self, touch: bool) -> Result<Option<String>> {
        let mut session = self.session.borrow_mut();
        let Some(s) = session.as_mut() else {
            return if users_exist(&self.conn)? {
                Err(unauthenticated("Sign in to continue."))
            } else {
                Ok(None)
            };
        };
        if s.expired() {
            let minutes = s.idle_lock_minutes;
            *session = None;
            return Err(unauthenticated(format!(
                "Locked after {minutes} minute{} without activity. Sign in again.",
                if minutes == 1 { "" } else { "s" }
            )));
        }
        let disabled: Option<bool> = self
            .conn
            .prepare_cached("SELECT disabled FROM users WHERE id = ?1")?
            .query_row([&s.actor.user_id], |r| r.get(0))
            .optional()?;
        if disabled != Some(false) {
            *session = None;
            return Err(unauthenticated("This account is disabled."));
        }
        if touch {
            s.last_seen = Instant::now();
        }
        Ok(Some(s.actor.user_id.clone()))
    }

    /// The one check before every operation on a company's data: the caller must be signed in
    /// (or the store in setup mode) and be a member of `company_id` whose role allows `action`.
    /// A company that does not exist is refused like one the user is not a member of.
    pub(crate) fn authorize(&self, company_id: &str, action: Action) -> Result<()> {
        let Some(user_id) = self.session_user(true)? else {
            return Ok(());
        };
        match role_in(&self.conn, &user_id, company_id)? {
            None => Err(not_member()),
            Some(role) if !role.allows(action) => Err(role.cannot(action)),
            Some(_) => Ok(()),
        }
    }

    /// [`Store::authorize`] for an operation named by the id of a row of `table` (a table of
    /// ours with a `company_id`, never user input): the check is against that row's company.
    /// An id that does not exist is checked against the user's best role, so the operation
    /// then answers `not_found` only to someone who could have done it.
    pub(crate) fn authorize_row(
        &self,
        table: &'static str,
        id: &str,
        action: Action,
    ) -> Result<()> {
        let (column, key) = crate::ids::lookup(table, id);
        let company: Option<String> = self
            .conn
            .prepare_cached(&format!(
                "SELECT company_id FROM {table} WHERE {column} = ?1"
            ))?
            .query_row([key], |r| r.get(0))
            .optional()?;
        match company {
            // A row of a company the user is not a member of is answered like a row that
            // does not exist: its id is not confirmed to someone who cannot see it.
            Some(company_id) => match self.authorize(&company_id, action) {
                Err(Error::Forbidden { .. }) if !self.is_member(&company_id)? => {
                    self.authorize_anywhere(action)?;
                    Err(Error::not_found(entity_of(table), id))
                }
                other => other,
            },
            None => self.authorize_anywhere(action),
        }
    }

    /// Whether the signed-in user (anyone in setup mode) is a member of the company.
    pub(super) fn is_member(&self, company_id: &str) -> Result<bool> {
        match self.session_user(false)? {
            None => Ok(true),
            Some(user_id) => Ok(role_in(&self.conn, &user_id, company_id)?.is_some()),
        }
    }

    /// For an action that is not about one company (creating one, the import, settings): the
    /// user's highest role anywhere must allow it. A user without any membership is the first
    /// owner before any company exists (members are always added to a company), so counts as
    /// an owner.
    pub(crate) fn authorize_anywhere(&self, action: Action) -> Result<()> {
        let Some(user_id) = self.session_user(true)? else {
            return Ok(());
        };
        match best_role(&self.conn, &user_id)? {
            None => Ok(()),
            Some(role) if role.allows(action) => Ok(()),
            Some(role) => Err(role.cannot(action)),
        }
    }

    /// The signed-in user's id, after the session checks; `None` in setup mode.
    pub(crate) fn viewer(&self) -> Result<Option<String>> {
        self.session_user(true)
    }

    /// Owners manage the users of their companies: the caller must be an owner of a company
    /// `user_id` belongs to.
    pub(super) fn authorize_over_user(&self, user_id: &str) -> Result<Option<String>> {
        self.authorize_anywhere(Action::ManageUsers)?;
        let viewer = self.viewer()?;
        // Not found only to someone who may manage users at all.
        get_user(&self.conn, user_id, None)?;
        if let Some(viewer) = &viewer {
            let shared: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM memberships t JOIN memberships a
                     ON a.company_id = t.company_id AND a.user_id = ?2 AND a.role = 'owner'
                 WHERE t.user_id = ?1)",
                [user_id, viewer],
                |r| r.get(0),
            )?;
            if !shared && user_id != viewer {
                return Err(Error::Forbidden {
                    reason: "You are not an owner of any company this user belongs to.".to_owned(),
                });
            }
        }
        Ok(viewer)
    }

    /// The signed-in actor, after the session checks (idle lock, disabled): what a second
    /// store opened for long work takes with [`Store::set_actor`]. `None` in setup mode.
    pub fn actor(&self) -> Result<Option<Actor>> {
        self.session_user(true)?;
        Ok(self.session.borrow().as_ref().map(|s| s.actor.clone()))
    }

    /// Who is signed in, without counting as activity (the background sync asks this every
    /// few seconds and must not keep a session from locking); `None` when nobody is or the
    /// session has locked.
    pub fn actor_if_signed_in(&self) -> Option<Actor> {
        match self.session_user(false) {
            Ok(Some(_)) => self.session.borrow().as_ref().map(|s| s.actor.clone()),
            _ => None,
        }
    }

    /// Acts as `actor` (one taken from another store of the same database with
    /// [`Store::actor`]); `None` signs out.
    pub fn set_actor(&mut self, actor: Option<Actor>) -> Result<()> {
        let minutes = idle_lock_minutes(&self.conn)?;
        *self.session.borrow_mut() = actor.map(|a| Session::new(a, minutes));
        Ok(())
    }

    /// For tests of the idle lock: moves the time of the last activity back by `by`, as if
    /// nothing had been done meanwhile.
    #[doc(hidden)]
    pub fn pretend_idle_for(&self, by: Duration) {
        if let Some(s) = self.session.borrow_mut().as_mut() {
            s.last_seen = s.last_seen.checked_sub(by).unwrap_or(s.last_seen);
        }
    }

    /// For tests of the sign-in throttle: the time it reads (and records failures at) from now
    /// on; `None` goes back to the real time.
    #[doc(hidden)]
    pub fn freeze_sign_in_clock(&self, at: Option<DateTime<Utc>>) {
        self.frozen_now.set(at);
    }
}
