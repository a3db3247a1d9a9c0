//! Stock counts built for a barcode scanner, offline. Every scan is its own durable write, so
//! a count survives the app being killed; committing writes one absolute count event per line
//! as of that line's count time (DESIGN §2), so sales made while counting are not erased.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use crate::auth::Action;
use crate::catalog::get_product_type;
use crate::db::{new_id, Store};
use crate::error::{Entity, Error, Result};
use crate::lookup::get_company;
use crate::lookup::{open_warehouse, product_of_company};
use crate::model::*;
use crate::numbers::{self, DocumentKind};
use crate::outbox;
use crate::stock::{self, NewMovement};
use crate::validate::MAX_QUANTITY;

impl CountStatus {
    fn as_str(self) -> &'static str {
        match self {
            CountStatus::Open => "open",
            CountStatus::Paused => "paused",
            CountStatus::Committed => "committed",
            CountStatus::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            CountStatus::Open,
            CountStatus::Paused,
            CountStatus::Committed,
            CountStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// The session's row, without its lines.
struct SessionRow {
    company_id: String,
    warehouse_id: String,
    scope: CountScope,
    status: CountStatus,
}

fn session_row(conn: &Connection, id: &str) -> Result<SessionRow> {
    let row: Option<(String, String, String, Option<String>, String)> = conn
        .prepare_cached(
            "SELECT company_id, warehouse_id, scope, product_type_id, status FROM count_sessions WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let (company_id, warehouse_id, scope, type_id, status) =
        row.ok_or_else(|| Error::not_found(Entity::CountSession, id))?;
    let scope = match (scope.as_str(), type_id) {
        ("product_type", Some(product_type_id)) => CountScope::ProductType { product_type_id },
        ("products", _) => CountScope::Products {
            product_ids: conn
                .prepare_cached("SELECT product_id FROM count_session_products WHERE session_id = ?1 ORDER BY product_id")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        },
        _ => CountScope::All,
    };
    let status = CountStatus::parse(&status).unwrap_or(CountStatus::Cancelled);
    Ok(SessionRow {
        company_id,
        warehouse_id,
        scope,
        status,
    })
}

/// SQL condition on `p` (products) for "in the session's scope"; binds ?1 = session id.
const IN_SCOPE: &str = "p.archived = 0
    AND NOT EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id)
    AND p.company_id = (SELECT company_id FROM count_sessions WHERE id = ?1)
    AND CASE (SELECT scope FROM count_sessions WHERE id = ?1)
          WHEN 'all' THEN 1
          WHEN 'product_type' THEN p.product_type_id = (SELECT product_type_id FROM count_sessions WHERE id = ?1)
          ELSE EXISTS (SELECT 1 FROM count_session_products c WHERE c.session_id = ?1 AND c.product_id = p.id)
        END";

fn in_scope(conn: &Connection, session_id: &str, product_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM products p WHERE p.id = ?2 AND {IN_SCOPE})"
        ))?
        .query_row((session_id, product_id), |r| r.get(0))?)
}

fn line_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CountLine> {
    Ok(CountLine {
        product_id: r.get(0)?,
        sku: r.get(1)?,
        name: r.get(2)?,
        counted: r.get(3)?,
        counted_at: r.get(4)?,
        in_scope: r.get(5)?,
    })
}

fn get_session(conn: &Connection, id: &str) -> Result<CountSession> {
    let row = session_row(conn, id)?;
    #[allow(clippy::type_complexity)]
    let (warehouse_name, blind, started_at, finished_at, number): (
        String,
        bool,
        String,
        Option<String>,
        Option<String>,
    ) = conn
        .prepare_cached(
            "SELECT w.name, s.blind, s.started_at, s.finished_at, s.number FROM count_sessions s
             JOIN warehouses w ON w.id = s.warehouse_id WHERE s.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    let lines: Vec<CountLine> = conn
        .prepare_cached(&format!(
            "SELECT l.product_id, p.sku, p.name, l.counted, l.counted_at,
                    EXISTS (SELECT 1 FROM products p WHERE p.id = l.product_id AND {IN_SCOPE})
             FROM count_lines l JOIN products p ON p.id = l.product_id
             WHERE l.session_id = ?1 ORDER BY l.counted_at DESC, p.sku"
        ))?
        .query_map([id], line_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let in_scope: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM products p WHERE {IN_SCOPE}"))?
        .query_row([id], |r| r.get(0))?;
    Ok(CountSession {
        id: id.to_owned(),
        number,
        company_id: row.company_id,
        warehouse_id: row.warehouse_id,
        warehouse_name,
        scope: row.scope,
        blind,
        status: row.status,
        started_at,
        finished_at,
        counted: lines.iter().filter(|l| l.in_scope).count() as i64,
        in_scope,
        lines,
    })
}

/// Refuses to touch a session that is committed or cancelled.
fn ensure_active(row: &SessionRow) -> Result<()> {
    match row.status {
        CountStatus::Open | CountStatus::Paused => Ok(()),
        CountStatus::Committed => Err(Error::validation(
            "status",
            "this count is already committed",
        )),
        CountStatus::Cancelled => Err(Error::validation("status", "this count was cancelled")),
    }
}

impl Store {
    /// Opens a count for a warehouse. Several may be open, for different warehouses.
    pub fn start_count(
        &mut self,
        company_id: &str,
        input: &CountSessionInput,
    ) -> Result<CountSession> {
        self.authorize(company_id, Action::Count)?;
        self.write(|tx| {
            get_company(tx.conn, company_id)?;
            let w = open_warehouse(tx.conn, company_id, &input.warehouse_id, "warehouse_id")?;
            let open: bool = tx.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM count_sessions WHERE warehouse_id = ?1 AND status IN ('open', 'paused'))",
                [&w.id],
                |r| r.get(0),
            )?;
            if open {
                return Err(Error::validation(
                    "warehouse_id",
                    format!("a count of {} is already in progress: resume it or cancel it first", w.name),
                ));
            }
            let (scope, type_id, products) = match &input.scope {
                CountScope::All => ("all", None, Vec::new()),
                CountScope::ProductType { product_type_id } => {
                    let t = get_product_type(tx.conn, product_type_id)?;
                    if t.company_id != company_id {
                        return Err(Error::not_found(Entity::ProductType, product_type_id));
                    }
                    ("product_type", Some(t.id), Vec::new())
                }
                CountScope::Products { product_ids } => {
                    if product_ids.is_empty() {
                        return Err(Error::validation("scope", "choose at least one product to count"));
                    }
                    for p in product_ids {
                        product_of_company(tx.conn, company_id, p)?;
                    }
                    ("products", None, product_ids.clone())
                }
            };
            let id = new_id();
            let number = numbers::next_number(tx, company_id, DocumentKind::Count)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "INSERT INTO count_sessions (id, company_id, warehouse_id, scope, product_type_id, blind, status, started_at, updated_hlc, number)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9)",
                params![id, company_id, w.id, scope, type_id, input.blind, tx.now, hlc, number],
            )?;
            for p in &products {
                tx.conn.execute(
                    "INSERT OR IGNORE INTO count_session_products (session_id, product_id) VALUES (?1, ?2)",
                    (&id, p),
                )?;
            }
            tx.inserted(outbox::Entity::CountSession, &id, &hlc)?;
            get_session(tx.conn, &id)
        })
    }

    pub fn get_count(&self, id: &str) -> Result<CountSession> {
        self.authorize_row("count_sessions", id, Action::Read)?;
        get_session(&self.conn, id)
    }

    /// Counts of the company that are open or paused, newest first.
    pub fn list_open_counts(&self, company_id: &str) -> Result<Vec<CountSession>> {
        self.authorize(company_id, Action::Read)?;
        get_company(&self.conn, company_id)?;
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM count_sessions WHERE company_id = ?1 AND status IN ('open', 'paused') ORDER BY started_at DESC",
            )?
            .query_map([company_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| get_session(&self.conn, id)).collect()
    }

    /// One scan: adds one to the product's line (or sets the quantity typed), saved at once.
    /// An unknown code is refused and recorded nowhere; a product outside the scope needs
    /// `confirm_out_of_scope`.
    pub fn scan(&mut self, session_id: &str, input: &ScanInput) -> Result<CountLine> {
        self.authorize_row("count_sessions", session_id, Action::Count)?;
        if let Some(q) = input.quantity {
            if !(0..=MAX_QUANTITY).contains(&q) {
                return Err(Error::validation(
                    "quantity",
                    "a counted quantity is zero or more",
                ));
            }
        }
        let code = input.code.trim();
        if code.is_empty() {
            return Err(Error::validation("code", "scan or type a barcode or SKU"));
        }
        self.write(|tx| {
            let row = session_row(tx.conn, session_id)?;
            ensure_active(&row)?;
            let product_id: String = tx
                .conn
                .prepare_cached(
                    "SELECT id FROM products WHERE company_id = ?1
                         AND (barcode_key = sf_key(?2) OR sku_key = sf_key(?2))
                     ORDER BY barcode_key = sf_key(?2) DESC, barcode = ?2 DESC, sku = ?2 DESC LIMIT 1",
                )?
                .query_row((&row.company_id, code), |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::not_found(Entity::Product, code))?;
            let p = product_of_company(tx.conn, &row.company_id, &product_id)?;
            if p.is_kit {
                return Err(Error::validation("code", format!("{} is a kit: count its components", p.sku)));
            }
            if !in_scope(tx.conn, session_id, &p.id)? && !input.confirm_out_of_scope {
                return Err(Error::ConfirmationRequired {
                    field: "code".into(),
                    reason: format!("{} is not in this count's scope: add it anyway?", p.sku),
                });
            }
            let line_id = crate::db::pair_id("count_line", session_id, &p.id);
            let exists = tx
                .conn
                .prepare_cached("SELECT 1 FROM count_lines WHERE id = ?1")?
                .exists([&line_id])?;
            let before = tx.before(outbox::Entity::CountLine, &line_id)?;
            let hlc = tx.stamp();
            tx.conn
                .prepare_cached(
                    "INSERT INTO count_lines (id, session_id, product_id, counted, counted_at, updated_hlc)
                     VALUES (?6, ?1, ?2, COALESCE(?3, 1), ?4, ?5)
                     ON CONFLICT (session_id, product_id) DO UPDATE SET
                         counted = COALESCE(?3, counted + 1), counted_at = excluded.counted_at,
                         updated_hlc = excluded.updated_hlc",
                )?
                .execute(params![session_id, p.id, input.quantity, tx.now, hlc, line_id])?;
            if exists {
                tx.updated(outbox::Entity::CountLine, &line_id, &hlc, before)?;
            } else {
                tx.inserted(outbox::Entity::CountLine, &line_id, &hlc)?;
            }
            if row.status == CountStatus::Paused {
                let before = tx.before(outbox::Entity::CountSession, session_id)?;
                let hlc = tx.stamp();
                tx.conn.execute(
                    "UPDATE count_sessions SET status = 'open', updated_hlc = ?2 WHERE id = ?1",
                    (session_id, &hlc),
                )?;
                tx.updated(outbox::Entity::CountSession, session_id, &hlc, before)?;
            }
            // Just this line: a scan must not cost a pass over the whole count.
            Ok(tx
                .conn
                .prepare_cached(&format!(
                    "SELECT l.product_id, p.sku, p.name, l.counted, l.counted_at,
                            EXISTS (SELECT 1 FROM products p WHERE p.id = l.product_id AND {IN_SCOPE})
                     FROM count_lines l JOIN products p ON p.id = l.product_id
                     WHERE l.session_id = ?1 AND l.product_id = ?2"
                ))?
                .query_row((session_id, &p.id), line_from_row)?)
        })
    }

    /// Pauses (or resumes) a count; its scans stay.
    pub fn set_count_paused(&mut self, session_id: &str, paused: bool) -> Result<CountSession> {
        self.authorize_row("count_sessions", session_id, Action::Count)?;
        self.write(|tx| {
            ensure_active(&session_row(tx.conn, session_id)?)?;
            let status = if paused { "paused" } else { "open" };
            let before = tx.before(outbox::Entity::CountSession, session_id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE count_sessions SET status = ?2, updated_hlc = ?3 WHERE id = ?1",
                params![session_id, status, hlc],
            )?;
            tx.updated(outbox::Entity::CountSession, session_id, &hlc, before)?;
            get_session(tx.conn, session_id)
        })
    }

    pub fn cancel_count(&mut self, session_id: &str) -> Result<CountSession> {
        self.authorize_row("count_sessions", session_id, Action::Count)?;
        self.write(|tx| {
            ensure_active(&session_row(tx.conn, session_id)?)?;
            let before = tx.before(outbox::Entity::CountSession, session_id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE count_sessions SET status = 'cancelled', finished_at = ?2, updated_hlc = ?3 WHERE id = ?1",
                params![session_id, tx.now, hlc],
            )?;
            tx.updated(outbox::Entity::CountSession, session_id, &hlc, before)?;
            get_session(tx.conn, session_id)
        })
    }

    /// Counted against expected, line by line, with what happened since each was counted, and
    /// the products in scope not counted.
    pub fn review_count(&self, session_id: &str) -> Result<CountReview> {
        self.authorize_row("count_sessions", session_id, Action::Count)?;
        review(&self.conn, session_id)
    }

    /// Writes one count event per line as of its count time, and for the products in scope
    /// not counted either a count of zero now or nothing, as chosen; all in one transaction.
    pub fn commit_count(
        &mut self,
        session_id: &str,
        uncounted: UncountedChoice,
    ) -> Result<CountReview> {
        self.authorize_row("count_sessions", session_id, Action::Count)?;
        self.write(|tx| {
            let row = session_row(tx.conn, session_id)?;
            ensure_active(&row)?;
            let w = open_warehouse(tx.conn, &row.company_id, &row.warehouse_id, "warehouse_id")?;
            // Read under the write lock: no scan can slip in between review and commit.
            let before = review(tx.conn, session_id)?;
            let mut events: Vec<(&str, i64, Option<&str>)> = before
                .lines
                .iter()
                .map(|l| (l.product_id.as_str(), l.counted, Some(l.counted_at.as_str())))
                .collect();
            if uncounted == UncountedChoice::TreatAsZero {
                events.extend(before.uncounted.iter().map(|u| (u.product_id.as_str(), 0, None)));
            }
            for (product_id, counted, at) in events {
                stock::record(tx, &NewMovement {
                    company_id: &row.company_id,
                    product_id,
                    warehouse_id: &w.id,
                    kind: MovementKind::Count,
                    quantity: counted,
                    reason: None,
                    reference: Some(("count", session_id)),
                    note: None,
                    occurred_at: at,
                })?;
            }
            let before = tx.before(outbox::Entity::CountSession, session_id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE count_sessions SET status = 'committed', finished_at = ?2, updated_hlc = ?3 WHERE id = ?1",
                params![session_id, tx.now, hlc],
            )?;
            tx.updated(outbox::Entity::CountSession, session_id, &hlc, before)?;
            review(tx.conn, session_id)
        })
    }

    /// Products due for counting in a warehouse: their type asks for a count every N days and
    /// the last count here is older than that, or there was none.
    pub fn counts_due(&self, company_id: &str, warehouse_id: &str) -> Result<Vec<DueCount>> {
        self.authorize(company_id, Action::Read)?;
        crate::lookup::warehouse_of_company(&self.conn, company_id, warehouse_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.sku, p.name, t.name, t.count_frequency_days,
                    (SELECT m.occurred_at FROM stock_movements m
                     WHERE m.kind = 'count' AND m.warehouse_id = ?2 AND m.product_id = p.id
                     ORDER BY m.occurred_ms DESC LIMIT 1) AS last
             FROM products p JOIN product_types t ON t.id = p.product_type_id
             WHERE p.company_id = ?1 AND p.archived = 0 AND t.count_frequency_days IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id)
               AND EXISTS (SELECT 1 FROM stock_levels s WHERE s.product_id = p.id AND s.warehouse_id = ?2)",
        )?;
        let now = chrono::Utc::now();
        let rows = stmt.query_map((company_id, warehouse_id), |r| {
            Ok(DueCount {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                product_type_name: r.get(3)?,
                count_frequency_days: r.get(4)?,
                last_counted_at: r.get(5)?,
            })
        })?;
        let mut due: Vec<DueCount> = rows
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|d| match &d.last_counted_at {
                None => true,
                Some(last) => last
                    .parse::<chrono::DateTime<chrono::Utc>>()
                    .map_or(true, |t| {
                        now - t >= chrono::Duration::days(d.count_frequency_days)
                    }),
            })
            .collect();
        // Never counted first, then the longest ago.
        due.sort_by(|a, b| {
            (a.last_counted_at.is_some(), &a.last_counted_at, &a.sku).cmp(&(
                b.last_counted_at.is_some(),
                &b.last_counted_at,
                &b.sku,
            ))
        });
        Ok(due)
    }
}

fn review(conn: &Connection, session_id: &str) -> Result<CountReview> {
    let session = get_session(conn, session_id)?;
    let mut lines = Vec::with_capacity(session.lines.len());
    for line in &session.lines {
        let on_hand = crate::lookup::on_hand(conn, &line.product_id, &session.warehouse_id)?;
        let movements_since = crate::history::movements_after(
            conn,
            &line.product_id,
            &session.warehouse_id,
            &line.counted_at,
        )?;
        let since: i64 = movements_since
            .iter()
            .filter(|m| m.kind != MovementKind::Count)
            .fold(0i64, |sum, m| sum.saturating_add(m.quantity));
        // Saturating: a review shows figures, it never wraps them into nonsense.
        let expected = on_hand.saturating_sub(since);
        let variance = line.counted.saturating_sub(expected);
        let variance_value = unit_cost(conn, &line.product_id)?
            .and_then(|c| c.checked_mul(Decimal::from(variance)))
            .map(|v| v.to_string());
        lines.push(CountReviewLine {
            product_id: line.product_id.clone(),
            sku: line.sku.clone(),
            name: line.name.clone(),
            counted: line.counted,
            counted_at: line.counted_at.clone(),
            expected,
            variance,
            variance_value,
            on_hand_after: line.counted + since,
            movements_since,
        });
    }
    let uncounted = conn
            .prepare_cached(&format!(
                "SELECT p.id, p.sku, p.name, COALESCE(s.on_hand, 0) FROM products p
                 LEFT JOIN stock_levels s ON s.product_id = p.id
                      AND s.warehouse_id = (SELECT warehouse_id FROM count_sessions WHERE id = ?1)
                 WHERE {IN_SCOPE}
                   AND NOT EXISTS (SELECT 1 FROM count_lines l WHERE l.session_id = ?1 AND l.product_id = p.id)
                   AND (s.product_id IS NOT NULL OR (SELECT scope FROM count_sessions WHERE id = ?1) <> 'all')
                 ORDER BY p.sku"
            ))?
            .query_map([session_id], |r| {
                Ok(UncountedProduct { product_id: r.get(0)?, sku: r.get(1)?, name: r.get(2)?, on_hand: r.get(3)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
    Ok(CountReview {
        session,
        lines,
        uncounted,
    })
}

/// What one unit of a product is worth at cost, for a count's variance: the cost price the
/// owner set, else the last received cost, else the chosen supplier's cost (DESIGN §3 order).
fn unit_cost(conn: &Connection, product_id: &str) -> Result<Option<Decimal>> {
    // Stored amounts were checked when written: one that does not read is an error, not none.
    let set = conn
        .prepare_cached("SELECT cost FROM products WHERE id = ?1")?
        .query_row([product_id], |r| crate::sql::optional_decimal_column(r, 0))
        .optional()?
        .flatten();
    if let Some(cost) = set {
        return Ok(Some(cost));
    }
    if let Some(cost) = crate::catalog::last_received_cost(conn, product_id)? {
        return Ok(Some(cost));
    }
    // The supplier alerts and reorders go to (chosen once, by migration 0015's triggers).
    Ok(conn
        .prepare_cached(
            "SELECT l.unit_cost FROM products p JOIN alert_products a ON a.seq = p.seq
             JOIN product_suppliers l ON l.product_id = p.id AND l.supplier_id = a.supplier_id
             WHERE p.id = ?1",
        )?
        .query_row([product_id], |r| crate::sql::decimal_column(r, 0))
        .optional()?)
}
