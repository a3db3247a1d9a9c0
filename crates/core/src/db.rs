//! Opening the local database and running writes.
//!
//! Every connection gets the same pragmas; the schema comes from `migrations/`, embedded at
//! build time. Every write runs in an immediate transaction (the write lock is taken at BEGIN,
//! so the checks a write makes cannot be invalidated by another process before it commits) and
//! is stamped by the device's hybrid logical clock.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use include_dir::{include_dir, Dir};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use rusqlite_migration::Migrations;

use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::session::Session;

// `build.rs` has Cargo rebuild this crate when anything in `migrations/` changes.
static MIGRATIONS_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../migrations");

/// The local schema, one migration per folder of `migrations/`.
pub static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::from_directory(&MIGRATIONS_DIR).expect("migrations/ is embedded and well formed")
});

/// How long a write waits for another process (the CLI beside the app) to release the lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

thread_local! {
    /// How long the write starting on this thread may wait for the lock (the [`Store`]'s
    /// busy timeout, set by each write), and since when the current wait has lasted.
    static BUSY_LIMIT: Cell<Duration> = const { Cell::new(BUSY_TIMEOUT) };
    static BUSY_SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// SQLite's busy handler for every connection of a [`Store`]: tries again every millisecond
/// until the store's busy timeout. SQLite's own `busy_timeout` sleeps up to 100 ms between
/// tries, so a writer that releases the lock for a few milliseconds between short
/// transactions (an import, see `import.rs`) would be missed again and again.
fn busy_wait(attempt: i32) -> bool {
    let since = BUSY_SINCE.with(|s| match s.get() {
        Some(t) if attempt > 0 => t,
        _ => {
            let now = Instant::now();
            s.set(Some(now));
            now
        }
    });
    if since.elapsed() >= BUSY_LIMIT.with(Cell::get) {
        return false;
    }
    std::thread::sleep(Duration::from_millis(1));
    true
}

/// How much of the file reads may map into memory (SQLite's default is none).
const MMAP_BYTES: i64 = 1 << 32;

/// The page cache of a connection, in KiB.
const PAGE_CACHE_KIB: i64 = 64 * 1024;

/// One open database file, and who is using it.
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) device_id: String,
    /// This file's fingerprint, when the device row does not have it yet (a database copied
    /// or moved here): the device row is updated by the first write, so that opening needs
    /// no write lock and a read-only file opens (see [`ensure_device`]).
    device_pending: Option<String>,
    path: PathBuf,
    /// The signed-in user (see `auth.rs`); `None` is signed out, or setup mode while the
    /// database has no user. Interior mutability: reads (`&self`) refresh or end it too.
    pub(crate) session: std::cell::RefCell<Option<Session>>,
    /// Tests of sign-in throttling set the time the throttle reads; `None` is the real time.
    pub(crate) frozen_now: std::cell::Cell<Option<chrono::DateTime<Utc>>>,
    /// A new device bringing its shop down from the server (see `Store::start_join`): sync
    /// may run before anyone can sign in here.
    pub(crate) joining: std::cell::Cell<bool>,
    /// How long a write waits for the lock (see [`busy_wait`]).
    busy_limit: Cell<Duration>,
    /// A second connection to the same file, opened the first time a read is split over two
    /// threads (see [`Store::second_reader`]) and kept, with its page cache, for the next.
    second: std::cell::RefCell<Option<Connection>>,
}

impl Store {
    /// Opens the database at `path`, creating the file and its folder if absent, and brings its
    /// schema up to date. A database written by a newer StockFlow is refused before anything is
    /// written to it.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.display().to_string(),
                source,
            })?;
        }
        let mut conn = open_connection(&path)?;
        conn.busy_handler(Some(busy_wait))?;
        BUSY_LIMIT.with(|l| l.set(BUSY_TIMEOUT));
        let read_only = conn.is_readonly(rusqlite::MAIN_DB)?;

        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let supported = schema_version();
        if found > supported {
            return Err(Error::DatabaseTooNew { found, supported });
        }

        conn.pragma_update(None, "foreign_keys", true)?;
        // Already WAL (every database but a new one): asking again would take a lock.
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !read_only {
            let mode: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::warn!(%mode, "the database could not switch to WAL");
            }
        }
        // A sale acknowledged on screen survives a power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Alerts and history at 100,000 products read tens of megabytes of index: keep them in
        // memory between queries (SQLite's default is 2 MB; pages are only taken as used).
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)?;
        // Reads straight from the OS page cache through a memory map instead of a read() and a
        // copy per page: a short-lived process (the CLI) starts with an empty page cache of
        // its own, and at M its alerts read tens of megabytes (issue #16).
        conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;

        register_functions(&conn)?;
        // Up to date: no transaction at all (rusqlite_migration only reads user_version).
        if found < supported && read_only {
            return Err(Error::ReadOnly);
        }
        MIGRATIONS.to_latest(&mut conn)?;
        let (device_id, device_pending) = ensure_device(&mut conn, &fingerprint(&path))?;
        tracing::info!(path = %path.display(), %device_id, read_only, "database open");
        Ok(Store {
            conn,
            device_id,
            device_pending,
            path,
            session: std::cell::RefCell::new(None),
            frozen_now: std::cell::Cell::new(None),
            joining: std::cell::Cell::new(false),
            busy_limit: Cell::new(BUSY_TIMEOUT),
            second: std::cell::RefCell::new(None),
        })
    }

    /// A second connection to this database for a read split over two threads, opened on first
    /// use; `None` when it cannot be (the caller then reads on one thread).
    pub(crate) fn second_reader(&self) -> Option<std::cell::RefMut<'_, Connection>> {
        let mut slot = self.second.borrow_mut();
        // A read that did not finish (a panic) ends here, with the lock it held.
        if slot.as_ref().is_some_and(|conn| !conn.is_autocommit()) {
            *slot = None;
        }
        if slot.is_none() {
            match open_reader(&self.path) {
                Ok(conn) => *slot = Some(conn),
                Err(e) => {
                    tracing::debug!(error = %e, "no second connection: reading on one thread");
                    return None;
                }
            }
        }
        std::cell::RefMut::filter_map(slot, Option::as_mut).ok()
    }

    /// How long a write waits for another writer (an import, the CLI beside the app) before it
    /// gives up with [`Error::Busy`]; 5 s unless changed.
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<()> {
        self.busy_limit.set(timeout);
        Ok(())
    }

    /// How long a write of this store waits for another writer (see [`Store::set_busy_timeout`]).
    pub(crate) fn busy_timeout(&self) -> Duration {
        self.busy_limit.get()
    }

    /// Makes this store's busy timeout the one of the next lock taken on this thread.
    pub(crate) fn arm_busy_timeout(&self) {
        BUSY_LIMIT.with(|l| l.set(self.busy_limit.get()));
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This installation's id: part of every HLC and recorded on every movement.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Runs `f` in an immediate transaction: committed if it returns `Ok`, rolled back (nothing
    /// written) if it returns an error.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.settle_device()?;
        self.arm_busy_timeout();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let user_id = self
            .session
            .borrow()
            .as_ref()
            .map(|s| s.actor.user_id.clone());
        let mut w = Tx::begin(&tx, &self.device_id, user_id)?;
        let out = f(&mut w)?;
        w.save_clock()?;
        tx.commit()?;
        Ok(out)
    }
}

impl Store {
    /// Records this file's fingerprint (and, for a copy, its new device id) in the device row,
    /// if opening left that for the first write. Another process may have done it first: then
    /// its id is this device's too.
    pub(crate) fn settle_device(&mut self) -> Result<()> {
        let Some(fingerprint) = self.device_pending.clone() else {
            return Ok(());
        };
        self.arm_busy_timeout();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (stored, seen): (String, Option<String>) =
            tx.query_row("SELECT device_id, fingerprint FROM device", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        match seen {
            Some(seen) if seen == fingerprint => self.device_id = stored,
            Some(_) => {
                tracing::info!(old = %stored, new = %self.device_id, "database copied or moved: a new sync device");
                tx.execute("DELETE FROM sync_device_seq", [])?;
                // The numbering series the owner set belongs to the original: numbering
                // here goes on in this device's own.
                tx.execute("UPDATE device SET series = NULL", [])?;
                tx.execute(
                    "UPDATE device SET device_id = ?1, fingerprint = ?2",
                    (&self.device_id, &fingerprint),
                )?;
            }
            // A database from before fingerprints keeps its id.
            None => {
                tx.execute("UPDATE device SET fingerprint = ?1", [&fingerprint])?;
                self.device_id = stored;
            }
        }
        tx.commit()?;
        self.device_pending = None;
        Ok(())
    }
}

/// Opens the file for reading and writing, or, when the file itself is read-only (a backup on
/// a read-only medium, a file without write permission), for reading only. The `immutable`
/// flag lets SQLite read a WAL database whose folder is not writable either: nothing can
/// change the file while it is read-only.
fn open_connection(path: &Path) -> Result<Connection> {
    let writable = match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        ),
    };
    if writable {
        return Ok(Connection::open(path)?);
    }
    use rusqlite::OpenFlags;
    let uri = format!(
        "file:{}?mode=ro&immutable=1",
        uri_path(&std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    );
    Ok(Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// A connection that only reads, with the pragmas of [`Store::open`] that reads depend on. It
/// never waits for a lock: what it is for is only worth doing at once.
fn open_reader(path: &Path) -> Result<Connection> {
    let conn = open_connection(path)?;
    conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    register_functions(&conn)?;
    Ok(conn)
}

/// A path as the path of a `file:` URI: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Runs every migration from scratch on an in-memory database with the SQL functions the
/// migrations use (what `Migrations::validate` does, on a connection it cannot prepare).
pub fn validate_migrations() -> Result<()> {
    let mut conn = Connection::open_in_memory()?;
    register_functions(&conn)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    MIGRATIONS.to_latest(&mut conn)?;
    Ok(())
}

/// Brings the database file at `path` to exactly schema `version` (never down), with the SQL
/// functions the migrations use: how `tests/upgrades.rs` makes its fixtures of earlier
/// versions. Not for the app, which always opens with [`Store::open`].
#[doc(hidden)]
pub fn migrate_file_to(path: &Path, version: usize) -> Result<()> {
    let mut conn = Connection::open(path)?;
    register_functions(&conn)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    MIGRATIONS.to_version(&mut conn, version)?;
    Ok(())
}

/// The number of migrations this build knows: the highest `user_version` it can open.
pub fn schema_version() -> i64 {
    MIGRATIONS_DIR.dirs().count() as i64
}

/// Which machine and file this is: a database copied to another machine or folder (or a
/// backup restored) has another, and must sync as a new device (DESIGN §4): two devices
/// sharing an id would break the HLC tie-break and each other's sequence numbers.
fn fingerprint(path: &Path) -> String {
    let machine = ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .find_map(|f| std::fs::read_to_string(f).ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let file = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let name = format!("{}\0{}", machine.trim(), file.display());
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_bytes())
        .simple()
        .to_string()
}

/// SQL functions the migrations and the core use: `sf_pair_id(kind, a, b)`, the name-based
/// UUID of a row whose identity is a pair (a product's link to a supplier, a membership), and
/// `sf_key(text)`, the uniqueness key of a code or name (triggers of migration 0011 keep
/// `products.sku_key` and `barcode_key` with it: a connection without it cannot write
/// products), and `sf_decimal_key(text)`, the exact sort key of an amount.
fn register_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "sf_pair_id",
        3,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let kind: String = ctx.get(0)?;
            let a: String = ctx.get(1)?;
            let b: String = ctx.get(2)?;
            Ok(pair_id(&kind, &a, &b))
        },
    )?;
    // The uniqueness key of codes and names (`validate::key`); NULL stays NULL.
    conn.create_scalar_function(
        "sf_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| crate::validate::key(&t)))
        },
    )?;
    // The exact sort key of a decimal stored as text (`sql::decimal_key`); NULL stays NULL.
    conn.create_scalar_function(
        "sf_decimal_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.and_then(|t| crate::sql::decimal_key(&t)))
        },
    )?;
    Ok(())
}

/// The id of a row that is one per pair (DESIGN §4: made on two devices, it is one row).
pub(crate) fn pair_id(kind: &str, a: &str, b: &str) -> String {
    let name = format!("{kind}\0{a}\0{b}");
    uuid::Uuid::new_v5(&PAIR_NAMESPACE, name.as_bytes()).to_string()
}

const PAIR_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x5f0c_3a1e_8d2b_4c6f_9a7e_1b2c_3d4e_5f60);

/// This device's id, and the fingerprint still to record (by the first write) when the file
/// was copied, moved or made before fingerprints. Only a new database is written to here:
/// opening an existing one takes no write lock, so it never waits for a writer.
fn ensure_device(conn: &mut Connection, fingerprint: &str) -> Result<(String, Option<String>)> {
    let existing: Option<(String, Option<String>)> = conn
        .query_row("SELECT device_id, fingerprint FROM device", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let new_device = || uuid::Uuid::now_v7().simple().to_string();
    match existing {
        Some((id, Some(seen))) if seen == fingerprint => Ok((id, None)),
        // Never opened here before: a new device from its first write on.
        Some((_, Some(_))) => Ok((new_device(), Some(fingerprint.to_owned()))),
        Some((id, None)) => Ok((id, Some(fingerprint.to_owned()))),
        None => {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let raced: Option<(String, Option<String>)> = tx
                .query_row("SELECT device_id, fingerprint FROM device", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            if raced.is_some() {
                drop(tx);
                return ensure_device(conn, fingerprint);
            }
            let id = new_device();
            tx.execute(
                "INSERT INTO device (singleton, device_id, hlc_wall_ms, hlc_counter, created_at, fingerprint)
                 VALUES (1, ?1, 0, 0, ?2, ?3)",
                (&id, now_rfc3339(), fingerprint),
            )?;
            tx.commit()?;
            Ok((id, None))
        }
    }
}

pub(crate) fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn new_id() -> String {
    crate::ids::new_v7().to_string()
}

/// A write in progress: the transaction, the time it runs at and the device's clock.
pub(crate) struct Tx<'c> {
    pub conn: &'c Transaction<'c>,
    device_id: &'c str,
    /// Who makes this write: recorded on its movements, sales and outbox rows.
    user_id: Option<String>,
    last: (i64, u32),
    ticked: bool,
    /// When the write happens, the same for every row it touches; and in milliseconds.
    pub now: String,
    now_ms: i64,
}

impl<'c> Tx<'c> {
    fn begin(
        conn: &'c Transaction<'c>,
        device_id: &'c str,
        user_id: Option<String>,
    ) -> Result<Tx<'c>> {
        // Read under the write lock: a CLI run beside the app shares the clock safely.
        let last: (i64, u32) =
            conn.query_row("SELECT hlc_wall_ms, hlc_counter FROM device", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        // Device time never stands still between writes: each one happens at least a
        // millisecond after the last stamped one, so two events of this device always have an
        // order in time (a sale rung up in the same millisecond as a scan is after it).
        // Within the same moment only: after seeing a change from a device whose clock is
        // ahead, the HLC stays ahead of it but the times written stay this device's own.
        let wall = Utc::now().timestamp_millis();
        let now_ms = if last.0 >= wall && last.0 - wall < 2_000 {
            last.0 + 1
        } else {
            wall
        };
        Ok(Tx {
            conn,
            device_id,
            user_id,
            last,
            ticked: false,
            now_ms,
            now: chrono::DateTime::from_timestamp_millis(now_ms)
                .unwrap_or_else(Utc::now)
                .to_rfc3339_opts(SecondsFormat::Millis, true),
        })
    }

    pub fn device_id(&self) -> &str {
        self.device_id
    }

    /// The signed-in user making this write; `None` in setup mode.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// A fresh HLC value for one change: each change of a write gets its own, in order.
    pub fn stamp(&mut self) -> String {
        self.stamp_value().to_string()
    }

    /// [`Tx::stamp`] as the value, not its text.
    pub(crate) fn stamp_value(&mut self) -> Hlc {
        let hlc = Hlc::tick(
            self.last.0,
            self.last.1,
            Utc::now().timestamp_millis().max(self.now_ms),
            self.device_id,
        );
        self.last = (hlc.wall_ms, hlc.counter);
        self.ticked = true;
        hlc
    }

    /// A change from another device was seen: the next stamp of this device comes after it,
    /// even when this device's wall clock is behind.
    pub fn observe(&mut self, remote: &Hlc) {
        if (remote.wall_ms, remote.counter) > self.last {
            self.last = (remote.wall_ms, remote.counter);
            self.ticked = true;
        }
    }

    /// The clock's last issued value (what this write leaves in the device row).
    pub fn clock(&self) -> (i64, u32) {
        self.last
    }

    fn save_clock(&self) -> Result<()> {
        if self.ticked {
            self.conn.execute(
                "UPDATE device SET hlc_wall_ms = ?1, hlc_counter = ?2",
                self.last,
            )?;
        }
        Ok(())
    }
}
