//! What the sync tests through the real server share: a server on its own database of the
//! test cluster, laptops driven through `stockflow-cli`, and a shop to start from.

#![allow(dead_code)] // each test binary uses part of it

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const PASSWORD: &str = "correct horse battery";

pub fn bin(name: &str) -> PathBuf {
    // target/debug/deps/<this test> -> target/debug/<name>
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join(name);
    assert!(
        path.exists(),
        "{} is not built: run the tests with `cargo test --workspace` (it builds every binary)",
        path.display()
    );
    path
}

/// A database of its own on the test cluster.
pub fn database() -> String {
    let base = std::env::var("STOCKFLOW_TEST_PG").expect(
        "STOCKFLOW_TEST_PG is not set: run these tests through scripts/with-postgres.sh, which starts a throw-away PostgreSQL",
    );
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "cli_sync_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let status = Command::new("psql")
        .arg(&base)
        .args(["-q", "-c", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql runs");
    assert!(status.success(), "CREATE DATABASE {name}");
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

pub struct Server {
    pub url: String,
    db: String,
    child: Child,
}

impl Server {
    fn start(db: &str) -> Server {
        let mut child = Command::new(bin("stockflow-server"))
            .args(["--database-url", db, "serve", "--listen", "127.0.0.1:0"])
            .env(
                "STOCKFLOW_JWT_SECRET",
                "test secret that is long enough for HS256",
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the server says where it listens, not {line:?}"))
            .to_owned();
        Server {
            url: format!("http://{addr}"),
            db: db.to_owned(),
            child,
        }
    }

    pub fn new() -> Server {
        let db = database();
        admin(&db, &["migrate"]);
        admin(&db, &["account", "add", "--email", "shop@harbour.example"]);
        admin(&db, &["account", "add", "--email", "shop@other.example"]);
        Server::start(&db)
    }

    /// SIGKILL, then the same database again (another port).
    pub fn restart(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let db = self.db.clone();
        *self = Server::start(&db);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn admin(db: &str, args: &[&str]) {
    let out = Command::new(bin("stockflow-server"))
        .arg("--database-url")
        .arg(db)
        .args(args)
        .env("STOCKFLOW_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stockflow-server {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub struct Laptop {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub struct Run {
    pub status: i32,
    pub json: Value,
    pub text: String,
}

impl Laptop {
    pub fn new() -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stockflow.db");
        Laptop { _dir: dir, path }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(bin("stockflow-cli"))
            .arg("--db")
            .arg(&self.path)
            .arg("--json")
            .args(args)
            .env_remove("STOCKFLOW_DB")
            .env("STOCKFLOW_SYNC_PASSWORD", PASSWORD)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        Run {
            status: out.status.code().unwrap_or(-1),
            json: serde_json::from_str(&text).unwrap_or(Value::Null),
            text: format!("{text}{}", String::from_utf8_lossy(&out.stderr)),
        }
    }

    pub fn ok(&self, args: &[&str]) -> Value {
        let r = self.run(args);
        assert_eq!(r.status, 0, "{args:?}: {}", r.text);
        r.json
    }

    pub fn sync(&self, server: &str, account: &str) -> Run {
        self.run(&["sync", "--server", server, "--account", account])
    }

    pub fn sync_ok(&self, server: &str) -> Value {
        let r = self.sync(server, "shop@harbour.example");
        assert_eq!(r.status, 0, "sync: {}", r.text);
        r.json
    }

    /// What must be the same on every laptop of the shop.
    pub fn state(&self) -> Value {
        let stock = self.ok(&["stock", "--company", "Harbour"]);
        let products = self.ok(&["product", "list", "--company", "Harbour", "--limit", "500"]);
        let history = self.ok(&["history", "--company", "Harbour", "--limit", "1000"]);
        let mut ids: Vec<String> = history["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|m| m["id"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        serde_json::json!({ "stock": stock, "products": products["items"], "ledger": ids })
    }
}

pub fn shop(a: &Laptop) {
    a.ok(&["company", "add", "Harbour"]);
    a.ok(&["warehouse", "add", "--company", "Harbour", "Main"]);
    a.ok(&["warehouse", "add", "--company", "Harbour", "Back"]);
    for (sku, qty) in [("MUG", "20"), ("CUP", "15"), ("JUG", "4")] {
        a.ok(&[
            "product",
            "add",
            "--company",
            "Harbour",
            "--sku",
            sku,
            "--name",
            sku,
            "--price",
            "3.50",
            "--stock",
            &format!("Main={qty}"),
        ]);
    }
}
