//! The sign-in throttle: failed attempts per email, in a small file beside the database, and the wait they earn.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use crate::db::Store;
use crate::error::{Error, Result};

/// Failed sign-ins for one email before each further attempt has to wait.
const FREE_ATTEMPTS: i64 = 3;
/// The wait doubles with each failure (1 s, 2 s, 4 s...) up to this.
const MAX_WAIT_SECONDS: u64 = 300;

/// The key of the throttling state: an email as typed, trimmed and lowercased.
pub(super) fn attempt_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The wait after `failures` consecutive failures: none for the first three, then 1 s, 2 s,
/// 4 s... up to five minutes.
pub(super) fn wait_after(failures: i64) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let exponent = (failures - FREE_ATTEMPTS).min(16) as u32;
    Duration::from_secs((1u64 << exponent).min(MAX_WAIT_SECONDS))
}

/// The sign-in throttle's own small database, beside the main one (`stockflow.db-signin`).
///
/// Why a file of its own: counting an attempt is a write, and in the main database it would
/// wait for whoever holds its write lock (an import runs for a minute), so even
/// `stockflow-cli --user X stock` failed with `busy`. This file is only ever locked for the
/// few microseconds of counting one attempt, so reads after a sign-in never wait for a writer,
/// and the count stays atomic across processes (one immediate transaction on this file).
/// Local to this device and never synced, backed up or restored: at worst a restore forgets
/// a wait. The main database's `sign_in_attempts` table (migration 0006) is no longer used.
pub fn sign_in_throttle_path(database: &std::path::Path) -> std::path::PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-signin");
    std::path::PathBuf::from(name)
}

/// Opens (creating if needed) the throttle file of `store`'s database, waiting for its lock as
/// long as the main connection would.
pub(super) fn open_throttle(store: &Store) -> Result<Connection> {
    let path = sign_in_throttle_path(store.path());
    let conn = match Connection::open(&path) {
        Ok(conn) => conn,
        // A database on a read-only share: there is nowhere to count an attempt.
        Err(_) if store.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) => {
            return Err(Error::ReadOnly)
        }
        Err(e) => return Err(e.into()),
    };
    // The store's own limit: its connection waits through a busy handler, so its
    // `PRAGMA busy_timeout` reads 0.
    conn.busy_timeout(store.busy_timeout())?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS sign_in_attempts (
             email           TEXT PRIMARY KEY,
             failures        INTEGER NOT NULL CHECK (failures > 0),
             last_failure_at TEXT NOT NULL
         ) STRICT, WITHOUT ROWID;",
    )?;
    Ok(conn)
}

/// Counts an attempt for `key` as a failure unless it must wait (`throttled`), in one
/// immediate transaction of the throttle file.
pub(super) fn take_attempt(store: &Store, key: &str, now: DateTime<Utc>) -> Result<()> {
    let mut conn = open_throttle(store)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if let Some(wait_seconds) = throttled_for(&tx, key, now)? {
        return Err(Error::Throttled { wait_seconds });
    }
    tx.execute(
        "INSERT INTO sign_in_attempts (email, failures, last_failure_at) VALUES (?1, 1, ?2)
         ON CONFLICT (email) DO UPDATE SET failures = failures + 1,
             last_failure_at = excluded.last_failure_at",
        params![key, now.to_rfc3339_opts(SecondsFormat::Millis, true)],
    )?;
    tx.commit()?;
    Ok(())
}

/// Forgets the failures of `key` (a right password, or an owner's reset).
pub(super) fn clear_attempts(store: &Store, key: &str) -> Result<()> {
    open_throttle(store)?.execute("DELETE FROM sign_in_attempts WHERE email = ?1", [key])?;
    Ok(())
}

/// Whole seconds still to wait before `key` may try again, if any.
pub(super) fn throttled_for(
    conn: &Connection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<u64>> {
    let row: Option<(i64, String)> = conn
        .prepare_cached("SELECT failures, last_failure_at FROM sign_in_attempts WHERE email = ?1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((failures, last)) = row else {
        return Ok(None);
    };
    let wait = wait_after(failures);
    if wait.is_zero() {
        return Ok(None);
    }
    // An unreadable time (edited by hand) counts as now: the full wait applies.
    let last = DateTime::parse_from_rfc3339(&last)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    let until = last + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
    let left_ms = (until - now).num_milliseconds();
    Ok((left_ms > 0).then(|| (left_ms as u64).div_ceil(1000)))
}
