//! The read side of sync: a change pulled from another device, applied through the same
//! definitions the local writes queue from (DESIGN §4 merge rules).
//!
//! - Events (movements, sales and their lines, returns) are inserted once by id, never updated;
//!   a movement then settles the stock level exactly as a local one does, so on hand is always
//!   the latest count plus what came after it, whatever order the events arrive in.
//! - Catalog rows merge field by field: a field takes the change's value when the change's HLC
//!   is later than the field's clock (the HLC text ends with the device id: ties cannot happen).
//! - What is a sum is never a field: a purchase order's received quantities and status follow
//!   its receipts; the preferred supplier is one field of the product.
//! - The same SKU or barcode on two products: both stay; every device derives the same winner.

use std::collections::BTreeSet;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, ErrorCode, OptionalExtension};
use serde_json::Value;
use stockflow_sync_proto::Change;

use crate::claims::{resolve_barcode, resolve_sku, short_id};
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::model::MovementKind;
use crate::outbox::entity::{Def, Entity, SetField};
use crate::outbox::{set_clock, Snapshot};

/// What became of one pulled change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Applied,
    /// Already here (an event inserted before, or nothing newer in it).
    Unchanged,
    /// Kept aside to apply later: why.
    Parked(String),
}

/// Applies one change inside its own savepoint: all of it or, if it is parked, none of it.
pub(crate) fn apply(tx: &mut Tx<'_>, change: &Change) -> Result<Outcome> {
    let Some(entity) = Entity::parse(&change.entity) else {
        return Ok(Outcome::Parked(format!(
            "unknown kind of change \"{}\": kept for a newer version of StockFlow",
            change.entity
        )));
    };
    let def = entity.def();
    if change.version > def.version {
        return Ok(Outcome::Parked(format!(
            "{} version {} is newer than this StockFlow knows ({})",
            change.entity, change.version, def.version
        )));
    }
    let Value::Object(payload) = &change.payload else {
        return Ok(Outcome::Parked("its payload is not an object".to_owned()));
    };
    if def.columns.contains(&"company_id")
        && payload.get("company_id").and_then(Value::as_str) != Some(change.company_id.as_str())
    {
        return Ok(Outcome::Parked(format!(
            "{} {} does not belong to the company it came with",
            change.entity, change.entity_id
        )));
    }
    tx.conn.execute_batch("SAVEPOINT sync_change")?;
    let outcome = if def.event {
        insert_event(tx, def, change, payload)
    } else {
        merge_row(tx, def, change, payload)
    };
    match outcome {
        Ok(o) => {
            tx.conn.execute_batch("RELEASE sync_change")?;
            Ok(o)
        }
        Err(e) => {
            tx.conn
                .execute_batch("ROLLBACK TO sync_change; RELEASE sync_change")?;
            // One change that cannot be applied waits aside, with why, rather than stopping
            // every change after it; a failure of the file itself stops the page.
            match missing_parent(&e) {
                Some(reason) => Ok(Outcome::Parked(reason)),
                None if is_unique_violation(&e) || matches!(e, Error::Validation { .. }) => {
                    Ok(Outcome::Parked(format!("cannot be applied here: {e}")))
                }
                None => Err(e),
            }
        }
    }
}

/// A change that refers to a row not here yet (its parent comes later in another order)
/// waits; anything else is a real error.
fn missing_parent(e: &Error) -> Option<String> {
    match e {
        Error::Storage(rusqlite::Error::SqliteFailure(f, msg))
            if f.code == ErrorCode::ConstraintViolation
                && f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            Some(format!(
                "waiting for a row it refers to ({})",
                msg.as_deref().unwrap_or("foreign key")
            ))
        }
        _ => None,
    }
}

fn is_unique_violation(e: &Error) -> bool {
    matches!(e, Error::Storage(rusqlite::Error::SqliteFailure(f, _))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

fn sql_value(v: Option<&Value>) -> SqlValue {
    match v {
        None | Some(Value::Null) => SqlValue::Null,
        Some(Value::Bool(b)) => SqlValue::Integer(*b as i64),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        Some(Value::String(s)) => SqlValue::Text(s.clone()),
        Some(other) => SqlValue::Text(other.to_string()),
    }
}

fn insert_event(
    tx: &mut Tx<'_>,
    def: &Def,
    change: &Change,
    payload: &Snapshot,
) -> Result<Outcome> {
    let columns = def.columns.join(", ");
    let marks: Vec<String> = (2..=def.columns.len() + 1)
        .map(|i| format!("?{i}"))
        .collect();
    // Once by id. The ledger's tables are views (migration 0016), which take no ON CONFLICT.
    if exists(tx, def, &change.entity_id)? {
        return Ok(Outcome::Unchanged);
    }
    let sql = format!(
        "INSERT INTO {} (id, {columns}) VALUES (?1, {})",
        def.table,
        marks.join(", ")
    );
    let mut values = vec![SqlValue::Text(change.entity_id.clone())];
    values.extend(def.columns.iter().map(|c| sql_value(payload.get(*c))));
    tx.conn
        .prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(values))?;
    if def.entity == Entity::StockMovement {
        settle_movement(tx, &change.entity_id)?;
    }
    Ok(Outcome::Applied)
}

/// Whether the row `id` of the entity is here.
fn exists(tx: &Tx<'_>, def: &Def, id: &str) -> Result<bool> {
    let (column, key) = crate::ids::lookup(def.table, id);
    Ok(tx
        .conn
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE {column} = ?1", def.table))?
        .exists([key])?)
}

/// The effects of a movement that arrived from another device: the stock level, the daily
/// rollup, and the purchase order it received against.
fn settle_movement(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    #[allow(clippy::type_complexity)]
    let (
        product_id,
        warehouse_id,
        kind,
        quantity,
        occurred_at,
        occurred_ms,
        hlc,
        reference_kind,
        reference_id,
    ): (
        String,
        String,
        String,
        i64,
        String,
        Option<i64>,
        String,
        Option<String>,
        Option<String>,
    ) = tx.conn.query_row(
        "SELECT product_id, warehouse_id, kind, quantity, occurred_at, occurred_ms, hlc,
                reference_kind, reference_id
         FROM stock_movements WHERE stored_id = ?1",
        [crate::ids::stored(id)],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        },
    )?;
    let kind = MovementKind::parse(&kind)
        .ok_or_else(|| Error::validation("kind", format!("unknown movement kind {kind}")))?;
    crate::stock::settle(
        tx,
        id,
        &product_id,
        &warehouse_id,
        kind,
        quantity,
        occurred_ms,
        &hlc,
    )?;
    crate::devices::note_movement_elsewhere(tx, id)?;
    if matches!(kind, MovementKind::Sale | MovementKind::Return) {
        crate::sales::roll_up(tx, &product_id, &warehouse_id, &occurred_at, -quantity)?;
    }
    if kind == MovementKind::Receipt && reference_kind.as_deref() == Some("purchase_order") {
        if let Some(order) = reference_id {
            refresh_order(tx, &order)?;
        }
    }
    Ok(())
}

/// A purchase order's received quantities are the sums of its receipts, and its status
/// follows them while it is open; every device derives the same from the same receipts.
pub(crate) fn refresh_order(tx: &Tx<'_>, order_id: &str) -> Result<()> {
    tx.conn
        .prepare_cached(
            "UPDATE purchase_order_lines SET quantity_received = (
                 SELECT COALESCE(SUM(m.quantity), 0) FROM stock_movements m
                 WHERE m.reference_text = purchase_order_lines.purchase_order_id
                   AND m.reference_kind = 'purchase_order' AND m.kind = 'receipt'
                   AND m.product_id = purchase_order_lines.product_id)
             WHERE purchase_order_id = ?1",
        )?
        .execute([order_id])?;
    tx.conn
        .prepare_cached(
            "WITH sums AS (
                 SELECT COALESCE(SUM(CASE WHEN removed = 0
                                     THEN MAX(quantity_ordered - quantity_received, 0) ELSE 0 END), 0) AS open,
                        COALESCE(SUM(quantity_received), 0) AS received
                 FROM purchase_order_lines WHERE purchase_order_id = ?1)
             UPDATE purchase_orders SET
                 status = CASE WHEN (SELECT open FROM sums) = 0 THEN 'received'
                               WHEN (SELECT received FROM sums) > 0 THEN 'partially_received'
                               ELSE 'sent' END,
                 received_at = CASE WHEN (SELECT open FROM sums) = 0 THEN (
                     SELECT m.occurred_at FROM stock_movements m
                     WHERE m.reference_text = ?1 AND m.reference_kind = 'purchase_order'
                       AND m.kind = 'receipt' ORDER BY m.occurred_ms DESC LIMIT 1) END
             WHERE id = ?1 AND status IN ('sent', 'partially_received', 'received')
               AND EXISTS (SELECT 1 FROM purchase_order_lines WHERE purchase_order_id = ?1)",
        )?
        .execute([order_id])?;
    // A cancelled order keeps its status, but when it was received is still its receipts'
    // (received in full on one device and cancelled on another, it must read the same on
    // both, whichever change each saw first).
    tx.conn
        .prepare_cached(
            "WITH sums AS (
                 SELECT COALESCE(SUM(CASE WHEN removed = 0
                                     THEN MAX(quantity_ordered - quantity_received, 0) ELSE 0 END), 0) AS open
                 FROM purchase_order_lines WHERE purchase_order_id = ?1)
             UPDATE purchase_orders SET
                 received_at = CASE WHEN (SELECT open FROM sums) = 0 THEN (
                     SELECT m.occurred_at FROM stock_movements m
                     WHERE m.reference_text = ?1 AND m.reference_kind = 'purchase_order'
                       AND m.kind = 'receipt' ORDER BY m.occurred_ms DESC LIMIT 1) END
             WHERE id = ?1 AND status = 'cancelled'
               AND EXISTS (SELECT 1 FROM purchase_order_lines WHERE purchase_order_id = ?1)",
        )?
        .execute([order_id])?;
    Ok(())
}

/// The clock of each field of a row: its own, else the row's creation ('*'), else the
/// lowest value (the row came whole, and anything later wins).
fn clocks(tx: &Tx<'_>, entity: Entity, id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = tx.conn.prepare_cached(
        "SELECT field, hlc FROM field_clocks WHERE entity = ?1 AND entity_id = ?2",
    )?;
    let rows = stmt.query_map(params![entity.as_str(), id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn merge_row(tx: &mut Tx<'_>, def: &Def, change: &Change, payload: &Snapshot) -> Result<Outcome> {
    let entity = def.entity;
    let id = change.entity_id.as_str();
    // A field missing from the payload is one its sender's version did not have yet (a
    // company's currency, a product's cost: migration 0014): it leaves the row's value alone.
    let listed: Vec<&str> = if change.fields.is_empty() {
        def.fields().filter(|f| payload.contains_key(*f)).collect()
    } else {
        def.fields()
            .filter(|f| change.fields.iter().any(|c| c == f) && payload.contains_key(*f))
            .collect()
    };
    let exists = exists(tx, def, id)?;
    if entity == Entity::PurchaseOrderLine && !exists && yields_to_twin(tx, id, payload)? {
        return Ok(Outcome::Unchanged);
    }
    let old_codes = if entity == Entity::Product && exists {
        Some(requested_codes(tx, id)?)
    } else {
        None
    };

    let winners: Vec<&str> = if exists {
        let known = clocks(tx, entity, id)?;
        let birth = known
            .iter()
            .find(|(f, _)| f == "*")
            .map(|(_, h)| h.as_str());
        let clock_of = |f: &str| -> String {
            known
                .iter()
                .find(|(k, _)| k == f)
                .map(|(_, h)| h.as_str())
                .or(birth)
                .unwrap_or("")
                .to_owned()
        };
        let winners: Vec<&str> = listed
            .iter()
            .copied()
            .filter(|f| change.hlc.as_str() > clock_of(f).as_str())
            .collect();
        if entity == Entity::Product {
            let clocks: Vec<(&str, String)> = listed.iter().map(|f| (*f, clock_of(f))).collect();
            super::overwrites::note(tx, change, payload, &clocks, &winners)?;
        }
        winners
    } else {
        insert_row(tx, def, change, payload)?;
        listed
    };
    if exists && winners.is_empty() {
        return Ok(Outcome::Unchanged);
    }
    if exists {
        update_row(tx, def, id, &change.hlc, &winners, payload)?;
    }
    for s in def.sets.iter().filter(|s| winners.contains(&s.name)) {
        replace_set(tx, s, id, payload.get(s.name), &change.hlc)?;
    }
    if !change.fields.is_empty() || exists {
        for f in &winners {
            set_clock(tx.conn, entity, id, f, &change.hlc)?;
        }
    } else if def.derived_id {
        set_clock(tx.conn, entity, id, "*", &change.hlc)?;
    }

    match entity {
        Entity::Product => {
            let (sku, barcode) = requested_codes(tx, id)?;
            let company_id: String =
                tx.conn
                    .query_row("SELECT company_id FROM products WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })?;
            // By key: codes that only look different are one code (validate::key).
            let mut skus = BTreeSet::from([crate::validate::key(&sku)]);
            let mut barcodes: BTreeSet<String> =
                barcode.iter().map(|b| crate::validate::key(b)).collect();
            if let Some((old_sku, old_barcode)) = old_codes {
                skus.insert(crate::validate::key(&old_sku));
                barcodes.extend(old_barcode.iter().map(|b| crate::validate::key(b)));
            }
            for s in &skus {
                resolve_sku(tx, &company_id, s)?;
            }
            for b in &barcodes {
                resolve_barcode(tx, &company_id, b)?;
            }
            if winners.contains(&"components") {
                // A kit holds no stock of its own: drop the empty rows it had as a product.
                tx.conn.execute(
                    "DELETE FROM stock_levels WHERE product_id = ?1 AND on_hand = 0
                       AND EXISTS (SELECT 1 FROM kit_components WHERE kit_id = ?1)
                       AND NOT EXISTS (SELECT 1 FROM stock_movements WHERE product_id = ?1)",
                    [id],
                )?;
            }
        }
        Entity::PurchaseOrder => refresh_order(tx, id)?,
        Entity::PurchaseOrderLine => {
            let order: String = tx.conn.query_row(
                "SELECT purchase_order_id FROM purchase_order_lines WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            refresh_order(tx, &order)?;
        }
        _ => {}
    }
    Ok(Outcome::Applied)
}

/// Two lines of one order for one product under two ids: made offline by versions that gave
/// lines random ids (a line is now named by its order and product, so two devices adding one
/// product make one line). The smaller id keeps the line on every device, whatever the order
/// of arrival: a twin here with a larger id gives way, with its clocks and its changes not yet
/// sent, and `true` means the line arriving is the one that gives way.
fn yields_to_twin(tx: &Tx<'_>, id: &str, payload: &Snapshot) -> Result<bool> {
    let field = |name: &str| payload.get(name).and_then(Value::as_str);
    let (Some(order), Some(product)) = (field("purchase_order_id"), field("product_id")) else {
        return Ok(false);
    };
    let twin: Option<String> = tx
        .conn
        .query_row(
            "SELECT id FROM purchase_order_lines WHERE purchase_order_id = ?1 AND product_id = ?2",
            [order, product],
            |r| r.get(0),
        )
        .optional()?;
    match twin {
        None => Ok(false),
        Some(twin) if twin.as_str() < id => Ok(true),
        Some(twin) => {
            tx.conn
                .execute("DELETE FROM purchase_order_lines WHERE id = ?1", [&twin])?;
            tx.conn.execute(
                "DELETE FROM field_clocks WHERE entity = 'purchase_order_line' AND entity_id = ?1",
                [&twin],
            )?;
            tx.conn.execute(
                "DELETE FROM outbox
                 WHERE entity = 'purchase_order_line' AND entity_id = ?1 AND change_id IS NULL",
                [&twin],
            )?;
            Ok(false)
        }
    }
}

fn insert_row(tx: &mut Tx<'_>, def: &Def, change: &Change, payload: &Snapshot) -> Result<()> {
    let id = change.entity_id.as_str();
    let mut columns: Vec<String> = vec!["id".into()];
    let mut values: Vec<SqlValue> = vec![SqlValue::Text(id.to_owned())];
    // A column the sender did not know gets the table's default.
    for c in def.columns.iter().filter(|c| payload.contains_key(**c)) {
        let v = sql_value(payload.get(*c));
        match (def.entity, *c) {
            // Arrives under a provisional code; `resolve_*` then gives it its own if free.
            (Entity::Product, "sku") => {
                let SqlValue::Text(sku) = &v else {
                    return Err(Error::validation("sku", "a product change has no SKU"));
                };
                columns.push("sku".into());
                values.push(SqlValue::Text(suffixed(sku, id)));
                columns.push("requested_sku".into());
                values.push(v);
            }
            (Entity::Product, "barcode") => {
                columns.push("requested_barcode".into());
                values.push(v);
            }
            _ => {
                columns.push((*c).into());
                values.push(v);
            }
        }
    }
    if let Some(hlc) = def.hlc_column.filter(|c| !def.columns.contains(c)) {
        columns.push(hlc.into());
        values.push(SqlValue::Text(change.hlc.clone()));
    }
    if def.entity == Entity::Product {
        // Local columns that are not synced but must be filled.
        if !columns.iter().any(|c| c == "updated_at") {
            columns.push("updated_at".into());
            values.push(SqlValue::Text(tx.now.clone()));
        }
    }
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        def.table,
        columns.join(", "),
        marks.join(", ")
    );
    match tx
        .conn
        .prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(values.clone()))
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = Error::from(e);
            // Two devices named two rows alike (a warehouse, a supplier): the later one keeps
            // its row under a name that shows where it came from.
            let Some(at) = columns.iter().position(|c| c == "name") else {
                return Err(e);
            };
            if !is_unique_violation(&e) || def.entity == Entity::User {
                return Err(e);
            }
            if let SqlValue::Text(name) = &values[at] {
                values[at] = SqlValue::Text(format!("{name} ({})", short_id(id)));
            }
            tx.conn
                .prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(values))?;
            Ok(())
        }
    }
}

fn update_row(
    tx: &mut Tx<'_>,
    def: &Def,
    id: &str,
    hlc: &str,
    winners: &[&str],
    payload: &Snapshot,
) -> Result<()> {
    let mut sets: Vec<String> = Vec::new();
    let mut values: Vec<SqlValue> = vec![SqlValue::Text(id.to_owned())];
    for c in winners.iter().filter(|c| def.columns.contains(c)) {
        let v = sql_value(payload.get(*c));
        let column = match (def.entity, *c) {
            (Entity::Product, "sku") => {
                if let SqlValue::Text(sku) = &v {
                    values.push(SqlValue::Text(suffixed(sku, id)));
                    sets.push(format!("sku = ?{}", values.len()));
                }
                "requested_sku"
            }
            (Entity::Product, "barcode") => {
                sets.push("barcode = NULL".into());
                "requested_barcode"
            }
            (_, c) => c,
        };
        values.push(v);
        sets.push(format!("{column} = ?{}", values.len()));
    }
    if let Some(column) = def.hlc_column.filter(|c| !def.columns.contains(c)) {
        values.push(SqlValue::Text(hlc.to_owned()));
        sets.push(format!("{column} = MAX({column}, ?{})", values.len()));
    }
    if sets.is_empty() {
        return Ok(());
    }
    let sql = format!("UPDATE {} SET {} WHERE id = ?1", def.table, sets.join(", "));
    match tx
        .conn
        .prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(values.clone()))
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = Error::from(e);
            let renamed = winners.contains(&"name") && def.entity != Entity::User;
            if !renamed || !is_unique_violation(&e) {
                return Err(e);
            }
            let at = sets
                .iter()
                .position(|s| s.starts_with("name = "))
                .expect("name is set");
            let mark: usize = sets[at]["name = ?".len()..]
                .parse()
                .expect("a numbered mark");
            if let SqlValue::Text(name) = &values[mark - 1] {
                values[mark - 1] = SqlValue::Text(format!("{name} ({})", short_id(id)));
            }
            tx.conn
                .prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(values))?;
            Ok(())
        }
    }
}

fn replace_set(
    tx: &Tx<'_>,
    set: &SetField,
    owner: &str,
    value: Option<&Value>,
    hlc: &str,
) -> Result<()> {
    tx.conn.execute(
        &format!("DELETE FROM {} WHERE {} = ?1", set.table, set.owner),
        [owner],
    )?;
    let entries: Vec<(String, Option<SqlValue>)> = match value {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| (k.clone(), Some(sql_value(Some(v)))))
            .collect(),
        Some(Value::Array(keys)) => keys
            .iter()
            .filter_map(|k| k.as_str().map(|k| (k.to_owned(), None)))
            .collect(),
        _ => Vec::new(),
    };
    for (key, v) in entries {
        match (set.value, v) {
            (Some(column), Some(v)) => {
                let stamp = if set.stamped { ", updated_hlc" } else { "" };
                let mark = if set.stamped { ", ?4" } else { "" };
                tx.conn.execute(
                    &format!(
                        "INSERT INTO {} ({}, {}, {column}{stamp}) VALUES (?1, ?2, ?3{mark})",
                        set.table, set.owner, set.key
                    ),
                    rusqlite::params_from_iter(
                        [SqlValue::Text(owner.to_owned()), SqlValue::Text(key), v]
                            .into_iter()
                            .chain(set.stamped.then(|| SqlValue::Text(hlc.to_owned()))),
                    ),
                )?;
            }
            _ => {
                tx.conn.execute(
                    &format!(
                        "INSERT INTO {} ({}, {}) VALUES (?1, ?2)",
                        set.table, set.owner, set.key
                    ),
                    (owner, &key),
                )?;
            }
        }
    }
    Ok(())
}

fn suffixed(code: &str, id: &str) -> String {
    format!("{code}~{}", short_id(id))
}

/// The SKU and barcode a product asked for (its own, or the one it lost to another).
fn requested_codes(tx: &Tx<'_>, id: &str) -> Result<(String, Option<String>)> {
    Ok(tx.conn.query_row(
        "SELECT COALESCE(requested_sku, sku), COALESCE(requested_barcode, barcode) FROM products WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}
