//! All of the server's SQL. The handlers and the command line call these functions; nothing
//! else talks to PostgreSQL. Every query on company data is scoped by `company_id` first.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, RecyclingMethod, Runtime};
use stockflow_sync_proto::{
    Accepted, Change, CompanyAccess, DeviceStatus, PullResponse, PulledChange, PushResponse,
    StatusResponse,
};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Json;
use tokio_postgres::{GenericClient, NoTls, Row};

use crate::{PushPause, SeqStrategy};

pub type Pool = deadpool_postgres::Pool;

/// The migrations, in order. Append-only: a shipped one is never edited.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "0001-initial",
    include_str!("../migrations/0001-initial.sql"),
)];

/// The advisory lock `migrate` holds, so two processes migrating at once take turns.
const MIGRATION_LOCK: i64 = 0x5354_4f43_4b46_4c57; // "STOCKFLW"
/// A push that lost a race (another push of the same device committed first) is run again:
/// the second time it sees the winner's rows and answers from them.
const PUSH_ATTEMPTS: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("this account may not sync company {company_id}")]
    Forbidden { company_id: String },
    #[error("change {change_id} was pushed before with another content")]
    ChangeIdReused { change_id: String },
    #[error("device {device_id} already pushed another change as number {device_seq} of company {company_id}")]
    DeviceSeqTaken {
        company_id: String,
        device_id: String,
        device_seq: i64,
    },
    #[error(
        "device {device_id}'s next change for company {company_id} is number {expected}, not {got}"
    )]
    SequenceGap {
        company_id: String,
        device_id: String,
        expected: i64,
        got: i64,
    },
    #[error("the database schema is at version {found}, this server needs {wanted}: run `stockflow-server migrate`")]
    NotMigrated { found: i64, wanted: i64 },
    /// A refusal of the command line, as a sentence for the operator.
    #[error("{0}")]
    Refused(String),
    #[error("database: {0}")]
    Db(#[from] tokio_postgres::Error),
    #[error("database connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
}

/// A pool of connections to `url` (`postgres://user:password@host:port/database`).
pub fn connect(url: &str, max_size: usize) -> Result<Pool, Error> {
    let config: tokio_postgres::Config = url.parse()?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(max_size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(30)))
        .create_timeout(Some(Duration::from_secs(10)))
        .build()
        .map_err(|e| Error::Refused(format!("cannot set up the database pool: {e}")))
}

// ---------------------------------------------------------------------------------------------
// Schema and server state

/// What `migrate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// The migrations applied now (none: the schema was up to date).
    pub applied: Vec<&'static str>,
    pub version: i64,
}

/// Creates or upgrades the schema in one transaction, under an advisory lock, and makes the
/// epoch and the JWT secret the first time.
pub async fn migrate(pool: &Pool) -> Result<Migrated, Error> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version bigint PRIMARY KEY,
             name text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let done: Vec<i64> = tx
        .query("SELECT version FROM schema_migrations", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut applied = Vec::new();
    for &(version, name, sql) in MIGRATIONS {
        if done.contains(&version) {
            continue;
        }
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&version, &name],
        )
        .await?;
        applied.push(name);
    }
    tx.execute(
        "INSERT INTO server_meta (singleton, epoch, jwt_secret) VALUES (true, $1, $2)
         ON CONFLICT (singleton) DO NOTHING",
        &[&crate::random_hex(16), &crate::random_hex(32)],
    )
    .await?;
    tx.commit().await?;
    Ok(Migrated {
        applied,
        version: latest_version(),
    })
}

fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

/// Refuses a database that `migrate` has not brought to this build's schema.
pub async fn check_schema(pool: &Pool) -> Result<(), Error> {
    let client = pool.get().await?;
    let row = client
        .query_one(
            "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0
                    ELSE (SELECT coalesce(max(version), 0) FROM schema_migrations) END",
            &[],
        )
        .await;
    // to_regclass alone cannot reference a table that is missing at plan time.
    let found: i64 = match row {
        Ok(row) => row.get(0),
        Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => 0,
        Err(e) => return Err(e.into()),
    };
    if found != latest_version() {
        return Err(Error::NotMigrated {
            found,
            wanted: latest_version(),
        });
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ServerMeta {
    pub epoch: String,
    pub jwt_secret: String,
}

pub async fn server_meta(pool: &Pool) -> Result<ServerMeta, Error> {
    let client = pool.get().await?;
    let row = client
        .query_one("SELECT epoch, jwt_secret FROM server_meta", &[])
        .await?;
    Ok(ServerMeta {
        epoch: row.get(0),
        jwt_secret: row.get(1),
    })
}

/// Starts a new epoch (after a restore from backup): every client pulls from 0 and pushes
/// everything again. Returns the new epoch.
pub async fn new_epoch(pool: &Pool) -> Result<String, Error> {
    let client = pool.get().await?;
    let epoch = crate::random_hex(16);
    client
        .execute(
            "UPDATE server_meta SET epoch = $1, epoch_started_at = now()",
            &[&epoch],
        )
        .await?;
    Ok(epoch)
}

// ---------------------------------------------------------------------------------------------
// Accounts, grants, sign-in throttle

/// Creates an account; refuses an email that has one.
pub async fn add_account(
    pool: &Pool,
    email: &str,
    name: Option<&str>,
    password_hash: &str,
) -> Result<i64, Error> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "INSERT INTO accounts (email, name, password_hash) VALUES ($1, $2, $3)
             ON CONFLICT (email) DO NOTHING RETURNING account_id",
            &[&email, &name, &password_hash],
        )
        .await?;
    match row {
        Some(row) => Ok(row.get(0)),
        None => Err(Error::Refused(format!(
            "an account with the email {email} exists already"
        ))),
    }
}

/// The id and password hash of the account with this (lowercased) email.
pub async fn account_by_email(pool: &Pool, email: &str) -> Result<Option<(i64, String)>, Error> {
    let client = pool.get().await?;
    let stmt = client
        .prepare_cached("SELECT account_id, password_hash FROM accounts WHERE email = $1")
        .await?;
    let row = client.query_opt(&stmt, &[&email]).await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Counts a sign-in attempt for `email` before its password is checked, in one statement, so
/// simultaneous attempts cannot all pass: `None` if it may go on, else the seconds to wait.
/// After 5 consecutive failures each attempt must wait 1 s, 2 s, 4 s... (at most 5 minutes)
/// after the previous one. A success clears the count ([`login_succeeded`]).
pub async fn take_login_attempt(pool: &Pool, email: &str) -> Result<Option<u64>, Error> {
    let client = pool.get().await?;
    let take = client
        .prepare_cached(
            "INSERT INTO login_attempts AS a (email, failures, last_failure_at)
             VALUES ($1, 1, clock_timestamp())
             ON CONFLICT (email) DO UPDATE
                SET failures = a.failures + 1, last_failure_at = clock_timestamp()
                WHERE a.failures < 5
                   OR a.last_failure_at + make_interval(secs =>
                        least(300.0, power(2.0, least(a.failures - 5, 10)::float8)))
                      <= clock_timestamp()
             RETURNING failures",
        )
        .await?;
    if client.query_opt(&take, &[&email]).await?.is_some() {
        return Ok(None);
    }
    let wait = client
        .prepare_cached(
            "SELECT greatest(1, ceil(extract(epoch FROM
                    last_failure_at + make_interval(secs =>
                        least(300.0, power(2.0, least(failures - 5, 10)::float8)))
                    - clock_timestamp())))::bigint
             FROM login_attempts WHERE email = $1",
        )
        .await?;
    let secs: i64 = client
        .query_opt(&wait, &[&email])
        .await?
        .map(|r| r.get(0))
        .unwrap_or(1);
    Ok(Some(secs.max(1) as u64))
}

/// Forgets the failures of `email` after a successful sign-in.
pub async fn login_succeeded(pool: &Pool, email: &str) -> Result<(), Error> {
    let client = pool.get().await?;
    let stmt = client
        .prepare_cached("DELETE FROM login_attempts WHERE email = $1")
        .await?;
    client.execute(&stmt, &[&email]).await?;
    Ok(())
}

/// The companies `account_id` owns or was granted.
pub async fn companies_of(pool: &Pool, account_id: i64) -> Result<Vec<CompanyAccess>, Error> {
    let client = pool.get().await?;
    let stmt = client
        .prepare_cached(
            "SELECT company_id, last_seq FROM companies WHERE owner_account_id = $1
             UNION
             SELECT c.company_id, c.last_seq
               FROM company_grants g JOIN companies c USING (company_id)
              WHERE g.account_id = $1
             ORDER BY company_id",
        )
        .await?;
    let rows = client.query(&stmt, &[&account_id]).await?;
    Ok(rows
        .iter()
        .map(|r| CompanyAccess {
            company_id: r.get(0),
            last_seq: r.get(1),
        })
        .collect())
}

/// A company found by id, else by its (unique) name.
async fn find_company(client: &impl GenericClient, id_or_name: &str) -> Result<String, Error> {
    if let Some(row) = client
        .query_opt(
            "SELECT company_id FROM companies WHERE company_id = $1",
            &[&id_or_name],
        )
        .await?
    {
        return Ok(row.get(0));
    }
    let rows = client
        .query(
            "SELECT company_id FROM companies WHERE name = $1 ORDER BY company_id",
            &[&id_or_name],
        )
        .await?;
    match rows.len() {
        1 => Ok(rows[0].get(0)),
        0 => Err(Error::Refused(format!(
            "no company {id_or_name} on this server: a company is there once a device has \
             pushed it"
        ))),
        _ => {
            let ids: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            Err(Error::Refused(format!(
                "{} companies are named {id_or_name}: name one by its id ({})",
                ids.len(),
                ids.join(", ")
            )))
        }
    }
}

async fn find_account(client: &impl GenericClient, email: &str) -> Result<i64, Error> {
    client
        .query_opt(
            "SELECT account_id FROM accounts WHERE email = $1",
            &[&email],
        )
        .await?
        .map(|r| r.get(0))
        .ok_or_else(|| Error::Refused(format!("no account with the email {email}")))
}

/// What `grant` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Granted {
    Now { company_id: String },
    Already { company_id: String },
    Owner { company_id: String },
}

/// Lets the account of `email` sync the company named by id or name.
pub async fn grant(pool: &Pool, email: &str, company: &str) -> Result<Granted, Error> {
    let client = pool.get().await?;
    let account_id = find_account(&**client, email).await?;
    let company_id = find_company(&**client, company).await?;
    let owner: i64 = client
        .query_one(
            "SELECT owner_account_id FROM companies WHERE company_id = $1",
            &[&company_id],
        )
        .await?
        .get(0);
    if owner == account_id {
        return Ok(Granted::Owner { company_id });
    }
    let inserted = client
        .execute(
            "INSERT INTO company_grants (company_id, account_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            &[&company_id, &account_id],
        )
        .await?;
    Ok(if inserted == 1 {
        Granted::Now { company_id }
    } else {
        Granted::Already { company_id }
    })
}

/// Takes a grant back; it takes effect on the account's next call. Returns whether there was
/// one.
pub async fn revoke(pool: &Pool, email: &str, company: &str) -> Result<(String, bool), Error> {
    let client = pool.get().await?;
    let account_id = find_account(&**client, email).await?;
    let company_id = find_company(&**client, company).await?;
    let deleted = client
        .execute(
            "DELETE FROM company_grants WHERE company_id = $1 AND account_id = $2",
            &[&company_id, &account_id],
        )
        .await?;
    Ok((company_id, deleted == 1))
}

// ---------------------------------------------------------------------------------------------
// Pull and status

const MAY_SYNC: &str = "(EXISTS (SELECT 1 FROM companies
                                 WHERE company_id = $1 AND owner_account_id = $2)
                       OR EXISTS (SELECT 1 FROM company_grants
                                 WHERE company_id = $1 AND account_id = $2))";

/// The epoch, whether `account_id` may sync `company_id`, and the company's last seq.
async fn access(
    client: &deadpool_postgres::Client,
    account_id: i64,
    company_id: &str,
) -> Result<(String, i64), Error> {
    let stmt = client
        .prepare_cached(&format!(
            "SELECT (SELECT epoch FROM server_meta), {MAY_SYNC},
                    (SELECT last_seq FROM companies WHERE company_id = $1)"
        ))
        .await?;
    let row = client.query_one(&stmt, &[&company_id, &account_id]).await?;
    if !row.get::<_, bool>(1) {
        return Err(Error::Forbidden {
            company_id: company_id.to_string(),
        });
    }
    Ok((row.get(0), row.get::<_, Option<i64>>(2).unwrap_or(0)))
}

const CHANGE_COLUMNS: &str =
    "seq, change_id, company_id, device_id, device_seq, entity, entity_id, hlc, version, \
     fields, payload";

fn pulled_change(row: &Row) -> PulledChange {
    PulledChange {
        seq: row.get(0),
        change: Change {
            change_id: row.get(1),
            company_id: row.get(2),
            device_id: row.get(3),
            device_seq: row.get(4),
            entity: row.get(5),
            entity_id: row.get(6),
            hlc: row.get(7),
            version: row.get::<_, i64>(8) as u32,
            fields: row.get::<_, Json<Vec<String>>>(9).0,
            payload: row.get(10),
        },
    }
}

/// Up to `limit` changes of the company after `after`, in seq order.
pub async fn pull(
    pool: &Pool,
    account_id: i64,
    company_id: &str,
    after: i64,
    limit: i64,
) -> Result<PullResponse, Error> {
    let client = pool.get().await?;
    let (epoch, _) = access(&client, account_id, company_id).await?;
    let stmt = client
        .prepare_cached(&format!(
            "SELECT {CHANGE_COLUMNS} FROM changes
              WHERE company_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        ))
        .await?;
    let rows = client
        .query(&stmt, &[&company_id, &after, &(limit + 1)])
        .await?;
    let has_more = rows.len() as i64 > limit;
    let changes: Vec<PulledChange> = rows
        .iter()
        .take(limit as usize)
        .map(pulled_change)
        .collect();
    let next_after = changes.last().map(|c| c.seq).unwrap_or(after);
    Ok(PullResponse {
        changes,
        next_after,
        has_more,
        epoch,
    })
}

/// The company's last seq and the highest device_seq held for each of its devices.
pub async fn status(
    pool: &Pool,
    account_id: i64,
    company_id: &str,
) -> Result<StatusResponse, Error> {
    let client = pool.get().await?;
    let (epoch, last_seq) = access(&client, account_id, company_id).await?;
    let stmt = client
        .prepare_cached(
            "SELECT device_id, max_device_seq FROM company_devices
              WHERE company_id = $1 ORDER BY device_id",
        )
        .await?;
    let devices = client
        .query(&stmt, &[&company_id])
        .await?
        .iter()
        .map(|r| DeviceStatus {
            device_id: r.get(0),
            max_device_seq: r.get(1),
        })
        .collect();
    Ok(StatusResponse {
        company_id: company_id.to_string(),
        epoch,
        last_seq,
        devices,
    })
}

// ---------------------------------------------------------------------------------------------
// Push

/// Stores a (validated) batch of changes in one transaction, all or nothing, and answers the
/// seq of each. See [`push_once`] for the order of the steps.
pub async fn push(
    pool: &Pool,
    account_id: i64,
    changes: &[Change],
    strategy: SeqStrategy,
    pause: Option<&PushPause>,
) -> Result<PushResponse, Error> {
    let mut attempt = 1;
    loop {
        match push_once(pool, account_id, changes, strategy, pause).await {
            Err(Error::Db(e)) if attempt < PUSH_ATTEMPTS && lost_a_race(&e) => {
                tracing::debug!(attempt, "push lost a race, running it again: {e}");
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn lost_a_race(e: &tokio_postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(&SqlState::UNIQUE_VIOLATION)
            | Some(&SqlState::T_R_DEADLOCK_DETECTED)
            | Some(&SqlState::T_R_SERIALIZATION_FAILURE)
    )
}

/// Where the answer for one change of the request comes from.
enum Slot {
    /// Held before this push: its seq.
    Held(i64),
    /// New: its index among the company's new changes.
    New(usize),
    /// The same change twice in this request: the index of its first occurrence.
    Again(usize),
}

/// The steps, in one READ COMMITTED transaction:
/// 1. access, company by company (sorted): owner or grantee, or the company is unknown and this
///    account becomes its owner; any forbidden company refuses the whole push;
/// 2. per company, the changes it already holds by change_id (duplicate, or refused when the
///    content differs) and each device's highest device_seq (the new ones must follow it);
/// 3. last, per company (sorted, so two pushes cannot deadlock): the counter row is bumped by
///    the number of new changes, which locks it until commit, and the rows are inserted with
///    those numbers. Pushes of a company therefore commit in seq order, and a reader paging
///    by seq never skips a row that commits later with a lower number.
///
/// A push racing another of the same device fails on a unique constraint and is run again.
async fn push_once(
    pool: &Pool,
    account_id: i64,
    changes: &[Change],
    strategy: SeqStrategy,
    pause: Option<&PushPause>,
) -> Result<PushResponse, Error> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let epoch: String = tx
        .query_one(
            &tx.prepare_cached("SELECT epoch FROM server_meta").await?,
            &[],
        )
        .await?
        .get(0);

    let mut by_company: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in changes.iter().enumerate() {
        by_company.entry(&c.company_id).or_default().push(i);
    }

    // 1. Access.
    let may_sync = tx
        .prepare_cached(&format!(
            "SELECT {MAY_SYNC}, EXISTS (SELECT 1 FROM companies WHERE company_id = $1)"
        ))
        .await?;
    let adopt = tx
        .prepare_cached(
            "INSERT INTO companies (company_id, owner_account_id) VALUES ($1, $2)
             ON CONFLICT (company_id) DO NOTHING",
        )
        .await?;
    for &company_id in by_company.keys() {
        let row = tx.query_one(&may_sync, &[&company_id, &account_id]).await?;
        let (allowed, exists): (bool, bool) = (row.get(0), row.get(1));
        if allowed {
            continue;
        }
        // Unknown: the first push owns it. Another account may adopt it at the same moment:
        // the insert then waits for it and does nothing, and the second check refuses.
        if !exists && tx.execute(&adopt, &[&company_id, &account_id]).await? == 1 {
            continue;
        }
        let row = tx.query_one(&may_sync, &[&company_id, &account_id]).await?;
        if !row.get::<_, bool>(0) {
            return Err(Error::Forbidden {
                company_id: company_id.to_string(),
            });
        }
    }

    // 2. Duplicates and device sequences, read in one statement: one snapshot, so a push of
    //    the same device committing meanwhile is seen whole or not at all (then the insert
    //    below fails on a unique constraint and the push runs again).
    let held_and_devices = tx
        .prepare_cached(&format!(
            "SELECT {CHANGE_COLUMNS} FROM changes WHERE company_id = $1 AND change_id = ANY($2)
             UNION ALL
             SELECT NULL, NULL, NULL, d.device_id,
                    coalesce((SELECT max_device_seq FROM company_devices
                               WHERE company_id = $1 AND device_id = d.device_id), 0),
                    NULL, NULL, NULL, NULL, NULL, NULL
               FROM unnest($3::text[]) AS d(device_id)"
        ))
        .await?;
    let mut slots: Vec<Option<Slot>> = (0..changes.len()).map(|_| None).collect();
    let mut new_by_company: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (&company_id, indices) in &by_company {
        let ids: Vec<&str> = indices
            .iter()
            .map(|&i| changes[i].change_id.as_str())
            .collect();
        let mut devices: Vec<&str> = indices
            .iter()
            .map(|&i| changes[i].device_id.as_str())
            .collect();
        devices.sort_unstable();
        devices.dedup();
        let rows = tx
            .query(&held_and_devices, &[&company_id, &ids, &devices])
            .await?;
        let mut held: HashMap<String, PulledChange> = HashMap::new();
        let mut next_seq: HashMap<String, i64> = HashMap::new();
        for row in &rows {
            if row.get::<_, Option<i64>>(0).is_some() {
                let p = pulled_change(row);
                held.insert(p.change.change_id.clone(), p);
            } else {
                next_seq.insert(row.get(3), row.get::<_, i64>(4) + 1);
            }
        }
        let mut first_in_push: HashMap<&str, usize> = HashMap::new();
        let new = new_by_company.entry(company_id).or_default();
        for &i in indices {
            let change = &changes[i];
            if let Some(old) = held.get(&change.change_id) {
                if old.change != *change {
                    return Err(Error::ChangeIdReused {
                        change_id: change.change_id.clone(),
                    });
                }
                slots[i] = Some(Slot::Held(old.seq));
                continue;
            }
            if let Some(&first) = first_in_push.get(change.change_id.as_str()) {
                if changes[first] != *change {
                    return Err(Error::ChangeIdReused {
                        change_id: change.change_id.clone(),
                    });
                }
                slots[i] = Some(Slot::Again(first));
                continue;
            }
            let next = next_seq.entry(change.device_id.clone()).or_insert(1);
            if change.device_seq < *next {
                return Err(Error::DeviceSeqTaken {
                    company_id: company_id.to_string(),
                    device_id: change.device_id.clone(),
                    device_seq: change.device_seq,
                });
            }
            if change.device_seq > *next {
                return Err(Error::SequenceGap {
                    company_id: company_id.to_string(),
                    device_id: change.device_id.clone(),
                    expected: *next,
                    got: change.device_seq,
                });
            }
            *next += 1;
            first_in_push.insert(&change.change_id, i);
            slots[i] = Some(Slot::New(new.len()));
            new.push(i);
        }
    }

    // 3. Sequence numbers, last.
    let mut seqs: HashMap<&str, Vec<i64>> = HashMap::new();
    for (&company_id, new) in &new_by_company {
        if new.is_empty() {
            continue;
        }
        let taken = match strategy {
            SeqStrategy::CounterRow => {
                insert_counted(&tx, company_id, new.iter().map(|&i| &changes[i])).await?
            }
            SeqStrategy::NaiveSequence => {
                insert_naive(&tx, company_id, new.iter().map(|&i| &changes[i])).await?
            }
        };
        seqs.insert(company_id, taken);
    }
    if let Some(pause) = pause {
        pause.pause_if_armed().await;
    }
    tx.commit().await?;

    let mut accepted: Vec<Accepted> = Vec::with_capacity(changes.len());
    for (i, change) in changes.iter().enumerate() {
        let (seq, duplicate) = match slots[i].as_ref().expect("every change got a slot") {
            Slot::Held(seq) => (*seq, true),
            Slot::New(k) => (seqs[change.company_id.as_str()][*k], false),
            Slot::Again(first) => (accepted[*first].seq, true),
        };
        accepted.push(Accepted {
            change_id: change.change_id.clone(),
            seq,
            duplicate,
        });
    }
    Ok(PushResponse { accepted, epoch })
}

/// Column arrays for one multi-row insert.
#[derive(Default)]
struct Columns<'a> {
    change_id: Vec<&'a str>,
    device_id: Vec<&'a str>,
    device_seq: Vec<i64>,
    entity: Vec<&'a str>,
    entity_id: Vec<&'a str>,
    hlc: Vec<&'a str>,
    version: Vec<i64>,
    fields: Vec<Json<&'a Vec<String>>>,
    payload: Vec<&'a serde_json::Value>,
    /// The latest name among `company` changes, by hlc.
    name: Option<(&'a str, Option<&'a str>)>,
}

impl<'a> Columns<'a> {
    fn of(changes: impl Iterator<Item = &'a Change>) -> Self {
        let mut c = Columns::default();
        for ch in changes {
            c.change_id.push(&ch.change_id);
            c.device_id.push(&ch.device_id);
            c.device_seq.push(ch.device_seq);
            c.entity.push(&ch.entity);
            c.entity_id.push(&ch.entity_id);
            c.hlc.push(&ch.hlc);
            c.version.push(i64::from(ch.version));
            c.fields.push(Json(&ch.fields));
            c.payload.push(&ch.payload);
            if ch.entity == "company" {
                if let Some(name) = ch.payload.get("name") {
                    if c.name.is_none_or(|(hlc, _)| hlc < ch.hlc.as_str()) {
                        c.name = Some((&ch.hlc, name.as_str()));
                    }
                }
            }
        }
        c
    }

    /// The highest device_seq per device among these changes.
    fn device_max(&self) -> (Vec<&'a str>, Vec<i64>) {
        let mut max: BTreeMap<&str, i64> = BTreeMap::new();
        for (d, s) in self.device_id.iter().zip(&self.device_seq) {
            let m = max.entry(d).or_insert(*s);
            *m = (*m).max(*s);
        }
        max.into_iter().unzip()
    }
}

const INSERT_CHANGES: &str = "INSERT INTO changes (company_id, seq, change_id, device_id, \
     device_seq, entity, entity_id, hlc, version, fields, payload)
     SELECT $1, u.* FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[],
                              $7::text[], $8::text[], $9::bigint[], $10::jsonb[], $11::jsonb[]) AS u";

/// Takes `n` numbers from the company's counter row (locking it until commit), then inserts the
/// rows with them. Returns the seqs in order.
async fn insert_counted<'a>(
    tx: &deadpool_postgres::Transaction<'_>,
    company_id: &str,
    changes: impl Iterator<Item = &'a Change>,
) -> Result<Vec<i64>, Error> {
    let cols = Columns::of(changes);
    let n = cols.change_id.len() as i64;
    let bump = tx
        .prepare_cached(
            "UPDATE companies SET last_seq = last_seq + $2 WHERE company_id = $1 RETURNING last_seq",
        )
        .await?;
    let last: i64 = tx.query_one(&bump, &[&company_id, &n]).await?.get(0);
    let seqs: Vec<i64> = (last - n + 1..=last).collect();
    let insert = tx.prepare_cached(INSERT_CHANGES).await?;
    tx.execute(
        &insert,
        &[
            &company_id,
            &seqs,
            &cols.change_id,
            &cols.device_id,
            &cols.device_seq,
            &cols.entity,
            &cols.entity_id,
            &cols.hlc,
            &cols.version,
            &cols.fields,
            &cols.payload,
        ],
    )
    .await?;
    record_devices(tx, company_id, &cols).await?;
    if let Some((hlc, name)) = cols.name {
        let rename = tx
            .prepare_cached(
                "UPDATE companies SET name = $2, name_hlc = $3
                  WHERE company_id = $1 AND (name_hlc IS NULL OR name_hlc < $3)",
            )
            .await?;
        tx.execute(&rename, &[&company_id, &name, &hlc]).await?;
    }
    Ok(seqs)
}

/// The wrong way, kept for the commit-order test: numbers from a sequence at insert time.
async fn insert_naive<'a>(
    tx: &deadpool_postgres::Transaction<'_>,
    company_id: &str,
    changes: impl Iterator<Item = &'a Change>,
) -> Result<Vec<i64>, Error> {
    let cols = Columns::of(changes);
    let n = cols.change_id.len() as i64;
    let seqs: Vec<i64> = tx
        .query(
            "SELECT nextval('naive_change_seq') FROM generate_series(1, $1::bigint)",
            &[&n],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let insert = tx.prepare_cached(INSERT_CHANGES).await?;
    tx.execute(
        &insert,
        &[
            &company_id,
            &seqs,
            &cols.change_id,
            &cols.device_id,
            &cols.device_seq,
            &cols.entity,
            &cols.entity_id,
            &cols.hlc,
            &cols.version,
            &cols.fields,
            &cols.payload,
        ],
    )
    .await?;
    record_devices(tx, company_id, &cols).await?;
    Ok(seqs)
}

async fn record_devices(
    tx: &deadpool_postgres::Transaction<'_>,
    company_id: &str,
    cols: &Columns<'_>,
) -> Result<(), Error> {
    let (devices, max) = cols.device_max();
    let upsert = tx
        .prepare_cached(
            "INSERT INTO company_devices (company_id, device_id, max_device_seq)
             SELECT $1, d, m FROM unnest($2::text[], $3::bigint[]) AS u(d, m)
             ON CONFLICT (company_id, device_id) DO UPDATE
                SET max_device_seq = greatest(company_devices.max_device_seq,
                                              EXCLUDED.max_device_seq),
                    last_push_at = now()",
        )
        .await?;
    tx.execute(&upsert, &[&company_id, &devices, &max]).await?;
    Ok(())
}
