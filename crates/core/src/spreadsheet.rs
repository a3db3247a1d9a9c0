//! Importing products from one spreadsheet (a CSV file): SKU, name, price, cost, barcode,
//! type, and a quantity per warehouse (`qty:Main Store`). The user's headers are mapped to our
//! fields (guessed from their names, overridden by the caller); a preview validates every row
//! and marks every bad cell; the import writes all rows in one transaction or nothing.
//!
//! Existing SKUs are **refused**, not updated: a spreadsheet import creates products and their
//! opening stock (movements of kind `opening`), and a row whose SKU is already in the catalog is
//! an error at its cell ("edit it in Products instead"). Updating would have to decide what a
//! quantity column means for a product that already has a ledger; refusing keeps the file's
//! meaning single.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::auth::Action;
use crate::catalog::insert_product_input;
use crate::csv_file::CsvFile;
use crate::db::{Store, Tx};
use crate::error::{Error, Result};
use crate::model::{InitialStock, ProductInput};
use crate::money::parse_money;
use crate::validate::{self, MAX_QUANTITY};

/// How many rows a preview returns (every row is still validated).
pub const PREVIEW_ROWS: usize = 20;
/// How many cell errors a preview lists at most.
pub const MAX_ERRORS: usize = 200;

/// One header of the file and the field it fills: `sku`, `name`, `price`, `cost`, `barcode`,
/// `type`, `qty:<warehouse name>`, or `None` (the column is ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ColumnMapping {
    pub header: String,
    pub field: Option<String>,
}

/// A bad cell: the file, the line, the header of the column, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CellError {
    pub file: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub line: u64,
    /// The file's header of the column, or `row` for the row as a whole.
    pub column: String,
    pub code: String,
    pub message: String,
}

/// A row as the file has it, with its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SpreadsheetRow {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub line: u64,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SpreadsheetPreview {
    pub file: String,
    pub headers: Vec<String>,
    /// One per header, in file order: the mapping used (guessed or given).
    pub mapping: Vec<ColumnMapping>,
    /// The first rows of the file.
    pub rows: Vec<SpreadsheetRow>,
    pub total_rows: usize,
    /// Every bad cell (up to `MAX_ERRORS`), in file order. Empty: the file imports.
    pub errors: Vec<CellError>,
    /// All errors, even beyond those listed.
    pub error_count: usize,
    /// The fields that must be mapped and are not (`sku`, `name`, `price`).
    pub missing_fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SpreadsheetSummary {
    pub products: usize,
    /// Opening stock movements written (one per product and warehouse with a quantity).
    pub stock_lines: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub units: i64,
    /// Whether nothing was written (`dry_run`).
    pub dry_run: bool,
}

const REQUIRED: [&str; 3] = ["sku", "name", "price"];
const SCALAR_FIELDS: [&str; 6] = ["sku", "name", "price", "cost", "barcode", "type"];

/// A header reduced for comparison: lowercase letters and digits only.
fn squash(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The field a header most likely means, from its name (English and a few common
/// languages), or a warehouse of the company for quantity columns.
pub(crate) fn guess_field(header: &str, warehouses: &[(String, String)]) -> Option<String> {
    const SYNONYMS: [(&str, &[&str]); 6] = [
        (
            "sku",
            &[
                "sku",
                "skucode",
                "code",
                "itemcode",
                "productcode",
                "article",
                "articlenumber",
                "artikel",
                "artikelnummer",
                "artnr",
                "ref",
                "reference",
                "référence",
                "partnumber",
                "itemno",
                "itemnumber",
                "codigo",
                "código",
                "codice",
                "référenceproduit",
            ],
        ),
        (
            "name",
            &[
                "name",
                "productname",
                "itemname",
                "product",
                "item",
                "description",
                "title",
                "nom",
                "nombre",
                "nome",
                "bezeichnung",
                "designation",
                "désignation",
                "libellé",
                "libelle",
                "artikelname",
                "produkt",
                "producto",
                "produit",
            ],
        ),
        (
            "price",
            &[
                "price",
                "saleprice",
                "sellingprice",
                "retailprice",
                "unitprice",
                "salesprice",
                "prix",
                "prixdevente",
                "precio",
                "preis",
                "verkaufspreis",
                "vk",
                "prezzo",
                "rrp",
                "msrp",
            ],
        ),
        (
            "cost",
            &[
                "cost",
                "costprice",
                "purchaseprice",
                "buyprice",
                "unitcost",
                "coût",
                "cout",
                "prixdachat",
                "costo",
                "coste",
                "preciodecompra",
                "einkaufspreis",
                "ek",
                "kosten",
            ],
        ),
        (
            "barcode",
            &[
                "barcode",
                "ean",
                "ean13",
                "upc",
                "gtin",
                "codebarre",
                "codebarres",
                "codigodebarras",
                "códigodebarras",
                "strichcode",
                "barcodenumber",
            ],
        ),
        (
            "type",
            &[
                "type",
                "producttype",
                "category",
                "categorie",
                "catégorie",
                "categoria",
                "categoría",
                "kategorie",
                "group",
                "productgroup",
                "warengruppe",
                "tipo",
                "famille",
                "family",
            ],
        ),
    ];
    let squashed = squash(header);
    for (field, names) in SYNONYMS {
        if names.iter().any(|n| squash(n) == squashed) {
            return Some(field.to_owned());
        }
    }
    // Quantity columns: `qty:Main Store`, `Quantity Main Store`, `Main Store qty`, `Main Store`.
    let words = [
        "qty",
        "quantity",
        "stock",
        "onhand",
        "menge",
        "bestand",
        "cantidad",
        "quantité",
        "quantite",
        "qté",
        "qte",
    ];
    let lower = header.trim().to_lowercase();
    // The template's own form names its warehouse: an unknown one is an error, not ignored.
    if lower.starts_with("qty:")
        && !warehouses
            .iter()
            .any(|(_, n)| squash(n) == squash(&lower[4..]))
    {
        return Some(format!("qty:{}", header.trim()[4..].trim()));
    }
    let rest = lower
        .strip_prefix("qty:")
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let mut s = squashed.clone();
            for w in words {
                let w = squash(w);
                if let Some(r) = s.strip_prefix(&w) {
                    s = r.to_owned();
                    break;
                }
                if let Some(r) = s.strip_suffix(&w) {
                    s = r.to_owned();
                    break;
                }
            }
            s
        });
    let rest = squash(&rest);
    if let Some((_, name)) = warehouses.iter().find(|(_, name)| squash(name) == rest) {
        return Some(format!("qty:{name}"));
    }
    // A bare "Quantity" when there is only one warehouse.
    if rest.is_empty() && warehouses.len() == 1 {
        return Some(format!("qty:{}", warehouses[0].1));
    }
    None
}

/// One column's role, resolved against the company.
#[derive(Clone)]
enum Target {
    Field(&'static str),
    Quantity { warehouse_id: String },
}

/// A validated row, ready to write.
struct ValidRow {
    line: u64,
    input: ProductInput,
    cost: Option<Decimal>,
    /// Which header each field came from, to name the cell of an error found while writing.
    columns: HashMap<&'static str, String>,
}

/// Everything read from the file.
struct Reading {
    file: String,
    headers: Vec<String>,
    mapping: Vec<ColumnMapping>,
    rows: Vec<SpreadsheetRow>,
    total_rows: usize,
    errors: Vec<CellError>,
    missing_fields: Vec<String>,
    valid: Vec<ValidRow>,
}

fn cell_error(file: &str, line: u64, column: &str, error: &Error) -> CellError {
    let message = match error {
        Error::Conflict { field, value, .. } if field == "sku" => format!(
            "a product with SKU \"{value}\" already exists: this import creates products only, edit it in Products instead"
        ),
        Error::Conflict { field, value, .. } if field == "barcode" => {
            format!("another product already has the barcode \"{value}\"")
        }
        Error::Validation { reason, .. } => reason.clone(),
        other => other.to_string(),
    };
    CellError {
        file: file.to_owned(),
        line,
        column: column.to_owned(),
        code: error.code().to_owned(),
        message,
    }
}

impl CellError {
    fn into_error(self) -> Error {
        let field = if self.column.is_empty() {
            "file".to_owned()
        } else {
            self.column.clone()
        };
        Error::Import {
            file: self.file,
            line: self.line,
            column: self.column,
            source: Box::new(if self.code == "conflict" {
                Error::Refused {
                    field,
                    reason: self.message,
                }
            } else {
                Error::validation(field, self.message)
            }),
        }
    }
}

/// A wrapped spreadsheet cell (a quoted line break) is one line: its lines joined by a space,
/// as the interchange import reads names.
fn one_line(value: &str) -> String {
    value
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn warehouses_of(conn: &Connection, company_id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM warehouses WHERE company_id = ?1 AND archived = 0 ORDER BY name",
    )?;
    let rows = stmt.query_map([company_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn type_id(conn: &Connection, company_id: &str, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM product_types WHERE company_id = ?1 AND sf_key(name) = sf_key(?2)",
        )?
        .query_row((company_id, name), |r| r.get(0))
        .optional()?)
}

fn taken(conn: &Connection, company_id: &str, column: &str, value: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM products WHERE company_id = ?1 AND {column} = sf_key(?2))"
        ))?
        .query_row((company_id, value), |r| r.get(0))?)
}

/// Parses `--map` style overrides (`HEADER=field`) into a header → field map; `ignore` or an
/// empty field leaves the column out.
pub fn parse_overrides(pairs: &[String]) -> Result<Vec<ColumnMapping>> {
    pairs
        .iter()
        .map(|pair| {
            let (header, field) = pair.rsplit_once('=').ok_or_else(|| {
                Error::validation(
                    "map",
                    format!("\"{pair}\" is not HEADER=field (e.g. \"Item code=sku\")"),
                )
            })?;
            let field = field.trim();
            Ok(ColumnMapping {
                header: header.trim().to_owned(),
                field: (!field.is_empty() && field != "ignore").then(|| field.to_owned()),
            })
        })
        .collect()
}

fn read(
    conn: &Connection,
    company_id: &str,
    path: &Path,
    overrides: &[ColumnMapping],
) -> Result<Reading> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let rename = |e: Error| match e {
        Error::Import {
            line,
            column,
            source,
            ..
        } => Error::Import {
            file: file_name.clone(),
            line,
            column,
            source,
        },
        other => other,
    };
    let input = File::open(path).map_err(|e| {
        Error::validation(
            "file",
            format!("The file {} cannot be opened: {e}", path.display()),
        )
    })?;
    let mut csv = CsvFile::open("spreadsheet", BufReader::new(input), &[]).map_err(rename)?;
    let headers = csv.header().to_vec();
    if headers.is_empty() {
        return Err(Error::Import {
            file: file_name.clone(),
            line: 1,
            column: "sku".into(),
            source: Box::new(Error::validation(
                "file",
                "the file is empty: its first line names the columns (start from the template)",
            )),
        });
    }
    let warehouses = warehouses_of(conn, company_id)?;

    // The mapping: given overrides first, then guesses; a field is taken by one column only.
    for o in overrides {
        if !headers.iter().any(|h| h == &o.header) {
            return Err(Error::validation(
                "map",
                format!(
                    "the file has no column \"{}\" (its columns: {})",
                    o.header,
                    headers.join(", ")
                ),
            ));
        }
    }
    let mut used: HashSet<String> = HashSet::new();
    let mut mapping: Vec<ColumnMapping> = Vec::new();
    for h in &headers {
        let field = match overrides.iter().find(|o| &o.header == h) {
            Some(o) => o.field.clone(),
            None => guess_field(h, &warehouses).filter(|f| {
                !used.contains(f) && !overrides.iter().any(|o| o.field.as_ref() == Some(f))
            }),
        };
        if let Some(f) = &field {
            if !used.insert(f.clone()) {
                return Err(Error::validation(
                    "map",
                    format!("two columns are mapped to {f}: map one of them to another field or ignore it"),
                ));
            }
        }
        mapping.push(ColumnMapping {
            header: h.clone(),
            field,
        });
    }
    let mut targets: Vec<Option<Target>> = Vec::new();
    for m in &mapping {
        targets.push(match m.field.as_deref() {
            None => None,
            Some(f) => {
                if let Some(&known) = SCALAR_FIELDS.iter().find(|&&k| k == f) {
                    Some(Target::Field(known))
                } else if let Some(w) = f.strip_prefix("qty:") {
                    let key = validate::key(w.trim());
                    match warehouses.iter().find(|(_, n)| validate::key(n) == key) {
                        Some((id, _)) => Some(Target::Quantity {
                            warehouse_id: id.clone(),
                        }),
                        None => {
                            return Err(Error::Import {
                                file: file_name.clone(),
                                line: 1,
                                column: m.header.clone(),
                                source: Box::new(Error::validation(
                                    m.header.clone(),
                                    format!(
                                        "there is no open warehouse \"{}\" (warehouses: {})",
                                        w.trim(),
                                        warehouses
                                            .iter()
                                            .map(|(_, n)| n.as_str())
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    ),
                                )),
                            });
                        }
                    }
                } else {
                    return Err(Error::validation(
                        "map",
                        format!(
                            "\"{f}\" is not a field: use sku, name, price, cost, barcode, type, qty:WAREHOUSE or ignore"
                        ),
                    ));
                }
            }
        });
    }
    let missing_fields: Vec<String> = REQUIRED
        .iter()
        .filter(|f| !used.contains(**f))
        .map(|f| f.to_string())
        .collect();

    let mut rows = Vec::new();
    let mut total_rows = 0;
    let mut errors = Vec::new();
    let mut valid = Vec::new();
    let mut seen_sku: HashMap<String, u64> = HashMap::new();
    let mut seen_barcode: HashMap<String, u64> = HashMap::new();
    let mut types: HashMap<String, Option<String>> = HashMap::new();
    while let Some(record) = csv.next().map_err(rename)? {
        total_rows += 1;
        let line = record.line;
        let cells: Vec<String> = headers.iter().map(|h| record.get(h).to_owned()).collect();
        if rows.len() < PREVIEW_ROWS {
            rows.push(SpreadsheetRow {
                line,
                cells: cells.clone(),
            });
        }
        if !missing_fields.is_empty() {
            continue;
        }
        let mut row_errors: Vec<CellError> = Vec::new();
        let mut columns: HashMap<&'static str, String> = HashMap::new();
        let mut input = ProductInput {
            sku: String::new(),
            name: String::new(),
            price: String::new(),
            barcode: None,
            product_type_id: None,
            threshold: None,
            warehouse_thresholds: Vec::new(),
            initial_stock: Vec::new(),
            // The cost goes in through `write_cost`.
            cost: None,
        };
        let mut cost = None;
        for ((header, target), value) in headers.iter().zip(&targets).zip(&cells) {
            let value = value.trim();
            let mut fail = |e: Error| row_errors.push(cell_error(&file_name, line, header, &e));
            match target {
                None => {}
                Some(Target::Field(field)) => {
                    columns.insert(field, header.clone());
                    match *field {
                        "sku" => match validate::code("sku", "SKU", value) {
                            Ok(sku) => {
                                let key = validate::key(&sku);
                                if let Some(first) = seen_sku.get(&key) {
                                    fail(Error::validation(
                                        "sku",
                                        format!("the SKU \"{sku}\" is already on line {first} of this file"),
                                    ));
                                } else {
                                    seen_sku.insert(key, line);
                                    if taken(conn, company_id, "sku_key", &sku)? {
                                        fail(Error::Conflict {
                                            entity: crate::error::Entity::Product,
                                            field: "sku".into(),
                                            value: sku.clone(),
                                        });
                                    }
                                }
                                input.sku = sku;
                            }
                            Err(e) => fail(e),
                        },
                        "name" => match validate::required(
                            "name",
                            "Product name",
                            &one_line(value),
                            validate::MAX_NAME,
                        ) {
                            Ok(name) => input.name = name,
                            Err(e) => fail(e),
                        },
                        "price" => match parse_money("price", value) {
                            Ok(_) => input.price = value.to_owned(),
                            Err(e) => fail(e),
                        },
                        "cost" if !value.is_empty() => match parse_money("cost", value) {
                            Ok(c) => cost = Some(c),
                            Err(e) => fail(e),
                        },
                        "barcode" if !value.is_empty() => {
                            match validate::code("barcode", "Barcode", value) {
                                Ok(b) => {
                                    let key = validate::key(&b);
                                    if let Some(first) = seen_barcode.get(&key) {
                                        fail(Error::validation(
                                            "barcode",
                                            format!("the barcode \"{b}\" is already on line {first} of this file"),
                                        ));
                                    } else {
                                        seen_barcode.insert(key, line);
                                        if taken(conn, company_id, "barcode_key", &b)? {
                                            fail(Error::Conflict {
                                                entity: crate::error::Entity::Product,
                                                field: "barcode".into(),
                                                value: b.clone(),
                                            });
                                        }
                                    }
                                    input.barcode = Some(b);
                                }
                                Err(e) => fail(e),
                            }
                        }
                        "type" if !value.is_empty() => {
                            let id = match types.get(&validate::key(value)) {
                                Some(id) => id.clone(),
                                None => {
                                    let id = type_id(conn, company_id, value)?;
                                    types.insert(validate::key(value), id.clone());
                                    id
                                }
                            };
                            match id {
                                Some(id) => input.product_type_id = Some(id),
                                None => fail(Error::validation(
                                    "type",
                                    format!("there is no product type \"{value}\": add it in Products > Types first, or leave the cell empty"),
                                )),
                            }
                        }
                        _ => {}
                    }
                }
                Some(Target::Quantity { warehouse_id }) if !value.is_empty() => {
                    match value.parse::<i64>() {
                        Ok(q) if (0..=MAX_QUANTITY).contains(&q) => {
                            input.initial_stock.push(InitialStock {
                                warehouse_id: warehouse_id.clone(),
                                quantity: q,
                            })
                        }
                        Ok(_) => fail(Error::validation(
                            "quantity",
                            format!("a quantity is a whole number from 0 to {MAX_QUANTITY}"),
                        )),
                        Err(_) => fail(Error::validation(
                            "quantity",
                            format!("\"{value}\" is not a whole number of units"),
                        )),
                    }
                }
                Some(Target::Quantity { .. }) => {}
            }
        }
        if row_errors.is_empty() {
            valid.push(ValidRow {
                line,
                input,
                cost,
                columns,
            });
        } else {
            errors.extend(row_errors);
        }
    }
    Ok(Reading {
        file: file_name,
        headers,
        mapping,
        rows,
        total_rows,
        errors,
        missing_fields,
        valid,
    })
}

/// Writes a spreadsheet row's cost price on the product just inserted in this transaction.
/// No outbox step of its own: the insert's entry (same row, same HLC) sends the whole row as
/// it is when it goes out, cost included. An empty cost cell leaves the cost unknown.
fn write_cost(tx: &mut Tx<'_>, product_id: &str, cost: Option<Decimal>) -> Result<()> {
    if let Some(cost) = cost {
        tx.conn
            .prepare_cached("UPDATE products SET cost = ?2 WHERE id = ?1")?
            .execute((product_id, cost.to_string()))?;
    }
    Ok(())
}

impl Store {
    /// The columns of an empty spreadsheet for the company: `sku,name,price,cost,barcode,type`
    /// and `qty:<warehouse>` for each open warehouse. It imports cleanly once rows are added.
    pub fn spreadsheet_template(&self, company_id: &str) -> Result<String> {
        self.authorize(company_id, Action::Read)?;
        crate::lookup::get_company(&self.conn, company_id)?;
        let mut header: Vec<String> = SCALAR_FIELDS.iter().map(|f| f.to_string()).collect();
        for (_, name) in warehouses_of(&self.conn, company_id)? {
            header.push(format!("qty:{name}"));
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&header)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let bytes = w.into_inner().map_err(|e| Error::Internal(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
    }

    /// Writes [`Store::spreadsheet_template`] to `path` (chosen in a save dialog, which has
    /// asked about replacing a file already there).
    pub fn save_spreadsheet_template(&self, company_id: &str, path: &Path) -> Result<()> {
        let csv = self.spreadsheet_template(company_id)?;
        std::fs::write(path, csv).map_err(|e| {
            Error::validation(
                "path",
                format!("The template cannot be written to {}: {e}", path.display()),
            )
        })
    }

    /// Reads and validates the whole file without writing: the mapping used, the first rows,
    /// and every bad cell.
    pub fn preview_spreadsheet(
        &self,
        company_id: &str,
        path: &Path,
        mapping: &[ColumnMapping],
    ) -> Result<SpreadsheetPreview> {
        self.authorize(company_id, Action::Import)?;
        crate::lookup::get_company(&self.conn, company_id)?;
        let r = read(&self.conn, company_id, path, mapping)?;
        let error_count = r.errors.len();
        let mut errors = r.errors;
        errors.truncate(MAX_ERRORS);
        Ok(SpreadsheetPreview {
            file: r.file,
            headers: r.headers,
            mapping: r.mapping,
            rows: r.rows,
            total_rows: r.total_rows,
            errors,
            error_count,
            missing_fields: r.missing_fields,
        })
    }

    /// Creates every product of the file with its opening stock, in one transaction; any bad
    /// cell refuses the whole file (the first one is the error: file, line, column) and writes
    /// nothing. `dry_run` validates only.
    pub fn import_spreadsheet(
        &mut self,
        company_id: &str,
        path: &Path,
        mapping: &[ColumnMapping],
        dry_run: bool,
    ) -> Result<SpreadsheetSummary> {
        self.authorize(company_id, Action::Import)?;
        crate::lookup::get_company(&self.conn, company_id)?;
        let r = read(&self.conn, company_id, path, mapping)?;
        if let Some(field) = r.missing_fields.first() {
            return Err(Error::validation(
                "map",
                format!(
                    "no column is mapped to {field}: map one (e.g. --map \"Item code=sku\"); {} must be mapped",
                    REQUIRED.join(", ")
                ),
            ));
        }
        if let Some(first) = r.errors.into_iter().next() {
            return Err(first.into_error());
        }
        let summary = SpreadsheetSummary {
            products: r.valid.len(),
            stock_lines: r
                .valid
                .iter()
                .map(|v| {
                    v.input
                        .initial_stock
                        .iter()
                        .filter(|s| s.quantity > 0)
                        .count()
                })
                .sum(),
            units: r
                .valid
                .iter()
                .flat_map(|v| v.input.initial_stock.iter().map(|s| s.quantity))
                .sum(),
            dry_run,
        };
        if dry_run {
            return Ok(summary);
        }
        let file = r.file;
        self.write(|tx| {
            for row in &r.valid {
                let id = insert_product_input(tx, company_id, &row.input).map_err(|e| {
                    let column = e
                        .field()
                        .and_then(|f| row.columns.get(f).cloned())
                        .unwrap_or_else(|| "row".to_owned());
                    cell_error(&file, row.line, &column, &e).into_error()
                })?;
                write_cost(tx, &id, row.cost)?;
            }
            Ok(())
        })?;
        Ok(summary)
    }
}
