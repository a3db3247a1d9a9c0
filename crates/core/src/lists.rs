//! The list on screen as a spreadsheet-friendly CSV file (issue #15): Products, Stock, Alerts,
//! History and Sales, with the filters the screen has, every page of it. Headers are words,
//! the file is UTF-8 with a byte order mark (so spreadsheet programs read accents right), and
//! a text cell that a spreadsheet would take for a formula (=, +, -, @) starts with a quote.
//!
//! Reading a list is what the screen already does, so whoever may read it may export it: the
//! core functions below go through the same list functions and their authorization.

use std::path::Path;

use serde::Deserialize;

use crate::db::Store;
use crate::error::Result;
use crate::export::CsvWriter;
use crate::model::*;

/// Which list, with the screen's filters (paging is ignored: every row is written).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "list", content = "query", rename_all = "snake_case")]
pub enum ListExport {
    Products(ProductQuery),
    Stock(StockQuery),
    Alerts(AlertQuery),
    History(HistoryQuery),
    Sales(SaleQuery),
}

/// A text cell: a leading =, +, - or @ would make a spreadsheet run it as a formula.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

fn opt(value: &Option<String>) -> String {
    value.as_deref().map(text).unwrap_or_default()
}

const PAGE: u32 = 500;

impl Store {
    /// Writes the list to `dest` as CSV; returns the rows written.
    pub fn export_list_csv(&self, list: &ListExport, dest: &Path) -> Result<u64> {
        match list {
            ListExport::Products(q) => {
                let mut w = CsvWriter::create(
                    dest,
                    true,
                    &[
                        "SKU", "Name", "Barcode", "Price", "Type", "On hand", "Kit", "Archived",
                    ],
                )?;
                let mut offset = 0;
                loop {
                    let page = self.list_products(&ProductQuery {
                        limit: PAGE,
                        offset,
                        ..q.clone()
                    })?;
                    for p in &page.items {
                        w.row(&[
                            text(&p.sku),
                            text(&p.name),
                            opt(&p.barcode),
                            p.price.to_string(),
                            opt(&p.product_type_name),
                            p.on_hand.to_string(),
                            yes_no(p.is_kit),
                            yes_no(p.archived),
                        ])?;
                    }
                    if page.items.len() < PAGE as usize {
                        break;
                    }
                    offset += PAGE;
                }
                w.finish()
            }
            ListExport::Stock(q) => {
                let mut w = CsvWriter::create(
                    dest,
                    true,
                    &["SKU", "Product", "Warehouse", "On hand", "Available"],
                )?;
                for r in self.list_stock(q)? {
                    w.row(&[
                        text(&r.sku),
                        text(&r.product_name),
                        text(&r.warehouse),
                        r.on_hand.to_string(),
                        r.available.to_string(),
                    ])?;
                }
                w.finish()
            }
            ListExport::Alerts(q) => {
                let mut w = CsvWriter::create(
                    dest,
                    true,
                    &[
                        "SKU",
                        "Product",
                        "Warehouse",
                        "On hand",
                        "Threshold",
                        "Sold in the window",
                        "Days until out of stock",
                        "Supplier",
                        "Supplier email",
                        "On order",
                        "Reorder point",
                        "Suggested order",
                        "Reorder by",
                    ],
                )?;
                let page = self.low_stock_alerts(&AlertQuery {
                    limit: 0,
                    offset: 0,
                    ..q.clone()
                })?;
                for a in &page.alerts {
                    let (supplier, email) = a
                        .supplier
                        .as_ref()
                        .map(|s| (text(&s.name), text(&s.contact_email)))
                        .unwrap_or_default();
                    w.row(&[
                        text(&a.sku),
                        text(&a.product_name),
                        text(&a.warehouse_name),
                        a.current_stock.to_string(),
                        a.threshold.to_string(),
                        a.recent_sales.to_string(),
                        a.days_until_stockout.to_string(),
                        supplier,
                        email,
                        a.on_order.to_string(),
                        a.reorder_point.to_string(),
                        a.suggested_order_qty.to_string(),
                        a.reorder_by.clone(),
                    ])?;
                }
                w.finish()
            }
            ListExport::History(q) => {
                let mut w = CsvWriter::create(
                    dest,
                    true,
                    &[
                        "When",
                        "Kind",
                        "SKU",
                        "Product",
                        "Warehouse",
                        "Quantity",
                        "Reason",
                        "Reference",
                        "Note",
                        "User",
                    ],
                )?;
                let mut offset = 0;
                loop {
                    let page = self.list_movements(&HistoryQuery {
                        limit: PAGE,
                        offset,
                        ..q.clone()
                    })?;
                    for m in &page.items {
                        let reference = match (&m.reference_kind, &m.reference_id) {
                            (Some(k), Some(id)) => format!("{k} {id}"),
                            _ => String::new(),
                        };
                        w.row(&[
                            m.occurred_at.clone(),
                            m.kind.as_str().replace('_', " "),
                            text(&m.sku),
                            text(&m.product_name),
                            text(&m.warehouse_name),
                            m.quantity.to_string(),
                            opt(&m.reason),
                            reference,
                            opt(&m.note),
                            opt(&m.user_name),
                        ])?;
                    }
                    if !page.has_more {
                        break;
                    }
                    offset += PAGE;
                }
                w.finish()
            }
            ListExport::Sales(q) => {
                let mut w = CsvWriter::create(
                    dest,
                    true,
                    &[
                        "Sold at",
                        "Warehouse",
                        "Lines",
                        "Units",
                        "Units returned",
                        "Total",
                        "Sale",
                    ],
                )?;
                let mut offset = 0;
                loop {
                    let page = self.list_sales(&SaleQuery {
                        limit: PAGE,
                        offset,
                        ..q.clone()
                    })?;
                    for s in &page.items {
                        w.row(&[
                            s.sold_at.clone(),
                            text(&s.warehouse_name),
                            s.lines.to_string(),
                            s.units.to_string(),
                            s.units_returned.to_string(),
                            s.total.to_string(),
                            s.id.clone(),
                        ])?;
                    }
                    if page.items.len() < PAGE as usize {
                        break;
                    }
                    offset += PAGE;
                }
                w.finish()
            }
        }
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}
