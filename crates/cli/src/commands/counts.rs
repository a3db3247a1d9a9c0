//! `count`: stock counts.

use clap::Subcommand;
use stockflow_core::*;

use super::CompanyArg;
use crate::output::{Out, Table};

#[derive(Subcommand)]
pub(crate) enum CountCmd {
    Start {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long, value_name = "W")]
        warehouse: String,
        /// Count only products of this type (name or id).
        #[arg(long = "type", value_name = "T")]
        product_type: Option<String>,
        /// Count only these products, repeatable.
        #[arg(long = "sku", value_name = "SKU")]
        skus: Vec<String>,
        /// Show expected quantities while counting.
        #[arg(long)]
        open: bool,
    },
    /// One scan of a barcode or SKU (adds one), or a typed quantity with --qty.
    Scan {
        id: String,
        code: String,
        #[arg(long, value_name = "N")]
        qty: Option<i64>,
        /// Add a product outside the count's scope.
        #[arg(long)]
        confirm: bool,
    },
    /// Counted against expected, and what is not counted yet.
    Review { id: String },
    /// Write the counts; products in scope not counted stay as they are unless --zero-uncounted.
    Commit {
        id: String,
        #[arg(long = "zero-uncounted")]
        zero_uncounted: bool,
    },
    /// Open counts of a company.
    List {
        #[command(flatten)]
        company: CompanyArg,
    },
}

pub(crate) fn run(store: &mut Store, cmd: CountCmd, out: &Out) -> Result<()> {
    match cmd {
        CountCmd::Start {
            company,
            warehouse,
            product_type,
            skus,
            open,
        } => {
            let company = store.find_company(&company.company)?;
            let warehouse = store.find_warehouse(&company.id, &warehouse)?;
            let scope = match (product_type, skus.is_empty()) {
                (Some(t), _) => CountScope::ProductType {
                    product_type_id: store.find_product_type(&company.id, &t)?.id,
                },
                (None, false) => CountScope::Products {
                    product_ids: skus
                        .iter()
                        .map(|s| store.find_product_by_sku(&company.id, s).map(|p| p.id))
                        .collect::<Result<_>>()?,
                },
                (None, true) => CountScope::All,
            };
            let session = store.start_count(
                &company.id,
                &CountSessionInput {
                    warehouse_id: warehouse.id,
                    scope,
                    blind: !open,
                },
            )?;
            out.created(
                &session,
                format!(
                    "Started count {} of {} ({} products in scope)",
                    session.id, session.warehouse_name, session.in_scope
                ),
            );
        }
        CountCmd::Scan {
            id,
            code,
            qty,
            confirm,
        } => {
            let line = store.scan(
                &id,
                &ScanInput {
                    code,
                    quantity: qty,
                    confirm_out_of_scope: confirm,
                },
            )?;
            out.created(
                &line,
                format!("{} {}: {} counted", line.sku, line.name, line.counted),
            );
        }
        CountCmd::Review { id } => {
            let review = store.review_count(&id)?;
            print_review(out, &review);
        }
        CountCmd::Commit { id, zero_uncounted } => {
            let choice = if zero_uncounted {
                UncountedChoice::TreatAsZero
            } else {
                UncountedChoice::Leave
            };
            let review = store.commit_count(&id, choice)?;
            print_review(out, &review);
        }
        CountCmd::List { company } => {
            let company = store.find_company(&company.company)?;
            let counts = store.list_open_counts(&company.id)?;
            let mut t = Table::new(["started", "warehouse", "counted", "in scope", "id"]);
            for c in &counts {
                t.row([
                    c.started_at.clone(),
                    c.warehouse_name.clone(),
                    c.counted.to_string(),
                    c.in_scope.to_string(),
                    c.id.clone(),
                ]);
            }
            out.list(&counts, t);
        }
    }
    Ok(())
}

fn print_review(out: &Out, review: &CountReview) {
    let mut text: Vec<String> = review
        .lines
        .iter()
        .map(|l| {
            let since = if l.movements_since.is_empty() {
                String::new()
            } else {
                format!(
                    ", {} movements since: on hand after commit {}",
                    l.movements_since.len(),
                    l.on_hand_after
                )
            };
            format!(
                "  {} counted {} expected {} variance {:+}{since}",
                l.sku, l.counted, l.expected, l.variance
            )
        })
        .collect();
    for u in &review.uncounted {
        text.push(format!("  {} not counted ({} on hand)", u.sku, u.on_hand));
    }
    let status = match review.session.status {
        CountStatus::Open => "open",
        CountStatus::Paused => "paused",
        CountStatus::Committed => "committed",
        CountStatus::Cancelled => "cancelled",
    };
    out.created(
        review,
        format!(
            "Count {} of {} ({status})\n{}",
            review.session.id,
            review.session.warehouse_name,
            text.join("\n")
        ),
    );
}
