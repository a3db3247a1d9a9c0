//! CSV import of the interchange format of `../shared/bench/README.md`: companies, warehouses,
//! product types, products, suppliers, product–supplier links, thresholds, sales, inventory.
//!
//! All or nothing: the whole import is one transaction, so a bad row leaves the database
//! exactly as it was, and the error names the file, line and column. Rows go through the same
//! checks as the app's own writes. Sales become sales in the ledger with their dates (history:
//! never refused for stock); inventory becomes count events at import time, after them, so on
//! hand equals the file.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::catalog;
use crate::csv_file::{invalid, CsvFile, Record};
use crate::db::{Store, Tx};
use crate::error::{Error, Result};
use crate::model::*;
use crate::money::parse_money;
use crate::purchasing;
use crate::sales;
use crate::stock::{self, NewMovement};
use crate::sync;
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
        let named = e
            .field()
            .filter(|f| self.0.has_column(f))
            .unwrap_or(column)
            .to_owned();
        Error::Import {
            file: self.0.file.to_owned(),
            line: self.0.line,
            column: named,
            source: Box::new(e),
        }
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

/// A product as the import needs it later: its id, company and price.
struct Imported {
    id: String,
    company_id: String,
    price: Decimal,
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
        // A million sales touch every index of the ledger at random places: with SQLite's
        // default 2 MB page cache the transaction spills to disk again and again. Give the
        // import a cache its size needs, for its duration only.
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn
            .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        let imported = self.write(|tx| {
            let mut run = Run {
                tx,
                summary: ImportSummary::default(),
                done: 0,
                total_bytes,
                progress,
            };
            run.all(dir)?;
            Ok(run.summary)
        });
        self.conn.pragma_update(None, "cache_size", cache)?;
        imported
    }
}

struct Run<'t, 'c, 'p> {
    tx: &'t mut Tx<'c>,
    summary: ImportSummary,
    done: u64,
    total_bytes: u64,
    progress: &'p mut dyn FnMut(&ImportProgress),
}

impl Run<'_, '_, '_> {
    fn report(&mut self, file: &str, bytes: u64) {
        (self.progress)(&ImportProgress {
            file: file.to_owned(),
            done_bytes: self.done + bytes,
            total_bytes: self.total_bytes,
        });
    }

    /// Reads every row of a file through `f`, reporting progress every few thousand rows.
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
        while let Some(record) = csv.next()? {
            f(self.tx, &Row(record))?;
            rows += 1;
            if rows.is_multiple_of(20_000) {
                let bytes = csv.bytes();
                self.report(name, bytes);
            }
        }
        self.done += csv.bytes();
        self.report(name, 0);
        Ok(rows)
    }

    fn all(&mut self, dir: &Path) -> Result<()> {
        let mut companies: HashMap<String, String> = HashMap::new();
        self.summary.companies = self.each(dir, "companies.csv", &["id", "name"], |tx, r| {
            let key = r.id("id", &companies)?;
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
            let id = catalog::insert_company(tx, &name, threshold, false)
                .map_err(|e| r.wrap("name", e))?;
            companies.insert(key, id);
            Ok(())
        })?;

        let mut warehouses: HashMap<String, (String, String)> = HashMap::new();
        self.summary.warehouses = self.each(
            dir,
            "warehouses.csv",
            &["id", "company_id", "name"],
            |tx, r| {
                let key = r.id("id", &warehouses)?;
                let company = r.reference("company_id", &companies, "company")?.clone();
                let input = WarehouseInput {
                    name: r.name("name"),
                    ..Default::default()
                };
                let id = catalog::insert_warehouse(tx, &company, &input)
                    .map_err(|e| r.wrap("name", e))?;
                warehouses.insert(key, (id, company));
                Ok(())
            },
        )?;

        // Product types are shared by every company of the file: each company gets its own.
        let mut types: HashMap<(String, String), String> = HashMap::new();
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
                for company in companies.values() {
                    let id = catalog::insert_product_type(tx, company, &input)
                        .map_err(|e| r.wrap("product_type", e))?;
                    types.insert((company.clone(), validate::key(input.name.trim())), id);
                }
                Ok(())
            },
        )?;

        let mut products: HashMap<String, Imported> = HashMap::new();
        self.summary.products = self.each(
            dir,
            "products.csv",
            &["id", "company_id", "sku", "name", "price", "product_type"],
            |tx, r| {
                let key = r.id("id", &products)?;
                let company = r.reference("company_id", &companies, "company")?.clone();
                // A type the file does not define has no threshold of its own: the product
                // falls back to the company default, as if it had no type.
                let product_type_id = types
                    .get(&(company.clone(), validate::key(r.get("product_type").trim())))
                    .cloned();
                let price = parse_money("price", r.get("price")).map_err(|e| r.wrap("price", e))?;
                let input = ProductInput {
                    sku: r.get("sku").to_owned(),
                    name: r.name("name"),
                    price: r.get("price").to_owned(),
                    product_type_id,
                    ..Default::default()
                };
                let id = catalog::insert_product_input(tx, &company, &input)
                    .map_err(|e| r.wrap("sku", e))?;
                products.insert(
                    key,
                    Imported {
                        id,
                        company_id: company,
                        price,
                    },
                );
                Ok(())
            },
        )?;

        let mut suppliers: HashMap<String, String> = HashMap::new();
        self.summary.suppliers = self.each(
            dir,
            "suppliers.csv",
            &["id", "company_id", "name", "contact_email"],
            |tx, r| {
                let key = r.id("id", &suppliers)?;
                let company = r.reference("company_id", &companies, "company")?;
                let input = SupplierInput {
                    name: r.name("name"),
                    contact_email: r.get("contact_email").to_owned(),
                    ..Default::default()
                };
                let id = purchasing::insert_supplier(tx, company, &input)
                    .map_err(|e| r.wrap("name", e))?;
                suppliers.insert(key, id);
                Ok(())
            },
        )?;

        let mut links = HashSet::new();
        self.summary.product_suppliers = self.each(
            dir,
            "product_suppliers.csv",
            &[
                "product_id",
                "supplier_id",
                "lead_time_days",
                "unit_cost",
                "is_preferred",
            ],
            |tx, r| {
                let product = r.reference("product_id", &products, "product")?;
                let supplier = r.reference("supplier_id", &suppliers, "supplier")?;
                once(
                    &mut links,
                    r,
                    (&product.id, supplier),
                    "supplier_id",
                    "this product and supplier",
                )?;
                let preferred = match r.get("is_preferred").trim() {
                    "1" | "true" => true,
                    "0" | "false" | "" => false,
                    other => {
                        return Err(r.error("is_preferred", format!("\"{other}\" is not 0 or 1")))
                    }
                };
                let input = ProductSupplierInput {
                    lead_time_days: r.int("lead_time_days")?,
                    unit_cost: r.get("unit_cost").to_owned(),
                    preferred,
                    ..Default::default()
                };
                purchasing::upsert_link(tx, &product.id, supplier, &input)
                    .map_err(|e| r.wrap("supplier_id", e))?;
                Ok(())
            },
        )?;

        let mut thresholds = HashSet::new();
        self.summary.thresholds = self.each(dir, "thresholds.csv", &["product_id", "warehouse_id", "threshold"], |tx, r| {
            let product = r.reference("product_id", &products, "product")?;
            once(&mut thresholds, r, (&product.id, r.get("warehouse_id").trim()), "warehouse_id", "a threshold for this product and warehouse")?;
            let threshold = validate::threshold("threshold", r.int("threshold")?).map_err(|e| r.wrap("threshold", e))?;
            // A threshold is a field of its product (the warehouse ones a set of it): a change
            // of the product, stamped and queued like any.
            let before = tx.before(sync::Entity::Product, &product.id)?;
            let hlc = tx.stamp();
            if r.get("warehouse_id").trim().is_empty() {
                tx.conn.execute(
                    "UPDATE products SET threshold = ?2, updated_hlc = ?3 WHERE id = ?1",
                    (&product.id, threshold, &hlc),
                )?;
            } else {
                let (warehouse, company) = r.reference("warehouse_id", &warehouses, "warehouse")?;
                if *company != product.company_id {
                    return Err(r.error("warehouse_id", "the warehouse belongs to another company than the product"));
                }
                tx.conn.execute(
                    "INSERT INTO product_warehouse_thresholds (product_id, warehouse_id, threshold, updated_hlc)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (product_id, warehouse_id) DO UPDATE SET threshold = excluded.threshold,
                         updated_hlc = excluded.updated_hlc",
                    (&product.id, warehouse, threshold, &hlc),
                )?;
                tx.conn.execute("UPDATE products SET updated_hlc = ?2 WHERE id = ?1", (&product.id, &hlc))?;
            }
            tx.updated(sync::Entity::Product, &product.id, &hlc, before)?;
            Ok(())
        })?;

        let sales_bytes = std::fs::metadata(dir.join("sales.csv")).map_or(0, |m| m.len());
        let deferred = DeferredIndexes::drop_if_worth_it(self.tx, sales_bytes)?;
        let mut history = sales::HistoricalSales::default();
        self.summary.sales = self.each(
            dir,
            "sales.csv",
            &["id", "product_id", "warehouse_id", "quantity", "sold_at"],
            |tx, r| {
                let product = r.reference("product_id", &products, "product")?;
                let (warehouse, company) = r.reference("warehouse_id", &warehouses, "warehouse")?;
                if *company != product.company_id {
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
                    company,
                    warehouse,
                    &product.id,
                    quantity,
                    product.price,
                    &sold_at,
                )
            },
        )?;

        history.finish(self.tx)?;
        // Counting the inventory reads movements per product and warehouse: that index first,
        // the others once the counts are in too.
        let mut deferred = deferred;
        deferred.rebuild_now(self.tx, "stock_movements_product_warehouse")?;

        // Inventory last: counts as of now, after every imported sale.
        let mut counted = HashSet::new();
        self.summary.inventory = self.each(
            dir,
            "inventory.csv",
            &["product_id", "warehouse_id", "quantity"],
            |tx, r| {
                let product = r.reference("product_id", &products, "product")?;
                let (warehouse, company) = r.reference("warehouse_id", &warehouses, "warehouse")?;
                if *company != product.company_id {
                    return Err(r.error(
                        "warehouse_id",
                        "the warehouse belongs to another company than the product",
                    ));
                }
                once(
                    &mut counted,
                    r,
                    (&product.id, warehouse),
                    "warehouse_id",
                    "a quantity on hand for this product and warehouse",
                )?;
                let quantity = r.int("quantity")?;
                if !(0..=validate::MAX_QUANTITY).contains(&quantity) {
                    return Err(r.error("quantity", "a quantity on hand is zero or more"));
                }
                stock::record(
                    tx,
                    &NewMovement {
                        company_id: company,
                        product_id: &product.id,
                        warehouse_id: warehouse,
                        kind: MovementKind::Count,
                        quantity,
                        reason: None,
                        reference: Some(("import", "inventory.csv")),
                        note: None,
                        occurred_at: None,
                    },
                )?;
                Ok(())
            },
        )?;
        deferred.rebuild(self.tx)
    }
}

/// The secondary indexes of the tables a large sales file fills, dropped while its rows go in
/// and built again after them, inside the import's transaction (a failed import rolls the
/// drop back too). One sort per index instead of a million inserts at random places in it.
struct DeferredIndexes(Vec<String>);

impl DeferredIndexes {
    /// Below this many sales, or fewer than the movements already stored, inserting into the
    /// indexes is cheaper than building them again.
    const MIN_ROWS: u64 = 20_000;
    /// Bytes of `sales.csv` per row, about.
    const BYTES_PER_SALE: u64 = 64;

    fn drop_if_worth_it(tx: &Tx<'_>, sales_bytes: u64) -> Result<DeferredIndexes> {
        let rows = sales_bytes / Self::BYTES_PER_SALE;
        let stored: i64 = tx.conn.query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM stock_movements",
            [],
            |r| r.get(0),
        )?;
        if rows < Self::MIN_ROWS || rows < u64::try_from(stored).unwrap_or(u64::MAX) {
            return Ok(DeferredIndexes(Vec::new()));
        }
        // Unique indexes stay (they are constraints); so do partial indexes that sales never
        // enter but the import reads (the latest count of a pair).
        let mut stmt = tx.conn.prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
               AND tbl_name IN ('stock_movements', 'sales', 'sale_lines')
               AND name NOT IN ('stock_movements_counts', 'stock_movements_reason_time')",
        )?;
        let indexes: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &indexes {
            tx.conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        }
        tracing::info!(count = indexes.len(), "import: indexes deferred");
        Ok(DeferredIndexes(
            indexes.into_iter().map(|(_, sql)| sql).collect(),
        ))
    }

    /// Builds one of the deferred indexes now (if it was deferred).
    fn rebuild_now(&mut self, tx: &Tx<'_>, name: &str) -> Result<()> {
        let named = format!("CREATE INDEX {name} ");
        if let Some(i) = self.0.iter().position(|sql| sql.starts_with(&named)) {
            tx.conn.execute_batch(&self.0.remove(i))?;
        }
        Ok(())
    }

    fn rebuild(self, tx: &Tx<'_>) -> Result<()> {
        for sql in &self.0 {
            tx.conn.execute_batch(sql)?;
        }
        Ok(())
    }
}
