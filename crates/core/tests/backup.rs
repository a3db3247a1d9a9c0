//! Backups, automatic backups and restores (issue #15): a backup is a verified copy and never
//! the live file; a restore refuses what it cannot open and changes nothing then; a restored
//! database is a new sync device; automatic backups keep 7 daily and 4 weekly.

mod common;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use common::{snapshot, Fixture};
use stockflow_core::*;

fn shop() -> (Fixture, String, String) {
    let mut fx = Fixture::with_company("Harbour Hardware");
    let main = fx.warehouse("Main");
    let product = fx
        .store
        .create_product(
            &fx.company,
            &ProductInput {
                sku: "MUG-1".into(),
                name: "Blue mug".into(),
                price: "12.50".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: main.clone(),
                    quantity: 40,
                }],
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    (fx, main, product)
}

fn sell(fx: &mut Fixture, warehouse: &str, product: &str, quantity: i64) -> String {
    let company = fx.company.clone();
    fx.store
        .record_sale(
            &company,
            &SaleInput {
                warehouse_id: warehouse.into(),
                lines: vec![SaleLineInput {
                    product_id: product.into(),
                    quantity,
                    unit_price: None,
                }],
                note: None,
            },
        )
        .unwrap()
        .id
}

fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn sale_ids(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM sales ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_backup_is_a_verified_single_file_copy_with_progress() {
    let (mut fx, main, mug) = shop();
    let sale = sell(&mut fx, &main, &mug, 3);
    let dest = fx.path.with_file_name("copy.db");
    let mut reports = Vec::new();
    let done = fx.store.backup_to(&dest, &mut |p| reports.push(p)).unwrap();

    assert_eq!(done.kind, BackupKind::Manual);
    assert_eq!(done.size_bytes, std::fs::metadata(&dest).unwrap().len());
    let last = reports.last().expect("progress was reported");
    assert_eq!(last.done_pages, last.total_pages, "the last report is 100%");
    assert_eq!(integrity(&dest), "ok");
    assert!(
        !dest.with_file_name("copy.db-wal").exists(),
        "the backup is one self-contained file, not in WAL mode"
    );
    assert_eq!(sale_ids(&dest), vec![sale]);
    assert_eq!(
        snapshot(&dest),
        snapshot(&fx.path),
        "the copy holds every row"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dest.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");
}

#[test]
fn a_backup_is_never_written_over_the_live_file() {
    let (fx, _, _) = shop();
    let before = snapshot(&fx.path);
    let wal = fx.path.with_file_name("stockflow.db-wal");
    let same_by_another_name = fx.path.parent().unwrap().join(".").join("stockflow.db");
    for dest in [fx.path.clone(), wal, same_by_another_name] {
        let e = fx.store.backup_to(&dest, &mut |_| {}).unwrap_err();
        assert_eq!(e.code(), "validation", "{dest:?}: {e}");
        assert_eq!(e.field(), Some("file"));
    }
    assert_eq!(snapshot(&fx.path), before, "the live database is untouched");
    assert_eq!(integrity(&fx.path), "ok");
}

#[test]
fn a_failed_backup_leaves_an_earlier_backup_at_that_path_alone() {
    let (fx, _, _) = shop();
    let missing_folder = fx.path.with_file_name("no-such-folder").join("b.db");
    let e = fx
        .store
        .backup_to(&missing_folder, &mut |_| {})
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    assert!(!missing_folder.exists());
}

#[test]
fn restore_refuses_a_junk_file_a_foreign_database_and_a_newer_one_with_nothing_changed() {
    let (mut fx, main, mug) = shop();
    sell(&mut fx, &main, &mug, 2);
    let dir = fx.path.parent().unwrap().to_path_buf();

    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"this is not a database at all, just some bytes").unwrap();
    let foreign = dir.join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hi');")
        .unwrap();
    let newer = dir.join("newer.db");
    fx.store.backup_to(&newer, &mut |_| {}).unwrap();
    let future = stockflow_core::schema_version() + 1;
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", future)
        .unwrap();
    let truncated = dir.join("truncated.db");
    let whole = std::fs::read(&newer).unwrap();
    std::fs::write(&truncated, &whole[..whole.len() / 3]).unwrap();

    let before = snapshot(&fx.path);
    let device = fx.store.device_id().to_owned();
    let cases = [
        (junk.clone(), "validation"),
        (foreign.clone(), "validation"),
        (newer.clone(), "database_too_new"),
        (truncated.clone(), "validation"),
        (dir.join("absent.db"), "validation"),
        (fx.path.clone(), "validation"),
    ];
    for (file, code) in cases {
        let bytes = std::fs::read(&file).ok();
        let e = fx.store.restore_from(&file).unwrap_err();
        assert_eq!(e.code(), code, "{file:?}: {e}");
        assert_eq!(snapshot(&fx.path), before, "{file:?} changed the database");
        assert_eq!(
            std::fs::read(&file).ok(),
            bytes,
            "{file:?}: the candidate file itself is never modified"
        );
    }
    assert_eq!(fx.store.device_id(), device);
    assert!(
        !fx.store.backup_dir().exists(),
        "a refused restore keeps no 'before restore' backup: nothing happened"
    );
    let stray: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(stray.is_empty(), "no staging file is left: {stray:?}");
    // The store still works.
    sell(&mut fx, &main, &mug, 1);
}

#[test]
fn restore_brings_back_the_backup_keeps_the_current_database_and_is_a_new_device() {
    let (mut fx, main, mug) = shop();
    let kept_sale = sell(&mut fx, &main, &mug, 2);
    let backup = fx.path.with_file_name("monday.db");
    fx.store.backup_to(&backup, &mut |_| {}).unwrap();
    let in_backup = snapshot(&backup);
    let later_sale = sell(&mut fx, &main, &mug, 5);
    let device_before = fx.store.device_id().to_owned();

    let summary = fx.store.restore_from(&backup).unwrap();

    assert_eq!(summary.companies, 1);
    assert_eq!(summary.previous.kind, BackupKind::BeforeRestore);
    assert_eq!(
        sale_ids(Path::new(&summary.previous.path)),
        {
            let mut both = vec![kept_sale.clone(), later_sale.clone()];
            both.sort();
            both
        },
        "the database as it was before the restore is kept"
    );
    assert_eq!(sale_ids(&fx.path), vec![kept_sale]);
    let stock = fx
        .store
        .list_stock(&StockQuery {
            company_id: fx.company.clone(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(stock[0].on_hand, 38, "on hand as it was in the backup");
    assert_ne!(
        fx.store.device_id(),
        device_before,
        "a restored database syncs as a new device"
    );
    // Everything but the device row (and what sync keeps per device) is the backup's. Device
    // keys are only added: the backup's stay, and a new device id gets one when it is written.
    let restored = snapshot(&fx.path);
    let new_keys: Vec<&String> = restored
        .iter()
        .filter(|r| r.starts_with("device_keys:") && !in_backup.contains(r))
        .collect();
    let strip = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .filter(|r| !r.starts_with("device:") && !r.starts_with("sync_device_seq:"))
            .filter(|r| !new_keys.contains(r))
            .cloned()
            .collect()
    };
    assert_eq!(strip(&restored), strip(&in_backup));
    assert_eq!(integrity(&fx.path), "ok");
    // And the restored database takes writes under its new device.
    sell(&mut fx, &main, &mug, 1);
    let listed = fx.store.list_backups().unwrap();
    assert!(listed
        .iter()
        .any(|b| b.kind == BackupKind::BeforeRestore && b.path == summary.previous.path));
}

#[test]
fn restore_upgrades_a_backup_from_an_older_schema() {
    let (mut fx, _, _) = shop();
    let old = fx.path.with_file_name("old.db");
    {
        let mut conn = rusqlite::Connection::open(&old).unwrap();
        stockflow_core::MIGRATIONS.to_version(&mut conn, 2).unwrap();
        conn.execute_batch(
            "INSERT INTO device VALUES (1, 'olddevice', 0, 0, '2024-01-01T00:00:00Z');
             INSERT INTO companies (id, name, default_threshold, created_at, updated_hlc)
             VALUES ('c1', 'Old Shop', 10, '2024-01-01T00:00:00Z', '0000');",
        )
        .unwrap();
    }
    let summary = fx.store.restore_from(&old).unwrap();
    assert_eq!(summary.file_schema_version, 2);
    let names: Vec<String> = fx
        .store
        .list_companies()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, vec!["Old Shop".to_owned()]);
    assert_ne!(fx.store.device_id(), "olddevice");
}

#[test]
fn automatic_backups_keep_the_last_7_daily_and_4_weekly() {
    let (fx, _, _) = shop();
    // A Wednesday at noon, then one run a day for 60 days (twice on each day: one backup a day).
    let start: DateTime<Utc> = "2026-01-07T12:00:00Z".parse().unwrap();
    let mut last = None;
    for day in 0..60 {
        let now = start + Duration::days(day);
        let taken = backup::auto_backup(&fx.path, now).unwrap();
        assert!(taken.is_some(), "day {day}: one backup is due");
        assert!(
            backup::auto_backup(&fx.path, now + Duration::hours(3))
                .unwrap()
                .is_none(),
            "day {day}: a second run the same day takes none"
        );
        last = Some(now);
    }
    let last = last.unwrap();
    let listed = fx.store.list_backups().unwrap();
    let daily: Vec<_> = listed
        .iter()
        .filter(|b| b.kind == BackupKind::Daily)
        .collect();
    let weekly: Vec<_> = listed
        .iter()
        .filter(|b| b.kind == BackupKind::Weekly)
        .collect();
    assert_eq!(daily.len(), 7);
    assert_eq!(weekly.len(), 4);
    assert_eq!(
        std::fs::read_dir(fx.store.backup_dir()).unwrap().count(),
        11,
        "the others were removed"
    );
    let day = |b: &BackupFile| b.taken_at[..10].to_owned();
    let expected_daily: Vec<String> = (0..7)
        .map(|d| (last - Duration::days(d)).format("%Y-%m-%d").to_string())
        .collect();
    assert_eq!(
        daily.iter().map(|b| day(b)).collect::<Vec<_>>(),
        expected_daily
    );
    // The weekly ones are Sundays (the last backup of their ISO week), a week apart, before
    // the daily ones.
    for w in &weekly {
        let at: DateTime<Utc> = w.taken_at.parse().unwrap();
        assert_eq!(at.format("%a").to_string(), "Sun", "{}", w.taken_at);
        assert!(at < last - Duration::days(6));
        assert!(w.size_bytes > 0);
    }
    let newest_first = listed.windows(2).all(|p| p[0].taken_at >= p[1].taken_at);
    assert!(newest_first);
}

#[test]
fn backups_and_restores_are_for_managers_and_owners() {
    let (mut fx, _, _) = shop();
    let company = fx.company.clone();
    fx.store
        .setup_owner(&SetupOwner {
            name: "Olive Owner".into(),
            email: "olive@example.com".into(),
            password: "correct horse battery".into(),
        })
        .unwrap();
    for (email, role) in [
        ("mia@example.com", Role::Manager),
        ("carl@example.com", Role::Clerk),
    ] {
        fx.store
            .add_user(&NewUser {
                company_id: company.clone(),
                email: email.into(),
                name: email.into(),
                role,
                password: "correct horse battery".into(),
            })
            .unwrap();
    }
    let dest = fx.path.with_file_name("b.db");
    fx.store.backup_to(&dest, &mut |_| {}).unwrap();
    fx.store.sign_out();
    let sign_in = |store: &mut Store, email: &str| {
        store
            .sign_in(&SignIn {
                email: email.into(),
                password: "correct horse battery".into(),
            })
            .unwrap();
    };
    sign_in(&mut fx.store, "carl@example.com");
    assert_eq!(
        fx.store
            .backup_to(&fx.path.with_file_name("c.db"), &mut |_| {})
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(fx.store.list_backups().unwrap_err().code(), "forbidden");
    assert_eq!(
        fx.store
            .export_company(&company, &fx.path.with_file_name("export"))
            .unwrap_err()
            .code(),
        "forbidden"
    );
    fx.store.sign_out();
    sign_in(&mut fx.store, "mia@example.com");
    fx.store
        .backup_to(&fx.path.with_file_name("m.db"), &mut |_| {})
        .unwrap();
    let before = snapshot(&fx.path);
    assert_eq!(
        fx.store.restore_from(&dest).unwrap_err().code(),
        "forbidden"
    );
    assert_eq!(snapshot(&fx.path), before);
}
