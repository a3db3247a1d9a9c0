//! `device`: this computer's name in a company.

use clap::Subcommand;
use stockflow_core::*;

use super::CompanyArg;
use crate::output::Out;

#[derive(Subcommand)]
pub(crate) enum DeviceCmd {
    /// Show this computer's name, or set it (owners); an empty NAME goes back to the default.
    Name {
        #[command(flatten)]
        company: CompanyArg,
        /// The new name, like "Shop laptop".
        name: Option<String>,
    },
}

pub(crate) fn run(store: &mut Store, cmd: DeviceCmd, out: &Out) -> Result<()> {
    match cmd {
        DeviceCmd::Name { company, name } => {
            let company = store.find_company(&company.company)?;
            let names = match name {
                Some(name) => store.set_device_name(&company.id, Some(&name))?,
                None => store.device_name(&company.id)?,
            };
            let shown = names.name.clone().unwrap_or_else(|| names.fallback.clone());
            out.created(
                &names,
                format!("This computer is {shown} in {}", company.name),
            );
        }
    }
    Ok(())
}
