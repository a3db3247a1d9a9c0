//! From low-stock alerts to purchase orders in one step: each alert that can be ordered becomes
//! a line with its suggested quantity, on one draft order per supplier and warehouse, written
//! through the same function as an order made by hand. The alerts left out come back with the
//! reason, so the user sees what still needs a decision.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension};

use crate::auth::Action;
use crate::catalog::get_product_type;
use crate::db::Store;
use crate::error::{Entity, Error, Result};
use crate::lookup::{get_company, product_of_company, warehouse_of_company};
use crate::model::*;
use crate::purchasing::{get_order, insert_purchase_order, ValidOrder};
use crate::validate::MAX_QUANTITY;

/// The note every drafted order carries, so that the buyer knows where it came from.
pub const DRAFT_NOTE: &str = "Drafted from low-stock alerts";

/// How many times the alerts are read again when another process wrote in between.
const ATTEMPTS: usize = 5;

impl Store {
    /// Creates draft purchase orders from the alerts matching `input.query` (or only the
    /// selected rows), in one transaction: one order per (supplier, warehouse), one line per
    /// alert with its suggested quantity at the supplier's cost. Alerts that cannot be ordered
    /// are returned as skipped, with the reason; bad input is refused and writes nothing.
    pub fn draft_orders_from_alerts(
        &mut self,
        input: &DraftFromAlertsInput,
    ) -> Result<DraftedOrders> {
        self.authorize(&input.query.company_id, Action::ManageOrders)?;
        let selection = selection(input.selection.as_deref())?;
        let query = AlertQuery {
            limit: 0,
            offset: 0,
            ..input.query.clone()
        };
        // The alerts are computed by a read of their own (`low_stock_alerts`), then used under
        // the write lock. `data_version` changes when another connection commits: when it has,
        // the alerts may be stale and are read again, so what is ordered is exactly what the
        // alerts say at the moment of the write.
        for _ in 0..ATTEMPTS {
            let read_at = data_version(&self.conn)?;
            check_scope(&self.conn, &query, selection.as_deref())?;
            let alerts = self.low_stock_alerts(&query)?.alerts;
            let drafted = self.write(|tx| {
                if data_version(tx.conn)? != read_at {
                    return Ok(None);
                }
                let plan = plan(tx.conn, &query.company_id, alerts, selection.as_deref())?;
                let mut orders = Vec::with_capacity(plan.orders.len());
                for order in &plan.orders {
                    let valid = ValidOrder::parse(order)?;
                    let id = insert_purchase_order(tx, &query.company_id, order, &valid)?;
                    orders.push(get_order(tx.conn, &id)?);
                }
                Ok(Some(DraftedOrders {
                    orders,
                    skipped: plan.skipped,
                }))
            })?;
            if let Some(drafted) = drafted {
                return Ok(drafted);
            }
        }
        // The stock kept changing under every attempt.
        Err(Error::Busy)
    }
}

/// A counter SQLite bumps whenever another connection commits to the file.
fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
}

/// The selected rows, each once; `None` means every matching alert.
fn selection(keys: Option<&[AlertKey]>) -> Result<Option<Vec<AlertKey>>> {
    let Some(keys) = keys else {
        return Ok(None);
    };
    if keys.is_empty() {
        return Err(Error::validation(
            "selection",
            "select at least one alert, or leave the selection out to order every alert",
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        if key.product_id.trim().is_empty() || key.warehouse_id.trim().is_empty() {
            return Err(Error::validation(
                "selection",
                "each selected alert needs a product and a warehouse",
            ));
        }
        if seen.insert(key) {
            out.push(key.clone());
        }
    }
    Ok(Some(out))
}

/// Everything the input names must exist in the company: a filter or a selected row of another
/// company is refused, not silently matched to nothing.
fn check_scope(conn: &Connection, q: &AlertQuery, selection: Option<&[AlertKey]>) -> Result<()> {
    get_company(conn, &q.company_id)?;
    if let Some(id) = &q.warehouse_id {
        warehouse_of_company(conn, &q.company_id, id)?;
    }
    if let Some(id) = &q.supplier_id {
        supplier_name(conn, &q.company_id, id)?;
    }
    if let Some(id) = &q.product_type_id {
        get_product_type(conn, id)
            .ok()
            .filter(|t| t.company_id == q.company_id)
            .ok_or_else(|| Error::not_found(Entity::ProductType, id))?;
    }
    for key in selection.unwrap_or_default() {
        product_of_company(conn, &q.company_id, &key.product_id)?;
        warehouse_of_company(conn, &q.company_id, &key.warehouse_id)?;
    }
    Ok(())
}

fn supplier_name(conn: &Connection, company_id: &str, id: &str) -> Result<String> {
    conn.prepare_cached("SELECT name FROM suppliers WHERE id = ?1 AND company_id = ?2")?
        .query_row((id, company_id), |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Supplier, id))
}

/// The orders to write and the alerts left out.
struct Plan {
    orders: Vec<PurchaseOrderInput>,
    skipped: Vec<SkippedAlert>,
}

fn plan(
    conn: &Connection,
    company_id: &str,
    alerts: Vec<Alert>,
    selection: Option<&[AlertKey]>,
) -> Result<Plan> {
    let mut skipped = Vec::new();
    let alerts = match selection {
        None => alerts,
        Some(keys) => {
            let mut by_key: HashMap<(String, String), Alert> = alerts
                .into_iter()
                .map(|a| ((a.product_id.clone(), a.warehouse_id.clone()), a))
                .collect();
            let mut chosen = Vec::with_capacity(keys.len());
            for key in keys {
                match by_key.remove(&(key.product_id.clone(), key.warehouse_id.clone())) {
                    Some(alert) => chosen.push(alert),
                    None => skipped.push(not_alerting(conn, key)?),
                }
            }
            // Most urgent first, as the alerts list them.
            chosen.sort_by(|a, b| {
                (a.days_until_stockout, &a.sku, &a.warehouse_name).cmp(&(
                    b.days_until_stockout,
                    &b.sku,
                    &b.warehouse_name,
                ))
            });
            chosen
        }
    };

    // (supplier name, warehouse name, supplier id, warehouse id) -> lines, so that orders come
    // out by supplier, then warehouse.
    let mut groups: BTreeMap<(String, String, String, String), Vec<PurchaseOrderLineInput>> =
        BTreeMap::new();
    for alert in alerts {
        let skip =
            |reason: SkipReason, message: String, purchase_order_id: Option<String>| SkippedAlert {
                product_id: alert.product_id.clone(),
                sku: alert.sku.clone(),
                product_name: alert.product_name.clone(),
                warehouse_id: alert.warehouse_id.clone(),
                warehouse_name: alert.warehouse_name.clone(),
                reason,
                message,
                purchase_order_id,
            };
        let Some(supplier) = &alert.supplier else {
            skipped.push(skip(
                SkipReason::NoSupplier,
                format!(
                    "no supplier supplies {} yet: link one to order it",
                    alert.sku
                ),
                None,
            ));
            continue;
        };
        if supplier_archived(conn, &supplier.id)? {
            skipped.push(skip(
                SkipReason::SupplierArchived,
                format!("{} is archived: choose another supplier", supplier.name),
                None,
            ));
            continue;
        }
        if alert.suggested_order_qty <= 0 {
            skipped.push(skip(
                SkipReason::CoveredByOnOrder,
                match alert.on_order {
                    1 => format!(
                        "the 1 unit on order already covers what {} needs",
                        alert.warehouse_name
                    ),
                    n => format!(
                        "the {n} units on order already cover what {} needs",
                        alert.warehouse_name
                    ),
                },
                None,
            ));
            continue;
        }
        if let Some((order_id, to)) =
            draft_with(conn, company_id, &alert.warehouse_id, &alert.product_id)?
        {
            skipped.push(skip(
                SkipReason::AlreadyOnDraft,
                format!("already on a draft order to {to}"),
                Some(order_id),
            ));
            continue;
        }
        if alert.suggested_order_qty > MAX_QUANTITY {
            return Err(Error::validation(
                "quantity",
                format!(
                    "the suggested order of {} {} is more than one order can hold: check {}'s minimum order and pack size",
                    alert.suggested_order_qty, alert.sku, supplier.name
                ),
            ));
        }
        groups
            .entry((
                supplier.name.clone(),
                alert.warehouse_name.clone(),
                supplier.id.clone(),
                alert.warehouse_id.clone(),
            ))
            .or_default()
            .push(PurchaseOrderLineInput {
                product_id: alert.product_id.clone(),
                quantity: alert.suggested_order_qty,
                // The supplier's cost on the link.
                unit_cost: None,
            });
    }
    let orders = groups
        .into_iter()
        .map(
            |((_, _, supplier_id, warehouse_id), lines)| PurchaseOrderInput {
                supplier_id,
                warehouse_id,
                lines,
                note: Some(DRAFT_NOTE.into()),
                confirm_new_links: false,
            },
        )
        .collect();
    Ok(Plan { orders, skipped })
}

fn supplier_archived(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT archived FROM suppliers WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

/// The oldest draft order of the company for this warehouse that has the product, and its
/// supplier's name.
fn draft_with(
    conn: &Connection,
    company_id: &str,
    warehouse_id: &str,
    product_id: &str,
) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT o.id, s.name FROM purchase_orders o
             JOIN purchase_order_lines l ON l.purchase_order_id = o.id
             JOIN suppliers s ON s.id = o.supplier_id
             WHERE o.company_id = ?1 AND o.warehouse_id = ?2 AND l.product_id = ?3 AND o.status = 'draft'
               AND l.removed = 0
             ORDER BY o.created_at, o.seq LIMIT 1",
        )?
        .query_row((company_id, warehouse_id, product_id), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// A selected row absent from the alerts, named for the user.
fn not_alerting(conn: &Connection, key: &AlertKey) -> Result<SkippedAlert> {
    let (sku, product_name, warehouse_name): (String, String, String) = conn
        .prepare_cached(
            "SELECT p.sku, p.name, w.name FROM products p, warehouses w WHERE p.id = ?1 AND w.id = ?2",
        )?
        .query_row((&key.product_id, &key.warehouse_id), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok(SkippedAlert {
        message: format!(
            "{sku} in {warehouse_name} no longer alerts: restocked, not selling lately, or outside the filters"
        ),
        product_id: key.product_id.clone(),
        sku,
        product_name,
        warehouse_id: key.warehouse_id.clone(),
        warehouse_name,
        reason: SkipReason::NoLongerAlerting,
        purchase_order_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_version_moves_when_another_connection_commits_and_not_for_our_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stockflow.db");
        let mut ours = Store::open(&path).unwrap();
        let mut theirs = Store::open(&path).unwrap();
        let before = data_version(&ours.conn).unwrap();
        ours.create_company(&CompanyInput {
            name: "Ours".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            data_version(&ours.conn).unwrap(),
            before,
            "our own commit leaves it"
        );
        theirs
            .create_company(&CompanyInput {
                name: "Theirs".into(),
                ..Default::default()
            })
            .unwrap();
        assert_ne!(
            data_version(&ours.conn).unwrap(),
            before,
            "a commit by another connection (the CLI beside the app) moves it"
        );
    }
}
