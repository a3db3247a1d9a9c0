//! Shared fixtures: a fresh database file in its own temporary directory per test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use stockflow_core::{CompanyInput, ProductQuery, Store, WarehouseInput};
use stockflow_sync_proto::PulledChange;

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

/// A server-like log of one company's changes, for tests of two devices without a server.
pub struct Relay {
    pub company: String,
    pub log: Vec<PulledChange>,
}

impl Relay {
    pub fn new(company: &str) -> Relay {
        Relay {
            company: company.to_owned(),
            log: Vec::new(),
        }
    }

    /// Takes everything the store has to send.
    pub fn push(&mut self, store: &mut Store) {
        let changes = store.sync_outgoing(100_000).unwrap();
        let ids: Vec<String> = changes.iter().map(|c| c.change_id.clone()).collect();
        for change in changes {
            let seq = self.log.len() as i64 + 1;
            self.log.push(PulledChange { seq, change });
        }
        store.sync_acknowledge(&ids).unwrap();
    }

    /// Gives the store everything after `after`.
    pub fn pull(&self, store: &mut Store, after: &mut i64) {
        let page: Vec<PulledChange> = self
            .log
            .iter()
            .filter(|c| c.seq > *after)
            .cloned()
            .collect();
        let next = self.log.len() as i64;
        store
            .sync_apply(&self.company, &page, next, "epoch-1", &[])
            .unwrap();
        *after = next;
    }

    /// What the sync client does: push, then pull.
    pub fn sync(&mut self, store: &mut Store, after: &mut i64) {
        self.push(store);
        self.pull(store, after);
    }
}
