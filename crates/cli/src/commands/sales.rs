//! `sell` and `return`: sales and returns.

use clap::Args;
use stockflow_core::*;

use super::stock::{resolve_move, MoveArgs};
use super::{parse_assignment, product_lines, CompanyArg};
use crate::output::Out;

#[derive(Args)]
pub(crate) struct ReturnArgs {
    #[command(flatten)]
    pub(crate) company: CompanyArg,
    #[arg(long, value_name = "W")]
    pub(crate) warehouse: String,
    #[arg(long, value_name = "SALE_ID")]
    pub(crate) sale: String,
    #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
    pub(crate) lines: Vec<(String, i64)>,
}

fn print_sale(out: &Out, sale: &Sale, verb: &str) {
    let lines: Vec<String> = sale
        .lines
        .iter()
        .map(|l| {
            let returned = if l.returned > 0 {
                format!(" ({} returned)", l.returned)
            } else {
                String::new()
            };
            format!(
                "  {} x {} at {} = {}{returned}",
                l.quantity, l.sku, l.unit_price, l.line_total
            )
        })
        .collect();
    out.created(
        sale,
        format!(
            "{verb} sale {} in {}, total {}\n{}",
            sale.id,
            sale.warehouse_name,
            sale.total,
            lines.join("\n")
        ),
    );
}

pub(crate) fn sell(store: &mut Store, args: MoveArgs, out: &Out) -> Result<()> {
    let (company, warehouse, lines) = resolve_move(store, &args)?;
    let lines = lines
        .into_iter()
        .map(|l| SaleLineInput {
            product_id: l.product_id,
            quantity: l.quantity,
            unit_price: None,
        })
        .collect();
    let sale = store.record_sale(
        &company,
        &SaleInput {
            warehouse_id: warehouse,
            lines,
            note: None,
        },
    )?;
    print_sale(out, &sale, "Sold");
    Ok(())
}

pub(crate) fn record_return(store: &mut Store, args: ReturnArgs, out: &Out) -> Result<()> {
    let company = store.find_company(&args.company.company)?;
    let warehouse = store.find_warehouse(&company.id, &args.warehouse)?;
    let sale = store.get_sale(&args.sale)?;
    if sale.company_id == company.id && sale.warehouse_id != warehouse.id {
        return Err(Error::validation(
            "warehouse",
            format!(
                "sale {} was made in {}, not {}",
                sale.id, sale.warehouse_name, warehouse.name
            ),
        ));
    }
    let lines = product_lines(store, &company.id, &args.lines)?;
    let sale = store.record_return(
        &company.id,
        &ReturnInput {
            sale_id: args.sale,
            lines,
            note: None,
        },
    )?;
    print_sale(out, &sale, "Returned on");
    Ok(())
}
