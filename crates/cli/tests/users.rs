//! Users from the command line (issue #7): setup mode acts as the owner; once a user exists
//! every command needs `--user` and a password, and is refused (exit 1) without one; owners
//! manage users; roles are enforced; no output ever carries a password or its hash.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const OWNER_PW: &str = "owner-secret-1";
const CLERK_PW: &str = "clerk-secret-2";

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}{}", self.stdout, self.stderr))
    }

    /// The `{"error":{...}}` of a refusal, after checking the exit status.
    fn refusal(&self, status: i32) -> Value {
        assert_eq!(
            self.status, status,
            "exit status: {}{}",
            self.stdout, self.stderr
        );
        self.json()["error"].clone()
    }
}

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
    /// Every stdout and stderr seen, to look for secrets at the end.
    seen: std::cell::RefCell<String>,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stockflow.db");
        Db {
            _dir: dir,
            path,
            seen: Default::default(),
        }
    }

    /// Runs with `--json`, as `user` (password in STOCKFLOW_PASSWORD) when given; `env`
    /// adds variables. Stdin is not a terminal.
    fn run(&self, user: Option<(&str, &str)>, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stockflow-cli"));
        cmd.arg("--db")
            .arg(&self.path)
            .arg("--json")
            .env_remove("STOCKFLOW_DB")
            .env_remove("STOCKFLOW_PASSWORD")
            .env_remove("STOCKFLOW_NEW_PASSWORD");
        if let Some((email, password)) = user {
            cmd.args(["--user", email])
                .env("STOCKFLOW_PASSWORD", password);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.args(args).output().unwrap();
        let run = Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        };
        self.seen
            .borrow_mut()
            .push_str(&format!("{}\n{}\n", run.stdout, run.stderr));
        run
    }

    fn owner(&self, args: &[&str]) -> Value {
        self.ok(Some(("olive@shop.test", OWNER_PW)), &[], args)
    }

    fn ok(&self, user: Option<(&str, &str)>, env: &[(&str, &str)], args: &[&str]) -> Value {
        let r = self.run(user, env, args);
        assert_eq!(r.status, 0, "{args:?} failed: {}{}", r.stdout, r.stderr);
        r.json()
    }

    /// A company with a warehouse and one product, then its owner (in setup mode).
    fn with_owner() -> Db {
        let db = Db::new();
        db.ok(None, &[], &["company", "add", "Acme"]);
        db.ok(
            None,
            &[],
            &["warehouse", "add", "--company", "Acme", "Main"],
        );
        db.ok(
            None,
            &[],
            &[
                "product",
                "add",
                "--company",
                "Acme",
                "--sku",
                "MUG-1",
                "--name",
                "Mug",
                "--price",
                "5",
                "--stock",
                "Main=10",
            ],
        );
        let owner = db.ok(
            None,
            &[("STOCKFLOW_PASSWORD", OWNER_PW)],
            &[
                "user",
                "add",
                "--company",
                "Acme",
                "--email",
                "olive@shop.test",
                "--name",
                "Olive Owner",
                "--role",
                "owner",
            ],
        );
        assert_eq!(owner["memberships"][0]["role"], "owner");
        db
    }
}

#[test]
fn setup_mode_acts_as_owner_and_then_every_command_needs_a_user() {
    let db = Db::with_owner();

    let r = db.run(None, &[], &["company", "list"]);
    let e = r.refusal(1);
    assert_eq!(e["code"], "unauthenticated");
    assert!(
        e["message"].as_str().unwrap().contains("--user"),
        "the refusal says what to do: {e}"
    );

    let companies = db.owner(&["company", "list"]);
    assert_eq!(companies[0]["name"], "Acme");

    let wrong = db.run(
        Some(("olive@shop.test", "not-the-password")),
        &[],
        &["company", "list"],
    );
    let e = wrong.refusal(1);
    assert_eq!(e["code"], "sign_in_failed");
    assert_eq!(e["message"], "Wrong email or password.");

    // No STOCKFLOW_PASSWORD and no terminal to prompt on: a clear refusal, not a hang.
    let r = db.run(None, &[], &["--user", "olive@shop.test", "company", "list"]);
    let e = r.refusal(1);
    assert_eq!(e["code"], "unauthenticated");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("STOCKFLOW_PASSWORD"),
        "{e}"
    );

    let bad_role = db.run(
        Some(("olive@shop.test", OWNER_PW)),
        &[],
        &[
            "user",
            "add",
            "--company",
            "Acme",
            "--email",
            "x@shop.test",
            "--name",
            "X",
            "--role",
            "boss",
        ],
    );
    assert_eq!(bad_role.status, 2, "a usage mistake: {}", bad_role.stderr);
}

#[test]
fn owners_manage_users_and_roles_are_enforced() {
    let db = Db::with_owner();
    let clerk = db.ok(
        Some(("olive@shop.test", OWNER_PW)),
        &[("STOCKFLOW_NEW_PASSWORD", CLERK_PW)],
        &[
            "user",
            "add",
            "--company",
            "Acme",
            "--email",
            "cleo@shop.test",
            "--name",
            "Cleo Clerk",
            "--role",
            "clerk",
        ],
    );
    assert_eq!(clerk["memberships"][0]["role"], "clerk");
    let cleo = Some(("cleo@shop.test", CLERK_PW));

    let users = db.owner(&["user", "list"]);
    let emails: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["cleo@shop.test", "olive@shop.test"]);
    assert_eq!(
        db.owner(&["user", "list", "--company", "Acme"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The clerk sells; the sale is theirs in the history.
    db.ok(
        cleo,
        &[],
        &[
            "sell",
            "--company",
            "Acme",
            "--warehouse",
            "Main",
            "MUG-1=2",
        ],
    );
    let history = db.ok(
        cleo,
        &[],
        &["history", "--company", "Acme", "--kind", "sale"],
    );
    assert_eq!(history["items"][0]["user_name"], "Cleo Clerk");
    assert_eq!(history["items"][0]["user_id"], clerk["id"]);

    // The clerk may not change the catalog, nor manage users: refused, nothing written.
    let before = db.owner(&["product", "list", "--company", "Acme"]);
    let e = db
        .run(
            cleo,
            &[],
            &[
                "product",
                "add",
                "--company",
                "Acme",
                "--sku",
                "NEW",
                "--name",
                "New",
                "--price",
                "1",
            ],
        )
        .refusal(1);
    assert_eq!(e["code"], "forbidden");
    assert_eq!(e["message"], "A clerk cannot change the catalog.");
    assert_eq!(db.owner(&["product", "list", "--company", "Acme"]), before);
    let e = db.run(cleo, &[], &["user", "list"]).refusal(1);
    assert_eq!(e["code"], "forbidden");
    let e = db
        .run(cleo, &[], &["user", "disable", "olive@shop.test"])
        .refusal(1);
    assert_eq!(e["code"], "forbidden");

    // Promoted to manager, the same product is allowed.
    let promoted = db.owner(&["user", "role", "cleo@shop.test", "manager"]);
    assert_eq!(promoted["memberships"][0]["role"], "manager");
    db.ok(
        cleo,
        &[],
        &[
            "product",
            "add",
            "--company",
            "Acme",
            "--sku",
            "NEW",
            "--name",
            "New",
            "--price",
            "1",
        ],
    );

    // The last owner can be neither demoted nor disabled.
    let e = db
        .run(
            Some(("olive@shop.test", OWNER_PW)),
            &[],
            &["user", "role", "olive@shop.test", "manager"],
        )
        .refusal(1);
    assert_eq!(e["code"], "conflict");
    let e = db
        .run(
            Some(("olive@shop.test", OWNER_PW)),
            &[],
            &["user", "disable", "olive@shop.test"],
        )
        .refusal(1);
    assert_eq!(e["code"], "conflict");

    // A disabled user is refused at sign-in, and enabled again can work.
    let disabled = db.owner(&["user", "disable", "cleo@shop.test"]);
    assert_eq!(disabled["disabled"], true);
    let e = db.run(cleo, &[], &["company", "list"]).refusal(1);
    assert_eq!(e["code"], "sign_in_failed");
    assert_eq!(e["message"], "This account is disabled.");
    db.owner(&["user", "enable", "cleo@shop.test"]);
    db.ok(cleo, &[], &["company", "list"]);

    // A reset password replaces the old one.
    let reset = db.ok(
        Some(("olive@shop.test", OWNER_PW)),
        &[("STOCKFLOW_NEW_PASSWORD", "brand-new-pw-3")],
        &["user", "reset-password", "cleo@shop.test"],
    );
    assert_eq!(reset["password_reset"], true);
    assert_eq!(
        db.run(cleo, &[], &["company", "list"]).refusal(1)["code"],
        "sign_in_failed"
    );
    db.ok(
        Some(("cleo@shop.test", "brand-new-pw-3")),
        &[],
        &["company", "list"],
    );

    // Nothing printed, on stdout or stderr, carried a password or a hash (every stored hash
    // is an argon2 PHC string starting with `$argon2`).
    let seen = db.seen.borrow();
    for secret in [OWNER_PW, CLERK_PW, "brand-new-pw-3", "$argon2"] {
        assert!(
            !seen.contains(secret),
            "{secret} appeared in the CLI's output"
        );
    }
}
