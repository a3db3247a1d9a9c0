//! The write side of sync, below the domain: what every write to a synced row calls, in its
//! transaction, to queue the change (DESIGN §4 transactional outbox) and keep the field clocks
//! of the merge. `entity.rs` is the table of what syncs that these steps, and the merge of
//! pulled changes in `sync/apply.rs`, are written over.
//!
//! An outbox entry points at the row it changed, with the change's HLC and the fields it set.
//! Its payload is read from the row when the entry is first sent, and frozen then with a
//! change id and the device's next sequence number, so that a retry sends the same bytes.

use std::sync::LazyLock;

use rusqlite::{params, OptionalExtension};
use serde_json::{Map, Value};

pub(crate) mod entity;

pub use entity::Entity;

use crate::db::Tx;
use crate::error::Result;
use entity::{Def, DEFS};

/// The row's synced fields as the wire carries them.
pub(crate) type Snapshot = Map<String, Value>;

/// A row as it was before an update: its synced fields and its HLC.
pub(crate) struct Before {
    fields: Snapshot,
    hlc: Option<String>,
}

struct Sql {
    snapshot: String,
    queue: String,
}

static SQL: LazyLock<Vec<Sql>> = LazyLock::new(|| DEFS.iter().map(sql_of).collect());

fn sql_of(def: &Def) -> Sql {
    let mut parts: Vec<String> = def
        .columns
        .iter()
        .map(|c| format!("'{c}', {}", def.read(c)))
        .collect();
    for s in def.sets {
        let agg = match s.value {
            Some(v) => format!("json_group_object(s.{}, s.{v} ORDER BY s.{})", s.key, s.key),
            None => format!("json_group_array(s.{} ORDER BY s.{})", s.key, s.key),
        };
        parts.push(format!(
            "'{}', (SELECT {agg} FROM {} s WHERE s.{} = t.id)",
            s.name, s.table, s.owner
        ));
    }
    // The ledger's views are found by their stored ids (`ids::lookup`).
    let by = crate::ids::column(def.table);
    let snapshot = format!(
        "SELECT json_object({}) FROM {} t WHERE t.{by} = ?1",
        parts.join(", "),
        def.table
    );
    let queue = if def.entity == Entity::User {
        // A user travels with each company they belong to.
        "INSERT INTO outbox (company_id, entity, entity_id, hlc, fields, user_id)
         SELECT m.company_id, 'user', ?1, ?2, ?3, ?4 FROM memberships m WHERE m.user_id = ?1"
            .to_owned()
    } else {
        format!(
            "INSERT INTO outbox (company_id, entity, entity_id, hlc, fields, user_id)
             SELECT {}, '{}', t.id, ?2, ?3, ?4 FROM {} t WHERE t.{by} = ?1",
            def.company,
            def.entity.as_str(),
            def.table
        )
    };
    Sql { snapshot, queue }
}

/// The synced fields of a row as they are now; `None` if there is no such row.
pub(crate) fn snapshot(
    conn: &rusqlite::Connection,
    entity: Entity,
    id: &str,
) -> Result<Option<Snapshot>> {
    let (_, key) = crate::ids::lookup(entity.def().table, id);
    let json: Option<String> = conn
        .prepare_cached(&SQL[entity as usize].snapshot)?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(json.map(|text| match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        _ => unreachable!("json_object always gives an object"),
    }))
}

pub(crate) fn set_clock(
    conn: &rusqlite::Connection,
    entity: Entity,
    id: &str,
    field: &str,
    hlc: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO field_clocks (entity, entity_id, field, hlc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (entity, entity_id, field) DO UPDATE SET hlc = excluded.hlc
         WHERE excluded.hlc > field_clocks.hlc",
    )?
    .execute(params![entity.as_str(), id, field, hlc])?;
    Ok(())
}

impl Tx<'_> {
    /// The record handle's last step after writing a new row at `hlc`: queue it whole.
    pub(crate) fn inserted(&mut self, entity: Entity, id: &str, hlc: &str) -> Result<()> {
        if entity.def().derived_id {
            set_clock(self.conn, entity, id, "*", hlc)?;
        }
        self.queue(entity, id, hlc, None)
    }

    /// [`Tx::inserted`] for a new row whose company the caller knows (the ledger's hot paths:
    /// an import writes a million of these, and finding the company again costs a lookup).
    pub(crate) fn inserted_in(
        &mut self,
        company_id: &str,
        entity: Entity,
        id: &str,
        hlc: &str,
    ) -> Result<()> {
        debug_assert!(!entity.def().derived_id && entity != Entity::User);
        self.conn
            .prepare_cached(
                "INSERT INTO outbox (company_id, entity, entity_id, hlc, user_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![company_id, entity.as_str(), id, hlc, self.user_id()])?;
        Ok(())
    }

    /// The synced fields of a row before an update, to give to [`Tx::updated`].
    pub(crate) fn before(&self, entity: Entity, id: &str) -> Result<Before> {
        let def = entity.def();
        let hlc = match def.hlc_column {
            Some(column) => self
                .conn
                .prepare_cached(&format!("SELECT {column} FROM {} WHERE id = ?1", def.table))?
                .query_row([id], |r| r.get(0))
                .optional()?,
            None => None,
        };
        Ok(Before {
            fields: snapshot(self.conn, entity, id)?.unwrap_or_default(),
            hlc,
        })
    }

    /// The record handle's last step after updating a row at `hlc`: queue the fields that
    /// changed since `before`, and record when each was set. An update that changed nothing
    /// is no change: the row keeps its HLC and nothing is queued.
    pub(crate) fn updated(
        &mut self,
        entity: Entity,
        id: &str,
        hlc: &str,
        before: Before,
    ) -> Result<()> {
        let after = snapshot(self.conn, entity, id)?.unwrap_or_default();
        let def = entity.def();
        let changed: Vec<&str> = def
            .fields()
            .filter(|f| before.fields.get(*f) != after.get(*f))
            .collect();
        if changed.is_empty() {
            if let (Some(column), Some(old)) = (def.hlc_column, before.hlc) {
                self.conn.execute(
                    &format!("UPDATE {} SET {column} = ?2 WHERE id = ?1", def.table),
                    (id, old),
                )?;
            }
            return Ok(());
        }
        for field in &changed {
            set_clock(self.conn, entity, id, field, hlc)?;
        }
        self.queue(entity, id, hlc, Some(&changed.join(",")))
    }

    /// A user's row for one more company (they became a member): the whole row, as it is.
    pub(crate) fn queue_user_for_company(&mut self, user_id: &str, company_id: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO outbox (company_id, entity, entity_id, hlc, user_id)
                 SELECT ?2, 'user', u.id, u.updated_hlc, ?3 FROM users u WHERE u.id = ?1",
            )?
            .execute(params![user_id, company_id, self.user_id()])?;
        Ok(())
    }

    fn queue(&mut self, entity: Entity, id: &str, hlc: &str, fields: Option<&str>) -> Result<()> {
        let user_id = self.user_id().map(str::to_owned);
        let (_, key) = crate::ids::lookup(entity.def().table, id);
        self.conn
            .prepare_cached(&SQL[entity as usize].queue)?
            .execute(params![key, hlc, fields, user_id])?;
        Ok(())
    }
}

/// The changes still to send: the outbox entries, and those the ranges of an import stand
/// for: three per imported sale (its sale, line and movement), one per imported stock row (its
/// count); an import still running is not counted.
pub(crate) const PENDING_SQL: &str = "SELECT
    (SELECT COUNT(*) FROM outbox
     WHERE company_id NOT IN (SELECT company_id FROM pending_imports))
    + (SELECT COALESCE(SUM(CASE entity WHEN 'sale' THEN sales * 3 ELSE sales END), 0)
       FROM outbox_ranges
       WHERE company_id NOT IN (SELECT company_id FROM pending_imports))";

/// Turns the next rows of the ranges of an import into ordinary outbox entries (a sale, then
/// its lines, then its movements; or a movement), so that the outbox holds at least `limit`
/// entries to send when there are that many.
pub(crate) fn expand_ranges(tx: &mut Tx<'_>, limit: usize) -> Result<()> {
    let limit = limit as i64;
    let queued: i64 = tx.conn.query_row(
        "SELECT COUNT(*) FROM (SELECT 1 FROM outbox
         WHERE company_id NOT IN (SELECT company_id FROM pending_imports) LIMIT ?1)",
        [limit],
        |r| r.get(0),
    )?;
    let mut room = limit - queued;
    while room > 0 {
        let Some((seq, company, first, last, entity)) = tx
            .conn
            .query_row(
                "SELECT seq, company_id, first_sale, last_sale, entity FROM outbox_ranges
                 WHERE company_id NOT IN (SELECT company_id FROM pending_imports)
                 ORDER BY seq LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?
        else {
            return Ok(());
        };
        if entity == "stock_movement" {
            room -= expand_movements(tx, (seq, &company, first, last), room)?;
            continue;
        }
        // An imported sale is three entries.
        let take = (room / 3).max(1);
        let sales: Vec<(i64, String, String, Option<String>)> = tx
            .conn
            .prepare_cached(
                "SELECT seq, id, hlc, user_id FROM sales
                 WHERE company_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq LIMIT ?4",
            )?
            .query_map(params![company, first, last, take], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut sale_entry = tx.conn.prepare_cached(
            "INSERT INTO outbox (company_id, entity, entity_id, hlc, user_id)
             VALUES (?1, 'sale', ?2, ?3, ?4)",
        )?;
        let mut line_entries = tx.conn.prepare_cached(
            "INSERT INTO outbox (company_id, entity, entity_id, hlc, user_id)
             SELECT ?1, 'sale_line', l.id, ?3, ?4 FROM sale_lines l
             WHERE l.sale_key = ?2 ORDER BY l.line_no",
        )?;
        let mut movement_entries = tx.conn.prepare_cached(
            "INSERT INTO outbox (company_id, entity, entity_id, hlc, user_id)
             SELECT ?1, 'stock_movement', m.id, m.hlc, m.user_id FROM stock_movements m
             WHERE m.sale_key = ?2 ORDER BY m.seq",
        )?;
        let mut next = last + 1;
        for (sale_seq, id, hlc, user_id) in &sales {
            sale_entry.execute(params![company, id, hlc, user_id])?;
            room -= 1;
            room -= line_entries.execute(params![company, sale_seq, hlc, user_id])? as i64;
            room -= movement_entries.execute(params![company, sale_seq])? as i64;
            next = sale_seq + 1;
        }
        if sales.is_empty() || next > last {
            tx.conn
                .execute("DELETE FROM outbox_ranges WHERE seq = ?1", [seq])?;
        } else {
            tx.conn.execute(
                "UPDATE outbox_ranges SET first_sale = ?2, sales = sales - ?3 WHERE seq = ?1",
                params![seq, next, sales.len() as i64],
            )?;
        }
    }
    Ok(())
}

/// The next `room` movements of a range of an import's stock rows (its counts) as outbox
/// entries, oldest first; the range then starts after them, or is gone. Returns how many.
fn expand_movements(
    tx: &mut Tx<'_>,
    (seq, company, first, last): (i64, &str, i64, i64),
    room: i64,
) -> Result<i64> {
    // The company's movements only: another company's may have been written in between.
    let taken: Vec<i64> = tx
        .conn
        .prepare_cached(
            "SELECT m.seq FROM movement_rows m
             WHERE m.seq BETWEEN ?2 AND ?3
               AND m.company_key = (SELECT seq FROM companies WHERE id = ?1)
             ORDER BY m.seq LIMIT ?4",
        )?
        .query_map(params![company, first, last, room.max(1)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let Some(&end) = taken.last() else {
        tx.conn
            .execute("DELETE FROM outbox_ranges WHERE seq = ?1", [seq])?;
        return Ok(0);
    };
    tx.conn
        .prepare_cached(
            "INSERT INTO outbox (company_id, entity, entity_id, hlc, user_id)
             SELECT ?1, 'stock_movement', m.id, m.hlc, m.user_id FROM stock_movements m
             WHERE m.seq BETWEEN ?2 AND ?3 AND m.company_id = ?1 ORDER BY m.seq",
        )?
        .execute(params![company, first, end])?;
    if end >= last {
        tx.conn
            .execute("DELETE FROM outbox_ranges WHERE seq = ?1", [seq])?;
    } else {
        tx.conn.execute(
            "UPDATE outbox_ranges SET first_sale = ?2, sales = sales - ?3 WHERE seq = ?1",
            params![seq, end + 1, taken.len() as i64],
        )?;
    }
    Ok(taken.len() as i64)
}
