//! The stock ledger and the stock levels projected from it (DESIGN §2).
//!
//! `stock_movements` is the truth and is append-only (the schema refuses updates and deletes).
//! `stock_levels` is kept in the same transaction as every movement; [`Store::ledger_levels`]
//! recomputes it from the ledger alone, and tests hold the two equal.

use rusqlite::{params, Connection};

use crate::db::{new_id, Store, Tx};
use crate::error::Result;
use rust_decimal::Decimal;

use crate::model::{CompanySummary, StockLevel, StockQuery, StockRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MovementKind {
    /// The quantity a product starts with in a warehouse when it is created or imported.
    Opening,
}

impl MovementKind {
    fn as_str(self) -> &'static str {
        match self {
            MovementKind::Opening => "opening",
        }
    }
}

pub(crate) struct NewMovement<'a> {
    pub company_id: &'a str,
    pub product_id: &'a str,
    pub warehouse_id: &'a str,
    pub kind: MovementKind,
    /// Signed change of on hand.
    pub quantity: i64,
    pub reason: Option<&'a str>,
    /// What the movement belongs to: (kind, id), e.g. ("sale", id).
    pub reference: Option<(&'a str, &'a str)>,
}

/// Appends a movement to the ledger and applies it to the stock level, in the caller's
/// transaction. Returns the movement's id.
pub(crate) fn record(tx: &mut Tx<'_>, m: &NewMovement<'_>) -> Result<String> {
    let id = new_id();
    let hlc = tx.stamp();
    let (reference_kind, reference_id) = m.reference.unzip();
    tx.conn.execute(
        "INSERT INTO stock_movements (id, company_id, product_id, warehouse_id, kind, quantity,
             reason, reference_kind, reference_id, occurred_at, hlc, user_id, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, ?12)",
        params![
            id,
            m.company_id,
            m.product_id,
            m.warehouse_id,
            m.kind.as_str(),
            m.quantity,
            m.reason,
            reference_kind,
            reference_id,
            tx.now,
            hlc,
            tx.device_id()
        ],
    )?;
    tx.conn.execute(
        "INSERT INTO stock_levels (product_id, warehouse_id, on_hand) VALUES (?1, ?2, ?3)
         ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = on_hand + excluded.on_hand",
        params![m.product_id, m.warehouse_id, m.quantity],
    )?;
    tx.outbox("stock_movement", &id, &hlc)?;
    Ok(id)
}

/// Marks the product as stocked in the warehouse (a level row at zero) if it is not yet.
pub(crate) fn ensure_level(conn: &Connection, product_id: &str, warehouse_id: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO stock_levels (product_id, warehouse_id, on_hand) VALUES (?1, ?2, 0)
         ON CONFLICT DO NOTHING",
        (product_id, warehouse_id),
    )?;
    Ok(())
}

pub(crate) fn levels_of_product(conn: &Connection, product_id: &str) -> Result<Vec<StockLevel>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.warehouse_id, w.name, s.on_hand FROM stock_levels s
         JOIN warehouses w ON w.id = s.warehouse_id
         WHERE s.product_id = ?1 ORDER BY w.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([product_id], |r| {
        Ok(StockLevel {
            warehouse_id: r.get(0)?,
            warehouse_name: r.get(1)?,
            on_hand: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The dashboard's figures: one pass over the company's stock levels.
    pub fn company_summary(&self, company_id: &str) -> Result<CompanySummary> {
        crate::catalog::get_company(&self.conn, company_id)?;
        let count = |sql: &str| -> Result<i64> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_row([company_id], |r| r.get(0))?)
        };
        let products =
            count("SELECT COUNT(*) FROM products WHERE company_id = ?1 AND archived = 0")?;
        let warehouses =
            count("SELECT COUNT(*) FROM warehouses WHERE company_id = ?1 AND archived = 0")?;
        let product_types = count("SELECT COUNT(*) FROM product_types WHERE company_id = ?1")?;

        let mut stmt = self.conn.prepare_cached(
            "SELECT p.price, SUM(MAX(s.on_hand, 0)), SUM(s.on_hand <= 0)
             FROM products p JOIN stock_levels s ON s.product_id = p.id
             WHERE p.company_id = ?1 AND p.archived = 0
             GROUP BY p.seq",
        )?;
        let mut rows = stmt.query([company_id])?;
        let (mut units_on_hand, mut retail_value, mut out_of_stock) = (0i64, Decimal::ZERO, 0i64);
        while let Some(r) = rows.next()? {
            let units: i64 = r.get(1)?;
            units_on_hand += units;
            retail_value += crate::catalog::decimal_column(r, 0)? * Decimal::from(units);
            out_of_stock += r.get::<_, i64>(2)?;
        }
        Ok(CompanySummary {
            products,
            warehouses,
            product_types,
            units_on_hand,
            retail_value,
            out_of_stock,
        })
    }

    /// On hand per product and warehouse of a company, optionally for one warehouse or SKU,
    /// ordered by SKU then warehouse name. Archived products are left out.
    pub fn list_stock(&self, query: &StockQuery) -> Result<Vec<StockRow>> {
        crate::catalog::get_company(&self.conn, &query.company_id)?;
        if let Some(w) = &query.warehouse_id {
            crate::catalog::warehouse_of_company(&self.conn, &query.company_id, w)?;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.sku, p.name, w.id, w.name, s.on_hand
             FROM stock_levels s
             JOIN products p ON p.id = s.product_id
             JOIN warehouses w ON w.id = s.warehouse_id
             WHERE p.company_id = ?1 AND p.archived = 0
               AND (?2 IS NULL OR w.id = ?2)
               AND (?3 IS NULL OR p.sku = ?3)
             ORDER BY p.sku, w.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map(
            params![
                query.company_id,
                query.warehouse_id,
                query.sku.as_deref().map(str::trim)
            ],
            |r| {
                let on_hand: i64 = r.get(5)?;
                Ok(StockRow {
                    product_id: r.get(0)?,
                    sku: r.get(1)?,
                    product_name: r.get(2)?,
                    warehouse_id: r.get(3)?,
                    warehouse: r.get(4)?,
                    on_hand,
                    available: on_hand.max(0),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stock levels as the ledger alone says they are: per (product, warehouse), the latest
    /// count (by time, then HLC) plus every other movement after it; without a count, the sum
    /// of the movements. Sorted by product id then warehouse id.
    pub fn ledger_levels(&self) -> Result<Vec<(String, String, i64)>> {
        let mut stmt = self.conn.prepare(
            "WITH last_count AS (
                 SELECT product_id, warehouse_id, quantity, occurred_at, hlc FROM (
                     SELECT product_id, warehouse_id, quantity, occurred_at, hlc,
                            ROW_NUMBER() OVER (PARTITION BY product_id, warehouse_id
                                               ORDER BY occurred_at DESC, hlc DESC) AS rn
                     FROM stock_movements WHERE kind = 'count')
                 WHERE rn = 1)
             SELECT m.product_id, m.warehouse_id,
                    COALESCE(MAX(c.quantity), 0) + COALESCE(SUM(m.quantity) FILTER (
                        WHERE m.kind <> 'count'
                          AND (c.hlc IS NULL OR (m.occurred_at, m.hlc) > (c.occurred_at, c.hlc))), 0)
             FROM stock_movements m
             LEFT JOIN last_count c USING (product_id, warehouse_id)
             GROUP BY m.product_id, m.warehouse_id
             ORDER BY m.product_id, m.warehouse_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The kept stock levels of every (product, warehouse) that has movements, in the order of
    /// [`Store::ledger_levels`]: the two must be equal.
    pub fn kept_levels(&self) -> Result<Vec<(String, String, i64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.product_id, s.warehouse_id, s.on_hand FROM stock_levels s
             WHERE EXISTS (SELECT 1 FROM stock_movements m
                           WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id)
             ORDER BY s.product_id, s.warehouse_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
