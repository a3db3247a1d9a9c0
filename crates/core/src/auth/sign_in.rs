//! Setting up the first owner, signing in and out, and changing one's own password.

use chrono::Utc;
use rusqlite::OptionalExtension;

use crate::db::Store;
use crate::error::{Error, Result};
use crate::model::*;
use crate::session::Actor;

use super::*;

const WRONG_CREDENTIALS: &str = "Wrong email or password.";

impl Store {
    /// What the app shows first: the setup screen, the sign-in screen, or who is signed in.
    /// Not an activity: it does not keep a session from locking.
    pub fn auth_status(&self) -> Result<AuthStatus> {
        // A join that did not finish goes on before anything else, also once some of the shop's
        // users came down with it (they arrive wherever the shop's changes put them).
        let join_unfinished = self.join_unfinished()?;
        let setup_required = join_unfinished || !users_exist(&self.conn)?;
        let user = match self.session_user(false) {
            Ok(Some(id)) => Some(get_user(&self.conn, &id, Some(&id))?),
            Ok(None) | Err(Error::Unauthenticated { .. }) => None,
            Err(e) => return Err(e),
        };
        Ok(AuthStatus {
            setup_required,
            user,
            idle_lock_minutes: idle_lock_minutes(&self.conn)?,
            join_unfinished,
        })
    }

    /// The first run: creates the owner, makes them owner of every existing company and
    /// signs them in. Refused (`conflict`) once any user exists.
    pub fn setup_owner(&mut self, input: &SetupOwner) -> Result<User> {
        if users_exist(&self.conn)? {
            return Err(setup_done());
        }
        if self.join_unfinished()? {
            return Err(Error::Refused {
                field: "email".to_owned(),
                reason: "Part of a shop is on this computer from a join that did not finish: continue the join, or start it over first.".to_owned(),
            });
        }
        let v = ValidUser::parse(&input.name, &input.email, input.password.expose())?;
        let hash = hash_password(input.password.expose())?;
        let id = self.write(|tx| {
            // Checked again under the write lock: two first runs cannot both succeed.
            if users_exist(tx.conn)? {
                return Err(setup_done());
            }
            let id = insert_user(tx, &v.name, &v.email, &hash)?;
            own_everything(tx, &id)?;
            Ok(id)
        })?;
        tracing::info!(user_id = %id, "owner set up");
        self.start_session(&id)
    }

    /// Signs in (replacing whoever was signed in). Wrong email or password get the same
    /// answer; after three consecutive failures for an email (known or not) each further
    /// attempt must wait longer, measured from the last failure: that attempt is refused with
    /// `throttled` and the wait, without looking at the password.
    pub fn sign_in(&mut self, input: &SignIn) -> Result<User> {
        let key = attempt_key(&input.email);
        let now = self.frozen_now.get().unwrap_or_else(Utc::now);
        // The throttle is taken atomically, under the throttle file's lock and before the
        // password is looked at: the attempt counts as a failure until it is known to be
        // right. However many processes try at once, one attempt per wait gets to the
        // password. Nothing is written to the main database, so a sign-in never waits for its
        // writer.
        take_attempt(self, &key, now)?;
        let found: Option<(String, String, bool)> = self
            .conn
            .query_row(
                "SELECT id, password_hash, disabled FROM users WHERE email = ?1 COLLATE NOCASE",
                [input.email.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let verified = match &found {
            Some((_, hash, _)) => verify_password(input.password.expose(), hash),
            None => {
                if let Some(decoy) = DECOY_HASH.as_deref() {
                    verify_password(input.password.expose(), decoy);
                }
                false
            }
        };
        let Some((user_id, _, disabled)) = found.filter(|_| verified) else {
            // Already counted as a failure above.
            tracing::info!("sign-in failed");
            return Err(Error::SignInFailed {
                reason: WRONG_CREDENTIALS.to_owned(),
            });
        };
        clear_attempts(self, &key)?;
        if disabled {
            return Err(Error::SignInFailed {
                reason: "This account is disabled.".to_owned(),
            });
        }
        tracing::info!(%user_id, "signed in");
        self.start_session(&user_id)
    }

    pub(super) fn start_session(&mut self, user_id: &str) -> Result<User> {
        let user = get_user(&self.conn, user_id, Some(user_id))?;
        let actor = Actor::new(user.id.clone(), user.name.clone(), user.email.clone());
        self.set_actor(Some(actor))?;
        Ok(user)
    }

    pub fn sign_out(&mut self) {
        if let Some(s) = self.session.borrow_mut().take() {
            tracing::info!(user_id = %s.actor.user_id, "signed out");
        }
    }

    /// The signed-in user changes their own password, giving the current one.
    pub fn change_password(&mut self, input: &ChangePassword) -> Result<()> {
        let Some(user_id) = self.viewer()? else {
            return Err(unauthenticated("Sign in to change your password."));
        };
        let hash: String = self.conn.query_row(
            "SELECT password_hash FROM users WHERE id = ?1",
            [&user_id],
            |r| r.get(0),
        )?;
        if !verify_password(input.current_password.expose(), &hash) {
            return Err(Error::validation(
                "current_password",
                "the current password is not right",
            ));
        }
        password("new_password", input.new_password.expose())?;
        let hash = hash_password(input.new_password.expose())?;
        self.write(|tx| set_hash(tx, &user_id, &hash))
    }
}

pub(super) fn setup_done() -> Error {
    Error::Refused {
        field: "email".to_owned(),
        reason: "StockFlow is already set up: sign in, or ask an owner to add you.".to_owned(),
    }
}
