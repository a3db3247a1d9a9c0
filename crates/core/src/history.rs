//! Reading the ledger: history pages, the movements a write made.

use rusqlite::types::Value;
use rusqlite::{Connection, Row};

use crate::auth::Action;
use crate::db::Store;
use crate::error::Result;
use crate::lookup::get_company;
use crate::model::{HistoryQuery, Movement, MovementKind, MovementPage, MovementResult};
use crate::sql::{DEFAULT_PAGE, MAX_PAGE};

const MOVEMENT_COLUMNS: &str = "m.id, m.product_id, p.sku, p.name, m.warehouse_id, w.name, m.kind,
    m.quantity, m.reason, m.reference_kind, m.reference_id, m.note, m.occurred_at, m.user_id,
    m.device_id, u.name, dn.name, (SELECT device_id FROM device)";
const MOVEMENT_JOINS: &str = "JOIN products p ON p.id = m.product_id
    JOIN warehouses w ON w.id = m.warehouse_id
    LEFT JOIN users u ON u.id = m.user_id
    LEFT JOIN device_names dn ON dn.company_id = m.company_id AND dn.device_id = m.device_id";

fn movement_from_row(r: &Row<'_>) -> rusqlite::Result<Movement> {
    let kind: String = r.get(6)?;
    let device_id: String = r.get(14)?;
    let named: Option<String> = r.get(16)?;
    let this: String = r.get(17)?;
    Ok(Movement {
        id: r.get(0)?,
        product_id: r.get(1)?,
        sku: r.get(2)?,
        product_name: r.get(3)?,
        warehouse_id: r.get(4)?,
        warehouse_name: r.get(5)?,
        kind: MovementKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                6,
                rusqlite::types::Type::Text,
                format!("unknown movement kind {kind}").into(),
            )
        })?,
        quantity: r.get(7)?,
        reason: r.get(8)?,
        reference_kind: r.get(9)?,
        reference_id: r.get(10)?,
        note: r.get(11)?,
        occurred_at: r.get(12)?,
        user_id: r.get(13)?,
        user_name: r.get(15)?,
        device_name: crate::devices::device_label(named, &device_id),
        this_device: device_id == this,
        device_id,
    })
}

/// The movements with these ids, in the order given.
pub(crate) fn movement_result(conn: &Connection, ids: &[String]) -> Result<MovementResult> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MOVEMENT_COLUMNS} FROM stock_movements m {MOVEMENT_JOINS} WHERE m.stored_id = ?1"
    ))?;
    let movements = ids
        .iter()
        .map(|id| stmt.query_row([crate::ids::stored(id)], movement_from_row))
        .collect::<rusqlite::Result<_>>()?;
    Ok(MovementResult { movements })
}

/// Movements of a product in a warehouse that happened after `after`, oldest first.
pub(crate) fn movements_after(
    conn: &Connection,
    product_id: &str,
    warehouse_id: &str,
    after: &str,
) -> Result<Vec<Movement>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MOVEMENT_COLUMNS} FROM stock_movements m {MOVEMENT_JOINS}
         WHERE m.product_id = ?1 AND m.warehouse_id = ?2 AND m.occurred_ms > ?3
         ORDER BY m.occurred_ms, m.seq"
    ))?;
    let after = crate::times::ms(after)?;
    let rows = stmt.query_map((product_id, warehouse_id, after), movement_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The ledger, newest first (by the time movements happened), filtered and paged.
    pub fn list_movements(&self, query: &HistoryQuery) -> Result<MovementPage> {
        self.authorize(&query.company_id, Action::Read)?;
        get_company(&self.conn, &query.company_id)?;
        let mut params: Vec<Value> = vec![Value::Text(query.company_id.clone())];
        let mut filters = String::from("m.company_id = ?1");
        let mut filter = |sql: &str, value: Value| {
            params.push(value);
            filters.push_str(&format!(" AND {sql} ?{}", params.len()));
        };
        if let Some(p) = &query.product_id {
            filter("m.product_id =", Value::Text(p.clone()));
        }
        if let Some(w) = &query.warehouse_id {
            filter("m.warehouse_id =", Value::Text(w.clone()));
        }
        if let Some(k) = query.kind {
            filter("m.kind =", Value::Text(k.as_str().to_owned()));
        }
        if let Some(r) = query.reason.as_deref().filter(|r| !r.trim().is_empty()) {
            filter(
                "m.reason COLLATE NOCASE =",
                Value::Text(r.trim().to_owned()),
            );
        }
        if let Some(u) = &query.user_id {
            filter("m.user_id =", Value::Text(u.clone()));
        }
        if let Some(from) = &query.from {
            let from = crate::validate::timestamp("from", from)?;
            filter("m.occurred_ms >=", Value::Integer(crate::times::ms(&from)?));
        }
        if let Some(to) = &query.to {
            let to = crate::validate::timestamp("to", to)?;
            filter("m.occurred_ms <", Value::Integer(crate::times::ms(&to)?));
        }
        if let Some(r) = &query.reference_id {
            // Stored as the sale's key or as text (migration 0016): either, by index.
            params.push(Value::Text(r.clone()));
            params.push(crate::ids::stored(r));
            let n = params.len();
            filters.push_str(&format!(
                " AND (m.reference_text = ?{}
                       OR m.sale_key = (SELECT seq FROM sale_rows WHERE id = ?{n}))",
                n - 1
            ));
        }
        let limit = match query.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        // One row more than the page tells whether there is a next page without counting
        // millions of rows.
        let sql = format!(
            "SELECT {MOVEMENT_COLUMNS} FROM stock_movements m {MOVEMENT_JOINS}
             WHERE {filters} ORDER BY m.occurred_ms DESC, m.seq DESC LIMIT {} OFFSET {}",
            limit + 1,
            query.offset
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut items: Vec<Movement> = stmt
            .query_map(rusqlite::params_from_iter(&params), movement_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let has_more = items.len() > limit as usize;
        items.truncate(limit as usize);
        Ok(MovementPage { items, has_more })
    }
}
