//! Sync in the app (issue #13): one background worker per window that keeps this device in
//! step with its server. It runs on a thread of its own with its own connection to the
//! database (like the import), so the window never waits for the network, and a sale rung up
//! meanwhile only ever waits for one pulled page's transaction.
//!
//! The worker wakes every [`TICK`]: it reads the connection and the changes waiting, and
//! syncs when asked ("sync now", a connection, a join), soon after a local change
//! ([`AFTER_CHANGE`]), every [`INTERVAL`] otherwise, and after a failure with a growing wait
//! ([`retry_after`]). It acts as the user signed in to the window (a clerk may sync); while
//! nobody is, or the session has locked, it waits.
//!
//! The account's password is kept in the OS keychain (`keyring`, native backends only: on
//! Linux the kernel keyutils, which needs no desktop session), else in this process's memory
//! until the app closes, after which an owner types it again. Never in the database or a file.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use stockflow_core::{Actor, Secret, Store, SyncConnection};
use stockflow_sync_client::{Progress, SyncError};
use ts_rs::TS;

use crate::ipc::IpcError;

/// The event carrying [`SyncStatus`] whenever it changes.
pub const SYNC_STATUS_EVENT: &str = "sync-status";

/// How often the worker looks at the database (cheap: two counts).
pub const TICK: Duration = Duration::from_secs(2);
/// A change made here is sent this long after the worker first sees it waiting.
pub const AFTER_CHANGE: Duration = Duration::from_secs(4);
/// A full sync (to receive the others' changes) at least this often while all is well.
pub const INTERVAL: Duration = Duration::from_secs(180);
/// Failures in a row after which the desktop is told (once, until a sync succeeds).
pub const NOTIFY_AFTER_FAILURES: u32 = 3;

/// The wait before retrying after `failures` failures in a row: 15 s, 30 s, 60 s... 5 min.
pub fn retry_after(failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(5);
    Duration::from_secs((15u64 << exponent).min(300))
}

const KEYCHAIN_SERVICE: &str = "io.stockflow.desktop.sync";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// No server chosen: the app works on its own.
    NotConnected,
    /// Connected, but the password is neither in the keychain nor typed since the app started.
    NeedsPassword,
    /// Nobody is signed in (or the session locked): sync resumes at the next sign-in.
    SignedOut,
    /// The last sync succeeded.
    Idle,
    Syncing,
    /// The server could not be reached: changes are kept and sent later.
    Offline,
    /// The server (or this device) refused: `last_error` says why.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncProgress {
    /// `sending` or `receiving`.
    pub phase: String,
    /// Changes sent (or received) so far in this sync.
    pub done: u64,
    /// The changes to send in all, when sending.
    pub total: Option<u64>,
    /// Bytes received from the server so far, when receiving.
    pub bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SyncRunReport {
    pub pushed: u64,
    /// Changes received from the shop's other devices.
    pub pulled: u64,
    pub conflicts: u64,
    pub finished_at: String,
}

/// Everything the top bar and Settings > Sync show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncStatus {
    pub state: SyncState,
    pub server_url: Option<String>,
    pub account: Option<String>,
    /// Changes made here and not yet acknowledged by the server.
    pub pending: i64,
    pub last_synced_at: Option<String>,
    /// The last failure in words, for the user ("server unreachable: your changes are kept…").
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    /// Failures in a row (0 after a success).
    pub failures: u32,
    pub progress: Option<SyncProgress>,
    /// `keychain`, `memory` (until the app closes) or `none`.
    pub password_kept: String,
    /// This database is bringing a shop down from the server (first run).
    pub joining: bool,
    pub last_report: Option<SyncRunReport>,
}

impl Default for SyncStatus {
    fn default() -> Self {
        SyncStatus {
            state: SyncState::NotConnected,
            server_url: None,
            account: None,
            pending: 0,
            last_synced_at: None,
            last_error: None,
            last_error_code: None,
            failures: 0,
            progress: None,
            password_kept: "none".to_owned(),
            joining: false,
            last_report: None,
        }
    }
}

/// What an owner types to connect this device (or to join a shop, or to give the password
/// again). The password never reaches the database.
#[derive(Clone, Debug, Default, Deserialize, TS)]
pub struct SyncConnectInput {
    pub server_url: String,
    pub account: String,
    #[ts(type = "string")]
    pub password: Secret,
}

/// What the worker tells the window: a new status, or that syncing keeps failing.
pub enum Notice<'a> {
    Status(&'a SyncStatus),
    RepeatedFailure(&'a SyncStatus),
}

type Notifier = Box<dyn Fn(Notice<'_>) + Send + Sync>;

#[derive(Default)]
struct Control {
    started: bool,
    stop: bool,
    /// Sync at the next wake, whatever the timers say.
    kick: bool,
    joining: bool,
    /// A join the user stopped: nothing more comes down until they ask again.
    held: bool,
    /// The database was made empty again (a discarded join): the worker reopens it.
    reopen: bool,
    actor: Option<Actor>,
    /// The password for `(server, account)`, once typed or read from the keychain.
    password: Option<(String, String, String)>,
    password_kept: &'static str,
}

struct Shared {
    db_path: PathBuf,
    status: Mutex<SyncStatus>,
    control: Mutex<Control>,
    /// Set by "Cancel" while a sync runs; read between two batches.
    cancel: AtomicBool,
    wake: Condvar,
    notifier: Mutex<Option<Notifier>>,
}

/// The app's sync service (managed state). Cheap to clone.
#[derive(Clone)]
pub struct SyncService {
    shared: Arc<Shared>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SyncService {
    pub fn new(db_path: PathBuf) -> SyncService {
        SyncService {
            shared: Arc::new(Shared {
                db_path,
                status: Mutex::new(SyncStatus::default()),
                control: Mutex::new(Control {
                    password_kept: "none",
                    ..Control::default()
                }),
                cancel: AtomicBool::new(false),
                wake: Condvar::new(),
                notifier: Mutex::new(None),
            }),
        }
    }

    /// Where status changes and repeated failures go (the window's events, a notification).
    pub fn set_notifier(&self, notifier: impl Fn(Notice<'_>) + Send + Sync + 'static) {
        *lock(&self.shared.notifier) = Some(Box::new(notifier));
    }

    /// Starts the worker thread once.
    pub fn start(&self) {
        let mut control = lock(&self.shared.control);
        if control.started {
            return;
        }
        control.started = true;
        let shared = self.shared.clone();
        let spawned = std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || worker(shared));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the sync worker");
            control.started = false;
        }
    }

    /// Stops the worker after its current step (tests; the app just exits).
    pub fn stop(&self) {
        lock(&self.shared.control).stop = true;
        self.shared.wake.notify_all();
    }

    pub fn status(&self) -> SyncStatus {
        lock(&self.shared.status).clone()
    }

    /// The user the worker acts as: whoever is signed in to the window, or nobody.
    pub fn set_actor(&self, actor: Option<Actor>) {
        let mut control = lock(&self.shared.control);
        let changed = control.actor != actor;
        control.actor = actor;
        if changed {
            drop(control);
            self.shared.wake.notify_all();
        }
    }

    /// Sync now.
    pub fn kick(&self) {
        self.start();
        {
            let mut control = lock(&self.shared.control);
            control.kick = true;
            control.held = false;
        }
        self.clear_stopped();
        self.shared.wake.notify_all();
    }

    /// Asked to sync again: "stopped" is no longer the last word.
    fn clear_stopped(&self) {
        let mut status = lock(&self.shared.status);
        if status.last_error_code.as_deref() == Some("cancelled") {
            status.last_error = None;
            status.last_error_code = None;
        }
    }

    /// Stops the sync that is running after the batch it is on (what was sent or received
    /// stays); nothing when none runs. A stopped join waits until asked again.
    pub fn cancel(&self) {
        if lock(&self.shared.status).state == SyncState::Syncing {
            self.shared.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// The database was emptied (a discarded join): the worker reopens it (then sees no
    /// connection: the status of a new install). The password goes with `forget_password`.
    pub fn discarded(&self) {
        {
            let mut control = lock(&self.shared.control);
            control.joining = false;
            control.held = false;
            control.kick = false;
            control.reopen = true;
        }
        self.shared.wake.notify_all();
    }

    /// This database is joining a shop: the next sync brings it down.
    pub fn kick_join(&self) {
        self.start();
        {
            let mut control = lock(&self.shared.control);
            control.kick = true;
            control.joining = true;
            control.held = false;
        }
        self.clear_stopped();
        lock(&self.shared.status).joining = true;
        self.shared.wake.notify_all();
    }

    /// Keeps the password of `(server, account)`: in the keychain if it can, else in memory.
    pub fn keep_password(&self, server: &str, account: &str, password: &str) {
        let kept = match keychain_entry(server, account).and_then(|e| e.set_password(password)) {
            Ok(()) => "keychain",
            Err(e) => {
                tracing::warn!(error = %e, "no keychain: the sync password is kept until StockFlow closes");
                "memory"
            }
        };
        let mut control = lock(&self.shared.control);
        control.password = Some((server.to_owned(), account.to_owned(), password.to_owned()));
        control.password_kept = kept;
        drop(control);
        lock(&self.shared.status).password_kept = kept.to_owned();
    }

    /// Forgets the password of an ended connection, here and in the keychain.
    pub fn forget_password(&self, connection: Option<&SyncConnection>) {
        if let Some(c) = connection {
            match keychain_entry(&c.server_url, &c.account).and_then(|e| e.delete_credential()) {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "could not remove the sync password from the keychain")
                }
            }
        }
        let mut control = lock(&self.shared.control);
        control.password = None;
        control.password_kept = "none";
        drop(control);
        let mut status = lock(&self.shared.status);
        *status = SyncStatus {
            pending: status.pending,
            last_synced_at: status.last_synced_at.clone(),
            ..SyncStatus::default()
        };
        drop(status);
        self.shared.wake.notify_all();
    }
}

/// Starts the worker for the real window: each status change becomes a `sync-status` event,
/// and repeated failures one desktop notification (sent from Rust, like the alerts').
pub fn start_with_window<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::{Emitter, Manager};
    use tauri_plugin_notification::NotificationExt;
    let Some(service) = app.try_state::<SyncService>() else {
        return;
    };
    let handle = app.clone();
    service.set_notifier(move |notice| match notice {
        Notice::Status(status) => {
            let _ = handle.emit(SYNC_STATUS_EVENT, status);
        }
        Notice::RepeatedFailure(status) => {
            let body = status
                .last_error
                .clone()
                .unwrap_or_else(|| "Sync keeps failing.".to_owned());
            let shown = handle
                .notification()
                .builder()
                .title(format!(
                    "StockFlow cannot sync ({} changes waiting)",
                    status.pending
                ))
                .body(body)
                .show();
            match shown {
                Ok(()) => tracing::info!("sync failure notification handed to the desktop"),
                Err(e) => {
                    tracing::warn!(error = %e, "could not show the sync failure notification")
                }
            }
        }
    });
    service.start();
}

fn keychain_entry(server: &str, account: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(KEYCHAIN_SERVICE, &format!("{account} {server}"))
}

/// Signs in to the server with what an owner typed, to refuse a wrong password before
/// anything is saved.
pub fn verify_login(server: &str, account: &str, password: &str) -> Result<(), IpcError> {
    let mut client = stockflow_sync_client::Client::new(server).map_err(sync_error)?;
    client.login(account, password).map_err(sync_error)?;
    Ok(())
}

/// A sync error for the window: a sentence and a stable code.
pub fn sync_error(e: SyncError) -> IpcError {
    match e {
        SyncError::Local(e) => IpcError::from(e),
        SyncError::BadServer(m) => IpcError {
            code: "validation".into(),
            message: capitalized(&m),
            field: Some("server_url".into()),
            line: None,
        },
        SyncError::Unreachable(_) => IpcError {
            code: "server_unreachable".into(),
            message: "The server cannot be reached: check the address and the network. Your changes are kept and will be sent.".into(),
            field: None,
            line: None,
        },
        SyncError::Refused { code, message } => {
            let (field, message) = match code.as_str() {
                "unauthenticated" | "forbidden" => (
                    Some("password".to_owned()),
                    format!("The server refused the account: {message}"),
                ),
                "protocol_too_old" => (
                    None,
                    format!("This version of StockFlow is too old for the server: {message}"),
                ),
                _ => (None, format!("The server refused: {message}")),
            };
            IpcError {
                code: "server_refused".into(),
                message,
                field,
                line: None,
            }
        }
        SyncError::Cancelled => IpcError {
            code: "cancelled".into(),
            message: "Stopped. What was already sent or received is kept.".into(),
            field: None,
            line: None,
        },
        SyncError::Protocol(_) => IpcError {
            code: "server_protocol".into(),
            message: "The server answered something this version of StockFlow does not understand.".into(),
            field: None,
            line: None,
        },
    }
}

fn capitalized(m: &str) -> String {
    let mut m = m.to_owned();
    if let Some(first) = m.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    m
}

// ----- the worker -----

struct Worker {
    shared: Arc<Shared>,
    store: Option<Store>,
    last_attempt: Option<Instant>,
    next_retry: Option<Instant>,
    /// When the worker first saw changes waiting since the last sync.
    waiting_since: Option<Instant>,
    notified: bool,
}

fn worker(shared: Arc<Shared>) {
    let mut w = Worker {
        shared,
        store: None,
        last_attempt: None,
        next_retry: None,
        waiting_since: None,
        notified: false,
    };
    loop {
        let (kick, joining, actor) = {
            let mut control = lock(&w.shared.control);
            if !control.kick && !control.stop {
                control = w
                    .shared
                    .wake
                    .wait_timeout(control, TICK)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
            if control.stop {
                return;
            }
            let kick = std::mem::take(&mut control.kick);
            if std::mem::take(&mut control.reopen) {
                w.store = None;
                w.last_attempt = None;
                w.next_retry = None;
                w.waiting_since = None;
                w.notified = false;
                continue;
            }
            if control.held {
                continue;
            }
            (kick, control.joining, control.actor.clone())
        };
        w.step(kick, joining, actor);
    }
}

impl Worker {
    fn update(&self, f: impl FnOnce(&mut SyncStatus)) {
        let snapshot = {
            let mut status = lock(&self.shared.status);
            let before = status.clone();
            f(&mut status);
            (*status != before).then(|| status.clone())
        };
        if let Some(status) = snapshot {
            if let Some(n) = lock(&self.shared.notifier).as_ref() {
                n(Notice::Status(&status));
            }
        }
    }

    fn step(&mut self, kick: bool, joining: bool, actor: Option<Actor>) {
        if self.store.is_none() {
            match Store::open(&self.shared.db_path) {
                Ok(s) => self.store = Some(s),
                Err(e) => {
                    let e = IpcError::from(e);
                    self.update(|s| {
                        s.state = SyncState::Error;
                        s.last_error = Some(e.message.clone());
                        s.last_error_code = Some(e.code.clone());
                    });
                    return;
                }
            }
        }
        let store = self.store.as_mut().expect("opened above");
        if store.set_actor(actor).is_err() {
            self.store = None;
            return;
        }
        let summary = match store.sync_summary() {
            Ok(s) => s,
            Err(e) if e.code() == "unauthenticated" => {
                self.update(|s| s.state = SyncState::SignedOut);
                return;
            }
            Err(e) => {
                let e = IpcError::from(e);
                self.update(|s| {
                    s.state = SyncState::Error;
                    s.last_error = Some(e.message.clone());
                    s.last_error_code = Some(e.code.clone());
                });
                return;
            }
        };
        let Some(connection) = summary.connection else {
            self.update(|s| {
                *s = SyncStatus {
                    pending: summary.pending,
                    last_synced_at: summary.last_synced_at.clone(),
                    ..SyncStatus::default()
                }
            });
            return;
        };
        let Some((password, kept)) = self.password(&connection) else {
            self.update(|s| {
                s.state = SyncState::NeedsPassword;
                s.server_url = Some(connection.server_url.clone());
                s.account = Some(connection.account.clone());
                s.pending = summary.pending;
                s.last_synced_at = summary.last_synced_at.clone();
                s.password_kept = "none".into();
            });
            return;
        };
        let failing = self.next_retry.is_some();
        self.update(|s| {
            if matches!(
                s.state,
                SyncState::NotConnected | SyncState::NeedsPassword | SyncState::SignedOut
            ) {
                s.state = if failing {
                    SyncState::Error
                } else {
                    SyncState::Idle
                };
            }
            s.server_url = Some(connection.server_url.clone());
            s.account = Some(connection.account.clone());
            s.pending = summary.pending;
            s.last_synced_at = summary.last_synced_at.clone();
            s.password_kept = kept.to_owned();
        });

        let now = Instant::now();
        if summary.pending == 0 {
            self.waiting_since = None;
        } else if self.waiting_since.is_none() {
            self.waiting_since = Some(now);
        }
        let due = kick
            || match self.next_retry {
                Some(at) => now >= at,
                None => {
                    self.last_attempt.is_none_or(|t| now - t >= INTERVAL)
                        || self.waiting_since.is_some_and(|t| now - t >= AFTER_CHANGE)
                }
            };
        if !due {
            return;
        }
        self.sync(&connection, &password, joining);
    }

    /// The password for this connection: typed since the app started, else the keychain's.
    fn password(&self, c: &SyncConnection) -> Option<(String, &'static str)> {
        let mut control = lock(&self.shared.control);
        if let Some((server, account, password)) = &control.password {
            if *server == c.server_url && *account == c.account {
                return Some((password.clone(), control.password_kept));
            }
        }
        match keychain_entry(&c.server_url, &c.account).and_then(|e| e.get_password()) {
            Ok(password) => {
                control.password =
                    Some((c.server_url.clone(), c.account.clone(), password.clone()));
                control.password_kept = "keychain";
                Some((password, "keychain"))
            }
            Err(keyring::Error::NoEntry) => None,
            Err(e) => {
                tracing::debug!(error = %e, "no keychain to read the sync password from");
                None
            }
        }
    }

    fn sync(&mut self, connection: &SyncConnection, password: &str, joining: bool) {
        self.update(|s| {
            s.state = SyncState::Syncing;
            s.progress = None;
        });
        let shared = self.shared.clone();
        let progress_of = |p: Progress| match p {
            Progress::Pushed { done, waiting } => SyncProgress {
                phase: "sending".into(),
                done: done as u64,
                total: Some((done + waiting) as u64),
                bytes: None,
            },
            Progress::Pulled { done, bytes, .. } => SyncProgress {
                phase: "receiving".into(),
                done: done as u64,
                total: None,
                bytes: Some(bytes),
            },
        };
        let store = self.store.as_mut().expect("opened in step");
        let result = stockflow_sync_client::sync(
            store,
            &connection.server_url,
            &connection.account,
            password,
            &mut |p| {
                let progress = progress_of(p);
                let snapshot = {
                    let mut status = lock(&shared.status);
                    status.progress = Some(progress);
                    status.clone()
                };
                if let Some(n) = lock(&shared.notifier).as_ref() {
                    n(Notice::Status(&snapshot));
                }
                if shared.cancel.load(Ordering::SeqCst) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        self.shared.cancel.store(false, Ordering::SeqCst);
        let finished = Instant::now();
        self.last_attempt = Some(finished);
        let summary = store.sync_summary().ok();
        match result {
            Ok(report) => {
                tracing::info!(
                    pushed = report.pushed,
                    pulled = report.pulled,
                    conflicts = report.conflicts.len(),
                    "synced"
                );
                self.next_retry = None;
                self.waiting_since = None;
                self.notified = false;
                self.update(|s| {
                    s.state = SyncState::Idle;
                    s.progress = None;
                    s.failures = 0;
                    s.last_error = None;
                    s.last_error_code = None;
                    s.joining = false;
                    s.last_report = Some(SyncRunReport {
                        pushed: report.pushed as u64,
                        pulled: report.from_others as u64,
                        conflicts: report.conflicts.len() as u64,
                        finished_at: chrono_now(),
                    });
                    if let Some(summary) = &summary {
                        s.pending = summary.pending;
                        s.last_synced_at = summary.last_synced_at.clone();
                    }
                });
                if joining {
                    // The join ran without a user; the shop's users sign in from now on.
                    lock(&self.shared.control).joining = false;
                    self.store = None;
                }
            }
            Err(SyncError::Cancelled) => {
                tracing::info!(joining, "sync stopped by the user");
                // Not a failure: no retry sooner than the usual interval, and a stopped join
                // waits for the user.
                self.next_retry = None;
                self.waiting_since = Some(finished);
                if joining {
                    lock(&self.shared.control).held = true;
                }
                let e = sync_error(SyncError::Cancelled);
                self.update(|s| {
                    // The progress stays: what had been sent or received when it stopped.
                    s.state = SyncState::Idle;
                    s.last_error = Some(e.message.clone());
                    s.last_error_code = Some(e.code.clone());
                    if let Some(summary) = &summary {
                        s.pending = summary.pending;
                        s.last_synced_at = summary.last_synced_at.clone();
                    }
                });
            }
            Err(e) => {
                let offline = matches!(e, SyncError::Unreachable(_));
                tracing::warn!(error = %e, "sync failed");
                let e = sync_error(e);
                let failures = lock(&self.shared.status).failures + 1;
                self.next_retry = Some(finished + retry_after(failures));
                self.update(|s| {
                    s.state = if offline {
                        SyncState::Offline
                    } else {
                        SyncState::Error
                    };
                    s.progress = None;
                    s.failures = failures;
                    s.last_error = Some(e.message.clone());
                    s.last_error_code = Some(e.code.clone());
                    if let Some(summary) = &summary {
                        s.pending = summary.pending;
                        s.last_synced_at = summary.last_synced_at.clone();
                    }
                });
                if failures >= NOTIFY_AFTER_FAILURES && !self.notified {
                    self.notified = true;
                    let status = lock(&self.shared.status).clone();
                    if let Some(n) = lock(&self.shared.notifier).as_ref() {
                        n(Notice::RepeatedFailure(&status));
                    }
                }
            }
        }
    }
}

fn chrono_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_after_each_failure_up_to_five_minutes() {
        let waits: Vec<u64> = (1..=8).map(|n| retry_after(n).as_secs()).collect();
        assert_eq!(waits, [15, 30, 60, 120, 240, 300, 300, 300]);
    }
}
