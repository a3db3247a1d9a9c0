//! `stockflow-server`: the central sync server of StockFlow (DESIGN §4).
//!
//! Devices push the changes of their outbox and pull those of the company's other devices.
//! PostgreSQL is the system of record and holds every piece of state (accounts, grants, the
//! sequence counters, the sign-in throttle, the JWT secret, the epoch), so any number of
//! instances can serve the same devices behind a load balancer.
//!
//! Code map: [`http`] is the router and its thin handlers, [`storage`] holds all the SQL,
//! [`auth`] the passwords and tokens, [`validate`] what a push must look like, [`error`] the
//! one JSON error shape. The binary (`src/main.rs`) is the command line of DESIGN §8.

pub mod auth;
pub mod error;
pub mod http;
pub mod storage;
pub mod validate;

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

pub use storage::Pool;

/// The largest request body, after decompression.
pub const DEFAULT_BODY_LIMIT: usize = 32 * 1024 * 1024;
/// How long a token from `/v1/login` is good for.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);

/// How a push numbers its changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeqStrategy {
    /// The company's counter row, updated as the last step of the push and locked until it
    /// commits: sequence order is commit order. The only strategy the binary uses.
    #[default]
    CounterRow,
    /// A plain PostgreSQL sequence taken when the rows are inserted (the `naive_change_seq`
    /// the caller must create). Wrong on purpose: a transaction that took a lower number can
    /// commit after one that took a higher number, and a reader paging by seq skips it. It
    /// exists only so the commit-order test can show that it catches that.
    NaiveSequence,
}

/// A test hook: the next push waits after it has taken its sequence numbers and before it
/// commits, until [`PushPause::release`]. Inert unless [`PushPause::arm`] was called.
#[derive(Debug, Default)]
pub struct PushPause {
    armed: AtomicBool,
    reached: Notify,
    release: Notify,
}

impl PushPause {
    /// Makes the next push (and only that one) pause before its commit.
    pub fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Resolves once the armed push holds its sequence numbers and waits.
    pub async fn reached(&self) {
        self.reached.notified().await;
    }

    /// Lets the paused push commit.
    pub fn release(&self) {
        self.release.notify_one();
    }

    pub(crate) async fn pause_if_armed(&self) {
        if self.armed.swap(false, Ordering::SeqCst) {
            // Notify stores a permit when nobody waits yet: neither side can miss the other.
            self.reached.notify_one();
            self.release.notified().await;
        }
    }
}

/// What `serve` needs besides the database.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// HS256 secret for tokens; `None`: the one `migrate` generated and keeps in the database.
    pub jwt_secret: Option<String>,
    pub token_ttl: Duration,
    /// The largest request body, after decompression.
    pub body_limit: usize,
    pub seq_strategy: SeqStrategy,
    pub push_pause: Option<Arc<PushPause>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            token_ttl: DEFAULT_TOKEN_TTL,
            body_limit: DEFAULT_BODY_LIMIT,
            seq_strategy: SeqStrategy::CounterRow,
            push_pause: None,
        }
    }
}

/// The router of a server on `pool`: refuses a database whose schema is not migrated.
pub async fn app(pool: Pool, config: ServerConfig) -> Result<axum::Router, storage::Error> {
    storage::check_schema(&pool).await?;
    let secret = match config.jwt_secret.clone() {
        Some(secret) => secret,
        None => storage::server_meta(&pool).await?.jwt_secret,
    };
    let state = http::AppState::new(pool, auth::TokenKeys::new(secret.as_bytes()), &config);
    Ok(http::router(state, config.body_limit))
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes the requests under
/// way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// `n` random bytes from the OS, as lowercase hex.
pub(crate) fn random_hex(n: usize) -> String {
    use rand_core::RngCore;
    let mut bytes = vec![0u8; n];
    rand_core::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
