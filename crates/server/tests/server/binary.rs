use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;

use serde_json::{json, Value};
use stockflow_server::storage;
use stockflow_sync_proto::{Change, PROTOCOL_HEADER, PROTOCOL_VERSION};

use crate::util::{agent, change, changes, fresh_database, reply, runtime};

const BIN: &str = env!("CARGO_BIN_EXE_stockflow-server");

fn command(db: Option<&str>, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_remove("STOCKFLOW_DATABASE_URL")
        .env_remove("STOCKFLOW_JWT_SECRET")
        .env_remove("STOCKFLOW_PASSWORD")
        .stdin(Stdio::null());
    if let Some(db) = db {
        command.env("STOCKFLOW_DATABASE_URL", db);
    }
    command
}

fn run(db: Option<&str>, args: &[&str], password: Option<&str>) -> Output {
    let mut command = command(db, args);
    if let Some(p) = password {
        command.env("STOCKFLOW_PASSWORD", p);
    }
    command.output().expect("the binary runs")
}

#[track_caller]
fn expect(output: &Output, code: i32, says: &str, meaning: &str) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{meaning}: exit {code} expected; stdout {stdout:?}, stderr {stderr:?}"
    );
    assert!(
        stdout.contains(says) || stderr.contains(says),
        "{meaning}: the output should say {says:?}; stdout {stdout:?}, stderr {stderr:?}"
    );
}

/// `stockflow-server serve` as a child process, killed with SIGKILL on drop.
struct Serving {
    child: Child,
    base: String,
}

impl Serving {
    fn start(db: &str, log: &std::path::Path) -> Self {
        let log = std::fs::File::create(log).unwrap();
        let mut child = command(Some(db), &["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("serve should print its address first, printed {line:?}"));
        Serving {
            child,
            base: format!("http://{addr}"),
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.kill();
    }
}

fn call(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Result<(u16, Value), String> {
    let mut request = agent()
        .request(method, &format!("{base}{path}"))
        .set(PROTOCOL_HEADER, &PROTOCOL_VERSION.to_string());
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let result = match body {
        Some(body) => request.send_json(body),
        None => request.call(),
    };
    match result {
        Err(ureq::Error::Transport(e)) => Err(e.to_string()),
        other => {
            let r = reply(other);
            Ok((r.status, r.body))
        }
    }
}

fn login(base: &str, email: &str) -> String {
    let (status, body) = call(
        base,
        "POST",
        "/v1/login",
        None,
        Some(json!({"email": email, "password": "s3cret-pass"})),
    )
    .unwrap();
    assert_eq!(status, 200, "{email} signs in: {body}");
    body["token"].as_str().unwrap().to_string()
}

/// A pushed batch and the (seq, duplicate) of each of its changes.
type Acknowledged = (Vec<Change>, Vec<(i64, bool)>);

fn push(base: &str, token: &str, batch: &[Change]) -> Result<Vec<(i64, bool)>, String> {
    let (status, body) = call(
        base,
        "POST",
        "/v1/push",
        Some(token),
        Some(json!({ "changes": batch })),
    )?;
    assert_eq!(status, 200, "the push is accepted: {body}");
    Ok(body["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["seq"].as_i64().unwrap(),
                a["duplicate"].as_bool().unwrap(),
            )
        })
        .collect())
}

#[test]
fn migrate_is_safe_twice_and_from_two_processes_at_once() {
    let rt = runtime();
    let db = fresh_database(&rt);
    let first = command(Some(&db), &["migrate"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let second = command(Some(&db), &["migrate"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let outputs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    for output in &outputs {
        expect(output, 0, "schema", "two migrations at once both succeed");
    }
    let applied = outputs
        .iter()
        .filter(|o| String::from_utf8_lossy(&o.stdout).contains("applied 0001-initial"))
        .count();
    assert_eq!(applied, 1, "exactly one of them applied the migration");
    expect(
        &run(Some(&db), &["migrate"], None),
        0,
        "schema up to date",
        "a third run",
    );
    let pool = storage::connect(&db, 1).unwrap();
    let client = rt.block_on(pool.get()).unwrap();
    let rows: i64 = rt
        .block_on(client.query_one("SELECT count(*) FROM schema_migrations", &[]))
        .unwrap()
        .get(0);
    assert_eq!(rows, 1, "each migration is recorded once");
}

#[test]
fn the_command_line_refuses_with_a_sentence_and_its_exit_status() {
    let rt = runtime();
    let db = fresh_database(&rt);
    expect(
        &run(None, &["migrate"], None),
        2,
        "STOCKFLOW_DATABASE_URL",
        "no database named",
    );
    expect(
        &run(Some(&db), &["frobnicate"], None),
        2,
        "frobnicate",
        "an unknown command",
    );
    expect(
        &run(Some(&db), &["serve", "--listen", "127.0.0.1:0"], None),
        1,
        "stockflow-server migrate",
        "serve on a database that was never migrated",
    );
    expect(&run(Some(&db), &["migrate"], None), 0, "applied", "migrate");
    expect(
        &run(
            Some(&db),
            &["account", "add", "--email", "ann@shop.test"],
            None,
        ),
        2,
        "STOCKFLOW_PASSWORD",
        "an account without a password",
    );
    expect(
        &run(
            Some(&db),
            &["account", "add", "--email", "ann@shop.test"],
            Some("short"),
        ),
        1,
        "8 to",
        "a password too short",
    );
    expect(
        &run(
            Some(&db),
            &[
                "account",
                "add",
                "--email",
                "Ann@Shop.test",
                "--name",
                "Ann",
            ],
            Some("s3cret-pass"),
        ),
        0,
        "ann@shop.test added",
        "an account",
    );
    expect(
        &run(
            Some(&db),
            &["account", "add", "--email", "ann@shop.test"],
            Some("s3cret-pass"),
        ),
        1,
        "exists already",
        "the same email twice",
    );
    expect(
        &run(
            Some(&db),
            &[
                "grant",
                "--email",
                "ann@shop.test",
                "--company",
                "Nowhere Ltd",
            ],
            None,
        ),
        1,
        "no company Nowhere Ltd",
        "a grant on a company never pushed",
    );
    expect(
        &run(
            Some(&db),
            &["grant", "--email", "zed@shop.test", "--company", "x"],
            None,
        ),
        1,
        "no account",
        "a grant to an unknown account",
    );
    expect(
        &run(Some(&db), &["new-epoch"], None),
        0,
        "new epoch",
        "new-epoch",
    );
}

#[test]
fn a_server_killed_mid_stream_loses_no_acknowledged_push() {
    let rt = runtime();
    let db = fresh_database(&rt);
    let dir = tempfile::tempdir().unwrap();
    expect(&run(Some(&db), &["migrate"], None), 0, "applied", "migrate");
    expect(
        &run(Some(&db), &["migrate"], None),
        0,
        "up to date",
        "migrate again",
    );
    for email in ["ann@shop.test", "bob@shop.test"] {
        expect(
            &run(
                Some(&db),
                &["account", "add", "--email", email],
                Some("s3cret-pass"),
            ),
            0,
            "added",
            email,
        );
    }
    let mut server = Serving::start(&db, &dir.path().join("serve-1.log"));
    let token = login(&server.base, "ann@shop.test");
    let mut company = change("co", "till", 1);
    company.entity = "company".into();
    company.entity_id = "co".into();
    company.payload = json!({"name": "Corner Shop"});
    push(&server.base, &token, &[company]).unwrap();

    // Batches of 10 from one till, as fast as the server takes them, until it dies.
    let (acks, acked) = mpsc::channel();
    let base = server.base.clone();
    let stream_token = token.clone();
    let pusher = std::thread::spawn(move || {
        for n in 0..10_000i64 {
            let batch = changes("co", "till", 2 + n * 10, 11 + n * 10);
            match push(&base, &stream_token, &batch) {
                Ok(seqs) => acks.send((batch, seqs)).unwrap(),
                Err(_) => return Some(batch),
            }
        }
        None
    });
    let mut acknowledged: Vec<Acknowledged> = (0..5)
        .map(|_| acked.recv().expect("pushes are acknowledged"))
        .collect();
    server.kill();
    let in_flight = pusher
        .join()
        .unwrap()
        .expect("the stream was cut by the kill");
    acknowledged.extend(acked.try_iter());

    let server = Serving::start(&db, &dir.path().join("serve-2.log"));
    let (status, body) = call(
        &server.base,
        "GET",
        "/v1/pull?company=co&after=0&limit=1000",
        Some(&token),
        None,
    )
    .unwrap();
    assert_eq!(
        status, 200,
        "the token of before the restart is still good (secret in the database): {body}"
    );
    let mut held = std::collections::HashMap::new();
    let mut after = 0;
    loop {
        let (_, page) = call(
            &server.base,
            "GET",
            &format!("/v1/pull?company=co&after={after}&limit=1000"),
            Some(&token),
            None,
        )
        .unwrap();
        for c in page["changes"].as_array().unwrap() {
            held.insert(
                c["change_id"].as_str().unwrap().to_string(),
                c["seq"].as_i64().unwrap(),
            );
        }
        after = page["next_after"].as_i64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    for (batch, seqs) in &acknowledged {
        for (change, (seq, _)) in batch.iter().zip(seqs) {
            assert_eq!(
                held.get(&change.change_id),
                Some(seq),
                "acknowledged change {} survives with its seq",
                change.change_id
            );
        }
    }
    // The push cut by the kill is sent again: stored once, whichever way it went.
    let retried = push(&server.base, &token, &in_flight).unwrap();
    let (last_batch, last_seqs) = acknowledged.last().unwrap();
    let again = push(&server.base, &token, last_batch).unwrap();
    let originals: Vec<(i64, bool)> = last_seqs.iter().map(|(s, _)| (*s, true)).collect();
    assert_eq!(
        again, originals,
        "a retried acknowledged push gets its original seqs"
    );
    let total = 1 + 10 * (acknowledged.len() + 1) as i64;
    assert_eq!(
        retried.last().unwrap().0,
        total,
        "seqs stay dense across the kill"
    );

    // Grant by the company's name, from its `company` change.
    expect(
        &run(
            Some(&db),
            &[
                "grant",
                "--email",
                "bob@shop.test",
                "--company",
                "Corner Shop",
            ],
            None,
        ),
        0,
        "may now sync co",
        "grant by name",
    );
    let bob = login(&server.base, "bob@shop.test");
    let (status, body) = call(
        &server.base,
        "GET",
        "/v1/status?company=co",
        Some(&bob),
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "bob syncs after the grant: {body}");
    assert_eq!(body["last_seq"], total);
    assert_eq!(
        body["devices"],
        json!([{"device_id": "till", "max_device_seq": total}])
    );
}
