//! The commands by area, one file each; `main.rs` parses the command line and hands each
//! command to its area. What several areas share is here.

pub(crate) mod alerts;
pub(crate) mod backup;
pub(crate) mod catalog;
pub(crate) mod counts;
pub(crate) mod device;
pub(crate) mod history;
pub(crate) mod import;
pub(crate) mod kits;
pub(crate) mod purchasing;
pub(crate) mod sales;
pub(crate) mod stock;
pub(crate) mod sync;
pub(crate) mod users;

use clap::Args;
use stockflow_core::*;

#[derive(Args)]
pub(crate) struct CompanyArg {
    /// Company name or id.
    #[arg(long, value_name = "C")]
    pub(crate) company: String,
}

/// `NAME=QTY` with an integer quantity (the sign is kept so the core can refuse it).
pub(crate) fn parse_assignment(text: &str) -> Result<(String, i64), String> {
    let (name, qty) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("expected NAME=QTY, got \"{text}\""))?;
    let qty = qty
        .trim()
        .parse()
        .map_err(|_| format!("the quantity in \"{text}\" is not a whole number"))?;
    if name.trim().is_empty() {
        return Err(format!("the name in \"{text}\" is empty"));
    }
    Ok((name.trim().to_owned(), qty))
}

/// `SKU=QTY` lines as the core's lines, each SKU looked up in the company.
pub(crate) fn product_lines(
    store: &Store,
    company_id: &str,
    lines: &[(String, i64)],
) -> Result<Vec<QuantityLine>> {
    lines
        .iter()
        .map(|(sku, quantity)| {
            Ok(QuantityLine {
                product_id: store.find_product_by_sku(company_id, sku)?.id,
                quantity: *quantity,
            })
        })
        .collect()
}

/// A movement's quantity as the ledger shows it: `+5`, `-2`, or `=12` for a count.
pub(crate) fn signed(kind: MovementKind, quantity: i64) -> String {
    match kind {
        MovementKind::Count => format!("={quantity}"),
        _ => format!("{quantity:+}"),
    }
}
