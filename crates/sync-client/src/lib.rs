//! One sync of a device with the central server (DESIGN §4): sign in with the shop's server
//! account, push the outbox in batches, then pull each company's log in pages, each page
//! applied with its cursor in one SQLite transaction (`Store::sync_apply`). Interrupted
//! anywhere, the next run resumes with nothing lost and nothing applied twice: the server is
//! idempotent by change id, and the device skips what it has already applied.

use std::io::{Read, Write};
use std::net::IpAddr;
use std::ops::ControlFlow;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use stockflow_core::{Store, SyncConflict};
use stockflow_sync_proto::{
    codes, ErrorBody, LoginRequest, LoginResponse, PullResponse, PushRequest, PushResponse,
    PROTOCOL_HEADER, PROTOCOL_VERSION,
};

/// Changes per push, and per pulled page.
pub const BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The address is not one we send a shop's data to.
    #[error("{0}")]
    BadServer(String),
    /// No answer: the changes stay here and go at the next sync.
    #[error("server unreachable ({0}): your changes are kept and will be sent")]
    Unreachable(String),
    /// The server refused, with its stable code.
    #[error("{message}")]
    Refused { code: String, message: String },
    #[error("the server answered something this version does not understand: {0}")]
    Protocol(String),
    #[error(transparent)]
    Local(#[from] stockflow_core::Error),
    /// Stopped by the caller between two batches: what was sent or applied stays.
    #[error("stopped: what was already sent or received is kept")]
    Cancelled,
}

impl SyncError {
    /// Stable snake_case, like the rest of the CLI's errors.
    pub fn code(&self) -> String {
        match self {
            SyncError::BadServer(_) => "validation".into(),
            SyncError::Unreachable(_) => "server_unreachable".into(),
            SyncError::Refused { code, .. } => code.clone(),
            SyncError::Protocol(_) => "server_protocol".into(),
            SyncError::Local(e) => e.code().into(),
            SyncError::Cancelled => "cancelled".into(),
        }
    }
}

/// What one sync did: `stockflow-cli sync --json` prints it (a public interface: extend only).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub pushed: usize,
    pub pulled: usize,
    /// Of those, the changes made on other devices (`pulled` also counts this device's own
    /// coming back). Added for the app's "received" figure.
    pub from_others: usize,
    pub conflicts: Vec<SyncConflict>,
}

/// Where the sync is, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    Pushed {
        done: usize,
        waiting: usize,
    },
    Pulled {
        done: usize,
        /// The server sequence this device has applied up to.
        at: i64,
        /// Bytes of answers received from the server so far in this sync (after gzip).
        bytes: u64,
    },
}

/// The server's address, checked: `https://`, or `http://` to this machine only.
pub fn check_server(server: &str) -> Result<url::Url, SyncError> {
    let parsed = url::Url::parse(server.trim())
        .map_err(|e| SyncError::BadServer(format!("\"{server}\" is not a server address: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                None => false,
            };
            if loopback {
                Ok(parsed)
            } else {
                Err(SyncError::BadServer(format!(
                    "refusing plain http:// to {server}: the shop's data and passwords would cross the network unencrypted; use https://"
                )))
            }
        }
        other => Err(SyncError::BadServer(format!(
            "\"{other}\" is not a server address: use https://"
        ))),
    }
}

pub struct Client {
    base: url::Url,
    agent: ureq::Agent,
    token: Option<String>,
    /// Bytes of answers read so far (for the progress of a join).
    received: std::sync::atomic::AtomicU64,
}

impl Client {
    pub fn new(server: &str) -> Result<Client, SyncError> {
        let mut base = check_server(server)?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build();
        Ok(Client {
            base,
            agent,
            token: None,
            received: std::sync::atomic::AtomicU64::new(0),
        })
    }

    fn url(&self, path: &str) -> Result<url::Url, SyncError> {
        self.base
            .join(path)
            .map_err(|e| SyncError::BadServer(e.to_string()))
    }

    fn request(&self, method: &str, url: &url::Url) -> ureq::Request {
        let mut r = self
            .agent
            .request_url(method, url)
            .set(PROTOCOL_HEADER, &PROTOCOL_VERSION.to_string())
            .set("Accept-Encoding", "gzip");
        if let Some(token) = &self.token {
            r = r.set("Authorization", &format!("Bearer {token}"));
        }
        r
    }

    /// Bytes of answers read from the server so far.
    pub fn received_bytes(&self) -> u64 {
        self.received.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn answer<T: DeserializeOwned>(
        &self,
        result: Result<ureq::Response, ureq::Error>,
    ) -> Result<T, SyncError> {
        match result {
            Ok(response) => read_json(response, &self.received),
            Err(ureq::Error::Status(_, response)) => {
                let body: ErrorBody = read_json(response, &self.received)?;
                Err(SyncError::Refused {
                    code: body.error.code,
                    message: body.error.message,
                })
            }
            Err(ureq::Error::Transport(t)) => Err(SyncError::Unreachable(t.to_string())),
        }
    }

    fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, SyncError> {
        let json = serde_json::to_vec(body).map_err(|e| SyncError::Protocol(e.to_string()))?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&json)
            .and_then(|()| gz.flush())
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        let bytes = gz
            .finish()
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        let url = self.url(path)?;
        self.answer(
            self.request("POST", &url)
                .set("Content-Type", "application/json")
                .set("Content-Encoding", "gzip")
                .send_bytes(&bytes),
        )
    }

    fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, SyncError> {
        let mut url = self.url(path)?;
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        self.answer(self.request("GET", &url).call())
    }

    pub fn login(&mut self, email: &str, password: &str) -> Result<LoginResponse, SyncError> {
        let answer: LoginResponse = self.post(
            "v1/login",
            &LoginRequest {
                email: email.to_owned(),
                password: password.to_owned(),
            },
        )?;
        self.token = Some(answer.token.clone());
        Ok(answer)
    }

    pub fn push(&self, request: &PushRequest) -> Result<PushResponse, SyncError> {
        self.post("v1/push", request)
    }

    pub fn pull(&self, company: &str, after: i64, limit: usize) -> Result<PullResponse, SyncError> {
        self.get(
            "v1/pull",
            &[
                ("company", company.to_owned()),
                ("after", after.to_string()),
                ("limit", limit.to_string()),
            ],
        )
    }
}

fn read_json<T: DeserializeOwned>(
    response: ureq::Response,
    received: &std::sync::atomic::AtomicU64,
) -> Result<T, SyncError> {
    let mut body = Vec::new();
    response
        .into_reader()
        .take(256 * 1024 * 1024)
        .read_to_end(&mut body)
        .map_err(|e| SyncError::Unreachable(format!("the answer was cut: {e}")))?;
    received.fetch_add(body.len() as u64, std::sync::atomic::Ordering::Relaxed);
    serde_json::from_slice(&body).map_err(|e| SyncError::Protocol(e.to_string()))
}

/// One whole sync: push everything waiting, then pull every company this device keeps (or,
/// on a database without companies, every company the account may sync: a new laptop joining
/// the shop). `progress` is told after each batch sent or page applied (each in its own
/// transaction); answering `Break` stops the sync there with [`SyncError::Cancelled`], and the
/// next sync goes on from where this one stopped.
pub fn sync(
    store: &mut Store,
    server: &str,
    account: &str,
    password: &str,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<SyncReport, SyncError> {
    let mut client = Client::new(server)?;
    let login = client.login(account, password)?;
    let mut report = SyncReport::default();

    // A new device joining (or going on with a join that stopped, perhaps between two
    // companies) pulls every company the account syncs: those already here came from it. A
    // join going on is asked about first: the shop's users may have come down before the app
    // closed, and nobody can sign in before the join ends, so the companies here are not
    // listed for it.
    let local: Vec<String> = if store.join_marked()? {
        Vec::new()
    } else {
        store.list_companies()?.into_iter().map(|c| c.id).collect()
    };
    let joining = local.is_empty();
    let companies: Vec<String> = if joining {
        store.start_join()?;
        login
            .companies
            .iter()
            .map(|c| c.company_id.clone())
            .collect()
    } else {
        local
    };

    push_all(store, &client, &mut report, progress)?;
    for company in &companies {
        pull_company(store, &client, company, &mut report, progress)?;
    }
    // A restart after an epoch change queued everything again: send it now.
    if store.sync_pending()? > 0 {
        push_all(store, &client, &mut report, progress)?;
    }
    for company in &companies {
        report.conflicts.extend(store.sync_conflicts(company)?);
    }
    if joining {
        store.finish_join()?;
    }
    Ok(report)
}

fn push_all(
    store: &mut Store,
    client: &Client,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<(), SyncError> {
    let mut reminted = false;
    loop {
        let changes = store.sync_outgoing(BATCH)?;
        if changes.is_empty() {
            return Ok(());
        }
        match client.push(&PushRequest { changes }) {
            Ok(answer) => {
                let ids: Vec<String> = answer.accepted.into_iter().map(|a| a.change_id).collect();
                report.pushed += ids.len();
                store.sync_acknowledge(&ids)?;
                if progress(Progress::Pushed {
                    done: report.pushed,
                    waiting: store.sync_pending()? as usize,
                })
                .is_break()
                {
                    return Err(SyncError::Cancelled);
                }
            }
            // The server holds other changes under this device's id and numbers (a copied
            // database, a restored backup): send what is waiting again as a new device.
            Err(SyncError::Refused { code, .. })
                if !reminted && (code == codes::SEQUENCE_GAP || code == "device_seq_taken") =>
            {
                tracing::warn!(%code, "the server knows this device otherwise: sending as a new device");
                store.sync_send_as_new_device()?;
                reminted = true;
            }
            Err(e) => return Err(e),
        }
    }
}

fn pull_company(
    store: &mut Store,
    client: &Client,
    company: &str,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<(), SyncError> {
    let mut cursor = store.sync_cursor(company)?;
    loop {
        let page = client.pull(company, cursor.after, BATCH)?;
        if cursor.epoch.as_deref().is_some_and(|e| e != page.epoch) {
            // The server was restored from a backup: start over with it.
            tracing::warn!(%company, "the server's epoch changed: pulling from the start");
            store.sync_restart(company, &page.epoch)?;
            cursor = store.sync_cursor(company)?;
            continue;
        }
        let applied =
            store.sync_apply(company, &page.changes, page.next_after, &page.epoch, &[])?;
        report.pulled += page.changes.len();
        report.from_others += page.changes.len().saturating_sub(applied.own as usize);
        let answer = progress(Progress::Pulled {
            done: report.pulled,
            at: page.next_after,
            bytes: client.received_bytes(),
        });
        if !page.has_more {
            return Ok(());
        }
        if answer.is_break() {
            return Err(SyncError::Cancelled);
        }
        cursor = store.sync_cursor(company)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(check_server("https://sync.example.com").is_ok());
        assert!(check_server("http://127.0.0.1:8080").is_ok());
        assert!(check_server("http://localhost:8080/").is_ok());
        assert!(check_server("http://[::1]:8080/").is_ok());
        for bad in [
            "http://sync.example.com",
            "http://192.168.1.5:8080",
            "ftp://x",
            "not a url",
        ] {
            let e = check_server(bad).unwrap_err();
            assert_eq!(e.code(), "validation", "{bad}: {e}");
        }
    }
}
