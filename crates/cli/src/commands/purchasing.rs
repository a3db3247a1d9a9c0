//! `supplier` and `po`: suppliers and purchase orders.

use clap::Subcommand;
use stockflow_core::*;

use super::alerts::{alert_query, AlertFilters};
use super::{parse_assignment, product_lines, CompanyArg};
use crate::output::{Out, Table};

#[derive(Subcommand)]
pub(crate) enum SupplierCmd {
    Add {
        #[command(flatten)]
        company: CompanyArg,
        name: String,
        #[arg(long, value_name = "E")]
        email: String,
        #[arg(long)]
        phone: Option<String>,
    },
    /// Say that a supplier supplies a product, on which terms (replaces an existing link).
    Link {
        #[command(flatten)]
        company: CompanyArg,
        /// Supplier name or id.
        #[arg(long, value_name = "S")]
        supplier: String,
        #[arg(long)]
        sku: String,
        #[arg(long = "lead-time", value_name = "DAYS")]
        lead_time: i64,
        /// Unit cost, a decimal such as 2.50.
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        cost: String,
        /// Minimum order quantity.
        #[arg(long, value_name = "N")]
        moq: Option<i64>,
        /// Pack multiple: orders come in multiples of N.
        #[arg(long, value_name = "N")]
        multiple: Option<i64>,
        #[arg(long)]
        preferred: bool,
        #[arg(long = "supplier-sku", value_name = "CODE")]
        supplier_sku: Option<String>,
    },
    /// Say that a supplier no longer supplies a product (orders already made keep their lines).
    Unlink {
        #[command(flatten)]
        company: CompanyArg,
        /// Supplier name or id.
        #[arg(long, value_name = "S")]
        supplier: String,
        #[arg(long)]
        sku: String,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
    },
}

#[derive(Subcommand)]
pub(crate) enum PoCmd {
    Create {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long, value_name = "S")]
        supplier: String,
        #[arg(long, value_name = "W")]
        warehouse: String,
        #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
        lines: Vec<(String, i64)>,
        /// A unit cost for a line, repeatable: SKU=COST (default: the supplier's cost).
        #[arg(long = "cost", value_name = "SKU=COST", value_parser = parse_text_assignment)]
        costs: Vec<(String, String)>,
        /// Order products the supplier does not supply yet, and link them.
        #[arg(long)]
        confirm: bool,
    },
    /// Change a draft: the lines given replace its lines (a product left out is taken off).
    Edit {
        id: String,
        /// Where the goods go (default: where they went).
        #[arg(long, value_name = "W")]
        warehouse: Option<String>,
        #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
        lines: Vec<(String, i64)>,
        /// A unit cost for a line, repeatable: SKU=COST (default: the line's cost, or the
        /// supplier's for a new line).
        #[arg(long = "cost", value_name = "SKU=COST", value_parser = parse_text_assignment)]
        costs: Vec<(String, String)>,
        /// A note for the supplier (an empty one removes it; default: the order's).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Order products the supplier does not supply yet, and link them.
        #[arg(long)]
        confirm: bool,
    },
    Send {
        id: String,
    },
    Receive {
        id: String,
        #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
        lines: Vec<(String, i64)>,
        /// Accept receiving more than is still open.
        #[arg(long)]
        confirm: bool,
    },
    Cancel {
        id: String,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
        /// draft, sent, partially_received, received or cancelled.
        #[arg(long, value_parser = parse_status)]
        status: Option<PurchaseOrderStatus>,
    },
    /// Draft orders for every alert matching the filters: one per supplier and warehouse, with
    /// the suggested quantities. Alerts that cannot be ordered are listed with the reason.
    FromAlerts {
        #[command(flatten)]
        filters: AlertFilters,
    },
}

fn parse_status(text: &str) -> Result<PurchaseOrderStatus, String> {
    PurchaseOrderStatus::parse(text).ok_or_else(|| format!("unknown status \"{text}\""))
}

/// `NAME=TEXT`, the text checked by the core.
fn parse_text_assignment(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .rsplit_once('=')
        .filter(|(n, _)| !n.trim().is_empty())
        .ok_or_else(|| format!("expected SKU=VALUE, got \"{text}\""))?;
    Ok((name.trim().to_owned(), value.trim().to_owned()))
}

pub(crate) fn supplier(store: &mut Store, cmd: SupplierCmd, out: &Out) -> Result<()> {
    match cmd {
        SupplierCmd::Add {
            company,
            name,
            email,
            phone,
        } => {
            let company = store.find_company(&company.company)?;
            let input = SupplierInput {
                name,
                contact_email: email,
                phone,
                ..Default::default()
            };
            let s = store.create_supplier(&company.id, &input)?;
            out.created(
                &s,
                format!(
                    "Created supplier {} <{}> ({})",
                    s.name, s.contact_email, s.id
                ),
            );
        }
        SupplierCmd::Unlink {
            company,
            supplier,
            sku,
        } => {
            let company = store.find_company(&company.company)?;
            let supplier = store.find_supplier(&company.id, &supplier)?;
            let product = store.find_product_by_sku(&company.id, &sku)?;
            store.unlink_supplier(&product.id, &supplier.id)?;
            let removed = serde_json::json!({
                "product_id": product.id,
                "sku": product.sku,
                "supplier_id": supplier.id,
                "supplier_name": supplier.name,
                "removed": true,
            });
            out.created(
                &removed,
                format!("{} no longer supplies {}", supplier.name, product.sku),
            );
        }
        SupplierCmd::Link {
            company,
            supplier,
            sku,
            lead_time,
            cost,
            moq,
            multiple,
            preferred,
            supplier_sku,
        } => {
            let company = store.find_company(&company.company)?;
            let supplier = store.find_supplier(&company.id, &supplier)?;
            let product = store.find_product_by_sku(&company.id, &sku)?;
            let input = ProductSupplierInput {
                supplier_sku,
                lead_time_days: lead_time,
                unit_cost: cost,
                moq,
                pack_multiple: multiple,
                preferred,
            };
            let l = store.link_supplier(&product.id, &supplier.id, &input)?;
            let star = if l.preferred { ", preferred" } else { "" };
            out.created(
                &l,
                format!(
                    "{} supplies {} at {} in {} days (MOQ {}, packs of {}{star})",
                    l.supplier_name, l.sku, l.unit_cost, l.lead_time_days, l.moq, l.pack_multiple
                ),
            );
        }
        SupplierCmd::List { company } => {
            let company = store.find_company(&company.company)?;
            let suppliers = store.list_suppliers(&company.id, false)?;
            let mut t = Table::new([
                "name",
                "email",
                "products",
                "lead time (learned / promised)",
                "id",
            ]);
            for s in &suppliers {
                let days = |d: Option<i64>| d.map_or("-".to_owned(), |d| format!("{d} d"));
                t.row([
                    s.name.clone(),
                    s.contact_email.clone(),
                    s.product_count.to_string(),
                    format!(
                        "{} / {}",
                        days(s.learned_lead_time_days),
                        days(s.promised_lead_time_days)
                    ),
                    s.id.clone(),
                ]);
            }
            out.list(&suppliers, t);
        }
    }
    Ok(())
}

pub(crate) fn po(store: &mut Store, cmd: PoCmd, out: &Out) -> Result<()> {
    match cmd {
        PoCmd::Create {
            company,
            supplier,
            warehouse,
            lines,
            costs,
            confirm,
        } => {
            let company = store.find_company(&company.company)?;
            let supplier = store.find_supplier(&company.id, &supplier)?;
            let warehouse = store.find_warehouse(&company.id, &warehouse)?;
            let lines = order_lines(store, &company.id, &lines, &costs)?;
            let input = PurchaseOrderInput {
                supplier_id: supplier.id,
                warehouse_id: warehouse.id,
                lines,
                note: None,
                confirm_new_links: confirm,
            };
            let po = store.create_purchase_order(&company.id, &input)?;
            print_order(out, &po, "Created");
        }
        PoCmd::Edit {
            id,
            warehouse,
            lines,
            costs,
            note,
            confirm,
        } => {
            let order = store.get_purchase_order(&id)?;
            let warehouse_id = match warehouse {
                Some(w) => store.find_warehouse(&order.company_id, &w)?.id,
                None => order.warehouse_id.clone(),
            };
            let lines = order_lines(store, &order.company_id, &lines, &costs)?;
            let input = PurchaseOrderInput {
                supplier_id: order.supplier_id.clone(),
                warehouse_id,
                lines,
                note: note.or(order.note.clone()),
                confirm_new_links: confirm,
            };
            let po = store.update_purchase_order(&order.id, &input)?;
            print_order(out, &po, "Saved");
        }
        PoCmd::Send { id } => {
            let po = store.send_purchase_order(&id)?;
            print_order(out, &po, "Sent");
        }
        PoCmd::Receive { id, lines, confirm } => {
            let order = store.get_purchase_order(&id)?;
            let lines = product_lines(store, &order.company_id, &lines)?;
            let po = store.receive_purchase_order(
                &id,
                &ReceiveOrderInput {
                    lines,
                    confirm_over_receipt: confirm,
                },
            )?;
            print_order(out, &po, "Received on");
        }
        PoCmd::Cancel { id } => {
            let po = store.cancel_purchase_order(&id)?;
            print_order(out, &po, "Cancelled");
        }
        PoCmd::List { company, status } => {
            let company = store.find_company(&company.company)?;
            let page = store.list_purchase_orders(&PurchaseOrderQuery {
                company_id: company.id,
                status,
                limit: 500,
                ..Default::default()
            })?;
            let mut t = Table::new([
                "created",
                "supplier",
                "warehouse",
                "status",
                "received",
                "total",
                "id",
            ]);
            for o in &page.items {
                t.row([
                    o.created_at.clone(),
                    o.supplier_name.clone(),
                    o.warehouse_name.clone(),
                    status_words(o.status).into(),
                    format!("{} / {}", o.units_received, o.units_ordered),
                    o.total.to_string(),
                    o.id.clone(),
                ]);
            }
            out.page(&page, t, format!("{} purchase orders", page.total));
        }
        PoCmd::FromAlerts { filters } => {
            let query = alert_query(store, filters)?;
            let drafted = store.draft_orders_from_alerts(&DraftFromAlertsInput {
                query,
                selection: None,
            })?;
            print_drafted(out, &drafted);
        }
    }
    Ok(())
}

fn print_drafted(out: &Out, d: &DraftedOrders) {
    let mut text = match d.orders.len() {
        0 => "No purchase order drafted".to_owned(),
        1 => "Drafted 1 purchase order".to_owned(),
        n => format!("Drafted {n} purchase orders"),
    };
    for po in &d.orders {
        text.push_str(&format!(
            "\n{} to {} for {}, total {}",
            po.id, po.supplier_name, po.warehouse_name, po.total
        ));
        for l in &po.lines {
            text.push_str(&format!(
                "\n  {} {}: {} at {}",
                l.sku, l.product_name, l.quantity_ordered, l.unit_cost
            ));
        }
    }
    if !d.skipped.is_empty() {
        text.push_str(&format!("\nNot ordered ({}):", d.skipped.len()));
        for s in &d.skipped {
            text.push_str(&format!(
                "\n  {} in {}: {}",
                s.sku, s.warehouse_name, s.message
            ));
        }
    }
    out.created(d, text);
}

fn status_words(status: PurchaseOrderStatus) -> &'static str {
    match status {
        PurchaseOrderStatus::Draft => "draft",
        PurchaseOrderStatus::Sent => "sent",
        PurchaseOrderStatus::PartiallyReceived => "partially received",
        PurchaseOrderStatus::Received => "received",
        PurchaseOrderStatus::Cancelled => "cancelled",
    }
}

fn print_order(out: &Out, po: &PurchaseOrder, verb: &str) {
    let lines: Vec<String> = po
        .lines
        .iter()
        .map(|l| {
            format!(
                "  {} {}: {} received of {} at {}",
                l.sku, l.product_name, l.quantity_received, l.quantity_ordered, l.unit_cost
            )
        })
        .collect();
    let expected = po
        .expected_at
        .as_deref()
        .map(|e| format!(", expected {e}"))
        .unwrap_or_default();
    out.created(
        po,
        format!(
            "{verb} purchase order {} to {} for {} ({}{expected}), total {}\n{}",
            po.id,
            po.supplier_name,
            po.warehouse_name,
            status_words(po.status),
            po.total,
            lines.join("\n")
        ),
    );
}

/// The lines of `po create` and `po edit`: SKU=QTY, with the costs given as SKU=COST.
fn order_lines(
    store: &Store,
    company_id: &str,
    lines: &[(String, i64)],
    costs: &[(String, String)],
) -> Result<Vec<PurchaseOrderLineInput>> {
    lines
        .iter()
        .map(|(sku, quantity)| {
            let unit_cost = costs
                .iter()
                .find(|(s, _)| s.eq_ignore_ascii_case(sku))
                .map(|(_, c)| c.clone());
            Ok(PurchaseOrderLineInput {
                product_id: store.find_product_by_sku(company_id, sku)?.id,
                quantity: *quantity,
                unit_cost,
            })
        })
        .collect()
}
