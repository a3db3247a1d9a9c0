//! This device's idle lock: how long a session may stay unused before it locks.

use rusqlite::{Connection, OptionalExtension};

use crate::db::Store;
use crate::error::{Error, Result};
use crate::model::*;

use super::*;

pub(super) fn idle_lock_minutes(conn: &Connection) -> Result<u32> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = 'idle_lock_minutes'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(value
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
}

impl Store {
    /// Minutes without activity before a session locks on this device (0: never).
    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<AuthStatus> {
        self.authorize_anywhere(Action::Settings)?;
        if minutes > MAX_IDLE_LOCK_MINUTES {
            return Err(Error::validation(
                "minutes",
                format!("choose 0 (never) or up to {MAX_IDLE_LOCK_MINUTES} minutes"),
            ));
        }
        self.write(|tx| {
            tx.conn.execute(
                "INSERT INTO settings (key, value) VALUES ('idle_lock_minutes', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [minutes.to_string()],
            )?;
            Ok(())
        })?;
        if let Some(s) = self.session.borrow_mut().as_mut() {
            s.idle_lock_minutes = minutes;
        }
        self.auth_status()
    }
}
