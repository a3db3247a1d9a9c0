//! `alerts`: low-stock alerts.

use clap::Args;
use stockflow_core::*;

use super::CompanyArg;
use crate::output::{print_streamed, Out, Table};

#[derive(Args)]
pub(crate) struct AlertArgs {
    #[command(flatten)]
    pub(crate) filters: AlertFilters,
    /// 0: every alert.
    #[arg(long, default_value_t = 0)]
    pub(crate) limit: u32,
    #[arg(long, default_value_t = 0)]
    pub(crate) offset: u32,
}

/// Which alerts: shared by `alerts` and `po from-alerts`.
#[derive(Args)]
pub(crate) struct AlertFilters {
    #[command(flatten)]
    pub(crate) company: CompanyArg,
    /// The end of the window (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    pub(crate) now: Option<String>,
    #[arg(
        long = "window-days",
        visible_alias = "window",
        value_name = "N",
        default_value_t = 30
    )]
    pub(crate) window_days: u32,
    #[arg(long, value_name = "W")]
    pub(crate) warehouse: Option<String>,
    /// Only alerts whose chosen supplier is this one (name or id).
    #[arg(long, value_name = "S")]
    pub(crate) supplier: Option<String>,
    /// Only products of this type (name or id).
    #[arg(long = "type", value_name = "T")]
    pub(crate) product_type: Option<String>,
    /// Only SKUs or names containing this text.
    #[arg(long, value_name = "TEXT")]
    pub(crate) search: Option<String>,
}

/// The alert query of the filters, names resolved to ids (every alert: no paging).
pub(crate) fn alert_query(store: &Store, f: AlertFilters) -> Result<AlertQuery> {
    let company = store.find_company(&f.company.company)?;
    let warehouse_id = f
        .warehouse
        .map(|w| store.find_warehouse(&company.id, &w).map(|w| w.id))
        .transpose()?;
    let supplier_id = f
        .supplier
        .map(|s| store.find_supplier(&company.id, &s).map(|s| s.id))
        .transpose()?;
    let product_type_id = f
        .product_type
        .map(|t| store.find_product_type(&company.id, &t).map(|t| t.id))
        .transpose()?;
    Ok(AlertQuery {
        company_id: company.id,
        now: f.now,
        window_days: f.window_days,
        warehouse_id,
        supplier_id,
        product_type_id,
        search: f.search,
        limit: 0,
        offset: 0,
    })
}

pub(crate) fn run(store: &mut Store, args: AlertArgs, out: &Out) -> Result<()> {
    let page = store.low_stock_alerts(&AlertQuery {
        limit: args.limit,
        offset: args.offset,
        ..alert_query(store, args.filters)?
    })?;
    if out.json {
        print_streamed(|stdout| crate::alerts_json::write_page(&page, stdout));
        // The process ends next, and its memory with it: freeing the page's 70,000 strings
        // one by one first would add 1 ms at M (issue #16).
        std::mem::forget(page);
        return Ok(());
    }
    out.page_with(&page, || {
        let mut t = Table::new([
            "days",
            "sku",
            "warehouse",
            "on hand",
            "threshold",
            "sold",
            "order",
            "by",
            "supplier",
        ]);
        for a in &page.alerts {
            t.row([
                a.days_until_stockout.to_string(),
                a.sku.clone(),
                a.warehouse_name.clone(),
                a.current_stock.to_string(),
                a.threshold.to_string(),
                a.recent_sales.to_string(),
                a.suggested_order_qty.to_string(),
                a.reorder_by.clone(),
                a.supplier
                    .as_ref()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            ]);
        }
        let summary = format!("{} of {} alerts", page.alerts.len(), page.total_alerts);
        (t, summary)
    });
    Ok(())
}
