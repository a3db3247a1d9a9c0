//! Kits (bundles): products made of other products. A kit holds no stock of its own; its
//! availability in a warehouse is what its components allow, and selling one takes its
//! components. Kits may contain kits; a kit can never contain itself.

use std::collections::{BTreeMap, HashSet};

use rusqlite::{params, Connection};

use crate::auth::Action;
use crate::db::Store;
use crate::error::{Error, Result};
use crate::lookup::product_of_company;
use crate::model::{KitComponent, Product, QuantityLine};
use crate::validate::{sum_lines, Sign, MAX_QUANTITY};

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

fn direct_components(conn: &Connection, kit_id: &str) -> Result<Vec<(String, i64)>> {
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

impl Store {
    /// Makes `kit_id` a kit of these components (replacing its recipe), or a plain product
    /// again with no components. A product that has stock movements cannot become a kit.
    pub fn set_kit_components(
        &mut self,
        kit_id: &str,
        components: &[QuantityLine],
    ) -> Result<Product> {
        self.authorize_row("products", kit_id, Action::EditCatalog)?;
        let wanted = if components.is_empty() {
            BTreeMap::new()
        } else {
            sum_lines(components, Sign::Positive)?
        };
        self.write(|tx| {
            let kit = crate::catalog::get_product(tx.conn, kit_id)?;
            for component_id in wanted.keys() {
                if component_id == kit_id {
                    return Err(Error::validation("components", format!("{} cannot contain itself", kit.sku)));
                }
                let c = product_of_company(tx.conn, &kit.company_id, component_id)?;
                if c.archived {
                    return Err(Error::validation("components", format!("{} is archived", c.sku)));
                }
                if reaches(tx.conn, component_id, kit_id)? {
                    return Err(Error::validation(
                        "components",
                        format!("{} already contains {}: a kit cannot contain itself", c.sku, kit.sku),
                    ));
                }
            }
            if !wanted.is_empty() {
                let has_movements: bool = tx.conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM stock_movements WHERE product_id = ?1)",
                    [kit_id],
                    |r| r.get(0),
                )?;
                if has_movements {
                    return Err(Error::validation(
                        "components",
                        format!("{} has stock history: a kit holds no stock of its own, so create the kit as a new product", kit.sku),
                    ));
                }
                // It was stocked at zero: a kit has no stock rows of its own.
                tx.conn.execute("DELETE FROM stock_levels WHERE product_id = ?1", [kit_id])?;
            }
            let before = tx.before(crate::outbox::Entity::Product, kit_id)?;
            let hlc = tx.stamp();
            tx.conn.execute("DELETE FROM kit_components WHERE kit_id = ?1", [kit_id])?;
            for (component_id, quantity) in &wanted {
                tx.conn.execute(
                    "INSERT INTO kit_components (kit_id, component_id, quantity, updated_hlc)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![kit_id, component_id, quantity, hlc],
                )?;
            }
            // One of this kit, or of any kit that contains it, must stay within what can move.
            let mut stmt = tx.conn.prepare_cached(
                "WITH RECURSIVE up(id) AS (SELECT ?1
                     UNION SELECT k.kit_id FROM kit_components k JOIN up ON k.component_id = up.id)
                 SELECT id FROM up",
            )?;
            let kits: Vec<String> = stmt
                .query_map([kit_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            drop(stmt);
            for k in kits {
                expand(tx.conn, &k, 1)?;
            }
            // The recipe travels with the kit when it syncs: one field of the product.
            tx.conn.execute(
                "UPDATE products SET updated_at = ?2, updated_hlc = ?3 WHERE id = ?1",
                params![kit_id, tx.now, hlc],
            )?;
            tx.updated(crate::outbox::Entity::Product, kit_id, &hlc, before)?;
            crate::catalog::get_product(tx.conn, kit_id)
        })
    }
}

/// Whether `from` is `target` or contains it, at any depth.
fn reaches(conn: &Connection, from: &str, target: &str) -> Result<bool> {
    let mut seen = HashSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(p) = stack.pop() {
        if p == target {
            return Ok(true);
        }
        if seen.insert(p.clone()) {
            stack.extend(direct_components(conn, &p)?.into_iter().map(|(c, _)| c));
        }
    }
    Ok(false)
}
