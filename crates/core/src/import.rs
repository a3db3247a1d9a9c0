//! CSV import of the interchange format of `../shared/bench/README.md`: companies, warehouses,
//! product types, products, suppliers, product–supplier links, thresholds, sales, inventory.
//!
//! All or nothing, in short transactions: the import commits every [`BATCH_BUDGET`] of work
//! and leaves the write lock free for a moment, so the app's sales go on while a million rows
//! come in. Its companies are listed in `pending_imports` until its last transaction removes
//! them: until then nothing lists, finds or syncs them, so the import becomes visible at once.
//! A bad row makes the import delete what it wrote (see [`Store::clean_pending_imports`]), and
//! the error names the file, line and column; a killed import's rows, invisible, are deleted by
//! the next import. Rows go through the same checks as the app's own writes. Sales become sales in the ledger with their dates (history:
//! never refused for stock); inventory becomes count events at import time, after them, so on
//! hand equals the file.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::catalog;
use crate::csv_file::{invalid, CsvFile, Record};
use crate::db::{Store, Tx};
use crate::error::{Error, Result};
use crate::model::*;
use crate::money::parse_money;
use crate::outbox;
use crate::purchasing;
use crate::sales;
use crate::stock;
use crate::validate;

/// What an import brought in, row counts per file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportSummary {
    pub companies: u64,
    pub warehouses: u64,
    pub product_types: u64,
    pub products: u64,
    pub suppliers: u64,
    pub product_suppliers: u64,
    pub thresholds: u64,
    pub sales: u64,
    pub inventory: u64,
}

/// Progress while importing: bytes of CSV read over the total, and the file at hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportProgress {
    pub file: String,
    pub done_bytes: u64,
    pub total_bytes: u64,
}

/// The page cache of an import, in KiB (SQLite's own default is 2,000).
const IMPORT_CACHE_KIB: i64 = 512 * 1024;

/// WAL pages between two checkpoints during an import (64 MiB of 4 KiB pages).
const IMPORT_CHECKPOINT_PAGES: i64 = 16_384;

/// The work an import does in one transaction before it commits: what another writer (a sale
/// from the app) may have to wait, plus the commit.
pub(crate) const BATCH_BUDGET: Duration = Duration::from_millis(150);

/// How long the import then leaves the write lock free, so that a writer waiting for it
/// (polling every millisecond, see `db.rs`) gets it.
const BATCH_GAP: Duration = Duration::from_millis(4);

/// Rows between two looks at the clock.
const ROWS_PER_CHECK: u64 = 128;

pub(crate) const FILES: [&str; 9] = [
    "companies.csv",
    "warehouses.csv",
    "product_types.csv",
    "products.csv",
    "suppliers.csv",
    "product_suppliers.csv",
    "thresholds.csv",
    "sales.csv",
    "inventory.csv",
];

/// A row of an import file, able to name where it came from in errors.
struct Row<'a>(Record<'a>);

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.0.get(column)
    }

    /// A name: a line break inside it (a wrapped spreadsheet cell, quoted in the file) is a
    /// space, since every name is one line.
    fn name(&self, column: &str) -> String {
        let value = self.get(column);
        if value.contains(['\n', '\r']) {
            value
                .split(['\r', '\n'])
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            value.to_owned()
        }
    }

    /// An error about `column` of this row, with the code `validation`.
    fn error(&self, column: &str, reason: impl Into<String>) -> Error {
        invalid(self.0.file, self.0.line, column, reason)
    }

    /// Wraps an error from the core's own checks, naming the column it is about: the error's
    /// field when that is a column of this file, else `column`.
    fn wrap(&self, column: &str, e: Error) -> Error {
        wrap_at(
            self.0.file,
            self.0.line,
            |c| self.0.has_column(c),
            column,
            e,
        )
    }

    fn int(&self, column: &str) -> Result<i64> {
        self.get(column).trim().parse().map_err(|_| {
            self.error(
                column,
                format!("\"{}\" is not a whole number", self.get(column)),
            )
        })
    }

    /// The row's id in `column`: present, and not seen before in this file.
    fn id<T>(&self, column: &str, seen: &HashMap<String, T>) -> Result<String> {
        let id = self.get(column).trim();
        if id.is_empty() {
            return Err(self.error(column, format!("the {column} is empty")));
        }
        if seen.contains_key(id) {
            return Err(self.error(
                column,
                format!("{column} \"{id}\" appears twice in the file"),
            ));
        }
        Ok(id.to_owned())
    }

    /// The value of a reference column, resolved in `known`.
    fn reference<'m, T>(
        &self,
        column: &str,
        known: &'m HashMap<String, T>,
        what: &str,
    ) -> Result<&'m T> {
        known
            .get(self.get(column).trim())
            .ok_or_else(|| self.error(column, format!("unknown {what} \"{}\"", self.get(column))))
    }
}

/// [`Row::wrap`] for a row read before: `has_column` tells the columns of its file.
fn wrap_at(
    file: &str,
    line: u64,
    has_column: impl Fn(&str) -> bool,
    column: &str,
    e: Error,
) -> Error {
    let named = e
        .field()
        .filter(|f| has_column(f))
        .unwrap_or(column)
        .to_owned();
    Error::Import {
        file: file.to_owned(),
        line,
        column: named,
        source: Box::new(e),
    }
}

/// Refuses a pair (a product and a supplier or warehouse) that the file already gave: the
/// later row would silently replace the earlier one.
fn once(
    seen: &mut HashSet<(String, String)>,
    r: &Row<'_>,
    pair: (&str, &str),
    column: &str,
    what: &str,
) -> Result<()> {
    if !seen.insert((pair.0.to_owned(), pair.1.to_owned())) {
        return Err(r.error(column, format!("{what} appears twice in the file")));
    }
    Ok(())
}

/// A row of `product_suppliers.csv`, checked, to write once the whole file is read.
struct LinkRow<'i> {
    product_id: &'i str,
    supplier_id: &'i str,
    input: ProductSupplierInput,
    line: u64,
}

/// Reads and checks a row of `product_suppliers.csv`: everything that refuses a link
/// ([`purchasing::check_link`]), with the errors and in the order writing it would give them.
fn read_link<'i>(
    r: &Row<'_>,
    ids: &'i Ids,
    companies: &HashMap<String, String>,
    pairs: &mut HashSet<(String, String)>,
) -> Result<LinkRow<'i>> {
    let product = r.reference("product_id", &ids.products, "product")?;
    let supplier = r.reference("supplier_id", &ids.suppliers, "supplier")?;
    once(
        pairs,
        r,
        (&product.id, supplier),
        "supplier_id",
        "this product and supplier",
    )?;
    let preferred = match r.get("is_preferred").trim() {
        "1" | "true" => true,
        "0" | "false" | "" => false,
        other => return Err(r.error("is_preferred", format!("\"{other}\" is not 0 or 1"))),
    };
    let input = ProductSupplierInput {
        lead_time_days: r.int("lead_time_days")?,
        unit_cost: r.get("unit_cost").to_owned(),
        preferred,
        ..Default::default()
    };
    purchasing::check_link(
        &input,
        &product.company_id,
        supplier,
        companies.get(supplier).map(String::as_str),
    )
    .map_err(|e| r.wrap("supplier_id", e))?;
    Ok(LinkRow {
        product_id: &product.id,
        supplier_id: supplier,
        input,
        line: r.0.line,
    })
}

/// A product as the import needs it later: its id, company and price.
struct Imported {
    id: String,
    company_id: String,
    price: Decimal,
    /// Its local key (`products.seq`): the sales and counts are written by it.
    key: i64,
}

/// A warehouse the import made.
struct ImportedWarehouse {
    id: String,
    company_id: String,
    /// Its local key (`warehouses.seq`).
    key: i64,
}

/// The local key of a row the import just made.
fn key_of(tx: &Tx<'_>, table: &str, id: &str) -> Result<i64> {
    Ok(tx
        .conn
        .prepare_cached(&format!("SELECT seq FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get(0))?)
}

impl Store {
    /// Imports a folder in the interchange format, all or nothing. `progress` is called as
    /// the files are read.
    pub fn import_dir(
        &mut self,
        dir: &Path,
        progress: &mut dyn FnMut(&ImportProgress),
    ) -> Result<ImportSummary> {
        self.authorize_anywhere(crate::auth::Action::Import)?;
        if !dir.is_dir() {
            return Err(Error::validation(
                "dir",
                format!("There is no folder at {}.", dir.display()),
            ));
        }
        if let Some(missing) = FILES.iter().find(|f| !dir.join(f).is_file()) {
            return Err(Error::validation(
                "dir",
                format!(
                    "The folder has no {missing}. An import needs all of: {}.",
                    FILES.join(", ")
                ),
            ));
        }
        let total_bytes: u64 = FILES
            .iter()
            .map(|f| {
                std::fs::metadata(dir.join(f))
                    .map(|m| m.len())
                    .map_err(|source| Error::Io {
                        path: dir.join(f).display().to_string(),
                        source,
                    })
            })
            .sum::<Result<u64>>()?;
        if self.conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(Error::ReadOnly);
        }
        // Only one import at a time (in any process): it also tells a stale pending import
        // (killed) from one that is running.
        let _lock = ImportLock::take(self.path())?;
        self.clean_pending_imports()?;
        // A million sales touch every index of the ledger at random places: with SQLite's
        // default 2 MB page cache the transaction spills to disk again and again. Give the
        // import a cache its size needs, for its duration only.
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn
            .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        // Its transactions before the last need not survive a power cut one by one (a lost
        // one leaves a pending import, deleted by the next): no fsync per commit. The last
        // step, which makes it visible, is durable like any write.
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Each batch's commit would otherwise pass SQLite's 1,000-page mark and checkpoint,
        // copying its pages into the database and syncing it, every 150 ms: let the WAL grow
        // to IMPORT_CHECKPOINT_PAGES between checkpoints instead.
        let checkpoint: i64 = self
            .conn
            .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", IMPORT_CHECKPOINT_PAGES)?;
        let clock_before: (i64, u32) =
            self.conn
                .query_row("SELECT hlc_wall_ms, hlc_counter FROM device", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        let mut run = Run {
            store: self,
            summary: ImportSummary::default(),
            companies: Vec::new(),
            clock: None,
            done: 0,
            total_bytes,
            progress,
        };
        let imported = run.all(dir).and_then(|()| {
            // The last step: the import becomes visible, all of it at once.
            run.store.conn.pragma_update(None, "synchronous", "FULL")?;
            let companies = std::mem::take(&mut run.companies);
            run.store.write(|tx| {
                for company in &companies {
                    tx.conn.execute(
                        "DELETE FROM pending_imports WHERE company_id = ?1",
                        [company],
                    )?;
                }
                Ok(())
            })?;
            Ok(std::mem::take(&mut run.summary))
        });
        let clock_after = run.clock;
        let imported = match imported {
            Ok(summary) => Ok(summary),
            Err(e) => {
                // Nothing of it is visible; delete it now rather than at the next import.
                if let Err(clean) = self.clean_pending_imports() {
                    tracing::warn!(error = %clean, "import: could not delete a refused import yet");
                } else if let Some(after) = clock_after {
                    // The clock values it issued are on no row any more (and were never sent):
                    // unless another write stamped since, the clock goes back to where it was,
                    // so that a refused import leaves the file exactly as it was.
                    self.write(|tx| {
                        tx.conn.execute(
                            "UPDATE device SET hlc_wall_ms = ?1, hlc_counter = ?2
                             WHERE hlc_wall_ms = ?3 AND hlc_counter = ?4",
                            (clock_before.0, clock_before.1, after.0, after.1),
                        )?;
                        Ok(())
                    })?;
                }
                Err(e)
            }
        };
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "cache_size", cache)?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", checkpoint)?;
        // Copy what the WAL grew to into the database now, without blocking writers, rather
        // than in a later commit or when the last connection closes (which holds the file).
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        imported
    }

    /// Deletes every row of the companies of an import that did not finish (refused, or the
    /// process killed), in short transactions like the import's own. Called with the import
    /// lock held: no import is running.
    fn clean_pending_imports(&mut self) -> Result<()> {
        let pending: i64 =
            self.conn
                .query_row("SELECT COUNT(*) FROM pending_imports", [], |r| r.get(0))?;
        if pending == 0 {
            return Ok(());
        }
        tracing::info!(companies = pending, "import: deleting an unfinished import");
        for (table, key, condition) in cleanup_steps() {
            loop {
                let started = Instant::now();
                let sql = format!(
                    "DELETE FROM {table} WHERE ({key}) IN
                     (SELECT {key} FROM {table} WHERE {condition} LIMIT 5000)"
                );
                let mut deleted = 0;
                self.write(|tx| {
                    while started.elapsed() < BATCH_BUDGET {
                        let n = tx.conn.prepare_cached(&sql)?.execute([])?;
                        deleted += n;
                        if n == 0 {
                            break;
                        }
                    }
                    Ok(())
                })?;
                if deleted == 0 || started.elapsed() < BATCH_BUDGET {
                    break;
                }
                std::thread::sleep(BATCH_GAP);
            }
        }
        Ok(())
    }
}

/// What deleting an unfinished import deletes, in order (children before their parents):
/// `(table, key columns, which rows)`.
fn cleanup_steps() -> Vec<(&'static str, &'static str, String)> {
    const P: &str = "(SELECT company_id FROM pending_imports)";
    let products = format!("(SELECT id FROM products WHERE company_id IN {P})");
    let warehouses = format!("(SELECT id FROM warehouses WHERE company_id IN {P})");
    let orders = format!("(SELECT id FROM purchase_orders WHERE company_id IN {P})");
    let keys = format!("(SELECT seq FROM companies WHERE id IN {P})");
    let sessions = format!("(SELECT id FROM count_sessions WHERE company_id IN {P})");
    let mut steps: Vec<(&'static str, &'static str, String)> = vec![
        ("outbox", "rowid", format!("company_id IN {P}")),
        ("outbox_ranges", "rowid", format!("company_id IN {P}")),
    ];
    for def in outbox::entity::DEFS.iter() {
        // Events (the ledger) are inserted once and keep no field clocks.
        if def.entity == outbox::Entity::User || def.event {
            continue;
        }
        steps.push((
            "field_clocks",
            "entity, entity_id, field",
            format!(
                "entity = '{}' AND entity_id IN (SELECT t.id FROM {} t WHERE {} IN {P})",
                def.entity.as_str(),
                def.table,
                def.company
            ),
        ));
    }
    steps.extend([
        (
            "alert_notices",
            "product_id, warehouse_id",
            format!("product_id IN {products}"),
        ),
        // The ledger's rows themselves (its tables are views, migrations 0016 and 0021).
        (
            "sale_return_rows",
            "rowid",
            format!("sale_id IN (SELECT id FROM sale_rows WHERE company_key IN {keys})"),
        ),
        (
            "sale_line_rows",
            "sale_key, line_no",
            format!("sale_key IN (SELECT seq FROM sale_rows WHERE company_key IN {keys})"),
        ),
        ("sale_rows", "seq", format!("company_key IN {keys}")),
        ("movement_rows", "seq", format!("company_key IN {keys}")),
        (
            "stock_levels",
            "product_id, warehouse_id",
            format!("warehouse_id IN {warehouses}"),
        ),
        (
            "sales_daily_keyed",
            "rowid",
            format!("key / 68719476736 IN (SELECT seq FROM products WHERE company_id IN {P})"),
        ),
        (
            "purchase_order_lines",
            "rowid",
            format!("purchase_order_id IN {orders}"),
        ),
        ("purchase_orders", "rowid", format!("company_id IN {P}")),
        (
            "count_lines",
            "session_id, product_id",
            format!("session_id IN {sessions}"),
        ),
        (
            "count_session_products",
            "session_id, product_id",
            format!("session_id IN {sessions}"),
        ),
        ("count_sessions", "rowid", format!("company_id IN {P}")),
        (
            "kit_components",
            "kit_id, component_id",
            format!("kit_id IN {products}"),
        ),
        (
            "product_warehouse_thresholds",
            "product_id, warehouse_id",
            format!("product_id IN {products}"),
        ),
        (
            "product_suppliers",
            "product_id, supplier_id",
            format!("product_id IN {products}"),
        ),
        (
            "alert_products",
            "rowid",
            format!("seq IN (SELECT seq FROM products WHERE company_id IN {P})"),
        ),
        ("products", "rowid", format!("company_id IN {P}")),
        ("suppliers", "rowid", format!("company_id IN {P}")),
        ("product_types", "rowid", format!("company_id IN {P}")),
        ("warehouses", "rowid", format!("company_id IN {P}")),
        ("adjustment_reasons", "rowid", format!("company_id IN {P}")),
        (
            "memberships",
            "user_id, company_id",
            format!("company_id IN {P}"),
        ),
        (
            "document_counters",
            "company_id, kind, series",
            format!("company_id IN {P}"),
        ),
        (
            "sync_device_seq",
            "company_id",
            format!("company_id IN {P}"),
        ),
        (
            "sync_peers",
            "company_id, device_id",
            format!("company_id IN {P}"),
        ),
        ("sync_cursors", "company_id", format!("company_id IN {P}")),
        ("sync_parked", "rowid", format!("company_id IN {P}")),
        ("companies", "rowid", format!("id IN {P}")),
        ("pending_imports", "company_id", "1".to_owned()),
    ]);
    steps
}

/// The one import running on a database file: an exclusive lock on a file beside it, held
/// until dropped (the OS releases it when the process dies, so a killed import never blocks
/// the next one).
struct ImportLock(#[allow(dead_code)] File);

impl ImportLock {
    fn take(db: &Path) -> Result<ImportLock> {
        let mut name = db.as_os_str().to_owned();
        name.push(".import-lock");
        let path = PathBuf::from(name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(ImportLock(file)),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::Refused {
                field: "dir".to_owned(),
                reason: "Another import is running on this database: wait for it to finish."
                    .to_owned(),
            }),
            Err(std::fs::TryLockError::Error(source)) => Err(Error::Io {
                path: path.display().to_string(),
                source,
            }),
        }
    }
}

/// What the import made, by the key each file gives it.
#[derive(Default)]
struct Ids {
    companies: HashMap<String, String>,
    warehouses: HashMap<String, ImportedWarehouse>,
    /// A product type's id by (company, type name key).
    types: HashMap<(String, String), String>,
    products: HashMap<String, Imported>,
    suppliers: HashMap<String, String>,
}

struct Run<'s, 'p> {
    store: &'s mut Store,
    summary: ImportSummary,
    /// The companies this import made, pending until its last step.
    companies: Vec<String>,
    /// The device clock its last committed transaction left.
    clock: Option<(i64, u32)>,
    done: u64,
    total_bytes: u64,
    progress: &'p mut dyn FnMut(&ImportProgress),
}

impl Run<'_, '_> {
    fn report(&mut self, file: &str, bytes: u64) {
        (self.progress)(&ImportProgress {
            file: file.to_owned(),
            done_bytes: self.done + bytes,
            total_bytes: self.total_bytes,
        });
    }

    /// Reads every row of a file through `f`, in transactions of about [`BATCH_BUDGET`],
    /// reporting progress between them (outside any transaction).
    fn each(
        &mut self,
        dir: &Path,
        name: &'static str,
        required: &[&str],
        mut f: impl FnMut(&mut Tx<'_>, &Row<'_>) -> Result<()>,
    ) -> Result<u64> {
        let path = dir.join(name);
        let file = File::open(&path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut csv = CsvFile::open(name, file, required)?;
        let mut rows = 0u64;
        loop {
            let started = Instant::now();
            let finished = self.store.write(|tx| {
                while let Some(record) = csv.next()? {
                    f(tx, &Row(record))?;
                    rows += 1;
                    if rows.is_multiple_of(ROWS_PER_CHECK) && started.elapsed() >= BATCH_BUDGET {
                        return Ok((false, tx.clock()));
                    }
                }
                Ok((true, tx.clock()))
            })?;
            let (finished, clock) = finished;
            self.clock = Some(clock);
            if finished {
                break;
            }
            let bytes = csv.bytes();
            self.report(name, bytes);
            std::thread::sleep(BATCH_GAP);
        }
        self.done += csv.bytes();
        self.report(name, 0);
        Ok(rows)
    }

    /// Writes `items` through `f` in transactions of about [`BATCH_BUDGET`].
    fn batched<T>(
        &mut self,
        items: Vec<T>,
        mut f: impl FnMut(&Tx<'_>, T) -> Result<()>,
    ) -> Result<()> {
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let started = Instant::now();
            self.clock = Some(self.store.write(|tx| {
                let mut n = 0u64;
                for item in items.by_ref() {
                    f(tx, item)?;
                    n += 1;
                    if n.is_multiple_of(ROWS_PER_CHECK) && started.elapsed() >= BATCH_BUDGET {
                        break;
                    }
                }
                Ok(tx.clock())
            })?);
            if items.peek().is_some() {
                std::thread::sleep(BATCH_GAP);
            }
        }
        Ok(())
    }

    /// Every file of the folder, in the order their references need.
    fn all(&mut self, dir: &Path) -> Result<()> {
        let mut ids = Ids::default();
        self.import_companies(dir, &mut ids)?;
        self.import_warehouses(dir, &mut ids)?;
        self.import_product_types(dir, &mut ids)?;
        self.import_products(dir, &mut ids)?;
        self.import_suppliers(dir, &mut ids)?;
        self.import_links(dir, &ids)?;
        self.import_thresholds(dir, &ids)?;
        self.import_sales(dir, &ids)?;
        self.import_inventory(dir, &ids)?;
        Ok(())
    }

    /// Companies first: each invisible until the last step (`pending_imports`).
    fn import_companies(&mut self, dir: &Path, ids: &mut Ids) -> Result<()> {
        let mut made = Vec::new();
        self.summary.companies = self.each(dir, "companies.csv", &["id", "name"], |tx, r| {
            let key = r.id("id", &ids.companies)?;
            let name =
                validate::required("name", "Company name", &r.name("name"), validate::MAX_NAME)
                    .map_err(|e| r.wrap("name", e))?;
            // An extra column of our own exports; the format's files do not have it.
            let threshold = match r.0.has_column("default_threshold").then_some(()) {
                Some(_) if !r.get("default_threshold").trim().is_empty() => {
                    validate::threshold("default_threshold", r.int("default_threshold")?)
                        .map_err(|e| r.wrap("default_threshold", e))?
                }
                _ => DEFAULT_COMPANY_THRESHOLD,
            };
            let currency = match r.0.has_column("currency").then_some(()) {
                Some(_) if !r.get("currency").trim().is_empty() => {
                    crate::money::parse_currency("currency", r.get("currency"))
                        .map_err(|e| r.wrap("currency", e))?
                }
                _ => crate::money::DEFAULT_CURRENCY.to_owned(),
            };
            let id = catalog::insert_company(tx, &name, threshold, false, &currency)
                .map_err(|e| r.wrap("name", e))?;
            // Invisible until the import's last step (in the same transaction as the company).
            tx.conn.execute(
                "INSERT INTO pending_imports (company_id, started_at) VALUES (?1, ?2)",
                (&id, &tx.now),
            )?;
            made.push(id.clone());
            ids.companies.insert(key, id);
            Ok(())
        })?;

        self.companies = made;
        Ok(())
    }

    /// Warehouses, each of a company of the file.
    fn import_warehouses(&mut self, dir: &Path, ids: &mut Ids) -> Result<()> {
        self.summary.warehouses = self.each(
            dir,
            "warehouses.csv",
            &["id", "company_id", "name"],
            |tx, r| {
                let key = r.id("id", &ids.warehouses)?;
                let company = r
                    .reference("company_id", &ids.companies, "company")?
                    .clone();
                let input = WarehouseInput {
                    name: r.name("name"),
                    ..Default::default()
                };
                let id = catalog::insert_warehouse(tx, &company, &input)
                    .map_err(|e| r.wrap("name", e))?;
                let local = key_of(tx, "warehouses", &id)?;
                ids.warehouses.insert(
                    key,
                    ImportedWarehouse {
                        key: local,
                        id,
                        company_id: company,
                    },
                );
                Ok(())
            },
        )?;
        Ok(())
    }

    /// Product types, made for every company of the file.
    fn import_product_types(&mut self, dir: &Path, ids: &mut Ids) -> Result<()> {
        // Product types are shared by every company of the file: each company gets its own.
        let mut type_names: HashMap<String, ()> = HashMap::new();
        self.summary.product_types = self.each(
            dir,
            "product_types.csv",
            &["product_type", "default_threshold"],
            |tx, r| {
                let key = r.id("product_type", &HashMap::<String, ()>::new())?;
                if type_names.insert(validate::key(&key), ()).is_some() {
                    return Err(r.error(
                        "product_type",
                        format!("product_type \"{key}\" appears twice in the file"),
                    ));
                }
                let input = ProductTypeInput {
                    name: r.name("product_type"),
                    default_threshold: r.int("default_threshold")?,
                    count_frequency_days: None,
                };
                for company in ids.companies.values() {
                    let id = catalog::insert_product_type(tx, company, &input)
                        .map_err(|e| r.wrap("product_type", e))?;
                    ids.types
                        .insert((company.clone(), validate::key(input.name.trim())), id);
                }
                Ok(())
            },
        )?;
        Ok(())
    }

    /// Products, with their type, price and the optional barcode and cost.
    fn import_products(&mut self, dir: &Path, ids: &mut Ids) -> Result<()> {
        self.summary.products = self.each(
            dir,
            "products.csv",
            &["id", "company_id", "sku", "name", "price", "product_type"],
            |tx, r| {
                let key = r.id("id", &ids.products)?;
                let company = r
                    .reference("company_id", &ids.companies, "company")?
                    .clone();
                // A type the file does not define has no threshold of its own: the product
                // falls back to the company default, as if it had no type.
                let product_type_id = ids
                    .types
                    .get(&(company.clone(), validate::key(r.get("product_type").trim())))
                    .cloned();
                let price = parse_money("price", r.get("price")).map_err(|e| r.wrap("price", e))?;
                // Two optional columns beyond the format: a barcode and a cost price.
                let optional =
                    |column: &str| Some(r.get(column).trim().to_owned()).filter(|v| !v.is_empty());
                let input = ProductInput {
                    sku: r.get("sku").to_owned(),
                    name: r.name("name"),
                    price: r.get("price").to_owned(),
                    product_type_id,
                    barcode: optional("barcode"),
                    cost: optional("cost"),
                    ..Default::default()
                };
                let id = catalog::insert_product_input(tx, &company, &input)
                    .map_err(|e| r.wrap("sku", e))?;
                ids.products.insert(
                    key,
                    Imported {
                        key: key_of(tx, "products", &id)?,
                        id,
                        company_id: company,
                        price,
                    },
                );
                Ok(())
            },
        )?;
        Ok(())
    }

    /// Suppliers, each of a company of the file.
    fn import_suppliers(&mut self, dir: &Path, ids: &mut Ids) -> Result<()> {
        self.summary.suppliers = self.each(
            dir,
            "suppliers.csv",
            &["id", "company_id", "name", "contact_email"],
            |tx, r| {
                let key = r.id("id", &ids.suppliers)?;
                let company = r.reference("company_id", &ids.companies, "company")?;
                let input = SupplierInput {
                    name: r.name("name"),
                    contact_email: r.get("contact_email").to_owned(),
                    ..Default::default()
                };
                let id = purchasing::insert_supplier(tx, company, &input)
                    .map_err(|e| r.wrap("name", e))?;
                ids.suppliers.insert(key, id);
                Ok(())
            },
        )?;
        Ok(())
    }

    /// Which supplier supplies which product, on which terms.
    ///
    /// The whole file is read and checked before a link is written, so the first bad row in
    /// file order refuses the import as it would row by row; then the links are written in
    /// the order of their products (their ids are made in file order, as their rows are), so
    /// that a batch touches each product's pages (its row, its `alert_products` row, its
    /// links) once even when the file lists the links in another order, by supplier say. A
    /// file in product order (ours, the benchmark's) is written in its own order.
    fn import_links(&mut self, dir: &Path, ids: &Ids) -> Result<()> {
        const NAME: &str = "product_suppliers.csv";
        let path = dir.join(NAME);
        let file = File::open(&path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut csv = CsvFile::open(
            NAME,
            file,
            &[
                "product_id",
                "supplier_id",
                "lead_time_days",
                "unit_cost",
                "is_preferred",
            ],
        )?;
        let columns: HashSet<String> = csv.header().iter().cloned().collect();
        let companies = self.supplier_companies(ids)?;
        let mut pairs = HashSet::new();
        let mut links = Vec::new();
        while let Some(record) = csv.next()? {
            links.push(read_link(&Row(record), ids, &companies, &mut pairs)?);
        }
        let bytes = csv.bytes();
        // Stable: a product's links keep their file order (its last preferred one wins).
        links.sort_by(|a, b| a.product_id.cmp(b.product_id));

        let mut written = 0;
        while written < links.len() {
            let started = Instant::now();
            let (done, clock) = self.store.write(|tx| {
                let mut i = written;
                for link in &links[written..] {
                    purchasing::upsert_link(tx, link.product_id, link.supplier_id, &link.input)
                        .map_err(|e| {
                            wrap_at(NAME, link.line, |c| columns.contains(c), "supplier_id", e)
                        })?;
                    i += 1;
                    if ((i - written) as u64).is_multiple_of(ROWS_PER_CHECK)
                        && started.elapsed() >= BATCH_BUDGET
                    {
                        break;
                    }
                }
                Ok((i, tx.clock()))
            })?;
            self.clock = Some(clock);
            written = done;
            if written < links.len() {
                self.report(NAME, bytes * written as u64 / links.len() as u64);
                std::thread::sleep(BATCH_GAP);
            }
        }
        self.done += bytes;
        self.report(NAME, 0);
        self.summary.product_suppliers = links.len() as u64;
        Ok(())
    }

    /// The company of each supplier the import made, for checking links without a write.
    fn supplier_companies(&self, ids: &Ids) -> Result<HashMap<String, String>> {
        let mut stmt = self
            .store
            .conn
            .prepare_cached("SELECT company_id FROM suppliers WHERE id = ?1")?;
        let mut companies = HashMap::with_capacity(ids.suppliers.len());
        for id in ids.suppliers.values() {
            let company: String = stmt.query_row([id], |r| r.get(0))?;
            companies.insert(id.clone(), company);
        }
        Ok(companies)
    }

    /// Low-stock thresholds: of a product, or of a product in one warehouse.
    fn import_thresholds(&mut self, dir: &Path, ids: &Ids) -> Result<()> {
        let mut thresholds = HashSet::new();
        self.summary.thresholds = self.each(dir, "thresholds.csv", &["product_id", "warehouse_id", "threshold"], |tx, r| {
            let product = r.reference("product_id", &ids.products, "product")?;
            once(&mut thresholds, r, (&product.id, r.get("warehouse_id").trim()), "warehouse_id", "a threshold for this product and warehouse")?;
            let threshold = validate::threshold("threshold", r.int("threshold")?).map_err(|e| r.wrap("threshold", e))?;
            // A threshold is a field of its product (the warehouse ones a set of it): a change
            // of the product, stamped and queued like any.
            let before = tx.before(outbox::Entity::Product, &product.id)?;
            let hlc = tx.stamp();
            if r.get("warehouse_id").trim().is_empty() {
                tx.conn.execute(
                    "UPDATE products SET threshold = ?2, updated_hlc = ?3 WHERE id = ?1",
                    (&product.id, threshold, &hlc),
                )?;
            } else {
                let warehouse = r.reference("warehouse_id", &ids.warehouses, "warehouse")?;
                if warehouse.company_id != product.company_id {
                    return Err(r.error("warehouse_id", "the warehouse belongs to another company than the product"));
                }
                tx.conn.execute(
                    "INSERT INTO product_warehouse_thresholds (product_id, warehouse_id, threshold, updated_hlc)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (product_id, warehouse_id) DO UPDATE SET threshold = excluded.threshold,
                         updated_hlc = excluded.updated_hlc",
                    (&product.id, &warehouse.id, threshold, &hlc),
                )?;
                tx.conn.execute("UPDATE products SET updated_hlc = ?2 WHERE id = ?1", (&product.id, &hlc))?;
            }
            tx.updated(outbox::Entity::Product, &product.id, &hlc, before)?;
            Ok(())
        })?;
        Ok(())
    }

    /// Sales history, then what it adds up to: outbox ranges, stock levels, the daily rollup.
    fn import_sales(&mut self, dir: &Path, ids: &Ids) -> Result<()> {
        let mut history = sales::HistoricalSales::default();
        // Each row's references were checked above (`Row::reference`) and its local keys read
        // from the rows they name (`HistoricalSales`), so the foreign keys would only look them
        // up again: nine lookups per sale. Off for this file only, on again even if it fails.
        self.store.conn.pragma_update(None, "foreign_keys", false)?;
        let sales = self.each(
            dir,
            "sales.csv",
            &["id", "product_id", "warehouse_id", "quantity", "sold_at"],
            |tx, r| {
                let product = r.reference("product_id", &ids.products, "product")?;
                let warehouse = r.reference("warehouse_id", &ids.warehouses, "warehouse")?;
                if warehouse.company_id != product.company_id {
                    return Err(r.error(
                        "warehouse_id",
                        "the warehouse belongs to another company than the product",
                    ));
                }
                let quantity = r.int("quantity")?;
                if quantity <= 0 || quantity > validate::MAX_QUANTITY {
                    return Err(r.error("quantity", "a quantity sold is more than zero"));
                }
                let sold_at = validate::timestamp("sold_at", r.get("sold_at"))
                    .map_err(|e| r.wrap("sold_at", e))?;
                history.add(
                    tx,
                    &warehouse.company_id,
                    (&warehouse.id, warehouse.key),
                    (&product.id, product.key),
                    quantity,
                    product.price,
                    &sold_at,
                )
            },
        );
        self.store.conn.pragma_update(None, "foreign_keys", true)?;
        self.summary.sales = sales?;

        let ranges = history.take_ranges();
        self.batched(ranges, |tx, (company, (first, last, sales))| {
            tx.conn.execute(
                "INSERT INTO outbox_ranges (company_id, first_sale, last_sale, sales)
                 VALUES (?1, ?2, ?3, ?4)",
                (&company, first, last, sales),
            )?;
            Ok(())
        })?;
        let (levels, daily) = history.into_writes();
        // The rollup first and by key: while it is written nothing else grows, so its pages
        // follow each other in the file (the alerts read it in key order). A stock row
        // inserted after reads its last sale day from it.
        self.batched(daily, |tx, (key, units)| {
            sales::roll_up_keyed(tx, key, units)
        })?;
        self.batched(levels, |tx, ((product_id, warehouse_id), delta)| {
            stock::add_to_level(tx.conn, &product_id, &warehouse_id, delta)
        })?;
        Ok(())
    }

    /// Inventory last: counts as of now, after every imported sale.
    fn import_inventory(&mut self, dir: &Path, ids: &Ids) -> Result<()> {
        // Inventory last: counts as of now, after every imported sale.
        let mut counted = HashSet::new();
        let mut keys = crate::lookup::LocalKeys::default();
        // Per company: the first and last count's `seq`, and how many (one outbox range).
        let mut ranges: HashMap<String, (i64, i64, i64)> = HashMap::new();
        self.summary.inventory = self.each(
            dir,
            "inventory.csv",
            &["product_id", "warehouse_id", "quantity"],
            |tx, r| {
                let product = r.reference("product_id", &ids.products, "product")?;
                let warehouse = r.reference("warehouse_id", &ids.warehouses, "warehouse")?;
                if warehouse.company_id != product.company_id {
                    return Err(r.error(
                        "warehouse_id",
                        "the warehouse belongs to another company than the product",
                    ));
                }
                once(
                    &mut counted,
                    r,
                    (&product.id, &warehouse.id),
                    "warehouse_id",
                    "a quantity on hand for this product and warehouse",
                )?;
                let quantity = r.int("quantity")?;
                if !(0..=validate::MAX_QUANTITY).contains(&quantity) {
                    return Err(r.error("quantity", "a quantity on hand is zero or more"));
                }
                let seq = stock::record_imported_count(
                    tx,
                    &mut keys,
                    &warehouse.company_id,
                    (&product.id, product.key),
                    (&warehouse.id, warehouse.key),
                    quantity,
                )?;
                let range = ranges
                    .entry(warehouse.company_id.clone())
                    .or_insert((seq, seq, 0));
                range.1 = seq;
                range.2 += 1;
                Ok(())
            },
        )?;
        let ranges: Vec<_> = ranges.into_iter().collect();
        self.batched(ranges, |tx, (company, (first, last, counts))| {
            tx.conn.execute(
                "INSERT INTO outbox_ranges (company_id, first_sale, last_sale, sales, entity)
                 VALUES (?1, ?2, ?3, ?4, 'stock_movement')",
                (&company, first, last, counts),
            )?;
            Ok(())
        })
    }
}
