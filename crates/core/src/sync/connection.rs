//! This device's connection to a sync server (issue #13): the server's address and the shop's
//! server account, kept in the device's own `settings` (never synced: each laptop chooses its
//! server). The account's password is never here: the app keeps it in the OS keychain, or in
//! memory until it closes, and asks for it again when it has neither.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::auth::Action;
use crate::db::Store;
use crate::error::{Error, Result};

const SERVER_KEY: &str = "sync_server_url";
const ACCOUNT_KEY: &str = "sync_account";
const CONNECTED_AT_KEY: &str = "sync_connected_at";
const MAX_URL: usize = 2_000;
const MAX_ACCOUNT: usize = 320;

/// The server this device syncs with, and as which account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncConnection {
    pub server_url: String,
    pub account: String,
    /// When an owner connected this device (RFC 3339, UTC).
    pub connected_at: String,
}

/// What an owner types to connect (the password goes to the app's keychain, not here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncConnectionInput {
    pub server_url: String,
    pub account: String,
}

/// What the sync screens show that the database knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncSummary {
    pub connection: Option<SyncConnection>,
    /// Changes made here and not yet acknowledged by the server.
    pub pending: i64,
    /// The last time a pull from the server finished a page, any company.
    pub last_synced_at: Option<String>,
}

impl SyncConnectionInput {
    /// The address and account, trimmed and checked. The sync client checks the address again
    /// (https, or http to this machine only) before it sends anything.
    fn parse(&self) -> Result<(String, String)> {
        let server = self.server_url.trim().trim_end_matches('/').to_owned();
        if server.is_empty() {
            return Err(Error::validation(
                "server_url",
                "enter the server's address, e.g. https://sync.example.com",
            ));
        }
        if server.len() > MAX_URL {
            return Err(Error::validation(
                "server_url",
                format!("an address can be at most {MAX_URL} characters"),
            ));
        }
        let lower = server.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            return Err(Error::validation(
                "server_url",
                "a server address starts with https://",
            ));
        }
        let account = self.account.trim().to_owned();
        if account.is_empty() || !account.contains('@') {
            return Err(Error::validation(
                "account",
                "enter the shop's sync account (an email address)",
            ));
        }
        if account.len() > MAX_ACCOUNT {
            return Err(Error::validation(
                "account",
                format!("an account can be at most {MAX_ACCOUNT} characters"),
            ));
        }
        Ok((server, account))
    }
}

impl Store {
    /// The server this device syncs with, if an owner connected it. Anyone who may sync may
    /// read it (the top bar shows it).
    pub fn sync_connection(&self) -> Result<Option<SyncConnection>> {
        self.authorize_anywhere(Action::Sync)?;
        read_connection(&self.conn)
    }

    /// The address and account an owner typed, checked and trimmed, before the app tries them
    /// on the server: a refusal (`forbidden`, `validation`) comes before any network traffic.
    /// Writes nothing.
    pub fn check_sync_connection(
        &self,
        input: &SyncConnectionInput,
    ) -> Result<SyncConnectionInput> {
        self.authorize_connecting()?;
        let (server_url, account) = input.parse()?;
        Ok(SyncConnectionInput {
            server_url,
            account,
        })
    }

    /// Owners set this device's connection; so does a join bringing a shop down on this
    /// store ([`Store::start_join`]), whose users may arrive before it ends, with nobody signed
    /// in (start_join is only allowed on a device with no shop of its own).
    fn authorize_connecting(&self) -> Result<()> {
        if self.joining.get() {
            return Ok(());
        }
        self.authorize_anywhere(Action::ConnectSync)
    }

    /// Connects this device to a server (owners only). Replaces an earlier connection; the
    /// shop's data and what is waiting to be sent stay as they are. A different server is
    /// recognised by its epoch at the first pull, which then starts over with it.
    pub fn connect_sync(&mut self, input: &SyncConnectionInput) -> Result<SyncConnection> {
        self.authorize_connecting()?;
        let (server, account) = input.parse()?;
        self.write(|tx| {
            let now = tx.now.clone();
            for (key, value) in [
                (SERVER_KEY, server.as_str()),
                (ACCOUNT_KEY, account.as_str()),
                (CONNECTED_AT_KEY, now.as_str()),
            ] {
                tx.conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )?;
            }
            Ok(())
        })?;
        tracing::info!(server = %server, account = %account, "sync connected");
        read_connection(&self.conn)?
            .ok_or_else(|| Error::Internal("the sync connection was not saved".to_owned()))
    }

    /// Stops syncing (owners only). Nothing local is removed: the shop's data, and the changes
    /// not sent yet, which go at the next connection. Returns the connection it ended.
    pub fn disconnect_sync(&mut self) -> Result<Option<SyncConnection>> {
        self.authorize_anywhere(Action::ConnectSync)?;
        let ended = read_connection(&self.conn)?;
        self.write(|tx| {
            tx.conn.execute(
                "DELETE FROM settings WHERE key IN (?1, ?2, ?3)",
                (SERVER_KEY, ACCOUNT_KEY, CONNECTED_AT_KEY),
            )?;
            Ok(())
        })?;
        tracing::info!("sync disconnected");
        Ok(ended)
    }

    /// Starts a join over (issue #13): a database part way through bringing a shop down from
    /// its server (the join stopped, or the wrong shop) becomes an empty new one again, without
    /// a connection, ready for "set up a new shop" or another join. Allowed, signed in or not as
    /// at the first run, only while nothing in it was made here: no change waiting or ever
    /// sent, no import, so everything it holds is still on the server. Anything else is
    /// refused (`conflict`) and nothing changes.
    pub fn discard_join(&mut self) -> Result<()> {
        if read_connection(&self.conn)?.is_none() {
            return Err(Error::Refused {
                field: "server".to_owned(),
                reason: "This database is not bringing a shop down from a server.".to_owned(),
            });
        }
        let made_here: i64 = self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM outbox_ranges)
                  + (SELECT COUNT(*) FROM sync_device_seq) + (SELECT COUNT(*) FROM pending_imports)",
            [],
            |r| r.get(0),
        )?;
        if made_here > 0 {
            return Err(Error::Refused {
                field: "server".to_owned(),
                reason: "This database holds work made on this computer: it cannot be started over. Sign in and sync it instead.".to_owned(),
            });
        }
        self.overwrite_with_empty()?;
        tracing::info!(device_id = %self.device_id(), "the join was discarded: the database is empty again");
        Ok(())
    }

    /// The connection, the changes waiting and the last sync time, in one read.
    pub fn sync_summary(&self) -> Result<SyncSummary> {
        // While a join brings the shop down, or one that did not finish waits to go on, the
        // shop's users may be here already and nobody signed in: the join screen still shows
        // the connection it goes on with.
        if !(self.joining.get() || self.join_unfinished()?) {
            self.authorize_anywhere(Action::Sync)?;
        }
        let pending = self
            .conn
            .query_row(crate::outbox::PENDING_SQL, [], |r| r.get(0))?;
        let last_synced_at =
            self.conn
                .query_row("SELECT MAX(last_synced_at) FROM sync_cursors", [], |r| {
                    r.get(0)
                })?;
        Ok(SyncSummary {
            connection: read_connection(&self.conn)?,
            pending,
            last_synced_at,
        })
    }
}

fn read_connection(conn: &rusqlite::Connection) -> Result<Option<SyncConnection>> {
    let get = |key: &str| -> Result<Option<String>> {
        Ok(conn
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    };
    Ok(match (get(SERVER_KEY)?, get(ACCOUNT_KEY)?) {
        (Some(server_url), Some(account)) => Some(SyncConnection {
            server_url,
            account,
            connected_at: get(CONNECTED_AT_KEY)?.unwrap_or_default(),
        }),
        _ => None,
    })
}
