//! Kits (bundles): products made of other products. A kit holds no stock of its own; its
//! availability in a warehouse is what its components allow, and selling one takes its
//! components. Kits may contain kits; a kit can never contain itself. Reads only, below the
//! ledger and the catalog that both use them: a kit's recipe is set with the product it
//! belongs to (`Store::set_kit_components` in `catalog.rs`, one synced field of the product).

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::model::KitComponent;
use crate::validate::MAX_QUANTITY;

/// Kits nested deeper than this are refused: a recipe that deep is a mistake.
const MAX_DEPTH: usize = 8;

pub(crate) fn components(conn: &Connection, kit_id: &str) -> Result<Vec<KitComponent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.component_id, p.sku, p.name, k.quantity FROM kit_components k
         JOIN products p ON p.id = k.component_id
         WHERE k.kit_id = ?1 ORDER BY p.sku",
    )?;
    let rows = stmt.query_map([kit_id], |r| {
        Ok(KitComponent {
            product_id: r.get(0)?,
            sku: r.get(1)?,
            name: r.get(2)?,
            quantity: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stock-holding products and quantities that `quantity` units of `product_id` take:
/// itself for a plain product, its components (recursively) for a kit. Refused (`validation`)
/// when any of them comes to more than [`MAX_QUANTITY`]: no product moves more at once.
pub(crate) fn expand(
    conn: &Connection,
    product_id: &str,
    quantity: i64,
) -> Result<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    expand_into(conn, product_id, product_id, quantity, 0, &mut out)?;
    if let Some(component) = out
        .iter()
        .find(|(_, units)| **units > MAX_QUANTITY)
        .map(|(c, _)| c.clone())
    {
        return Err(too_many(conn, product_id, quantity, &component));
    }
    Ok(out)
}

fn expand_into(
    conn: &Connection,
    top: &str,
    product_id: &str,
    quantity: i64,
    depth: usize,
    out: &mut BTreeMap<String, i64>,
) -> Result<()> {
    let parts = direct_components(conn, product_id)?;
    if parts.is_empty() {
        let units = out.entry(product_id.to_owned()).or_default();
        *units = units
            .checked_add(quantity)
            .filter(|u| *u <= MAX_QUANTITY)
            .ok_or_else(|| too_many(conn, top, quantity, product_id))?;
        return Ok(());
    }
    if depth >= MAX_DEPTH {
        return Err(Error::validation("components", "kits are nested too deep"));
    }
    for (component, per_kit) in parts {
        let units = quantity
            .checked_mul(per_kit)
            .filter(|u| *u <= MAX_QUANTITY)
            .ok_or_else(|| too_many(conn, top, quantity, &component))?;
        expand_into(conn, top, &component, units, depth + 1, out)?;
    }
    Ok(())
}

/// The refusal of a kit quantity that would take more than [`MAX_QUANTITY`] of a component.
fn too_many(conn: &Connection, kit_id: &str, quantity: i64, component_id: &str) -> Error {
    let sku = |id: &str| -> String {
        conn.query_row("SELECT sku FROM products WHERE id = ?1", [id], |r| r.get(0))
            .unwrap_or_else(|_| id.to_owned())
    };
    Error::validation(
        "quantity",
        format!(
            "{quantity} of {} would take more than {MAX_QUANTITY} of {}",
            sku(kit_id),
            sku(component_id)
        ),
    )
}

pub(crate) fn direct_components(conn: &Connection, kit_id: &str) -> Result<Vec<(String, i64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT component_id, quantity FROM kit_components WHERE kit_id = ?1")?;
    let rows = stmt.query_map([kit_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Kits available in the warehouse: the fewest whole kits any component allows.
pub(crate) fn available(conn: &Connection, kit_id: &str, warehouse_id: &str) -> Result<i64> {
    let mut fewest = i64::MAX;
    let per_kit = match expand(conn, kit_id, 1) {
        Ok(parts) => parts,
        // One kit would take more of a component than can ever move at once: none can be sold.
        Err(Error::Validation { .. }) => return Ok(0),
        Err(e) => return Err(e),
    };
    for (component, per_kit) in per_kit {
        let on_hand = crate::lookup::on_hand(conn, &component, warehouse_id)?;
        fewest = fewest.min(on_hand.max(0) / per_kit);
    }
    Ok(if fewest == i64::MAX { 0 } else { fewest })
}
