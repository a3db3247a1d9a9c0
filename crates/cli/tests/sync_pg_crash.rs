//! PostgreSQL stopped with `-m immediate` (a crash) under a running sync server, and started
//! again: every acknowledged change survives, the laptops sync again and converge. Its own test
//! binary: cargo runs test binaries one after another, so stopping the shared test cluster
//! here cannot disturb another test.

use std::path::PathBuf;
use std::process::{Command, Stdio};

mod sync_common;

use sync_common::{shop, Laptop, Server};

fn pg_ctl(args: &[&str]) -> std::process::ExitStatus {
    let bin: PathBuf = std::env::var("STOCKFLOW_TEST_PG_BIN")
        .expect("run through scripts/with-postgres.sh")
        .into();
    let data =
        std::env::var("STOCKFLOW_TEST_PG_DATA").expect("run through scripts/with-postgres.sh");
    let pg_ctl = bin.join("pg_ctl");
    let is_root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let mut cmd = if is_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
        c
    } else {
        Command::new(&pg_ctl)
    };
    cmd.arg("-D")
        .arg(&data)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
}

#[test]
fn postgres_crashing_under_the_server_loses_nothing_acknowledged() {
    let server = Server::new();
    let a = Laptop::new();
    let b = Laptop::new();
    shop(&a);
    a.sync_ok(&server.url);
    b.sync_ok(&server.url);

    a.ok(&[
        "sell",
        "--company",
        "Harbour",
        "--warehouse",
        "Main",
        "MUG=2",
    ]);
    a.sync_ok(&server.url);
    assert!(
        pg_ctl(&["-m", "immediate", "-w", "stop"]).success(),
        "PostgreSQL stops"
    );
    b.ok(&[
        "sell",
        "--company",
        "Harbour",
        "--warehouse",
        "Main",
        "MUG=3",
    ]);
    let down = b.sync(&server.url, "shop@harbour.example");
    assert_eq!(
        down.status, 1,
        "a sync while the database is down is refused: {}",
        down.text
    );
    // `restart` reuses the options the cluster was started with (its port and socket).
    assert!(
        pg_ctl(&["-w", "-t", "60", "restart"]).success(),
        "PostgreSQL starts again"
    );

    // The server's pool reconnects; the refused sync is simply done again.
    let mut synced = b.sync(&server.url, "shop@harbour.example");
    for _ in 0..20 {
        if synced.status == 0 {
            break;
        }
        synced = b.sync(&server.url, "shop@harbour.example");
    }
    assert_eq!(synced.status, 0, "{}", synced.text);
    a.sync_ok(&server.url);
    assert_eq!(a.state(), b.state());
    let mug = a.state()["stock"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["sku"] == "MUG" && r["warehouse"] == "Main")
        .unwrap()
        .clone();
    assert_eq!(
        mug["on_hand"],
        20 - 2 - 3,
        "the sale acknowledged before the crash is there once"
    );
}
