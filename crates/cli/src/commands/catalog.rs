//! `company`, `warehouse`, `type` and `product`: the catalog.

use std::path::PathBuf;

use clap::Subcommand;
use stockflow_core::*;

use super::{parse_assignment, CompanyArg};
use crate::output::{self, Out, Table};

#[derive(Subcommand)]
pub(crate) enum CompanyCmd {
    Add {
        name: String,
        /// The ISO 4217 currency every amount is in (EUR, USD, GBP, JPY...); USD if not given.
        #[arg(long, value_name = "CODE")]
        currency: Option<String>,
    },
    List,
    /// Change a company's settings; what is not given stays as it is.
    Edit {
        /// Company name or id.
        company: String,
        #[arg(long, value_name = "N")]
        name: Option<String>,
        /// The ISO 4217 currency code.
        #[arg(long, value_name = "CODE")]
        currency: Option<String>,
        /// The address printed on orders and receipts (an empty one removes it; `\n` in
        /// the text starts a new line).
        #[arg(long, value_name = "TEXT")]
        address: Option<String>,
        #[arg(long, value_name = "TEXT")]
        phone: Option<String>,
        #[arg(long, value_name = "E")]
        email: Option<String>,
        /// A VAT, sales-tax or company registration number.
        #[arg(long = "tax-id", value_name = "TEXT")]
        tax_id: Option<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum WarehouseCmd {
    Add {
        #[command(flatten)]
        company: CompanyArg,
        name: String,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        address: Option<String>,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
        /// Include archived warehouses.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum TypeCmd {
    Add {
        #[command(flatten)]
        company: CompanyArg,
        name: String,
        /// Default low-stock threshold for products of this type.
        #[arg(long, value_name = "N")]
        threshold: i64,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
    },
}

#[derive(Subcommand)]
pub(crate) enum ProductCmd {
    /// Products from one spreadsheet CSV (SKU, name, price, cost, barcode, type, a quantity
    /// per warehouse), all or nothing; see `product template`.
    Import {
        #[command(flatten)]
        company: CompanyArg,
        /// The CSV file (save a spreadsheet as "CSV UTF-8").
        file: PathBuf,
        /// A column's field, repeatable: HEADER=FIELD, FIELD one of sku, name, price, cost,
        /// barcode, type, qty:WAREHOUSE or ignore. Other columns are guessed from their header.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
        /// Check the whole file and print what would be imported; write nothing.
        #[arg(long, conflicts_with = "preview")]
        dry_run: bool,
        /// Print the column mapping, the first rows and every bad cell; write nothing
        /// (exit 0 even when the file has errors: `error_count` says how many).
        #[arg(long)]
        preview: bool,
    },
    /// The header line of a spreadsheet that `product import` reads, for the company's
    /// warehouses.
    Template {
        #[command(flatten)]
        company: CompanyArg,
        /// Write it to this new file instead of printing it.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    Add {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long)]
        sku: String,
        #[arg(long)]
        name: String,
        /// Unit price, a decimal such as 19.99.
        #[arg(long, value_name = "P", allow_hyphen_values = true)]
        price: String,
        /// Cost price, a decimal such as 7.40.
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        cost: Option<String>,
        /// Product type name or id.
        #[arg(long = "type", value_name = "T")]
        product_type: Option<String>,
        #[arg(long, value_name = "B")]
        barcode: Option<String>,
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        threshold: Option<i64>,
        /// Opening stock, repeatable: WAREHOUSE=QTY.
        #[arg(long = "stock", value_name = "WAREHOUSE=QTY", value_parser = parse_assignment)]
        stock: Vec<(String, i64)>,
    },
    /// Change a product's catalog fields; what is not given stays as it is.
    Edit {
        #[command(flatten)]
        company: CompanyArg,
        /// The product's current SKU.
        sku: String,
        /// A new SKU (for a product that lost its SKU to another in sync, say).
        #[arg(long, value_name = "SKU")]
        new_sku: Option<String>,
        #[arg(long, value_name = "N")]
        name: Option<String>,
        #[arg(long, value_name = "P", allow_hyphen_values = true)]
        price: Option<String>,
        /// A new cost price; an empty one removes it.
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        cost: Option<String>,
        /// Product type name or id.
        #[arg(long = "type", value_name = "T")]
        product_type: Option<String>,
        /// A new barcode; an empty one removes it.
        #[arg(long, value_name = "B")]
        barcode: Option<String>,
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        threshold: Option<i64>,
        #[arg(long, conflicts_with = "unarchive")]
        archive: bool,
        #[arg(long)]
        unarchive: bool,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Only products of this type (name or id).
        #[arg(long = "type", value_name = "T")]
        product_type: Option<String>,
        /// Archived products instead of active ones.
        #[arg(long)]
        archived: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
}

/// A spreadsheet preview as text: the mapping, then every bad cell, then the verdict.
fn print_spreadsheet_preview(p: &SpreadsheetPreview) {
    let columns: Vec<String> = p
        .mapping
        .iter()
        .map(|m| {
            format!(
                "{} -> {}",
                m.header,
                m.field.as_deref().unwrap_or("(ignored)")
            )
        })
        .collect();
    output::print_line(&format!(
        "{}: {} rows; columns: {}",
        p.file,
        p.total_rows,
        columns.join(", ")
    ));
    if !p.missing_fields.is_empty() {
        output::print_line(&format!(
            "not mapped: {} (use --map \"HEADER=FIELD\")",
            p.missing_fields.join(", ")
        ));
    }
    for e in &p.errors {
        output::print_line(&format!(
            "line {}, column {}: {}",
            e.line, e.column, e.message
        ));
    }
    if p.error_count > p.errors.len() {
        output::print_line(&format!("... and {} more", p.error_count - p.errors.len()));
    }
    if !p.missing_fields.is_empty() {
        output::print_line("Map the missing fields, then preview again: nothing would be imported");
    } else if p.error_count == 0 {
        output::print_line(&format!("It imports: {} products", p.total_rows));
    } else {
        output::print_line(&format!(
            "{} errors: nothing would be imported",
            p.error_count
        ));
    }
}

pub(crate) fn company(store: &mut Store, cmd: CompanyCmd, out: &Out) -> Result<()> {
    match cmd {
        CompanyCmd::Add { name, currency } => {
            let c = store.create_company(&CompanyInput {
                name,
                currency,
                ..Default::default()
            })?;
            out.created(
                &c,
                format!("Created company {} in {} ({})", c.name, c.currency, c.id),
            );
        }
        CompanyCmd::Edit {
            company,
            name,
            currency,
            address,
            phone,
            email,
            tax_id,
        } => {
            let current = store.find_company(&company)?;
            let c = store.update_company(
                &current.id,
                &CompanyInput {
                    name: name.unwrap_or(current.name),
                    currency,
                    address: address.map(|a| a.replace("\\n", "\n")),
                    phone,
                    email,
                    tax_id,
                    ..Default::default()
                },
            )?;
            out.created(&c, format!("Saved company {} in {}", c.name, c.currency));
        }
        CompanyCmd::List => {
            let companies = store.list_companies()?;
            let mut t = Table::new(["name", "default threshold", "currency", "id"]);
            for c in &companies {
                t.row([
                    c.name.clone(),
                    c.default_threshold.to_string(),
                    c.currency.clone(),
                    c.id.clone(),
                ]);
            }
            out.list(&companies, t);
        }
    }
    Ok(())
}

pub(crate) fn warehouse(store: &mut Store, cmd: WarehouseCmd, out: &Out) -> Result<()> {
    match cmd {
        WarehouseCmd::Add {
            company,
            name,
            code,
            address,
        } => {
            let company = store.find_company(&company.company)?;
            let w = store.create_warehouse(
                &company.id,
                &WarehouseInput {
                    name,
                    code,
                    address,
                },
            )?;
            out.created(
                &w,
                format!(
                    "Created warehouse {} in {} ({})",
                    w.name, company.name, w.id
                ),
            );
        }
        WarehouseCmd::List { company, all } => {
            let company = store.find_company(&company.company)?;
            let warehouses = store.list_warehouses(&company.id, all)?;
            let mut t = Table::new(["name", "code", "address", "status", "id"]);
            for w in &warehouses {
                t.row([
                    w.name.clone(),
                    w.code.clone().unwrap_or_default(),
                    w.address.clone().unwrap_or_default(),
                    if w.archived { "archived" } else { "active" }.into(),
                    w.id.clone(),
                ]);
            }
            out.list(&warehouses, t);
        }
    }
    Ok(())
}

pub(crate) fn product_type(store: &mut Store, cmd: TypeCmd, out: &Out) -> Result<()> {
    match cmd {
        TypeCmd::Add {
            company,
            name,
            threshold,
        } => {
            let company = store.find_company(&company.company)?;
            let t = store.create_product_type(
                &company.id,
                &ProductTypeInput {
                    name,
                    default_threshold: threshold,
                    count_frequency_days: None,
                },
            )?;
            out.created(
                &t,
                format!(
                    "Created product type {} (threshold {})",
                    t.name, t.default_threshold
                ),
            );
        }
        TypeCmd::List { company } => {
            let company = store.find_company(&company.company)?;
            let types = store.list_product_types(&company.id)?;
            let mut t = Table::new(["name", "default threshold", "products", "id"]);
            for pt in &types {
                t.row([
                    pt.name.clone(),
                    pt.default_threshold.to_string(),
                    pt.product_count.to_string(),
                    pt.id.clone(),
                ]);
            }
            out.list(&types, t);
        }
    }
    Ok(())
}

pub(crate) fn product(store: &mut Store, cmd: ProductCmd, out: &Out) -> Result<()> {
    match cmd {
        ProductCmd::Add {
            company,
            sku,
            name,
            price,
            cost,
            product_type,
            barcode,
            threshold,
            stock,
        } => {
            let company = store.find_company(&company.company)?;
            let product_type_id = product_type
                .map(|t| store.find_product_type(&company.id, &t).map(|t| t.id))
                .transpose()?;
            let initial_stock = stock
                .iter()
                .map(|(warehouse, quantity)| {
                    Ok(InitialStock {
                        warehouse_id: store.find_warehouse(&company.id, warehouse)?.id,
                        quantity: *quantity,
                    })
                })
                .collect::<Result<_>>()?;
            let p = store.create_product(
                &company.id,
                &ProductInput {
                    sku,
                    name,
                    price,
                    barcode,
                    product_type_id,
                    threshold,
                    warehouse_thresholds: Vec::new(),
                    initial_stock,
                    cost,
                },
            )?;
            let on_hand: i64 = p.stock.iter().map(|s| s.on_hand).sum();
            out.created(
                &p,
                format!(
                    "Created product {} \"{}\" at {}, {} on hand",
                    p.sku, p.name, p.price, on_hand
                ),
            );
        }
        ProductCmd::Import {
            company,
            file,
            map,
            dry_run,
            preview,
        } => {
            let company = store.find_company(&company.company)?;
            let mapping = parse_column_map(&map)?;
            if preview {
                let p = store.preview_spreadsheet(&company.id, &file, &mapping)?;
                if out.json {
                    output::print_json(&p);
                } else {
                    print_spreadsheet_preview(&p);
                }
            } else {
                let summary = store.import_spreadsheet(&company.id, &file, &mapping, dry_run)?;
                let verb = if dry_run { "Would import" } else { "Imported" };
                out.created(
                    &summary,
                    format!(
                        "{verb} {} products with {} opening stock lines ({} units)",
                        summary.products, summary.stock_lines, summary.units
                    ),
                );
            }
        }
        ProductCmd::Template { company, output } => {
            let company = store.find_company(&company.company)?;
            let csv = store.spreadsheet_template(&company.id)?;
            let columns: Vec<&str> = csv.trim_end().split(',').collect();
            match output {
                Some(path) => {
                    use std::io::Write;
                    let written = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .and_then(|mut f| f.write_all(csv.as_bytes()));
                    if let Err(e) = written {
                        return Err(Error::validation(
                            "output",
                            format!("cannot write {}: {e}", path.display()),
                        ));
                    }
                    out.created(
                        &serde_json::json!({ "file": path, "columns": columns, "csv": csv }),
                        format!("Wrote the template to {}", path.display()),
                    );
                }
                None if out.json => {
                    output::print_json(&serde_json::json!({ "columns": columns, "csv": csv }))
                }
                None => output::print_line(csv.trim_end()),
            }
        }
        ProductCmd::Edit {
            company,
            sku,
            new_sku,
            name,
            price,
            cost,
            product_type,
            barcode,
            threshold,
            archive,
            unarchive,
        } => {
            let company = store.find_company(&company.company)?;
            let current = store.find_product_by_sku(&company.id, &sku)?;
            let product_type_id = match product_type {
                Some(t) => Some(store.find_product_type(&company.id, &t)?.id),
                None => current.product_type_id.clone(),
            };
            let mut p = store.update_product(
                &current.id,
                &ProductInput {
                    sku: new_sku.unwrap_or_else(|| current.sku.clone()),
                    name: name.unwrap_or_else(|| current.name.clone()),
                    price: price.unwrap_or_else(|| current.price.to_string()),
                    barcode: match barcode {
                        Some(b) if b.trim().is_empty() => None,
                        Some(b) => Some(b),
                        None => current.barcode.clone(),
                    },
                    product_type_id,
                    threshold: threshold.or(current.threshold),
                    warehouse_thresholds: current.warehouse_thresholds.clone(),
                    initial_stock: Vec::new(),
                    cost,
                },
            )?;
            if archive || unarchive {
                p = store.set_product_archived(&p.id, archive)?;
            }
            out.created(
                &p,
                format!(
                    "Saved product {} \"{}\" at {}{}",
                    p.sku,
                    p.name,
                    p.price,
                    if p.archived { " (archived)" } else { "" }
                ),
            );
        }
        ProductCmd::List {
            company,
            search,
            product_type,
            archived,
            limit,
            offset,
        } => {
            let company = store.find_company(&company.company)?;
            let product_type_id = product_type
                .map(|t| store.find_product_type(&company.id, &t).map(|t| t.id))
                .transpose()?;
            let page = store.list_products(&ProductQuery {
                company_id: company.id,
                search,
                product_type_id,
                archived: if archived {
                    ArchivedFilter::Archived
                } else {
                    ArchivedFilter::Active
                },
                sort: ProductSort::Sku,
                descending: false,
                limit,
                offset,
            })?;
            let mut t = Table::new(["sku", "name", "type", "price", "on hand"]);
            for p in &page.items {
                t.row([
                    p.sku.clone(),
                    p.name.clone(),
                    p.product_type_name.clone().unwrap_or_default(),
                    p.price.to_string(),
                    p.on_hand.to_string(),
                ]);
            }
            let shown = page.items.len();
            out.page(&page, t, format!("{shown} of {} products", page.total));
        }
    }
    Ok(())
}
