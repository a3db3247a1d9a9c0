//! What a hostile or unlucky command line got through (issue #14, classes 5 and 7): usage
//! mistakes under `--json`, `field` in every refusal, a mistyped `--db`, a reader that goes
//! away (`| head`), a read-only database file, and the CLI parser fuzzed in process.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn cli() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_stockflow-cli"));
    c.env_remove("STOCKFLOW_DB")
        .env_remove("STOCKFLOW_PASSWORD")
        .stdin(Stdio::null());
    c
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn run(db: &Path, args: &[&str]) -> Run {
    let out = cli().arg("--db").arg(db).args(args).output().unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {:?} {:?}", r.stdout, r.stderr))
}

/// A database with a company, a warehouse and a product in it.
fn shop() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    for args in [
        &["company", "add", "Acme"][..],
        &["warehouse", "add", "--company", "Acme", "Main"],
        &[
            "product",
            "add",
            "--company",
            "Acme",
            "--sku",
            "MUG",
            "--name",
            "Mug",
            "--price",
            "4",
            "--stock",
            "Main=7",
        ],
    ] {
        let r = run(&db, args);
        assert_eq!(r.status, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    }
    (dir, db)
}

#[test]
fn usage_mistakes_under_json_print_the_error_object_on_stdout_and_exit_2() {
    let (_dir, db) = shop();
    let cases: [(&[&str], Option<&str>); 5] = [
        (&["--json", "stock"], Some("company")),
        (&["--json", "no-such-command"], None),
        (
            &["--json", "alerts", "--company", "Acme", "--limit", "many"],
            Some("limit"),
        ),
        (&["stock", "--json", "--company"], Some("company")),
        (
            &[
                "--json",
                "receive",
                "--company",
                "Acme",
                "--warehouse",
                "Main",
                "--bogus",
            ],
            None,
        ),
    ];
    for (args, field) in cases {
        let r = run(&db, args);
        assert_eq!(r.status, 2, "{args:?} is a usage mistake: {}", r.stderr);
        let v = json(&r);
        let error = &v["error"];
        assert_eq!(error["code"], "usage", "{args:?}: {v}");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{args:?}: {v}"
        );
        assert!(
            error.get("field").is_some(),
            "{args:?}: field is always there: {v}"
        );
        if let Some(field) = field {
            assert_eq!(error["field"], field, "{args:?}: {v}");
        }
    }
    // Without --json, clap's sentence on stderr, nothing on stdout.
    let r = run(&db, &["stock"]);
    assert_eq!((r.status, r.stdout.as_str()), (2, ""));
    assert!(r.stderr.contains("--company"), "{}", r.stderr);
    // Help is no mistake.
    let r = run(&db, &["--json", "--help"]);
    assert_eq!(r.status, 0);
    assert!(r.stdout.contains("Usage"), "{}", r.stdout);
}

#[test]
fn every_json_refusal_has_a_field_null_when_no_input_is_at_fault() {
    let (_dir, db) = shop();
    for (args, code, field) in [
        (
            &["--json", "stock", "--company", "Globex"][..],
            "not_found",
            Value::Null,
        ),
        (
            &[
                "--json",
                "sell",
                "--company",
                "Acme",
                "--warehouse",
                "Main",
                "MUG=99",
            ],
            "insufficient_stock",
            Value::Null,
        ),
        (
            &["--json", "company", "add", "ACME"],
            "conflict",
            Value::from("name"),
        ),
    ] {
        let r = run(&db, args);
        assert_eq!(r.status, 1, "{args:?}: {}{}", r.stdout, r.stderr);
        let v = json(&r);
        assert_eq!(v["error"]["code"], code, "{v}");
        assert!(v["error"].get("field").is_some(), "{args:?}: {v}");
        assert_eq!(v["error"]["field"], field, "{args:?}: {v}");
    }
}

#[test]
fn a_mistyped_db_path_creates_no_folder_and_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("no-such-folder/deeper/shop.db");
    let r = run(&typo, &["--json", "company", "list"]);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    let v = json(&r);
    assert_eq!(
        (v["error"]["code"].as_str(), v["error"]["field"].as_str()),
        (Some("validation"), Some("db")),
        "{v}"
    );
    assert!(
        !dir.path().join("no-such-folder").exists(),
        "no folder is created for a mistyped path"
    );

    // In an existing folder, a refused command leaves no new database behind either.
    let typo = dir.path().join("shpo.db");
    let r = run(&typo, &["--json", "stock", "--company", "Acme"]);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing is left behind: {left:?}");

    // What succeeds on a new file keeps it.
    let r = run(&typo, &["--json", "company", "add", "Acme"]);
    assert_eq!(r.status, 0, "{}{}", r.stdout, r.stderr);
    assert!(typo.exists());
}

#[test]
fn a_reader_that_goes_away_does_not_make_the_cli_panic() {
    let (_dir, db) = shop();
    for json_flag in [true, false] {
        // The read end is closed before the CLI writes a byte: every write is a broken pipe
        // (was a panic, exit 101, "failed printing to stdout").
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut c = cli();
        c.arg("--db").arg(&db);
        if json_flag {
            c.arg("--json");
        }
        let out = c
            .args(["product", "list", "--company", "Acme"])
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(out.status.code(), Some(0), "{stderr}");
    }
}

/// Runs the CLI as an unprivileged user when the tests run as root (root may write any file,
/// so a read-only file is only read-only to someone else).
fn run_as_other_user(db: &Path, args: &[&str]) -> Option<Run> {
    let root = std::env::var("USER").is_ok_and(|u| u == "root")
        || std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        });
    let mut c = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "nobody", "--"])
            .arg(env!("CARGO_BIN_EXE_stockflow-cli"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_stockflow-cli"))
    };
    let out = c
        .env_remove("STOCKFLOW_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    Some(Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

#[test]
fn a_read_only_database_file_is_readable_and_a_write_is_refused_as_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, db) = shop();
    // The CLI has closed it (the WAL is checkpointed into the file); then it is read-only,
    // the file and its folder (a backup on a read-only share), so SQLite cannot make its WAL
    // files next to it either.
    assert!(
        !dir.path().join("shop.db-wal").exists(),
        "the last connection checkpointed"
    );
    let ro_dir = dir.path().join("ro");
    std::fs::create_dir(&ro_dir).unwrap();
    let ro = ro_dir.join("shop.db");
    std::fs::copy(&db, &ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&ro_dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = std::fs::read(&ro).unwrap();

    let Some(r) = run_as_other_user(&ro, &["--json", "stock", "--company", "Acme"]) else {
        panic!("could not run the CLI as another user");
    };
    assert_eq!(
        r.status, 0,
        "a read works on a read-only file: {}{}",
        r.stdout, r.stderr
    );
    let rows = json(&r);
    assert_eq!(rows[0]["sku"], "MUG", "{rows}");
    assert_eq!(rows[0]["on_hand"], 7, "{rows}");

    let r = run_as_other_user(
        &ro,
        &[
            "--json",
            "receive",
            "--company",
            "Acme",
            "--warehouse",
            "Main",
            "MUG=1",
        ],
    )
    .unwrap();
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(json(&r)["error"]["code"], "read_only", "{}", r.stdout);
    assert_eq!(std::fs::read(&ro).unwrap(), before, "the file is untouched");
    std::fs::set_permissions(&ro_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}
