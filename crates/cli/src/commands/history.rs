//! `history`: the stock ledger.

use clap::Args;
use stockflow_core::*;

use super::{signed, CompanyArg};
use crate::output::{Out, Table};

#[derive(Args)]
pub(crate) struct HistoryArgs {
    #[command(flatten)]
    pub(crate) company: CompanyArg,
    #[arg(long)]
    pub(crate) sku: Option<String>,
    #[arg(long, value_name = "W")]
    pub(crate) warehouse: Option<String>,
    /// opening, receipt, sale, return, adjustment, transfer_out, transfer_in or count.
    #[arg(long, value_name = "K", value_parser = parse_kind)]
    pub(crate) kind: Option<MovementKind>,
    #[arg(long, default_value_t = 50)]
    pub(crate) limit: u32,
}

fn parse_kind(text: &str) -> Result<MovementKind, String> {
    MovementKind::parse(text).ok_or_else(|| format!("unknown movement kind \"{text}\""))
}

pub(crate) fn run(store: &mut Store, args: HistoryArgs, out: &Out) -> Result<()> {
    let company = store.find_company(&args.company.company)?;
    let product_id = args
        .sku
        .map(|s| store.find_product_by_sku(&company.id, &s).map(|p| p.id))
        .transpose()?;
    let warehouse_id = args
        .warehouse
        .map(|w| store.find_warehouse(&company.id, &w).map(|w| w.id))
        .transpose()?;
    let page = store.list_movements(&HistoryQuery {
        company_id: company.id,
        product_id,
        warehouse_id,
        kind: args.kind,
        limit: args.limit,
        ..Default::default()
    })?;
    let mut t = Table::new([
        "when",
        "kind",
        "sku",
        "warehouse",
        "quantity",
        "reason",
        "by",
        "computer",
    ]);
    for m in &page.items {
        t.row([
            m.occurred_at.clone(),
            m.kind.as_str().into(),
            m.sku.clone(),
            m.warehouse_name.clone(),
            signed(m.kind, m.quantity),
            m.reason.clone().unwrap_or_default(),
            m.user_name.clone().unwrap_or_default(),
            m.device_name.clone(),
        ]);
    }
    let more = if page.has_more {
        " (older movements not shown: raise --limit)"
    } else {
        ""
    };
    out.page(&page, t, format!("{} movements{more}", page.items.len()));
    Ok(())
}
