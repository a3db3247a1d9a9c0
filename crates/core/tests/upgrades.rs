//! Upgrades (issue #15): a database left by each earlier schema version opens in this build
//! with its data intact, and no shipped migration is ever edited.
//!
//! `fixtures/schema-vN.sqlite` is a database made by the migrations up to N as they were when
//! N was the newest, with a shop in it (a company, a warehouse, a product received and, from
//! version 2, sold). They are committed and never rewritten. When a migration is added, run
//! `STOCKFLOW_WRITE_FIXTURES=1 cargo test -p stockflow-core --test upgrades` once: it writes
//! the fixture of the version that was newest before it (only missing ones are written), and
//! add the new migration's line to `PINNED` (the failure message prints it).

use std::path::{Path, PathBuf};

use stockflow_core::*;

/// One line per shipped migration: its folder and the FNV-1a 64 checksum of its `up.sql`.
/// Never change a line: a shipped migration is never edited (add a new migration instead).
const PINNED: &[(&str, &str)] = &[
    ("0001-catalog", "6cc055f409c25ca4"),
    ("0002-ledger", "2a9571b9be88a980"),
    ("0003-purchasing", "a7ff5ebab2fdb942"),
    ("0004-counts", "42c5d7948d998bd9"),
    ("0005-alerts", "dbdcc26e33ba937f"),
    ("0006-users", "f2b79538c7a35cc8"),
    ("0007-alert-products", "5109577ff443e52f"),
    ("0008-sync", "bc9014b741cdb3af"),
    ("0009-sale-line-components", "d7bff9a3ac85704c"),
    ("0010-document-numbers", "cbbb2d02a9a17281"),
    ("0011-unicode-keys", "31f747f171a7de61"),
    ("0012-device-names", "5504fb86bc9d5a17"),
    ("0013-import-staging", "a0019109564e0f4c"),
    ("0014-money", "8056ec4b9c831993"),
    ("0015-documents", "3bf59f038c483fe5"),
    ("0016-compact-ledger", "370edbbac06972e8"),
    ("0017-daily-rollup-keys", "d086631e10ac85b2"),
    ("0018-alert-halves", "4aa9e608e766f2d1"),
    ("0019-short-clocks", "5dd4611a895d04e8"),
    ("0020-integer-times", "c0f1bd2590655401"),
    ("0021-binary-ids", "e3281d84c80970a3"),
    ("0022-outbox-count-ranges", "7fa9ac7602b33306"),
    ("0023-history-index-keys", "5a703bcfa890747c"),
];

fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations")
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// FNV-1a, 64 bits: enough to notice an edit, and no dependency. Line endings are normalised
/// so that a Windows checkout (CRLF) gives the same sum.
fn checksum(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes.iter().filter(|&&b| b != b'\r') {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[test]
fn every_shipped_migration_is_pinned_and_unchanged() {
    let mut folders: Vec<String> = std::fs::read_dir(migrations_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut problems = Vec::new();
    for folder in &folders {
        let sql = std::fs::read(migrations_dir().join(folder).join("up.sql")).unwrap();
        let sum = checksum(&sql);
        match PINNED.iter().find(|(name, _)| name == folder) {
            None => problems.push(format!(
                "{folder} is not pinned: add the line    (\"{folder}\", \"{sum}\"),"
            )),
            Some((_, pinned)) if *pinned != sum => problems.push(format!(
                "{folder}/up.sql was edited (checksum {sum}, pinned {pinned}): a shipped migration \
                 is never changed; put the change in a new migration"
            )),
            Some(_) => {}
        }
    }
    for (name, _) in PINNED {
        if !folders.iter().any(|f| f == name) {
            problems.push(format!("{name} is pinned but its folder is gone"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(folders.len() as i64, schema_version());
}

const COMPANY: &str = "01900000-0000-7000-8000-000000000001";
const WAREHOUSE: &str = "01900000-0000-7000-8000-000000000002";
const PRODUCT: &str = "01900000-0000-7000-8000-000000000003";
const HLC: &str = "0001700000000000-0000-0000000000000000fixture0000000";

/// A sale of one fixture mug from the fixture's warehouse.
fn one_mug() -> SaleInput {
    SaleInput {
        warehouse_id: WAREHOUSE.into(),
        lines: vec![SaleLineInput {
            product_id: PRODUCT.into(),
            quantity: 1,
            unit_price: None,
        }],
        note: None,
    }
}

/// The fixture of schema `version`: the shop written through each migration's own schema.
fn make_fixture(path: &Path, version: usize) {
    migrate_file_to(path, 1).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO device (singleton, device_id, hlc_wall_ms, hlc_counter, created_at)
             VALUES (1, 'fixturedevice00000000000000000000', 1700000000000, 0, '2023-11-14T22:13:20Z');
         INSERT INTO companies (id, name, default_threshold, allow_backorders, created_at, updated_hlc)
             VALUES ('{COMPANY}', 'Fixture Hardware', 10, 0, '2023-11-14T22:13:20Z', '{HLC}');
         INSERT INTO warehouses (id, company_id, name, created_at, updated_hlc)
             VALUES ('{WAREHOUSE}', '{COMPANY}', 'Main', '2023-11-14T22:13:20Z', '{HLC}');
         INSERT INTO products (id, company_id, sku, name, price, threshold, created_at, updated_at, updated_hlc)
             VALUES ('{PRODUCT}', '{COMPANY}', 'FIX-1', 'Fixture mug', '12.50', 20,
                     '2023-11-14T22:13:20Z', '2023-11-14T22:13:20Z', '{HLC}');
         INSERT INTO stock_movements (id, company_id, product_id, warehouse_id, kind, quantity,
                                      occurred_at, hlc, device_id)
             VALUES ('01900000-0000-7000-8000-000000000010', '{COMPANY}', '{PRODUCT}', '{WAREHOUSE}',
                     'receipt', 10, '2023-11-14T22:13:20.000Z', '{HLC}', 'fixturedevice00000000000000000000');
         INSERT INTO stock_levels (product_id, warehouse_id, on_hand) VALUES ('{PRODUCT}', '{WAREHOUSE}', 10);"
    ))
    .unwrap();
    drop(conn);
    if version >= 2 {
        migrate_file_to(path, 2).unwrap();
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO sales (id, company_id, warehouse_id, sold_at, total, hlc, device_id)
                 VALUES ('01900000-0000-7000-8000-000000000020', '{COMPANY}', '{WAREHOUSE}',
                         '2023-11-15T10:00:00.000Z', '37.50', '{HLC}', 'fixturedevice00000000000000000000');
             INSERT INTO sale_lines (id, sale_id, line_no, product_id, quantity, unit_price, line_total)
                 VALUES ('01900000-0000-7000-8000-000000000021', '01900000-0000-7000-8000-000000000020',
                         1, '{PRODUCT}', 3, '12.50', '37.50');
             INSERT INTO stock_movements (id, company_id, product_id, warehouse_id, kind, quantity,
                                          reference_kind, reference_id, occurred_at, hlc, device_id)
                 VALUES ('01900000-0000-7000-8000-000000000022', '{COMPANY}', '{PRODUCT}', '{WAREHOUSE}',
                         'sale', -3, 'sale', '01900000-0000-7000-8000-000000000020',
                         '2023-11-15T10:00:00.000Z', '{HLC}', 'fixturedevice00000000000000000000');
             UPDATE stock_levels SET on_hand = 7;
             INSERT INTO sales_daily (product_id, warehouse_id, day, units)
                 VALUES ('{PRODUCT}', '{WAREHOUSE}', '2023-11-15', 3);"
        ))
        .unwrap();
    }
    migrate_file_to(path, version).unwrap();
}

#[test]
fn a_database_of_every_earlier_schema_version_upgrades_with_its_data() {
    let latest = schema_version() as usize;
    let write = std::env::var_os("STOCKFLOW_WRITE_FIXTURES").is_some();
    let mut missing = Vec::new();
    for version in 1..latest {
        let fixture = fixtures_dir().join(format!("schema-v{version}.sqlite"));
        if !fixture.exists() {
            if write {
                std::fs::create_dir_all(fixtures_dir()).unwrap();
                make_fixture(&fixture, version);
            } else {
                missing.push(fixture.display().to_string());
                continue;
            }
        }
        check_upgrade(&fixture, version);
    }
    assert!(
        missing.is_empty(),
        "no fixture for {missing:?}: run STOCKFLOW_WRITE_FIXTURES=1 cargo test -p stockflow-core \
         --test upgrades (it writes only the missing ones) and commit them"
    );
}

fn check_upgrade(fixture: &Path, version: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stockflow.db");
    std::fs::copy(fixture, &path).unwrap();
    let found: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(found, version as i64, "{fixture:?} is at its version");

    let mut store = Store::open(&path).unwrap_or_else(|e| panic!("v{version}: {e}"));
    let what = format!("upgraded from v{version}");
    let companies = store.list_companies().unwrap();
    assert_eq!(companies.len(), 1, "{what}");
    assert_eq!(companies[0].name, "Fixture Hardware", "{what}");
    let product = store.find_product_by_sku(COMPANY, "FIX-1").unwrap();
    assert_eq!(product.name, "Fixture mug", "{what}");
    assert_eq!(product.price.to_string(), "12.50", "{what}");
    let sold = if version >= 2 { 3 } else { 0 };
    let stock = store
        .list_stock(&StockQuery {
            company_id: COMPANY.into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(stock.len(), 1, "{what}");
    assert_eq!(stock[0].on_hand, 10 - sold, "{what}: on hand");
    assert_eq!(
        store.ledger_levels().unwrap(),
        store.kept_levels().unwrap(),
        "{what}: levels equal the ledger"
    );
    if version >= 2 {
        let sales = store
            .list_sales(&SaleQuery {
                company_id: COMPANY.into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(sales.items.len(), 1, "{what}: the sale is there");
        let sale = store.get_sale(&sales.items[0].id).unwrap();
        assert_eq!(sale.lines.len(), 1, "{what}: with its line");
        assert_eq!(sale.lines[0].product_id, PRODUCT, "{what}");
    }
    // The ledger as it was, ids, times and devices (migration 0016 moved its rows).
    let history = store
        .list_movements(&HistoryQuery {
            company_id: COMPANY.into(),
            ..Default::default()
        })
        .unwrap();
    let seen: Vec<_> = history
        .items
        .iter()
        .map(|m| {
            (
                m.id.as_str(),
                m.quantity,
                m.occurred_at.as_str(),
                m.device_id.as_str(),
            )
        })
        .collect();
    let device = "fixturedevice00000000000000000000";
    let mut expected = vec![(
        "01900000-0000-7000-8000-000000000010",
        10,
        "2023-11-14T22:13:20.000Z",
        device,
    )];
    if version >= 2 {
        expected.insert(
            0,
            (
                "01900000-0000-7000-8000-000000000022",
                -3,
                "2023-11-15T10:00:00.000Z",
                device,
            ),
        );
    }
    assert_eq!(seen, expected, "{what}: the history");
    // The upgraded database takes new writes and answers the alert query.
    store
        .record_sale(COMPANY, &one_mug())
        .unwrap_or_else(|e| panic!("{what}: a sale after the upgrade: {e}"));
    // The window ends before `now` (DESIGN §3: sold_at < now): asked in the same millisecond
    // as the sale, the sale is not in it yet, so ask a second later.
    let later = chrono::Utc::now() + chrono::Duration::seconds(1);
    let alerts = store
        .low_stock_alerts(&AlertQuery {
            company_id: COMPANY.into(),
            now: Some(later.to_rfc3339()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        alerts.total_alerts, 1,
        "{what}: 9 - sold on hand, threshold 20, a sale today"
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, schema_version(), "{what}: now at the latest schema");
    // The fixture's clocks are not of the usual form: kept word for word (migration 0019).
    let clocks = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let old_rows = if version >= 2 { 2 } else { 1 };
    let movement_clocks = clocks("SELECT hlc FROM stock_movements ORDER BY seq");
    assert_eq!(
        &movement_clocks[..old_rows],
        vec![HLC; old_rows].as_slice(),
        "{what}: the movements' clocks"
    );
    if version >= 2 {
        assert_eq!(
            clocks("SELECT hlc FROM sales ORDER BY seq")[0],
            HLC,
            "{what}: the sale's clock"
        );
    }
}

/// Migration 0019 keeps the ledger's usual clocks as integers, and gives the same text back.
#[test]
fn the_ledgers_clocks_are_kept_short_and_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stockflow.db");
    make_fixture(&path, 18);
    let device = "fixturedevice00000000000000000000";
    let usual = format!("1700000000123-000042-{device}");
    let other = "1700000000124-000000-anotherdevice000000000000000000";
    // Past the year 2262 the integer would not fit in 64 bits.
    let far = format!("9999999999999-000001-{device}");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "INSERT INTO sales (id, company_id, warehouse_id, sold_at, total, hlc, device_id)
                 VALUES ('01900000-0000-7000-8000-000000000030', '{COMPANY}', '{WAREHOUSE}',
                         '2023-11-16T10:00:00.000Z', '12.50', '{usual}', '{device}');
             INSERT INTO stock_movements (id, company_id, product_id, warehouse_id, kind, quantity,
                                          reference_kind, reference_id, occurred_at, hlc, device_id)
                 VALUES ('01900000-0000-7000-8000-000000000032', '{COMPANY}', '{PRODUCT}',
                         '{WAREHOUSE}', 'sale', -1, 'sale', '01900000-0000-7000-8000-000000000030',
                         '2023-11-16T10:00:00.000Z', '{usual}', '{device}'),
                        ('01900000-0000-7000-8000-000000000033', '{COMPANY}', '{PRODUCT}',
                         '{WAREHOUSE}', 'adjustment', -1, NULL, NULL,
                         '2023-11-16T11:00:00.000Z', '{other}', '{device}'),
                        ('01900000-0000-7000-8000-000000000034', '{COMPANY}', '{PRODUCT}',
                         '{WAREHOUSE}', 'adjustment', 1, NULL, NULL,
                         '2023-11-16T12:00:00.000Z', '{far}', '{device}');"
        ))
        .unwrap();
    let mut store = Store::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let row = |sql: &str| -> (String, Option<i64>) {
        conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
    };
    assert_eq!(
        row("SELECT hlc, hlc_clock FROM sale_rows WHERE hex(id) LIKE '%30'"),
        (String::new(), Some(1_700_000_000_123_000_042)),
        "the usual clock is an integer"
    );
    assert_eq!(
        row("SELECT hlc, hlc_clock FROM movement_rows WHERE hex(id) LIKE '%32'"),
        (String::new(), Some(1_700_000_000_123_000_042))
    );
    assert_eq!(
        row("SELECT hlc, hlc_clock FROM movement_rows WHERE hex(id) LIKE '%33'"),
        (other.to_owned(), None),
        "another device's clock on this device's row stays text"
    );
    let text = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(text("SELECT hlc FROM sales WHERE id LIKE '%30'"), usual);
    assert_eq!(
        text("SELECT hlc FROM stock_movements WHERE id LIKE '%32'"),
        usual
    );
    assert_eq!(
        text("SELECT hlc FROM stock_movements WHERE id LIKE '%33'"),
        other
    );
    assert_eq!(
        row("SELECT hlc, hlc_clock FROM movement_rows WHERE hex(id) LIKE '%34'"),
        (far.clone(), None),
        "a clock past 2262 stays text"
    );
    // The same through the view's trigger, after the upgrade.
    conn.execute_batch(&format!(
        "INSERT INTO stock_movements (id, company_id, product_id, warehouse_id, kind, quantity,
                                      occurred_at, hlc, device_id)
             VALUES ('01900000-0000-7000-8000-000000000035', '{COMPANY}', '{PRODUCT}',
                     '{WAREHOUSE}', 'adjustment', -1, '2023-11-16T13:00:00.000Z', '{far}', '{device}')"
    ))
    .unwrap();
    assert_eq!(
        row("SELECT hlc, hlc_clock FROM movement_rows WHERE hex(id) LIKE '%35'"),
        (far.clone(), None)
    );
    assert_eq!(
        text("SELECT hlc FROM stock_movements WHERE id LIKE '%35'"),
        far
    );
    // A sale made now is written short, through the views, and reads back as its stamp.
    let sale = store.record_sale(COMPANY, &one_mug()).unwrap();
    let (stored, clock) = row(&format!(
        "SELECT hlc, hlc_clock FROM sale_rows WHERE id = unhex(replace('{}', '-', ''))",
        sale.id
    ));
    assert_eq!(stored, "");
    let clock = clock.expect("a new sale's clock is short");
    let this_device = store.device_id().to_owned();
    assert_eq!(
        text(&format!("SELECT hlc FROM sales WHERE id = '{}'", sale.id)),
        format!(
            "{:013}-{:06}-{this_device}",
            clock / 1_000_000,
            clock % 1_000_000
        )
    );
}

/// Migration 0020 keeps the ledger's times as integer milliseconds and gives the same text
/// back; a time written another way keeps its text, and every time sorts by its moment.
#[test]
fn the_ledgers_times_are_kept_as_integers_and_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stockflow.db");
    make_fixture(&path, 19);
    let device = "fixturedevice00000000000000000000";
    let clock = format!("1700000000123-000042-{device}");
    let movement = |n: u32, at: &str| {
        format!(
            "('01900000-0000-7000-8000-0000000000{n}', '{COMPANY}', '{PRODUCT}', '{WAREHOUSE}',
              'adjustment', -1, '{at}', '{clock}', '{device}')"
        )
    };
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "INSERT INTO sales (id, company_id, warehouse_id, sold_at, total, hlc, device_id)
                 VALUES ('01900000-0000-7000-8000-000000000040', '{COMPANY}', '{WAREHOUSE}',
                         '2023-11-16T10:00:00.000Z', '12.50', '{clock}', '{device}');
             INSERT INTO stock_movements (id, company_id, product_id, warehouse_id, kind, quantity,
                                          occurred_at, hlc, device_id)
                 VALUES {}, {}, {}, {};",
            movement(42, "2023-11-16T10:00:00.000Z"),
            // Without milliseconds: as text it sorts after 11:00:00.500Z, half a second later.
            movement(43, "2023-11-16T11:00:00Z"),
            movement(44, "2023-11-16T13:30:00+02:00"),
            movement(45, "2023-11-16T11:00:00.500Z"),
        ))
        .unwrap();
    let mut store = Store::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let row = |sql: &str| -> (String, Option<i64>) {
        conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
    };
    let text = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        row("SELECT sold_at, sold_ms FROM sale_rows WHERE hex(id) LIKE '%40'"),
        (String::new(), Some(1_700_128_800_000)),
        "the usual time is an integer"
    );
    assert_eq!(
        row("SELECT occurred_at, occurred_ms FROM movement_rows WHERE hex(id) LIKE '%42'"),
        (String::new(), Some(1_700_128_800_000))
    );
    assert_eq!(
        row("SELECT occurred_at, occurred_ms FROM movement_rows WHERE hex(id) LIKE '%43'"),
        ("2023-11-16T11:00:00Z".to_owned(), Some(1_700_132_400_000)),
        "another spelling keeps its text, and its moment to sort by"
    );
    assert_eq!(
        text("SELECT sold_at FROM sales WHERE id LIKE '%40'"),
        "2023-11-16T10:00:00.000Z"
    );
    for (n, at) in [
        (42, "2023-11-16T10:00:00.000Z"),
        (43, "2023-11-16T11:00:00Z"),
        (44, "2023-11-16T13:30:00+02:00"),
        (45, "2023-11-16T11:00:00.500Z"),
    ] {
        assert_eq!(
            text(&format!(
                "SELECT occurred_at FROM stock_movements WHERE id LIKE '%{n}'"
            )),
            at,
            "read back word for word"
        );
    }
    // The history sorts and filters by the moment, whatever the spelling.
    let page = store
        .list_movements(&HistoryQuery {
            company_id: COMPANY.into(),
            from: Some("2023-11-16T10:30:00Z".into()),
            to: Some("2023-11-16T12:00:00Z".into()),
            ..Default::default()
        })
        .unwrap();
    let ids: Vec<&str> = page.items.iter().map(|m| &m.id[m.id.len() - 2..]).collect();
    assert_eq!(
        ids,
        ["44", "45", "43"],
        "newest first, 11:30Z, 11:00:00.5Z, 11:00Z"
    );
    // The same through the view's trigger, after the upgrade.
    conn.execute_batch(&format!(
        "INSERT INTO stock_movements (id, company_id, product_id, warehouse_id, kind, quantity,
                                      occurred_at, hlc, device_id)
             VALUES {}, {}",
        movement(46, "2023-11-16T12:00:00Z"),
        movement(47, "2023-11-16T12:00:00.001Z")
    ))
    .unwrap();
    assert_eq!(
        row("SELECT occurred_at, occurred_ms FROM movement_rows WHERE hex(id) LIKE '%46'"),
        ("2023-11-16T12:00:00Z".to_owned(), Some(1_700_136_000_000))
    );
    assert_eq!(
        row("SELECT occurred_at, occurred_ms FROM movement_rows WHERE hex(id) LIKE '%47'"),
        (String::new(), Some(1_700_136_000_001))
    );
    // A sale made now is written short, through the views, and reads back as its time.
    let sale = store.record_sale(COMPANY, &one_mug()).unwrap();
    let (stored, ms) = row(&format!(
        "SELECT sold_at, sold_ms FROM sale_rows WHERE id = unhex(replace('{}', '-', ''))",
        sale.id
    ));
    assert_eq!(stored, "");
    let ms = ms.expect("a new sale's time is an integer");
    let sold_at = text(&format!(
        "SELECT sold_at FROM sales WHERE id = '{}'",
        sale.id
    ));
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&sold_at)
            .unwrap()
            .timestamp_millis(),
        ms
    );
    assert_eq!(sold_at, sale.sold_at, "the sale reads back as it was made");
}

/// Migration 0021 keeps the ledger's ids as their 16 bytes and gives the same text back; an
/// id written another way keeps its text, and a sale, its lines, its movements and its
/// returns are found by either.
#[test]
fn the_ledgers_ids_are_kept_as_bytes_and_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stockflow.db");
    make_fixture(&path, 20);
    let device = "fixturedevice00000000000000000000";
    // A sale whose ids are not UUIDs in the usual form (capitals, and no UUID at all).
    let odd_sale = "SALE-ODD-1";
    let odd_line = "01900000-0000-7000-8000-0000000000AB";
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "INSERT INTO sales (id, company_id, warehouse_id, sold_at, total, hlc, device_id)
                 VALUES ('{odd_sale}', '{COMPANY}', '{WAREHOUSE}', '2023-11-16T10:00:00.000Z',
                         '25.00', '{HLC}', '{device}');
             INSERT INTO sale_lines (id, sale_id, line_no, product_id, quantity, unit_price, line_total)
                 VALUES ('{odd_line}', '{odd_sale}', 1, '{PRODUCT}', 2, '12.50', '25.00');
             INSERT INTO stock_movements (id, company_id, product_id, warehouse_id, kind, quantity,
                                          reference_kind, reference_id, occurred_at, hlc, device_id)
                 VALUES ('movement odd', '{COMPANY}', '{PRODUCT}', '{WAREHOUSE}', 'sale', -2,
                         'sale', '{odd_sale}', '2023-11-16T10:00:00.000Z', '{HLC}', '{device}');
             UPDATE stock_levels SET on_hand = on_hand - 2;
             INSERT INTO sale_returns (id, sale_id, sale_line_id, quantity, returned_at, hlc, device_id)
                 VALUES ('01900000-0000-7000-8000-000000000050', '01900000-0000-7000-8000-000000000020',
                         '01900000-0000-7000-8000-000000000021', 1, '2023-11-16T11:00:00.000Z',
                         '{HLC}', '{device}'),
                        ('01900000-0000-7000-8000-000000000051', '{odd_sale}', '{odd_line}', 1,
                         '2023-11-16T11:00:00.000Z', '{HLC}', '{device}');"
        ))
        .unwrap();
    let mut store = Store::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let kinds = |sql: &str| -> Vec<(String, i64)> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let blob = ("blob".to_owned(), 16);
    let text = |len: i64| ("text".to_owned(), len);
    assert_eq!(
        kinds("SELECT typeof(id), length(id) FROM sale_rows ORDER BY seq"),
        [blob.clone(), text(10)],
        "the usual id is its bytes, another stays text"
    );
    assert_eq!(
        kinds("SELECT typeof(id), length(id) FROM sale_line_rows ORDER BY sale_key"),
        [blob.clone(), text(36)]
    );
    assert_eq!(
        kinds("SELECT typeof(id), length(id) FROM movement_rows ORDER BY seq"),
        [blob.clone(), blob.clone(), text(12)]
    );
    assert_eq!(
        kinds("SELECT typeof(sale_id), typeof(sale_line_id) = 'blob' FROM sale_return_rows ORDER BY id"),
        [("blob".to_owned(), 1), ("text".to_owned(), 0)],
        "a return names its sale and line the same way"
    );
    // Read back word for word, through the views and through the store.
    let ids = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    assert_eq!(
        ids("SELECT id FROM sales ORDER BY seq"),
        ["01900000-0000-7000-8000-000000000020", odd_sale]
    );
    assert_eq!(
        ids("SELECT id || ' of ' || sale_id FROM sale_lines ORDER BY sale_key"),
        [
            "01900000-0000-7000-8000-000000000021 of 01900000-0000-7000-8000-000000000020"
                .to_owned(),
            format!("{odd_line} of {odd_sale}")
        ]
    );
    assert_eq!(
        ids("SELECT id || ' ' || reference_id FROM stock_movements WHERE kind = 'sale' ORDER BY seq"),
        [
            "01900000-0000-7000-8000-000000000022 01900000-0000-7000-8000-000000000020".to_owned(),
            format!("movement odd {odd_sale}")
        ]
    );
    assert_eq!(
        ids("SELECT sale_id || ' ' || sale_line_id FROM sale_returns ORDER BY id"),
        [
            "01900000-0000-7000-8000-000000000020 01900000-0000-7000-8000-000000000021".to_owned(),
            format!("{odd_sale} {odd_line}")
        ]
    );
    for (sale_id, line_id) in [
        (
            "01900000-0000-7000-8000-000000000020",
            "01900000-0000-7000-8000-000000000021",
        ),
        (odd_sale, odd_line),
    ] {
        let sale = store.get_sale(sale_id).unwrap();
        assert_eq!(sale.id, sale_id);
        assert_eq!(sale.lines.len(), 1, "{sale_id}: its line");
        assert_eq!(sale.lines[0].id, line_id);
        assert_eq!(sale.lines[0].returned, 1, "{sale_id}: its return");
        assert_eq!(sale.refunded.to_string(), "12.50", "{sale_id}");
        let page = store
            .list_movements(&HistoryQuery {
                company_id: COMPANY.into(),
                reference_id: Some(sale_id.into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            page.items.len(),
            1,
            "{sale_id}: its movement, by the sale's id"
        );
    }
    // A return and a sale made now: the new ids are bytes and read back as they were made.
    let sale = store.record_sale(COMPANY, &one_mug()).unwrap();
    let back = store
        .record_return(
            COMPANY,
            &ReturnInput {
                sale_id: sale.id.clone(),
                lines: vec![QuantityLine {
                    product_id: PRODUCT.into(),
                    quantity: 1,
                }],
                note: None,
            },
        )
        .unwrap();
    assert_eq!(back.lines[0].returned, 1);
    assert_eq!(
        kinds(&format!(
            "SELECT typeof(s.id), length(l.id) FROM sale_rows s JOIN sale_line_rows l
             ON l.sale_key = s.seq WHERE s.id = unhex(replace('{}', '-', ''))",
            sale.id
        )),
        [blob]
    );
    assert_eq!(store.get_sale(&sale.id).unwrap(), back);
    // A UUID in the usual form is never kept as text: a lookup has one value to look for.
    let refused = conn.execute(
        "INSERT INTO sale_rows (id, company_key, warehouse_key, sold_at, total, hlc, device_key)
         VALUES ('01900000-0000-7000-8000-000000000060', 1, 1, '', '1', '', 1)",
        [],
    );
    assert!(
        matches!(&refused, Err(e) if e.to_string().contains("CHECK")),
        "{refused:?}"
    );
    assert_eq!(
        store.ledger_levels().unwrap(),
        store.kept_levels().unwrap(),
        "levels equal the ledger"
    );
}
