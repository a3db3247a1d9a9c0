//! `import`: a folder in the CSV interchange format.

use std::path::PathBuf;

use stockflow_core::*;

use crate::output::{self, Out};

pub(crate) fn run(store: &mut Store, dir: PathBuf, out: &Out) -> Result<()> {
    let started = std::time::Instant::now();
    let mut bar = output::Progress::new("importing");
    let summary = store.import_dir(&dir, &mut |p| {
        bar.show(&p.file, p.done_bytes, p.total_bytes)
    })?;
    bar.finish();
    let secs = started.elapsed().as_secs_f64();
    out.created(
        &summary,
        format!(
            "Imported {} companies, {} warehouses, {} products, {} suppliers, {} sales and {} stock rows in {secs:.1} s",
            summary.companies, summary.warehouses, summary.products, summary.suppliers, summary.sales, summary.inventory
        ),
    );
    Ok(())
}
