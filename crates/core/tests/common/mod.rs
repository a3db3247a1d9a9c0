//! Shared fixtures: a fresh database file in its own temporary directory per test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use stockflow_core::{CompanyInput, ProductQuery, Store, WarehouseInput};

pub struct Fixture {
    pub store: Store,
    pub path: PathBuf,
    pub company: String,
    _dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stockflow.db");
        let store = Store::open(&path).unwrap();
        Fixture {
            store,
            path,
            company: String::new(),
            _dir: dir,
        }
    }

    pub fn with_company(name: &str) -> Fixture {
        let mut fx = Fixture::new();
        fx.company = fx
            .store
            .create_company(&CompanyInput {
                name: name.into(),
                ..Default::default()
            })
            .unwrap()
            .id;
        fx
    }

    pub fn warehouse(&mut self, name: &str) -> String {
        self.store
            .create_warehouse(
                &self.company,
                &WarehouseInput {
                    name: name.into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
    }

    pub fn query(&self, search: &str) -> ProductQuery {
        ProductQuery {
            company_id: self.company.clone(),
            search: Some(search.into()),
            ..Default::default()
        }
    }

    pub fn count(&self, table: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.path).unwrap();
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }
}

/// Every row of every table, as text, sorted: equal snapshots mean nothing was written.
pub fn snapshot(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let columns = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut line = format!("{table}:");
                for i in 0..columns {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!(" {v:?}"));
                }
                Ok(line)
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.extend(rows);
    }
    out
}
