//! The harness: a fresh database per test, the server in-process on 127.0.0.1:0, a small client.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use stockflow_server::{auth, storage, Pool, ServerConfig};
use stockflow_sync_proto::{Change, PullResponse, PulledChange, PROTOCOL_HEADER, PROTOCOL_VERSION};

pub const PASSWORD: &str = "correct horse battery";
/// The secret of the in-process servers, so tests can make their own tokens.
pub const SECRET: &str = "test-secret-0123456789";

/// The cluster `scripts/with-postgres.sh` started.
pub fn pg_url() -> String {
    std::env::var("STOCKFLOW_TEST_PG").unwrap_or_else(|_| {
        panic!(
            "STOCKFLOW_TEST_PG is not set: the server tests need a PostgreSQL. Run them through \
             the harness: `bash scripts/with-postgres.sh cargo test -p stockflow-server`"
        )
    })
}

/// A new, empty database on the test cluster; returns its URL.
pub fn fresh_database(rt: &tokio::runtime::Runtime) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "sf_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let admin = pg_url();
    rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
            .await
            .expect("the test cluster of STOCKFLOW_TEST_PG should accept connections");
        let task = tokio::spawn(connection);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("a test database should be created");
        drop(client);
        let _ = task.await;
    });
    let base = admin.rsplit_once('/').expect("a URL with a database").0;
    format!("{base}/{name}")
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A server running in-process on its own runtime; stopped on drop.
pub struct Server {
    pub rt: tokio::runtime::Runtime,
    pub base: String,
    pub db_url: String,
    pub pool: Pool,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    agent: ureq::Agent,
}

impl Server {
    /// A server on a fresh, migrated database.
    pub fn start() -> Self {
        Self::start_with(ServerConfig::default())
    }

    pub fn start_with(config: ServerConfig) -> Self {
        let rt = runtime();
        let db_url = fresh_database(&rt);
        let pool = storage::connect(&db_url, 1).expect("a pool");
        rt.block_on(storage::migrate(&pool))
            .expect("migrate should succeed on a fresh database");
        drop(pool);
        Self::launch(rt, &db_url, config)
    }

    /// Another server on the database of `db_url` (already migrated).
    pub fn on_database(db_url: &str, config: ServerConfig) -> Self {
        Self::launch(runtime(), db_url, config)
    }

    fn launch(rt: tokio::runtime::Runtime, db_url: &str, config: ServerConfig) -> Self {
        let pool = storage::connect(db_url, 32).expect("a pool");
        let config = ServerConfig {
            jwt_secret: config.jwt_secret.or_else(|| Some(SECRET.to_string())),
            ..config
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let base = rt.block_on(async {
            let router = stockflow_server::app(pool.clone(), config)
                .await
                .expect("the server should start on a migrated database");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(stockflow_server::serve(listener, router, async {
                let _ = rx.await;
            }));
            format!("http://{addr}")
        });
        Server {
            rt,
            base,
            db_url: db_url.to_string(),
            pool,
            shutdown: Some(tx),
            agent: agent(),
        }
    }

    /// Creates an account with [`PASSWORD`]; returns its id.
    pub fn account(&self, email: &str) -> i64 {
        let hash = auth::hash_password(PASSWORD);
        self.rt
            .block_on(storage::add_account(&self.pool, email, None, &hash))
            .expect("the account should be created")
    }

    /// A token for `email` (created first if need be).
    pub fn login(&self, email: &str) -> String {
        let reply = self.post(
            "/v1/login",
            None,
            &json!({"email": email, "password": PASSWORD}),
        );
        assert_eq!(
            reply.status, 200,
            "login of {email} should succeed: {reply:?}"
        );
        reply.body["token"].as_str().unwrap().to_string()
    }

    /// An account and its token.
    pub fn signed_in(&self, email: &str) -> String {
        self.account(email);
        self.login(email)
    }

    pub fn sql(&self, statement: &str) {
        let client = self.rt.block_on(self.pool.get()).unwrap();
        self.rt
            .block_on(client.batch_execute(statement))
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }

    pub fn query_i64(&self, query: &str) -> i64 {
        let client = self.rt.block_on(self.pool.get()).unwrap();
        let row = self.rt.block_on(client.query_one(query, &[])).unwrap();
        row.get(0)
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        let request = self.request("POST", path, token);
        reply(request.send_json(body))
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Reply {
        reply(self.request("GET", path, token).call())
    }

    pub fn request(&self, method: &str, path: &str, token: Option<&str>) -> ureq::Request {
        let mut request = self
            .agent
            .request(method, &format!("{}{path}", self.base))
            .set(PROTOCOL_HEADER, &PROTOCOL_VERSION.to_string());
        if let Some(token) = token {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        request
    }

    pub fn push(&self, token: &str, changes: &[Change]) -> Reply {
        self.post("/v1/push", Some(token), &json!({ "changes": changes }))
    }

    /// Pushes and expects success: the seqs, in order.
    pub fn push_ok(&self, token: &str, changes: &[Change]) -> Vec<i64> {
        let reply = self.push(token, changes);
        assert_eq!(reply.status, 200, "the push should be accepted: {reply:?}");
        reply.body["accepted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["seq"].as_i64().unwrap())
            .collect()
    }

    pub fn pull(&self, token: &str, company: &str, after: i64, limit: usize) -> PullResponse {
        let reply = self.get(
            &format!("/v1/pull?company={company}&after={after}&limit={limit}"),
            Some(token),
        );
        assert_eq!(reply.status, 200, "the pull should be answered: {reply:?}");
        serde_json::from_value(reply.body).expect("a PullResponse")
    }

    /// Every change of the company after `after`, page by page.
    pub fn pull_all(
        &self,
        token: &str,
        company: &str,
        after: i64,
        limit: usize,
    ) -> Vec<PulledChange> {
        let mut all = Vec::new();
        let mut after = after;
        loop {
            let page = self.pull(token, company, after, limit);
            all.extend(page.changes);
            after = page.next_after;
            if !page.has_more {
                return all;
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .build()
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }

    /// Asserts an error reply of this status and code.
    #[track_caller]
    pub fn refused(&self, status: u16, code: &str, meaning: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "{meaning}: got {self:?}"
        );
        assert!(!self.message().is_empty(), "an error says why: {self:?}");
    }
}

pub fn reply(result: Result<ureq::Response, ureq::Error>) -> Reply {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("the request should reach the server: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .map(|n| {
            let v = response.header(&n).unwrap_or("").to_string();
            (n, v)
        })
        .collect();
    let text = response.into_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        body,
        headers,
    }
}

/// Change number `device_seq` of `device` for `company`, an event with a small payload.
pub fn change(company: &str, device: &str, device_seq: i64) -> Change {
    Change {
        change_id: format!("{company}/{device}/{device_seq}"),
        company_id: company.to_string(),
        device_id: device.to_string(),
        device_seq,
        entity: "stock_movement".to_string(),
        entity_id: format!("m-{device}-{device_seq}"),
        hlc: format!("{:016}-000000-{device}", 1_733_140_000_000i64 + device_seq),
        version: 1,
        fields: vec![],
        payload: json!({"kind": "sale", "quantity": -device_seq, "note": "été ☕"}),
    }
}

/// Changes `from..=to` of `device`.
pub fn changes(company: &str, device: &str, from: i64, to: i64) -> Vec<Change> {
    (from..=to).map(|s| change(company, device, s)).collect()
}

/// Waits for `condition` until `deadline` passes; panics saying what was awaited.
pub fn wait_until(what: &str, deadline: Duration, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
