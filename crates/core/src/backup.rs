//! Backups and restores of the whole database file (issue #15).
//!
//! A backup is taken with SQLite's online backup API from a connection of its own that holds
//! one read transaction for the whole copy: in WAL mode that is a snapshot, so the app, the
//! CLI or any other process may keep writing and the copy is still the database as it was at
//! one instant (every transaction committed before it began, none half). The copy goes to a
//! temporary file beside the destination, is switched out of WAL (one self-contained file),
//! passes `PRAGMA integrity_check`, and only then is renamed over the destination: a failed
//! backup never destroys an earlier one, and a backup is never written over the live file.
//!
//! Automatic backups go into `backups/` beside the database (the app-data folder for the
//! app's own database), one a day, keeping the newest 7 (daily) and the newest of each of the
//! 4 latest weeks before those (weekly).
//!
//! A restore checks the file first (a SQLite file, integrity ok, StockFlow's tables, a schema
//! this build knows or can upgrade), on a private copy, so a refused file changes nothing;
//! keeps the current database as a backup; and then copies the checked, upgraded database
//! into the live one through the backup API (under SQLite's locks, so a reader in another
//! process never sees half a file). The restored database is a new sync device: its device
//! fingerprint was taken at the private copy's path, so the next open mints a new device id.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::auth::Action;
use crate::db::{schema_version, Store};
use crate::error::{Error, Result};

/// A private file beside `database` (same folder, so the same disk and permissions).
fn staging_path(database: &Path, purpose: &str) -> PathBuf {
    let folder = database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    folder.join(format!(
        ".stockflow-{purpose}-{}.db",
        uuid::Uuid::now_v7().simple()
    ))
}

/// Pages copied per step of a backup (4 KiB pages: 1 MiB), between progress reports.
const PAGES_PER_STEP: i32 = 256;
/// Automatic backups kept: the newest daily ones, and weekly ones before them.
pub const KEEP_DAILY: usize = 7;
pub const KEEP_WEEKLY: usize = 4;

const AUTO_PREFIX: &str = "stockflow-";
const BEFORE_RESTORE_PREFIX: &str = "before-restore-";
const STAMP_FORMAT: &str = "%Y-%m-%dT%H%M%SZ";

/// How far a backup has got, in database pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupProgress {
    pub done_pages: u64,
    pub total_pages: u64,
}

/// Why a backup in the backups folder is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// A backup written to a file the user chose.
    Manual,
    Daily,
    Weekly,
    /// The database as it was before a restore replaced it.
    BeforeRestore,
}

/// A finished backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupFile {
    pub path: String,
    pub file_name: String,
    /// When it was taken (RFC 3339, UTC).
    pub taken_at: String,
    pub size_bytes: u64,
    pub kind: BackupKind,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RestoreSummary {
    /// The file restored from.
    pub restored_from: String,
    /// The schema version the file had (upgraded to this build's if older).
    pub file_schema_version: i64,
    /// The database as it was before, kept in the backups folder.
    pub previous: BackupFile,
    /// Companies in the restored database.
    pub companies: u64,
}

/// The folder of automatic backups of the database at `db_path`: `backups/` beside it (for
/// the app's own database, in the OS app-data folder).
pub fn backup_dir(db_path: &Path) -> PathBuf {
    db_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

fn file_error(reason: impl Into<String>) -> Error {
    Error::validation("file", reason)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The path as the file system names it, for files that may not exist yet: the canonical
/// folder joined with the file name.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let parent = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
    match path.file_name() {
        Some(name) => parent.join(name),
        None => parent,
    }
}

/// Whether `file` is the live database or one of its WAL companions.
fn is_live_file(live: &Path, file: &Path) -> bool {
    let live = resolved(live);
    let file = resolved(file);
    let mut companions = vec![live.clone()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = live.clone().into_os_string();
        name.push(suffix);
        companions.push(PathBuf::from(name));
    }
    companions.contains(&file)
}

/// Copies the database at `source` to `dest` (see the module's comment), reporting progress.
fn copy_database(
    source: &Path,
    dest: &Path,
    progress: &mut dyn FnMut(BackupProgress),
) -> Result<u64> {
    if is_live_file(source, dest) {
        return Err(file_error(
            "A backup cannot be written over the database it copies: choose another file.",
        ));
    }
    if dest.is_dir() {
        return Err(file_error(format!(
            "{} is a folder: choose a file name for the backup.",
            dest.display()
        )));
    }
    let folder = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(file_error(format!(
            "There is no folder {} to write the backup in.",
            folder.display()
        )));
    }
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".to_owned());
    let partial = folder.join(format!(".{name}.{}.partial", uuid::Uuid::now_v7().simple()));
    let copied = copy_to_partial(source, &partial, progress);
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, dest).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        io(dest)(e)
    })?;
    let size = std::fs::metadata(dest).map_err(io(dest))?.len();
    tracing::info!(to = %dest.display(), size, "backup written and verified");
    Ok(size)
}

fn copy_to_partial(
    source: &Path,
    partial: &Path,
    progress: &mut dyn FnMut(BackupProgress),
) -> Result<()> {
    let src = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    src.busy_timeout(Duration::from_secs(5))?;
    // One read transaction for the whole copy: the snapshot every step reads from.
    src.execute_batch("BEGIN")?;
    src.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })?;
    let mut dst = Connection::open(partial)?;
    {
        let backup = Backup::new(&src, &mut dst)?;
        loop {
            let step = backup.step(PAGES_PER_STEP)?;
            let p = backup.progress();
            progress(BackupProgress {
                done_pages: (p.pagecount - p.remaining).max(0) as u64,
                total_pages: p.pagecount.max(0) as u64,
            });
            match step {
                StepResult::Done => break,
                StepResult::More => {}
                // The destination is ours alone and the source is read under a snapshot, so
                // this is another process's checkpoint in progress: wait a moment.
                StepResult::Busy | StepResult::Locked => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => {}
            }
        }
    }
    src.execute_batch("COMMIT")?;
    drop(src);
    // One self-contained file: no WAL beside it to lose when it is copied elsewhere.
    let mode: String = dst.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(Error::Internal(format!(
            "the backup stayed in journal mode {mode}"
        )));
    }
    let check = integrity(&dst)?;
    if check != "ok" {
        return Err(Error::Internal(format!(
            "the backup failed its integrity check: {check}"
        )));
    }
    drop(dst);
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(io(partial))?;
    Ok(())
}

fn integrity(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines.join("; "))
}

/// A file in the backups folder, by its name: its kind (before the retention rule) and time.
fn parse_name(name: &str) -> Option<(BackupKind, DateTime<Utc>)> {
    let stem = name.strip_suffix(".db")?;
    let (kind, stamp) = if let Some(s) = stem.strip_prefix(BEFORE_RESTORE_PREFIX) {
        (BackupKind::BeforeRestore, s)
    } else {
        (BackupKind::Daily, stem.strip_prefix(AUTO_PREFIX)?)
    };
    let at = NaiveDateTime::parse_from_str(stamp, STAMP_FORMAT).ok()?;
    Some((kind, at.and_utc()))
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format(STAMP_FORMAT).to_string()
}

/// Every backup in the folder, newest first, with the retention rule's verdict on the
/// automatic ones: `Some(kind)` kept as daily or weekly, `None` due for removal.
/// A file of the backups folder: its path, its kind by name, when it was taken, and the
/// retention rule's verdict (`None`: due for removal).
type Scanned = (PathBuf, BackupKind, DateTime<Utc>, Option<BackupKind>);

fn scan(dir: &Path) -> Result<Vec<Scanned>> {
    let mut found: Vec<(PathBuf, BackupKind, DateTime<Utc>)> = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((kind, at)) = parse_name(&name) {
            found.push((entry.path(), kind, at));
        }
    }
    found.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| b.0.cmp(&a.0)));
    let mut daily = 0;
    let mut weeks: Vec<(i32, u32)> = Vec::new();
    let mut daily_weeks: Vec<(i32, u32)> = Vec::new();
    let mut out = Vec::new();
    for (path, kind, at) in found {
        let verdict = match kind {
            BackupKind::Daily => {
                let week = (at.iso_week().year(), at.iso_week().week());
                if daily < KEEP_DAILY {
                    daily += 1;
                    daily_weeks.push(week);
                    Some(BackupKind::Daily)
                } else if !daily_weeks.contains(&week)
                    && !weeks.contains(&week)
                    && weeks.len() < KEEP_WEEKLY
                {
                    // The newest backup of a week older than the daily ones.
                    weeks.push(week);
                    Some(BackupKind::Weekly)
                } else {
                    None
                }
            }
            other => Some(other),
        };
        out.push((path, kind, at, verdict));
    }
    Ok(out)
}

fn file_info(path: &Path, kind: BackupKind, at: DateTime<Utc>) -> Result<BackupFile> {
    Ok(BackupFile {
        path: path.display().to_string(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        taken_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        size_bytes: std::fs::metadata(path).map_err(io(path))?.len(),
        kind,
    })
}

/// Takes today's automatic backup of the database at `db_path` if there is none yet for
/// `now`'s UTC day, then removes the automatic backups the retention rule no longer keeps.
/// Housekeeping of the app itself, not a user's action: no sign-in needed. Returns the new
/// backup, if one was taken.
pub fn auto_backup(db_path: &Path, now: DateTime<Utc>) -> Result<Option<BackupFile>> {
    let dir = backup_dir(db_path);
    let today = now.date_naive();
    let due = !scan(&dir)?
        .iter()
        .any(|(_, kind, at, _)| *kind == BackupKind::Daily && at.date_naive() == today);
    let mut taken = None;
    if due {
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let path = dir.join(format!("{AUTO_PREFIX}{}.db", stamp(now)));
        copy_database(db_path, &path, &mut |_| {})?;
        taken = Some(path);
    }
    let mut kept = None;
    for (path, _, at, verdict) in scan(&dir)? {
        match verdict {
            None => {
                tracing::info!(file = %path.display(), "old automatic backup removed");
                std::fs::remove_file(&path).map_err(io(&path))?;
            }
            Some(kind) if Some(&path) == taken.as_ref() => kept = Some(file_info(&path, kind, at)?),
            Some(_) => {}
        }
    }
    Ok(kept)
}

/// [`auto_backup`] at the current time.
pub fn auto_backup_today(db_path: &Path) -> Result<Option<BackupFile>> {
    auto_backup(db_path, Utc::now())
}

/// The checks a file must pass before it may replace the database, made on `copy` (a private
/// copy of it): the schema version it has.
fn check_restorable(copy: &Path, shown: &Path) -> Result<i64> {
    let not_ours = || {
        file_error(format!(
            "{} is not a StockFlow database (choose a backup made by StockFlow).",
            shown.display()
        ))
    };
    let mut header = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(copy).map_err(io(copy))?;
        if f.read_exact(&mut header).is_err() || &header != b"SQLite format 3\0" {
            return Err(not_ours());
        }
    }
    let conn = Connection::open(copy).map_err(|_| not_ours())?;
    let check = integrity(&conn).map_err(|_| not_ours())?;
    if check != "ok" {
        return Err(file_error(format!(
            "{} is damaged (SQLite's integrity check failed); choose another backup.",
            shown.display()
        )));
    }
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE type IN ('table', 'view')
             AND name IN ('device', 'companies', 'products', 'stock_movements', 'stock_levels')",
            [],
            |r| r.get(0),
        )
        .map_err(|_| not_ours())?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|_| not_ours())?;
    if tables != 5 || version < 1 {
        return Err(not_ours());
    }
    let supported = schema_version();
    if version > supported {
        return Err(Error::DatabaseTooNew {
            found: version,
            supported,
        });
    }
    Ok(version)
}

fn remove_db_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

impl Store {
    /// The user must be allowed `action` in every company of the file: a backup or a restore
    /// is the whole file, every company's data.
    fn authorize_whole_file(&self, action: Action) -> Result<()> {
        self.authorize_anywhere(action)?;
        let companies: Vec<String> = self
            .conn
            .prepare("SELECT id FROM companies ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for company in companies {
            self.authorize(&company, action)?;
        }
        Ok(())
    }

    /// Writes a verified backup of the whole database to `dest` while others keep writing.
    pub fn backup_to(
        &self,
        dest: &Path,
        progress: &mut dyn FnMut(BackupProgress),
    ) -> Result<BackupFile> {
        self.authorize_whole_file(Action::Backup)?;
        let taken_at = Utc::now();
        let size_bytes = copy_database(self.path(), dest, progress)?;
        Ok(BackupFile {
            path: resolved(dest).display().to_string(),
            file_name: dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            taken_at: taken_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            size_bytes,
            kind: BackupKind::Manual,
        })
    }

    /// The backups in the backups folder (automatic ones, and those kept before a restore),
    /// newest first.
    pub fn list_backups(&self) -> Result<Vec<BackupFile>> {
        self.authorize_whole_file(Action::Backup)?;
        scan(&backup_dir(self.path()))?
            .into_iter()
            .filter_map(|(path, _, at, verdict)| verdict.map(|kind| (path, kind, at)))
            .map(|(path, kind, at)| file_info(&path, kind, at))
            .collect()
    }

    /// The folder automatic backups go to.
    pub fn backup_dir(&self) -> PathBuf {
        backup_dir(self.path())
    }

    /// Replaces the whole database with the backup at `file` (see the module's comment).
    /// Refused (nothing changed) unless the file is a sound StockFlow database this build can
    /// open. On success the store is the restored database, signed out, as a new sync device.
    pub fn restore_from(&mut self, file: &Path) -> Result<RestoreSummary> {
        self.authorize_whole_file(Action::Restore)?;
        if !file.is_file() {
            return Err(file_error(format!(
                "There is no file at {}.",
                file.display()
            )));
        }
        if is_live_file(self.path(), file) {
            return Err(file_error(
                "That is the database in use: choose a backup of it instead.",
            ));
        }
        let staging = staging_path(self.path(), "restore");
        let result = self.restore_through(file, &staging);
        remove_db_files(&staging);
        result
    }

    /// Copies `staged` into the live database through the backup API (under SQLite's locks:
    /// another process never reads half a file) and reopens this store on it.
    fn overwrite_with(&mut self, staged: Connection) -> Result<()> {
        {
            let backup = Backup::new(&staged, &mut self.conn)?;
            backup.run_to_completion(PAGES_PER_STEP, Duration::from_millis(5), None)?;
        }
        drop(staged);
        let path = self.path().to_path_buf();
        *self = Store::open(&path)?;
        Ok(())
    }

    /// Makes the live database a new, empty one (all migrations, no data, a new device id),
    /// through a staging file beside it. The caller has checked that nothing is lost.
    pub(crate) fn overwrite_with_empty(&mut self) -> Result<()> {
        let staging = staging_path(self.path(), "empty");
        let result = (|| {
            let mut fresh = Store::open(&staging)?;
            fresh.settle_device()?;
            drop(fresh);
            self.overwrite_with(Connection::open(&staging)?)
        })();
        remove_db_files(&staging);
        result
    }

    fn restore_through(&mut self, file: &Path, staging: &Path) -> Result<RestoreSummary> {
        std::fs::copy(file, staging).map_err(io(file))?;
        let file_schema_version = check_restorable(staging, file)?;
        // Upgrade it there (and take a device fingerprint of the staging path: the live path
        // then differs, so the restored database mints a new device id when it opens).
        // Opening writes nothing (issue #14): record the staging fingerprint now.
        let mut staged = Store::open(staging)?;
        staged.settle_device()?;
        drop(staged);
        let staged = Connection::open(staging)?;
        let companies: i64 =
            staged.query_row("SELECT COUNT(*) FROM companies", [], |r| r.get(0))?;

        let dir = backup_dir(self.path());
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let now = Utc::now();
        let previous_path = dir.join(format!("{BEFORE_RESTORE_PREFIX}{}.db", stamp(now)));
        copy_database(self.path(), &previous_path, &mut |_| {})?;
        let previous = file_info(&previous_path, BackupKind::BeforeRestore, now)?;

        self.overwrite_with(staged)?;
        tracing::info!(from = %file.display(), device_id = %self.device_id(), "database restored");
        Ok(RestoreSummary {
            restored_from: resolved(file).display().to_string(),
            file_schema_version,
            previous,
            companies: companies.max(0) as u64,
        })
    }
}
