//! What a later edit overwrote (issue #13): a product edited on two devices at once, where the
//! edit with the later clock won field by field (DESIGN §4). The merge is not changed; the
//! losing values are noted beside the winning ones, and the Sync conflicts screen shows them
//! until someone keeps the result (or edits the product again, an ordinary edit that syncs).
//!
//! "At once" without vector clocks: this device changed the field after its last pull, so it
//! had not seen the other device's change, and the other device's change arrives now. Whether
//! the other device had seen ours is not known, so the device that pulls second notes it (with
//! the sync client's push-then-pull, the one that syncs last); the other may not. A pull of
//! more than one page judges later pages against the end of the page before.

use rusqlite::{params, OptionalExtension};
use serde_json::Value;
use stockflow_sync_proto::Change;

use crate::auth::Action;
use crate::db::{new_id, Store, Tx};
use crate::error::{Error, Result};
use crate::model::SyncOverwrite;
use crate::outbox::{snapshot, Entity, Snapshot};

/// Fields that are bookkeeping, not something a person typed.
const NOT_EDITS: &[&str] = &["created_at", "updated_at", "company_id"];

/// The wall time (ms) of an HLC's text, and the device at its end.
fn hlc_parts(hlc: &str) -> Option<(i64, &str)> {
    let mut parts = hlc.splitn(3, '-');
    let wall = parts.next()?.parse().ok()?;
    parts.next()?;
    Some((wall, parts.next()?))
}

/// Called by the merge of a product that exists here, before its winning fields are written:
/// `clocks` are the listed fields' local clocks, `winners` those the change takes.
pub(crate) fn note(
    tx: &mut Tx<'_>,
    change: &Change,
    payload: &Snapshot,
    clocks: &[(&str, String)],
    winners: &[&str],
) -> Result<()> {
    let me = tx.device_id().to_owned();
    let last_pull: Option<String> = tx
        .conn
        .prepare_cached("SELECT last_synced_at FROM sync_cursors WHERE company_id = ?1")?
        .query_row([&change.company_id], |r| r.get(0))
        .optional()?
        .flatten();
    let last_pull_ms = last_pull
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.timestamp_millis())
        .unwrap_or(i64::MIN);
    let Some(current) = snapshot(tx.conn, Entity::Product, &change.entity_id)? else {
        return Ok(());
    };
    for (field, clock) in clocks {
        if NOT_EDITS.contains(field) {
            continue;
        }
        let Some((wall, device)) = hlc_parts(clock) else {
            continue;
        };
        // Ours, made since we last heard from the server: the other device had not seen it.
        if device != me || wall <= last_pull_ms {
            continue;
        }
        let ours = current.get(*field).cloned().unwrap_or(Value::Null);
        let theirs = payload.get(*field).cloned().unwrap_or(Value::Null);
        if ours == theirs {
            continue;
        }
        let (kept, kept_device, lost, lost_device) = if winners.contains(field) {
            (theirs, change.device_id.as_str(), ours, me.as_str())
        } else {
            (ours, me.as_str(), theirs, change.device_id.as_str())
        };
        // One open note per field: a newer meeting replaces an older one.
        tx.conn
            .prepare_cached(
                "DELETE FROM sync_overwrites
                 WHERE entity = 'product' AND entity_id = ?1 AND field = ?2 AND kept_at IS NULL",
            )?
            .execute(params![change.entity_id, field])?;
        tx.conn
            .prepare_cached(
                "INSERT INTO sync_overwrites (id, company_id, entity, entity_id, field, kept_value,
                     kept_device, lost_value, lost_device, recorded_at)
                 VALUES (?1, ?2, 'product', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                new_id(),
                change.company_id,
                change.entity_id,
                field,
                kept.to_string(),
                kept_device,
                lost.to_string(),
                lost_device,
                tx.now
            ])?;
    }
    Ok(())
}

/// A synced value as a person reads it: text without quotes, nothing as "(none)".
fn readable(json: Option<String>) -> String {
    match json.as_deref().map(serde_json::from_str::<Value>) {
        Some(Ok(Value::String(s))) => s,
        Some(Ok(Value::Null)) | None => "(none)".to_owned(),
        Some(Ok(Value::Bool(b))) => if b { "yes" } else { "no" }.to_owned(),
        Some(Ok(other)) => other.to_string(),
        Some(Err(_)) => json.unwrap_or_default(),
    }
}

impl Store {
    /// The product fields a later edit from another device overwrote (or that ours overwrote),
    /// not kept yet, newest first.
    pub fn sync_overwrites(&self, company_id: &str) -> Result<Vec<SyncOverwrite>> {
        self.authorize(company_id, Action::Read)?;
        crate::lookup::get_company(&self.conn, company_id)?;
        let me = self.device_id().to_owned();
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.id, o.entity_id, p.sku, p.name, o.field, o.kept_value, o.kept_device,
                    kd.name, o.lost_value, o.lost_device, ld.name, o.recorded_at
             FROM sync_overwrites o
             JOIN products p ON p.id = o.entity_id
             LEFT JOIN device_names kd ON kd.company_id = o.company_id AND kd.device_id = o.kept_device
             LEFT JOIN device_names ld ON ld.company_id = o.company_id AND ld.device_id = o.lost_device
             WHERE o.company_id = ?1 AND o.kept_at IS NULL
             ORDER BY o.recorded_at DESC, p.sku, o.field",
        )?;
        let rows = stmt.query_map([company_id], |r| {
            let kept_device: String = r.get(6)?;
            let lost_device: String = r.get(9)?;
            Ok(SyncOverwrite {
                id: r.get(0)?,
                product_id: r.get(1)?,
                sku: r.get(2)?,
                product_name: r.get(3)?,
                field: r.get(4)?,
                kept_value: readable(r.get(5)?),
                kept_device_name: crate::devices::device_label(r.get(7)?, &kept_device),
                kept_here: kept_device == me,
                lost_value: readable(r.get(8)?),
                lost_device_name: crate::devices::device_label(r.get(10)?, &lost_device),
                lost_here: lost_device == me,
                recorded_at: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps the product as it is now: the note of what was overwritten goes and does not
    /// come back (a later meeting of edits makes a new one).
    pub fn keep_sync_overwrite(&mut self, id: &str) -> Result<()> {
        let company: Option<String> = self
            .conn
            .query_row(
                "SELECT company_id FROM sync_overwrites WHERE id = ?1 AND kept_at IS NULL",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        // Not found only to someone who may see the company at all.
        let Some(company) = company else {
            self.authorize_anywhere(Action::EditCatalog)?;
            return Err(Error::NotFound {
                entity: crate::error::Entity::Product,
                id: id.to_owned(),
            });
        };
        self.authorize(&company, Action::EditCatalog)?;
        self.write(|tx| {
            tx.conn.execute(
                "UPDATE sync_overwrites SET kept_at = ?2 WHERE id = ?1",
                params![id, tx.now],
            )?;
            Ok(())
        })
    }

    /// Keeps a product that lost its SKU (or barcode) to another in sync as it is: it takes
    /// its suffixed SKU for good (or gives up the barcode). An ordinary edit of its code, so
    /// it syncs and the conflict is gone on every device.
    pub fn keep_sync_conflict(&mut self, product_id: &str, kind: &str) -> Result<()> {
        self.authorize_row("products", product_id, Action::EditCatalog)?;
        let column = match kind {
            "sku" => "requested_sku",
            "barcode" => "requested_barcode",
            _ => return Err(Error::validation("kind", "choose sku or barcode")),
        };
        self.write(|tx| {
            let (company, requested): (String, Option<String>) = tx
                .conn
                .query_row(
                    &format!("SELECT company_id, {column} FROM products WHERE id = ?1"),
                    [product_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| Error::NotFound {
                    entity: crate::error::Entity::Product,
                    id: product_id.to_owned(),
                })?;
            let Some(requested) = requested else {
                return Err(Error::validation(
                    "kind",
                    format!("this product already holds its {kind}: there is nothing to keep"),
                ));
            };
            let before = tx.before(Entity::Product, product_id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                &format!(
                    "UPDATE products SET {column} = NULL, updated_at = ?2, updated_hlc = ?3 WHERE id = ?1"
                ),
                params![product_id, tx.now, hlc],
            )?;
            tx.updated(Entity::Product, product_id, &hlc, before)?;
            // The others asking for the code settle among themselves.
            let key = crate::validate::key(&requested);
            if kind == "sku" {
                crate::claims::resolve_sku(tx, &company, &key)?;
            } else {
                crate::claims::resolve_barcode(tx, &company, &key)?;
            }
            Ok(())
        })?;
        tracing::info!(%product_id, kind, "sync conflict kept as it is");
        Ok(())
    }
}
