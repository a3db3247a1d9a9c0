//! Users, roles and sign-in, and the one authorization check every operation makes.
//!
//! A [`Store`] carries who is signed in (a [`Session`]). Every public operation of the core
//! starts with [`Store::authorize`] (or one of its forms below): nobody signed in is
//! `unauthenticated`, a role that may not do the action is `forbidden`, and both are answered
//! before any input is validated or any row read for the caller, so a refusal reveals nothing
//! and writes nothing. While the database has no user at all (setup mode) the store acts as the
//! owner of everything: the CLI and a fresh install work as before users existed.
//!
//! Passwords are hashed with argon2id (default parameters, PHC strings with their salt) and
//! never leave this module: no model type carries a hash, and the inputs that carry a password
//! hide it from `Debug`.

use std::time::{Duration, Instant};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use crate::catalog::get_company;
use crate::db::{Store, Tx};
use crate::error::{Entity, Error, Result};
use crate::model::*;
pub use crate::session::Actor;
use crate::session::Session;
use crate::validate::{self, MAX_NAME};

/// Minutes without activity before a session locks, until an owner changes it.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;
/// The longest idle lock an owner may choose (8 hours).
pub const MAX_IDLE_LOCK_MINUTES: u32 = 480;
pub const MIN_PASSWORD_CHARS: usize = 8;
const MAX_PASSWORD_CHARS: usize = 1_000;
/// Failed sign-ins for one email before each further attempt has to wait.
const FREE_ATTEMPTS: i64 = 3;
/// The wait doubles with each failure (1 s, 2 s, 4 s...) up to this.
const MAX_WAIT_SECONDS: u64 = 300;

const WRONG_CREDENTIALS: &str = "Wrong email or password.";

/// The role table: each action (`edit_catalog`) and the least role that may do it. The UI's
/// `LEAST_ROLE` is generated from this (`src-tauri/bindings.rs`), so the window greys out
/// exactly what the core would refuse.
pub fn role_table() -> Vec<(String, Role)> {
    Action::ALL.iter().map(|a| (a.name(), a.least())).collect()
}

/// What an operation does, as far as roles are concerned (see [`Role::allows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// See anything of the company.
    Read,
    /// Sales and returns.
    Sell,
    /// Receive against a purchase order.
    ReceiveOrder,
    /// Stock count sessions: start, scan, pause, cancel, review, commit.
    Count,
    /// Products, product types, warehouses, kits, archiving, thresholds, adjustment reasons.
    EditCatalog,
    /// Suppliers and what they supply.
    EditSuppliers,
    /// Purchase orders: create, send, cancel, draft from alerts.
    ManageOrders,
    /// Adjustments, and absolute counts recorded outside a count session.
    Adjust,
    /// Receipts without a purchase order.
    ReceiveStock,
    Transfer,
    ManageUsers,
    /// A company's name and settings.
    EditCompany,
    CreateCompany,
    /// The CSV imports: a folder in the interchange format, products from a spreadsheet.
    Import,
    /// Receiving more than a purchase order has open (with the confirmation).
    OverReceive,
    /// This device's settings (the idle lock).
    Settings,
    /// Reading every company's ledger at once (the consistency checks).
    ReadEverything,
    /// Sending this device's changes to the sync server and applying the others'.
    Sync,
    /// A backup of the whole database file, and the list of automatic backups.
    Backup,
    /// Replacing the whole database with a backup.
    Restore,
    /// A company's data to files (the interchange format, CSV of a list).
    Export,
    /// Connecting this device's shop to a sync server, or disconnecting it.
    ConnectSync,
}

impl Action {
    /// Every action, for the role table the UI is generated from ([`role_table`]).
    const ALL: [Action; 22] = [
        Action::Read,
        Action::Sell,
        Action::ReceiveOrder,
        Action::Count,
        Action::EditCatalog,
        Action::EditSuppliers,
        Action::ManageOrders,
        Action::Adjust,
        Action::ReceiveStock,
        Action::Transfer,
        Action::ManageUsers,
        Action::EditCompany,
        Action::CreateCompany,
        Action::Import,
        Action::OverReceive,
        Action::Settings,
        Action::ReadEverything,
        Action::Sync,
        Action::Backup,
        Action::Restore,
        Action::Export,
        Action::ConnectSync,
    ];

    /// `edit_catalog` for `EditCatalog`: the name the UI's generated role table uses.
    fn name(self) -> String {
        let mut out = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    /// The least role that may do it.
    fn least(self) -> Role {
        match self {
            // A clerk may sync (their sales must reach the other devices); only an owner
            // chooses the server.
            Action::Read | Action::Sell | Action::ReceiveOrder | Action::Count | Action::Sync => {
                Role::Clerk
            }
            Action::EditCatalog
            | Action::EditSuppliers
            | Action::ManageOrders
            | Action::Adjust
            | Action::ReceiveStock
            | Action::Transfer
            | Action::OverReceive
            | Action::Backup
            | Action::Export => Role::Manager,
            Action::ManageUsers
            | Action::EditCompany
            | Action::CreateCompany
            | Action::Import
            | Action::Settings
            | Action::ReadEverything
            | Action::Restore
            | Action::ConnectSync => Role::Owner,
        }
    }

    /// "A clerk cannot <words>."
    fn words(self) -> &'static str {
        match self {
            Action::Read => "see this company",
            Action::Sell => "record sales or returns",
            Action::ReceiveOrder => "receive purchase orders",
            Action::Count => "count stock",
            Action::Sync => "sync with the server",
            Action::ConnectSync => "connect or disconnect sync",
            Action::EditCatalog => "change the catalog",
            Action::EditSuppliers => "change suppliers",
            Action::ManageOrders => "manage purchase orders",
            Action::Adjust => "adjust stock",
            Action::ReceiveStock => "receive stock without a purchase order",
            Action::Transfer => "transfer stock",
            Action::ManageUsers => "manage users",
            Action::EditCompany => "change the company's settings",
            Action::CreateCompany => "create companies",
            Action::Import => "import data",
            Action::OverReceive => "receive more than an order has open",
            Action::Settings => "change the settings",
            Action::ReadEverything => "read every company's ledger",
            Action::Backup => "back up the database",
            Action::Restore => "restore a backup",
            Action::Export => "export the company's data",
        }
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Clerk => "clerk",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Owner, Role::Manager, Role::Clerk]
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }

    fn rank(self) -> u8 {
        match self {
            Role::Owner => 3,
            Role::Manager => 2,
            Role::Clerk => 1,
        }
    }

    fn allows(self, action: Action) -> bool {
        self.rank() >= action.least().rank()
    }

    fn cannot(self, action: Action) -> Error {
        let article = if self == Role::Owner { "An" } else { "A" };
        Error::Forbidden {
            reason: format!("{article} {} cannot {}.", self.as_str(), action.words()),
        }
    }
}

fn role_column(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Role> {
    let text: String = r.get(idx)?;
    Role::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown role {text}").into(),
        )
    })
}

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

// ----- passwords -----

fn password(field: &str, value: &str) -> Result<()> {
    let chars = value.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Error::validation(
            field,
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Error::validation(
            field,
            format!("a password can be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// An argon2id PHC string (default parameters, a fresh random salt).
fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "a stored password hash does not parse");
            false
        }
    }
}

/// Verified against when the email is unknown, so that a wrong email takes as long as a wrong
/// password and the time of an answer does not tell which emails exist.
static DECOY_HASH: std::sync::LazyLock<Option<String>> =
    std::sync::LazyLock::new(|| hash_password("no user has this password").ok());

/// The key of the throttling state: an email as typed, trimmed and lowercased.
fn attempt_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The wait after `failures` consecutive failures: none for the first three, then 1 s, 2 s,
/// 4 s... up to five minutes.
fn wait_after(failures: i64) -> Duration {
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
fn open_throttle(store: &Store) -> Result<Connection> {
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
fn take_attempt(store: &Store, key: &str, now: DateTime<Utc>) -> Result<()> {
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
fn clear_attempts(store: &Store, key: &str) -> Result<()> {
    open_throttle(store)?.execute("DELETE FROM sign_in_attempts WHERE email = ?1", [key])?;
    Ok(())
}

/// Whole seconds still to wait before `key` may try again, if any.
fn throttled_for(conn: &Connection, key: &str, now: DateTime<Utc>) -> Result<Option<u64>> {
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

// ----- reading users -----

const USER_COLUMNS: &str = "u.id, u.email, u.name, u.disabled, u.created_at";

fn users_exist(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM users)")?
        .query_row([], |r| r.get(0))?)
}

/// The user's memberships, limited to companies `viewer` belongs to (all with no viewer).
fn memberships(conn: &Connection, user_id: &str, viewer: Option<&str>) -> Result<Vec<Membership>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.company_id, c.name, m.role FROM memberships m
         JOIN companies c ON c.id = m.company_id
         WHERE m.user_id = ?1
           AND m.company_id NOT IN (SELECT company_id FROM pending_imports)
           AND (?2 IS NULL OR ?2 = ?1 OR m.company_id IN
                (SELECT company_id FROM memberships WHERE user_id = ?2))
         ORDER BY c.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map(params![user_id, viewer], |r| {
        Ok(Membership {
            company_id: r.get(0)?,
            company_name: r.get(1)?,
            role: role_column(r, 2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        disabled: r.get(3)?,
        created_at: r.get(4)?,
        memberships: Vec::new(),
    })
}

fn get_user(conn: &Connection, id: &str, viewer: Option<&str>) -> Result<User> {
    let mut user = conn
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1"),
            [id],
            user_from_row,
        )
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::User, id))?;
    user.memberships = memberships(conn, id, viewer)?;
    Ok(user)
}

/// A user's role in a company, if they are a member.
fn role_in(conn: &Connection, user_id: &str, company_id: &str) -> Result<Option<Role>> {
    Ok(conn
        .prepare_cached("SELECT role FROM memberships WHERE user_id = ?1 AND company_id = ?2")?
        .query_row([user_id, company_id], |r| role_column(r, 0))
        .optional()?)
}

/// The user's highest role in any company; `None` without memberships.
fn best_role(conn: &Connection, user_id: &str) -> Result<Option<Role>> {
    let mut stmt = conn.prepare_cached("SELECT role FROM memberships WHERE user_id = ?1")?;
    let roles = stmt
        .query_map([user_id], |r| role_column(r, 0))?
        .collect::<rusqlite::Result<Vec<Role>>>()?;
    Ok(roles.into_iter().max_by_key(|r| r.rank()))
}

fn idle_lock_minutes(conn: &Connection) -> Result<u32> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = 'idle_lock_minutes'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(value
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
}

/// Refuses a change that would leave a company without an enabled owner: `user_id` stops
/// being an owner of `company_id` (or of every company, with `None`: being disabled).
fn ensure_other_owner(tx: &Tx<'_>, user_id: &str, company_id: Option<&str>) -> Result<()> {
    let mut stmt = tx.conn.prepare_cached(
        "SELECT c.name FROM memberships m JOIN companies c ON c.id = m.company_id
         WHERE m.user_id = ?1 AND m.role = 'owner' AND (?2 IS NULL OR m.company_id = ?2)
           AND NOT EXISTS (SELECT 1 FROM memberships o JOIN users u ON u.id = o.user_id
                           WHERE o.company_id = m.company_id AND o.role = 'owner'
                             AND o.user_id <> ?1 AND u.disabled = 0)
         ORDER BY c.name COLLATE NOCASE LIMIT 1",
    )?;
    let alone: Option<String> = stmt
        .query_row(params![user_id, company_id], |r| r.get(0))
        .optional()?;
    match alone {
        None => Ok(()),
        Some(company) => Err(Error::Refused {
            field: if company_id.is_some() {
                "role"
            } else {
                "disabled"
            }
            .to_owned(),
            reason: format!("This is the last owner of {company}: make another user owner first."),
        }),
    }
}

fn insert_membership(tx: &mut Tx<'_>, user_id: &str, company_id: &str, role: Role) -> Result<()> {
    let id = crate::db::pair_id("membership", user_id, company_id);
    let exists = tx
        .conn
        .prepare_cached("SELECT 1 FROM memberships WHERE id = ?1")?
        .exists([&id])?;
    let before = tx.before(crate::sync::Entity::Membership, &id)?;
    let hlc = tx.stamp();
    tx.conn.execute(
        "INSERT INTO memberships (id, user_id, company_id, role, updated_hlc) VALUES (?5, ?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, company_id) DO UPDATE SET role = excluded.role,
             updated_hlc = excluded.updated_hlc",
        params![user_id, company_id, role.as_str(), hlc, id],
    )?;
    if exists {
        tx.updated(crate::sync::Entity::Membership, &id, &hlc, before)
    } else {
        // The user travels to the company's other devices with their first membership of it.
        tx.queue_user_for_company(user_id, company_id)?;
        tx.inserted(crate::sync::Entity::Membership, &id, &hlc)
    }
}

/// A signed-in user creating a company becomes its owner (in setup mode there is nobody to
/// record). Called by every company insert, the import's included.
pub(crate) fn own_new_company(tx: &mut Tx<'_>, company_id: &str) -> Result<()> {
    match tx.user_id().map(str::to_owned) {
        Some(user_id) => insert_membership(tx, &user_id, company_id, Role::Owner),
        None => Ok(()),
    }
}

fn insert_user(tx: &mut Tx<'_>, name: &str, email: &str, hash: &str) -> Result<String> {
    let taken: bool = tx.conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1 COLLATE NOCASE)",
        [email],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::Conflict {
            entity: Entity::User,
            field: "email".to_owned(),
            value: email.to_owned(),
        });
    }
    let id = crate::db::new_id();
    let hlc = tx.stamp();
    tx.conn.execute(
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, email, name, hash, tx.now, hlc],
    )?;
    tx.inserted(crate::sync::Entity::User, &id, &hlc)?;
    Ok(id)
}

/// Makes `user_id` owner of every company (the first owner, in setup mode).
fn own_everything(tx: &mut Tx<'_>, user_id: &str) -> Result<()> {
    let companies: Vec<String> = tx
        .conn
        .prepare("SELECT id FROM companies")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for company_id in companies {
        insert_membership(tx, user_id, &company_id, Role::Owner)?;
    }
    Ok(())
}

fn set_hash(tx: &mut Tx<'_>, user_id: &str, hash: &str) -> Result<()> {
    let before = tx.before(crate::sync::Entity::User, user_id)?;
    let hlc = tx.stamp();
    tx.conn.execute(
        "UPDATE users SET password_hash = ?2, updated_hlc = ?3 WHERE id = ?1",
        params![user_id, hash, hlc],
    )?;
    tx.updated(crate::sync::Entity::User, user_id, &hlc, before)
}

struct ValidUser {
    name: String,
    email: String,
}

impl ValidUser {
    fn parse(name: &str, email: &str, pw: &str) -> Result<ValidUser> {
        let name = validate::required("name", "Name", name, MAX_NAME)?;
        let email = validate::email("email", "Email", email)?;
        password("password", pw)?;
        Ok(ValidUser { name, email })
    }
}

// ----- the session and authorization -----

impl Store {
    /// The signed-in user's id after checking the session: `None` in setup mode (no users:
    /// the store acts as the owner of everything). A session idle for longer than the idle
    /// lock, or whose user has since been disabled, ends here.
    fn session_user(&self, touch: bool) -> Result<Option<String>> {
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
        let company: Option<String> = self
            .conn
            .prepare_cached(&format!("SELECT company_id FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))
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
    fn is_member(&self, company_id: &str) -> Result<bool> {
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
    fn authorize_over_user(&self, user_id: &str) -> Result<Option<String>> {
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

    // ----- sign-in -----

    /// What the app shows first: the setup screen, the sign-in screen, or who is signed in.
    /// Not an activity: it does not keep a session from locking.
    pub fn auth_status(&self) -> Result<AuthStatus> {
        let setup_required = !users_exist(&self.conn)?;
        let user = match self.session_user(false) {
            Ok(Some(id)) => Some(get_user(&self.conn, &id, Some(&id))?),
            Ok(None) | Err(Error::Unauthenticated { .. }) => None,
            Err(e) => return Err(e),
        };
        Ok(AuthStatus {
            setup_required,
            user,
            idle_lock_minutes: idle_lock_minutes(&self.conn)?,
            join_unfinished: self.join_unfinished()?,
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

    fn start_session(&mut self, user_id: &str) -> Result<User> {
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

    // ----- users (owners) -----

    /// The members of a company, by name.
    pub fn list_users(&self, company_id: &str) -> Result<Vec<User>> {
        self.authorize(company_id, Action::ManageUsers)?;
        let viewer = self.viewer()?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users u
             JOIN memberships m ON m.user_id = u.id AND m.company_id = ?1
             ORDER BY u.name COLLATE NOCASE, u.email COLLATE NOCASE"
        ))?;
        let mut users = stmt
            .query_map([company_id], user_from_row)?
            .collect::<rusqlite::Result<Vec<User>>>()?;
        for u in &mut users {
            u.memberships = memberships(&self.conn, &u.id, viewer.as_deref())?;
        }
        Ok(users)
    }

    /// A user by email (ignoring case) or id, as seen by an owner of one of their companies.
    pub fn find_user(&self, email_or_id: &str) -> Result<User> {
        self.authorize_anywhere(Action::ManageUsers)?;
        let id: String = self
            .conn
            .query_row(
                "SELECT id FROM users WHERE id = ?1 OR email = ?2 COLLATE NOCASE
                 ORDER BY id = ?1 DESC LIMIT 1",
                [email_or_id, email_or_id.trim()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::not_found(Entity::User, email_or_id))?;
        let viewer = self.authorize_over_user(&id)?;
        get_user(&self.conn, &id, viewer.as_deref())
    }

    /// An owner adds a user to their company. In setup mode the first user must be an owner,
    /// and becomes owner of every company (as [`Store::setup_owner`] does).
    pub fn add_user(&mut self, input: &NewUser) -> Result<User> {
        self.authorize(&input.company_id, Action::ManageUsers)?;
        let viewer = self.viewer()?;
        let v = ValidUser::parse(&input.name, &input.email, input.password.expose())?;
        get_company(&self.conn, &input.company_id)?;
        let setup = viewer.is_none();
        if setup && input.role != Role::Owner {
            return Err(Error::Refused {
                field: "role".to_owned(),
                reason: "The first user must be an owner.".to_owned(),
            });
        }
        let hash = hash_password(input.password.expose())?;
        let id = self.write(|tx| {
            if setup && users_exist(tx.conn)? {
                return Err(unauthenticated("Sign in to continue."));
            }
            let id = insert_user(tx, &v.name, &v.email, &hash)?;
            if setup {
                own_everything(tx, &id)?;
            } else {
                insert_membership(tx, &id, &input.company_id, input.role)?;
            }
            Ok(id)
        })?;
        tracing::info!(user_id = %id, role = input.role.as_str(), "user added");
        get_user(&self.conn, &id, viewer.as_deref())
    }

    /// Disables (or enables again) a user: a disabled user cannot sign in, and a session they
    /// have open ends at its next call. The last owner of a company cannot be disabled, nor can
    /// an owner disable themselves.
    pub fn set_user_disabled(&mut self, user_id: &str, disabled: bool) -> Result<User> {
        let viewer = self.authorize_over_user(user_id)?;
        if disabled && viewer.as_deref() == Some(user_id) {
            return Err(Error::Refused {
                field: "disabled".to_owned(),
                reason: "You cannot disable your own account.".to_owned(),
            });
        }
        self.write(|tx| {
            if disabled {
                ensure_other_owner(tx, user_id, None)?;
            }
            let before = tx.before(crate::sync::Entity::User, user_id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE users SET disabled = ?2, updated_hlc = ?3 WHERE id = ?1",
                params![user_id, disabled, hlc],
            )?;
            tx.updated(crate::sync::Entity::User, user_id, &hlc, before)
        })?;
        tracing::info!(%user_id, disabled, "user disabled state changed");
        get_user(&self.conn, user_id, viewer.as_deref())
    }

    /// Sets a user's role in a company (adding them to it if they were not a member). The last
    /// owner of a company cannot be demoted.
    pub fn set_user_role(&mut self, user_id: &str, company_id: &str, role: Role) -> Result<User> {
        self.authorize(company_id, Action::ManageUsers)?;
        let viewer = self.viewer()?;
        get_user(&self.conn, user_id, None)?;
        get_company(&self.conn, company_id)?;
        self.write(|tx| {
            if role != Role::Owner {
                ensure_other_owner(tx, user_id, Some(company_id))?;
            }
            insert_membership(tx, user_id, company_id, role)
        })?;
        tracing::info!(%user_id, %company_id, role = role.as_str(), "role set");
        get_user(&self.conn, user_id, viewer.as_deref())
    }

    /// An owner sets a new password for a user of their company (who forgot theirs); it also
    /// lifts the sign-in wait for that email.
    pub fn reset_password(&mut self, user_id: &str, new_password: &str) -> Result<()> {
        self.authorize_over_user(user_id)?;
        password("password", new_password)?;
        let hash = hash_password(new_password)?;
        self.write(|tx| set_hash(tx, user_id, &hash))?;
        let email: String =
            self.conn
                .query_row("SELECT email FROM users WHERE id = ?1", [user_id], |r| {
                    r.get(0)
                })?;
        clear_attempts(self, &attempt_key(&email))?;
        tracing::info!(%user_id, "password reset");
        Ok(())
    }

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

fn setup_done() -> Error {
    Error::Refused {
        field: "email".to_owned(),
        reason: "StockFlow is already set up: sign in, or ask an owner to add you.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
