//! A company's data out to files (issue #15): the CSV interchange format of
//! `../shared/bench/README.md`, which `import` reads back into the same catalog, stock and
//! alerts.
//!
//! What the format cannot say is left out, on purpose and in the open: kits (no recipes in
//! the format) and archived products and warehouses (it has no archived flag: brought back
//! they would be active and could alert), returns (the format's sales are positive
//! quantities; alerts of the re-imported data count the sales without their returns),
//! negative on hand (written as 0: the import takes no negative counts), and the company's
//! settings other than its default threshold, which goes in an extra `default_threshold`
//! column of `companies.csv` that the import reads when present (and its currency, in `currency`).
//!
//! Everything is read in one read transaction: the files are one instant of the database.

use std::io::Write;
use std::path::Path;

use crate::auth::Action;
use crate::db::Store;
use crate::error::{Error, Result};
use crate::import::{ImportSummary, FILES};

/// One CSV file being written: values quoted when they need it, lines ended by `\n`.
pub(crate) struct CsvWriter {
    out: std::io::BufWriter<std::fs::File>,
    path: std::path::PathBuf,
    rows: u64,
}

impl CsvWriter {
    pub(crate) fn create(path: &Path, bom: bool, header: &[&str]) -> Result<CsvWriter> {
        let file = std::fs::File::create(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut w = CsvWriter {
            out: std::io::BufWriter::new(file),
            path: path.to_path_buf(),
            rows: 0,
        };
        if bom {
            w.raw("\u{feff}")?;
        }
        w.row(header)?;
        w.rows = 0;
        Ok(w)
    }

    fn raw(&mut self, text: &str) -> Result<()> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|source| Error::Io {
                path: self.path.display().to_string(),
                source,
            })
    }

    pub(crate) fn row<S: AsRef<str>>(&mut self, fields: &[S]) -> Result<()> {
        let mut line = String::new();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            line.push_str(&quote(field.as_ref()));
        }
        line.push('\n');
        self.rows += 1;
        self.raw(&line)
    }

    pub(crate) fn finish(mut self) -> Result<u64> {
        self.out.flush().map_err(|source| Error::Io {
            path: self.path.display().to_string(),
            source,
        })?;
        Ok(self.rows)
    }
}

/// A CSV value: quoted when it holds a comma, a quote or a line break (quotes doubled).
/// Line breaks become spaces: the import reads one row per line.
pub(crate) fn quote(value: &str) -> String {
    let value = value.replace(['\r', '\n'], " ");
    if value.contains([',', '"']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

impl Store {
    /// Writes the company into `dir` in the interchange format (the folder is created if
    /// absent; one that already holds any of the format's files is refused, nothing written).
    /// Returns the rows written per file.
    pub fn export_company(&self, company_id: &str, dir: &Path) -> Result<ImportSummary> {
        self.authorize(company_id, Action::Export)?;
        let company = crate::lookup::get_company(&self.conn, company_id)?;
        if dir.exists() && !dir.is_dir() {
            return Err(Error::validation(
                "dir",
                format!("{} is a file, not a folder.", dir.display()),
            ));
        }
        if let Some(existing) = FILES.iter().find(|f| dir.join(f).exists()) {
            return Err(Error::validation(
                "dir",
                format!(
                    "The folder already holds {existing}: choose an empty folder for the export."
                ),
            ));
        }
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        // One instant of the database for every file.
        let tx = self.conn.unchecked_transaction()?;
        let conn: &rusqlite::Connection = &tx;
        let mut summary = ImportSummary::default();
        let file = |name: &str| dir.join(name);

        let mut w = CsvWriter::create(
            &file("companies.csv"),
            false,
            &["id", "name", "default_threshold", "currency"],
        )?;
        w.row(&[
            company.id.clone(),
            company.name.clone(),
            company.default_threshold.to_string(),
            company.currency.clone(),
        ])?;
        summary.companies = w.finish()?;

        let each = |sql: &str, w: &mut CsvWriter, columns: usize| -> Result<()> {
            let mut stmt = conn.prepare(sql)?;
            let mut rows = stmt.query([company_id])?;
            while let Some(r) = rows.next()? {
                let mut fields = Vec::with_capacity(columns);
                for i in 0..columns {
                    let v: rusqlite::types::Value = r.get(i)?;
                    fields.push(match v {
                        rusqlite::types::Value::Null => String::new(),
                        rusqlite::types::Value::Integer(n) => n.to_string(),
                        rusqlite::types::Value::Real(x) => x.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        rusqlite::types::Value::Blob(_) => String::new(),
                    });
                }
                w.row(&fields)?;
            }
            Ok(())
        };
        // Products the format can carry: active, not kits.
        const PRODUCTS: &str = "p.company_id = ?1 AND p.archived = 0
             AND NOT EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id)";
        const WAREHOUSES: &str = "w.company_id = ?1 AND w.archived = 0";

        let mut w = CsvWriter::create(
            &file("warehouses.csv"),
            false,
            &["id", "company_id", "name"],
        )?;
        each(
            &format!("SELECT w.id, w.company_id, w.name FROM warehouses w WHERE {WAREHOUSES} ORDER BY w.name"),
            &mut w,
            3,
        )?;
        summary.warehouses = w.finish()?;

        let mut w = CsvWriter::create(
            &file("product_types.csv"),
            false,
            &["product_type", "default_threshold"],
        )?;
        each(
            "SELECT name, default_threshold FROM product_types WHERE company_id = ?1 ORDER BY name",
            &mut w,
            2,
        )?;
        summary.product_types = w.finish()?;

        let mut w = CsvWriter::create(
            &file("products.csv"),
            false,
            // The format's columns, then ours (readers of the format ignore extra columns).
            &[
                "id",
                "company_id",
                "sku",
                "name",
                "price",
                "product_type",
                "barcode",
                "cost",
            ],
        )?;
        each(
            &format!(
                "SELECT p.id, p.company_id, p.sku, p.name, p.price, COALESCE(t.name, ''),
                        COALESCE(p.barcode, ''), COALESCE(p.cost, '')
                 FROM products p LEFT JOIN product_types t ON t.id = p.product_type_id
                 WHERE {PRODUCTS} ORDER BY p.seq"
            ),
            &mut w,
            8,
        )?;
        summary.products = w.finish()?;

        let mut w = CsvWriter::create(
            &file("suppliers.csv"),
            false,
            &["id", "company_id", "name", "contact_email"],
        )?;
        each(
            "SELECT id, company_id, name, contact_email FROM suppliers
             WHERE company_id = ?1 AND archived = 0 ORDER BY name",
            &mut w,
            4,
        )?;
        summary.suppliers = w.finish()?;

        let mut w = CsvWriter::create(
            &file("product_suppliers.csv"),
            false,
            &[
                "product_id",
                "supplier_id",
                "lead_time_days",
                "unit_cost",
                "is_preferred",
            ],
        )?;
        each(
            &format!(
                "SELECT l.product_id, l.supplier_id, l.lead_time_days, l.unit_cost, l.preferred
                 FROM products p JOIN product_suppliers l ON l.product_id = p.id AND l.archived = 0
                 JOIN suppliers s ON s.id = l.supplier_id AND s.archived = 0
                 WHERE {PRODUCTS} ORDER BY p.seq, s.name"
            ),
            &mut w,
            5,
        )?;
        summary.product_suppliers = w.finish()?;

        let mut w = CsvWriter::create(
            &file("thresholds.csv"),
            false,
            &["product_id", "warehouse_id", "threshold"],
        )?;
        each(
            &format!(
                "SELECT p.id, '', p.threshold FROM products p
                 WHERE {PRODUCTS} AND p.threshold IS NOT NULL
                 UNION ALL
                 SELECT p.id, w.id, t.threshold FROM products p
                 JOIN product_warehouse_thresholds t ON t.product_id = p.id
                 JOIN warehouses w ON w.id = t.warehouse_id
                 WHERE {PRODUCTS} AND {WAREHOUSES}"
            ),
            &mut w,
            3,
        )?;
        summary.thresholds = w.finish()?;

        // Sales as the ledger has them: kits already as their components' units.
        let mut w = CsvWriter::create(
            &file("sales.csv"),
            false,
            &["id", "product_id", "warehouse_id", "quantity", "sold_at"],
        )?;
        each(
            &format!(
                "SELECT m.id, m.product_id, m.warehouse_id, -m.quantity, m.occurred_at
                 FROM stock_movements m JOIN products p ON p.id = m.product_id
                 JOIN warehouses w ON w.id = m.warehouse_id
                 WHERE m.company_id = ?1 AND m.kind = 'sale' AND m.quantity < 0
                   AND {PRODUCTS} AND {WAREHOUSES}
                 ORDER BY m.occurred_ms, m.seq"
            ),
            &mut w,
            5,
        )?;
        summary.sales = w.finish()?;

        let mut w = CsvWriter::create(
            &file("inventory.csv"),
            false,
            &["product_id", "warehouse_id", "quantity"],
        )?;
        each(
            &format!(
                "SELECT l.product_id, l.warehouse_id, MAX(l.on_hand, 0)
                 FROM stock_levels l JOIN products p ON p.id = l.product_id
                 JOIN warehouses w ON w.id = l.warehouse_id
                 WHERE {PRODUCTS} AND {WAREHOUSES} ORDER BY p.seq, w.name"
            ),
            &mut w,
            3,
        )?;
        summary.inventory = w.finish()?;
        tx.commit()?;
        Ok(summary)
    }
}
