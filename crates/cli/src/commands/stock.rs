//! `stock`, `receive`, `adjust` and `transfer`: stock on hand and its movements.

use clap::Args;
use stockflow_core::*;

use super::{parse_assignment, product_lines, signed, CompanyArg};
use crate::output::{Out, Table};

#[derive(Args)]
pub(crate) struct StockArgs {
    #[command(flatten)]
    pub(crate) company: CompanyArg,
    /// Warehouse name, code or id.
    #[arg(long, value_name = "W")]
    pub(crate) warehouse: Option<String>,
    #[arg(long)]
    pub(crate) sku: Option<String>,
}

#[derive(Args)]
pub(crate) struct MoveArgs {
    #[command(flatten)]
    pub(crate) company: CompanyArg,
    /// Warehouse name, code or id.
    #[arg(long, value_name = "W")]
    pub(crate) warehouse: String,
    /// SKU=QTY, one or more.
    #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
    pub(crate) lines: Vec<(String, i64)>,
}

#[derive(Args)]
pub(crate) struct AdjustArgs {
    #[command(flatten)]
    pub(crate) company: CompanyArg,
    #[arg(long, value_name = "W")]
    pub(crate) warehouse: String,
    /// One of the company's adjustment reasons (damaged, lost, found, expired, correction...).
    #[arg(long, value_name = "R")]
    pub(crate) reason: String,
    #[arg(value_name = "SKU=[+-]QTY", required = true, value_parser = parse_assignment, allow_hyphen_values = true)]
    pub(crate) lines: Vec<(String, i64)>,
}

#[derive(Args)]
pub(crate) struct TransferArgs {
    #[command(flatten)]
    pub(crate) company: CompanyArg,
    #[arg(long, value_name = "W1")]
    pub(crate) from: String,
    #[arg(long, value_name = "W2")]
    pub(crate) to: String,
    #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
    pub(crate) lines: Vec<(String, i64)>,
}

/// The company, the warehouse and the lines (SKUs resolved to products) of a movement command.
pub(crate) fn resolve_move(
    store: &Store,
    args: &MoveArgs,
) -> Result<(String, String, Vec<QuantityLine>)> {
    let company = store.find_company(&args.company.company)?;
    let warehouse = store.find_warehouse(&company.id, &args.warehouse)?;
    let lines = product_lines(store, &company.id, &args.lines)?;
    Ok((company.id, warehouse.id, lines))
}

fn print_movements(out: &Out, result: &MovementResult) {
    let mut t = Table::new(["kind", "sku", "warehouse", "quantity"]);
    for m in &result.movements {
        t.row([
            m.kind.as_str().into(),
            m.sku.clone(),
            m.warehouse_name.clone(),
            signed(m.kind, m.quantity),
        ]);
    }
    out.list(&result.movements, t);
}

pub(crate) fn list(store: &mut Store, args: StockArgs, out: &Out) -> Result<()> {
    let StockArgs {
        company,
        warehouse,
        sku,
    } = args;
    let company = store.find_company(&company.company)?;
    let warehouse_id = warehouse
        .map(|w| store.find_warehouse(&company.id, &w).map(|w| w.id))
        .transpose()?;
    if let Some(sku) = &sku {
        store.find_product_by_sku(&company.id, sku)?;
    }
    let rows = store.list_stock(&StockQuery {
        company_id: company.id,
        warehouse_id,
        sku,
    })?;
    let mut t = Table::new(["sku", "warehouse", "on_hand", "available"]);
    for r in &rows {
        t.row([
            r.sku.clone(),
            r.warehouse.clone(),
            r.on_hand.to_string(),
            r.available.to_string(),
        ]);
    }
    out.list(&rows, t);
    Ok(())
}

pub(crate) fn receive(store: &mut Store, args: MoveArgs, out: &Out) -> Result<()> {
    let (company, warehouse, lines) = resolve_move(store, &args)?;
    let r = store.receive_stock(
        &company,
        &ReceiptInput {
            warehouse_id: warehouse,
            lines,
            note: None,
        },
    )?;
    print_movements(out, &r);
    Ok(())
}

pub(crate) fn adjust(store: &mut Store, args: AdjustArgs, out: &Out) -> Result<()> {
    let company = store.find_company(&args.company.company)?;
    let warehouse = store.find_warehouse(&company.id, &args.warehouse)?.id;
    let lines = product_lines(store, &company.id, &args.lines)?;
    let r = store.adjust_stock(
        &company.id,
        &AdjustmentInput {
            warehouse_id: warehouse,
            reason: args.reason,
            lines,
            note: None,
        },
    )?;
    print_movements(out, &r);
    Ok(())
}

pub(crate) fn transfer(store: &mut Store, args: TransferArgs, out: &Out) -> Result<()> {
    let company = store.find_company(&args.company.company)?;
    let from = store.find_warehouse(&company.id, &args.from)?.id;
    let to = store.find_warehouse(&company.id, &args.to)?.id;
    let lines = product_lines(store, &company.id, &args.lines)?;
    let r = store.transfer_stock(
        &company.id,
        &TransferInput {
            from_warehouse_id: from,
            to_warehouse_id: to,
            lines,
            note: None,
        },
    )?;
    print_movements(out, &r);
    Ok(())
}
