//! `kit`: products made of other products.

use clap::Subcommand;
use stockflow_core::*;

use super::{parse_assignment, product_lines, CompanyArg};
use crate::output::Out;

#[derive(Subcommand)]
pub(crate) enum KitCmd {
    /// Set the kit's components (replacing its recipe).
    Set {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long, value_name = "KIT")]
        sku: String,
        #[arg(value_name = "COMPONENT_SKU=QTY", required = true, value_parser = parse_assignment)]
        components: Vec<(String, i64)>,
    },
}

pub(crate) fn run(store: &mut Store, cmd: KitCmd, out: &Out) -> Result<()> {
    match cmd {
        KitCmd::Set {
            company,
            sku,
            components,
        } => {
            let company = store.find_company(&company.company)?;
            let kit = store.find_product_by_sku(&company.id, &sku)?;
            let lines = product_lines(store, &company.id, &components)?;
            let kit = store.set_kit_components(&kit.id, &lines)?;
            let recipe: Vec<String> = kit
                .components
                .iter()
                .map(|c| format!("{} x {}", c.quantity, c.sku))
                .collect();
            out.created(&kit, format!("Kit {} = {}", kit.sku, recipe.join(" + ")));
        }
    }
    Ok(())
}
