//! Low-stock alerts driven by sales velocity, with exactly DESIGN §3's semantics:
//! rows of active products in active warehouses whose on hand is below their threshold and
//! that sold (net of returns) in the window `now - W days <= t < now`, exact to the second.
//!
//! The window's whole UTC days are read from the daily rollup (one row per day at most); the
//! partial days at its two edges from the sale and return movements themselves. Only rows
//! already below their threshold are looked at, so the work grows with the alerts, not the
//! catalog.
//!
//! Also the alert notices: which alerts are new since the user was last told (for the desktop
//! notification, once per product and warehouse).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rusqlite::{params, Connection};

use crate::auth::Action;
use crate::db::Store;
use crate::error::{Error, Result};
use crate::lookup::get_company;
use crate::model::{Alert, AlertPage, AlertQuery, AlertSupplier};

/// The default window, in days.
pub const DEFAULT_WINDOW_DAYS: u32 = 30;
/// How often the shop reviews its orders: a suggested order covers lead time plus this.
pub const REVIEW_PERIOD_DAYS: i64 = 7;

/// The window cut into the pieces the storage can sum quickly.
pub(crate) struct Window {
    /// Whole days `[first_day, end_day)` summed from the rollup.
    pub(crate) first_day: String,
    pub(crate) end_day: String,
    /// The same days as days since 1970-01-01, as in `sales_daily_keyed`'s key.
    pub(crate) first_day_number: i64,
    pub(crate) end_day_number: i64,
    /// The UTC day the window starts in: a row that last sold before it has no recent sales.
    pub(crate) since_day: String,
    /// The same day as a day number: the day of the partial first day, if any.
    pub(crate) since_day_number: i64,
    /// Partial days summed from movements: `[from, to)` each, possibly empty, in the
    /// ledger's milliseconds (`times`).
    pub(crate) head: (i64, i64),
    pub(crate) tail: (i64, i64),
}

use crate::times::ms_of as stamp;

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

impl Window {
    pub(crate) fn new(now: DateTime<Utc>, days: u32) -> Window {
        let since = now - Duration::days(i64::from(days));
        let since_day = since.date_naive();
        let first_day = if midnight(since_day) == since {
            since_day
        } else {
            since_day + Duration::days(1)
        };
        let end_day = now.date_naive();
        Window {
            first_day: first_day.to_string(),
            end_day: end_day.to_string(),
            first_day_number: day_number(first_day),
            end_day_number: day_number(end_day),
            since_day: since_day.to_string(),
            since_day_number: day_number(since_day),
            head: (stamp(since), stamp(midnight(first_day).min(now))),
            tail: (stamp(midnight(end_day).max(since)), stamp(now)),
        }
    }
}

fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date")).num_days()
}

fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1).div_euclid(b)
}

/// The window length and its end, as alerts read them: 0 days means the default.
pub(crate) fn window_of(now: Option<&str>, window_days: u32) -> Result<(u32, DateTime<Utc>)> {
    let days = match window_days {
        0 => DEFAULT_WINDOW_DAYS,
        d @ 1..=365 => d,
        _ => {
            return Err(Error::validation(
                "window_days",
                "a window is 1 to 365 days",
            ))
        }
    };
    let now = match now {
        Some(t) => crate::validate::timestamp("now", t)?
            .parse::<DateTime<Utc>>()
            .map_err(|_| Error::validation("now", "unreadable time"))?,
        None => Utc::now(),
    };
    Ok((days, now))
}

impl Store {
    pub fn low_stock_alerts(&self, q: &AlertQuery) -> Result<AlertPage> {
        self.authorize(&q.company_id, Action::Read)?;
        get_company(&self.conn, &q.company_id)?;
        let (days, now) = window_of(q.now.as_deref(), q.window_days)?;
        let w = Window::new(now, days);
        let suppliers = self.company_suppliers(&q.company_id)?;
        let on_order = self.open_order_quantities(&q.company_id)?;
        let search = q
            .search
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        let scan = Scan {
            company_id: &q.company_id,
            window: &w,
            window_days: i64::from(days),
            today: now.date_naive(),
            product_type_id: q.product_type_id.as_deref(),
            supplier_id: q.supplier_id.as_deref(),
            search: search.as_deref(),
            suppliers: &suppliers,
            on_order: &on_order,
        };
        let warehouses = self.alert_warehouses(&q.company_id, q.warehouse_id.as_deref())?;
        let alerts = scan.warehouses(self, &warehouses)?;
        let total_alerts = alerts.len() as i64;
        let alerts = alerts
            .into_iter()
            .skip(q.offset as usize)
            .take(if q.limit == 0 {
                usize::MAX
            } else {
                q.limit as usize
            })
            .collect();
        Ok(AlertPage {
            alerts,
            total_alerts,
        })
    }

    /// The company's active warehouses (or the one asked for): id, name, seq.
    fn alert_warehouses(
        &self,
        company_id: &str,
        only: Option<&str>,
    ) -> Result<Vec<(String, String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, seq FROM warehouses
             WHERE company_id = ?1 AND archived = 0 AND (?2 IS NULL OR id = ?2) ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![company_id, only], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The company's suppliers by id: name and contact email (a few hundred rows at most).
    fn company_suppliers(&self, company_id: &str) -> Result<HashMap<String, (String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, contact_email FROM suppliers WHERE company_id = ?1",
        )?;
        let rows = stmt.query_map([company_id], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Units still to come on sent and partially received orders, per (product, warehouse).
    fn open_order_quantities(&self, company_id: &str) -> Result<HashMap<(String, String), i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.product_id, o.warehouse_id,
                    SUM(MAX(l.quantity_ordered - l.quantity_received, 0))
             FROM purchase_orders o INDEXED BY purchase_orders_open
             JOIN purchase_order_lines l ON l.purchase_order_id = o.id
             WHERE o.company_id = ?1 AND o.status IN ('sent', 'partially_received') AND l.removed = 0
             GROUP BY l.product_id, o.warehouse_id",
        )?;
        let rows = stmt.query_map([company_id], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// The company's alerts that the user has not been told about yet: each (product,
    /// warehouse) pair alerting now and not yet noticed is recorded as seen at `now` and
    /// returned; pairs whose alert has cleared are forgotten, so an alert that comes back is new
    /// again. Calling it twice in a row returns the new alerts once.
    pub fn take_new_alert_notices(
        &mut self,
        company_id: &str,
        now: Option<&str>,
    ) -> Result<Vec<Alert>> {
        let (_, at) = window_of(now, 0)?;
        // Reading the alerts is all it takes: the notices are this device's own bookkeeping.
        self.authorize(company_id, Action::Read)?;
        let current = self
            .low_stock_alerts(&AlertQuery {
                company_id: company_id.to_owned(),
                now: Some(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                ..Default::default()
            })?
            .alerts;
        let seen_at = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.write(|tx| {
            let alerting: HashSet<(&str, &str)> = current
                .iter()
                .map(|a| (a.product_id.as_str(), a.warehouse_id.as_str()))
                .collect();
            let noticed: Vec<(String, String)> = tx
                .conn
                .prepare(
                    "SELECT n.product_id, n.warehouse_id FROM alert_notices n
                     JOIN warehouses w ON w.id = n.warehouse_id
                     WHERE w.company_id = ?1",
                )?
                .query_map([company_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut forget = tx
                .conn
                .prepare("DELETE FROM alert_notices WHERE product_id = ?1 AND warehouse_id = ?2")?;
            for (product, warehouse) in &noticed {
                if !alerting.contains(&(product.as_str(), warehouse.as_str())) {
                    forget.execute([product, warehouse])?;
                }
            }
            let mut notice = tx.conn.prepare(
                "INSERT INTO alert_notices (product_id, warehouse_id, first_seen_at)
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?;
            let mut fresh = Vec::new();
            for alert in &current {
                if notice.execute(params![alert.product_id, alert.warehouse_id, seen_at])? == 1 {
                    fresh.push(alert.clone());
                }
            }
            Ok(fresh)
        })
    }
}

/// What reading the alert rows of a company's warehouses needs, the same for every warehouse.
struct Scan<'a> {
    company_id: &'a str,
    window: &'a Window,
    window_days: i64,
    /// The UTC day of the window's end, from which reorder-by days count.
    today: NaiveDate,
    product_type_id: Option<&'a str>,
    supplier_id: Option<&'a str>,
    /// Lowercase, trimmed, not empty.
    search: Option<&'a str>,
    suppliers: &'a HashMap<String, (String, String)>,
    on_order: &'a HashMap<(String, String), i64>,
}

/// `high` merged into `low`, both in [`alert_order`], in place from the back: `low` grows once
/// and each alert moves once. A merge sort's scratch half would be 1.1 MB of fresh memory at
/// M, whose page faults cost a short-lived process (the CLI) more than the merge (issue #16).
/// Stable: of two equal alerts, `low`'s comes first.
fn merge_sorted(low: &mut Vec<Alert>, mut high: Vec<Alert>) {
    let mut unmerged = low.len();
    low.resize_with(low.len() + high.len(), Alert::default);
    for slot in (0..low.len()).rev() {
        // Once `high` is used up, what is left of `low` is already in its place.
        let Some(last_high) = high.last() else { break };
        if unmerged > 0 && alert_order(&low[unmerged - 1], last_high).is_gt() {
            unmerged -= 1;
            low.swap(unmerged, slot);
        } else {
            low[slot] = high.pop().expect("checked above");
        }
    }
}

/// An alert row before the figures that follow from it, with its supplier's MOQ and pack
/// multiple.
type Row = (Alert, i64, i64);

/// The order of the alerts: soonest out of stock first, then by SKU and warehouse. (SKU,
/// warehouse) is unique: the order is total.
fn alert_order(a: &Alert, b: &Alert) -> std::cmp::Ordering {
    (a.days_until_stockout, &a.sku, &a.warehouse_name).cmp(&(
        b.days_until_stockout,
        &b.sku,
        &b.warehouse_name,
    ))
}

/// The alert rows of one warehouse (`?1`, local key `?12`) for the products with keys in
/// `[?10, ?11)`: one row per (product, warehouse) below its threshold that sold since the
/// window began, from the partial index; its units sold from the integer-keyed rollup (whole
/// days `[?2, ?3)`) and the movements' rows by key (the partial days at the edges). An edge is
/// only looked up when it is not empty and the rollup has a row for its day (`?13`, `?3`):
/// every sale and return is rolled up on its day, so without that row there is nothing to
/// add, and most rows sell on few days.
const ALERT_ROWS: &str = "SELECT s.product_id, a.name, a.sku, s.on_hand, s.threshold,
         COALESCE((SELECT SUM(k.units) FROM sales_daily_keyed k
           WHERE k.key >= s.product_seq * 68719476736 + ?2
             AND k.key < s.product_seq * 68719476736 + ?3), 0)
       - CASE WHEN ?4 < ?5 AND EXISTS (SELECT 1 FROM sales_daily_keyed k
                                       WHERE k.key = s.product_seq * 68719476736 + ?13)
         THEN COALESCE((SELECT SUM(m.quantity) FROM movement_rows m
           WHERE m.product_key = s.product_seq AND m.warehouse_key = ?12
             AND m.occurred_ms >= ?4 AND m.occurred_ms < ?5
             AND m.kind IN ('sale', 'return')), 0) ELSE 0 END
       - CASE WHEN ?6 < ?7 AND EXISTS (SELECT 1 FROM sales_daily_keyed k
                                       WHERE k.key = s.product_seq * 68719476736 + ?3)
         THEN COALESCE((SELECT SUM(m.quantity) FROM movement_rows m
           WHERE m.product_key = s.product_seq AND m.warehouse_key = ?12
             AND m.occurred_ms >= ?6 AND m.occurred_ms < ?7
             AND m.kind IN ('sale', 'return')), 0) ELSE 0 END,
         a.supplier_id, a.lead_time_days, a.moq, a.pack_multiple
     FROM stock_levels s INDEXED BY stock_levels_below
     JOIN alert_products a ON a.seq = s.product_seq
     WHERE s.warehouse_id = ?1 AND s.on_hand < s.threshold AND s.last_sale_day >= ?8
       AND s.product_seq >= ?10 AND s.product_seq < ?11
       AND a.archived = 0 AND (?9 IS NULL OR a.product_type_id = ?9)";

/// A company with products over a key range at least this wide has its alerts read on two
/// threads: below it, starting the second costs more than it saves.
const SPLIT_FROM_PRODUCTS: i64 = 1_000;

impl Scan<'_> {
    /// The rows of these warehouses below their threshold that sold in the window, as of one
    /// state of the database.
    ///
    /// A large company's products are split in two halves by local key, read at once on the
    /// store's connection and on a second one: each half touches its own pages of the rollup
    /// and the products, so the threads share little work (at M, 20,000 products, that is
    /// most of a cold start). The second connection takes the write lock, without waiting,
    /// before the first begins to read, and keeps it until both have read: no write can
    /// commit in between, so both read the same state. A sale waits for the lock that long at
    /// most (milliseconds). When the lock is taken (an import) or the file is read-only, one
    /// connection reads everything. SQLite's snapshot API would not need the lock, but it
    /// cannot share a snapshot while the WAL is empty, which is how the CLI finds it.
    fn warehouses(
        &self,
        store: &Store,
        warehouses: &[(String, String, i64)],
    ) -> Result<Vec<Alert>> {
        let all = (i64::MIN, i64::MAX);
        let (first, last): (Option<i64>, Option<i64>) = store
            .conn
            .prepare_cached(
                "SELECT (SELECT MIN(seq) FROM products WHERE company_id = ?1),
                        (SELECT MAX(seq) FROM products WHERE company_id = ?1)",
            )?
            .query_row([self.company_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let middle = match (first, last) {
            (Some(first), Some(last)) if last - first >= SPLIT_FROM_PRODUCTS => {
                first + (last - first) / 2
            }
            _ => return self.read_in_transaction(&store.conn, warehouses, all),
        };
        let Some(mut second) = store.second_reader().filter(|second| {
            // The statement first: reading the schema is a transaction of its own.
            second.prepare_cached(ALERT_ROWS).is_ok()
                && second.execute_batch("BEGIN IMMEDIATE").is_ok()
        }) else {
            return self.read_in_transaction(&store.conn, warehouses, all);
        };
        // The halves cover every key, whatever the range read above: a product added since
        // is read too.
        let high_keys = (middle, all.1);
        let (low, high) = std::thread::scope(|scope| {
            let other: &mut Connection = &mut second;
            let high = std::thread::Builder::new()
                .spawn_scoped(scope, move || self.read(other, warehouses, high_keys));
            let low = self.read_in_transaction(&store.conn, warehouses, (all.0, middle));
            (low, high.map(|thread| thread.join()))
        });
        let high = match high {
            Ok(joined) => joined.unwrap_or_else(|panic| {
                let _ = second.execute_batch("ROLLBACK");
                std::panic::resume_unwind(panic)
            }),
            // No thread to be had: the second connection still reads the same state.
            Err(_) => self.read(&second, warehouses, high_keys),
        };
        second.execute_batch("ROLLBACK")?;
        let mut alerts = low?;
        merge_sorted(&mut alerts, high?);
        Ok(alerts)
    }

    /// [`Scan::read`] in a read transaction of its own: one state of the database.
    fn read_in_transaction(
        &self,
        conn: &Connection,
        warehouses: &[(String, String, i64)],
        keys: (i64, i64),
    ) -> Result<Vec<Alert>> {
        let tx = conn.unchecked_transaction()?;
        self.read(&tx, warehouses, keys)
    }

    /// The alerts of products with keys in `[from, to)`, on `conn` (in a read transaction),
    /// filtered, with their figures, in order.
    fn read(
        &self,
        conn: &Connection,
        warehouses: &[(String, String, i64)],
        (from, to): (i64, i64),
    ) -> Result<Vec<Alert>> {
        let mut stmt = conn.prepare_cached(ALERT_ROWS)?;
        let w = self.window;
        let mut out = Vec::new();
        // Many alerts share a reorder-by day: format each day once.
        let mut days_text: HashMap<i64, String> = HashMap::new();
        for (warehouse_id, warehouse_name, seq) in warehouses {
            // The key of (product 0, this warehouse, day): see `sales_daily_keyed`.
            let base = seq * 65536;
            let rows = stmt.query_map(
                params![
                    warehouse_id,
                    base + w.first_day_number,
                    base + w.end_day_number,
                    w.head.0,
                    w.head.1,
                    w.tail.0,
                    w.tail.1,
                    w.since_day,
                    self.product_type_id,
                    from,
                    to,
                    seq,
                    base + w.since_day_number
                ],
                |r| {
                    let recent_sales: i64 = r.get(5)?;
                    if recent_sales <= 0 {
                        return Ok(None);
                    }
                    let product_id: String = r.get(0)?;
                    let supplier = match r.get::<_, Option<String>>(6)? {
                        Some(id) => self.suppliers.get(&id).map(|(name, email)| AlertSupplier {
                            name: name.clone(),
                            contact_email: email.clone(),
                            lead_time_days: r.get(7).unwrap_or(0),
                            id,
                        }),
                        None => None,
                    };
                    let on_order = if self.on_order.is_empty() {
                        0
                    } else {
                        self.on_order
                            .get(&(product_id.clone(), warehouse_id.clone()))
                            .copied()
                            .unwrap_or(0)
                    };
                    let moq: Option<i64> = r.get(8)?;
                    let multiple: Option<i64> = r.get(9)?;
                    Ok(Some((
                        Alert {
                            product_id,
                            product_name: r.get(1)?,
                            sku: r.get(2)?,
                            warehouse_id: warehouse_id.clone(),
                            warehouse_name: warehouse_name.clone(),
                            current_stock: r.get(3)?,
                            threshold: r.get(4)?,
                            recent_sales,
                            days_until_stockout: 0,
                            supplier,
                            on_order,
                            reorder_point: 0,
                            suggested_order_qty: 0,
                            reorder_by: String::new(),
                        },
                        moq.unwrap_or(1),
                        multiple.unwrap_or(1),
                    )))
                },
            )?;
            for row in rows {
                if let Some(alert) = row?.and_then(|row| self.alert(row, &mut days_text)) {
                    out.push(alert);
                }
            }
        }
        out.sort_unstable_by(alert_order);
        Ok(out)
    }

    /// The alert of a row, with its figures; `None` if the filters leave it out.
    fn alert(
        &self,
        (mut a, moq, multiple): Row,
        days_text: &mut HashMap<i64, String>,
    ) -> Option<Alert> {
        let supplier_matches = self
            .supplier_id
            .is_none_or(|s| a.supplier.as_ref().is_some_and(|x| x.id == s));
        let search_matches = self.search.is_none_or(|s| {
            a.sku.to_lowercase().contains(s) || a.product_name.to_lowercase().contains(s)
        });
        if !supplier_matches || !search_matches {
            return None;
        }
        // Exact integer arithmetic throughout: avg_daily = recent / W.
        let window = self.window_days;
        let stock = a.current_stock.max(0);
        let recent = a.recent_sales;
        let lead = a.supplier.as_ref().map_or(0, |s| s.lead_time_days);
        a.days_until_stockout = (window * stock) / recent;
        a.reorder_point = ceil_div(recent * lead, window) + a.threshold;
        let target = ceil_div(recent * (lead + REVIEW_PERIOD_DAYS), window) + a.threshold;
        let need = target - stock - a.on_order;
        a.suggested_order_qty = if need <= 0 {
            0
        } else {
            ceil_div(need.max(moq), multiple) * multiple
        };
        let slack = (a.days_until_stockout - lead).max(0);
        a.reorder_by = days_text
            .entry(slack)
            .or_insert_with(|| (self.today + Duration::days(slack)).to_string())
            .clone();
        Some(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_splits_into_whole_days_and_two_exact_edges() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let w = Window::new(at("2025-01-01T00:00:00Z"), 30);
        assert_eq!(
            (w.first_day.as_str(), w.end_day.as_str()),
            ("2024-12-02", "2025-01-01")
        );
        assert_eq!(w.head.0, w.head.1, "midnight: no partial first day");
        assert_eq!(w.tail.0, w.tail.1, "midnight: no partial last day");

        let w = Window::new(at("2025-01-01T13:45:12Z"), 30);
        assert_eq!(
            (w.first_day.as_str(), w.end_day.as_str()),
            ("2024-12-03", "2025-01-01")
        );
        let ms = |s: &str| crate::times::ms(s).unwrap();
        assert_eq!(
            w.head,
            (
                ms("2024-12-02T13:45:12.000Z"),
                ms("2024-12-03T00:00:00.000Z")
            )
        );
        assert_eq!(
            w.tail,
            (
                ms("2025-01-01T00:00:00.000Z"),
                ms("2025-01-01T13:45:12.000Z")
            )
        );
    }

    #[test]
    fn two_sorted_halves_merge_into_one_order() {
        let alert = |days: i64, sku: u32, warehouse: &str| Alert {
            days_until_stockout: days,
            sku: format!("SKU-{sku:03}"),
            warehouse_name: warehouse.into(),
            ..Alert::default()
        };
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for (low_len, high_len) in [(0, 0), (0, 3), (3, 0), (1, 1), (5, 9), (40, 17), (200, 200)] {
            let mut all: Vec<Alert> = (0..low_len + high_len)
                .map(|i| alert(next(6) as i64, i, ["A", "B"][next(2) as usize]))
                .collect();
            // Two equal alerts across the halves: the low one stays first.
            if low_len > 0 && high_len > 0 {
                all[low_len as usize] = all[0].clone();
                all[low_len as usize].product_id = "from the high half".into();
            }
            let mut high = all.split_off(low_len as usize);
            let mut low = all;
            low.sort_by(alert_order);
            high.sort_by(alert_order);
            let mut expected = low.clone();
            expected.extend(high.clone());
            expected.sort_by(alert_order);
            merge_sorted(&mut low, high);
            assert_eq!(low, expected, "{low_len} + {high_len}");
        }
    }

    #[test]
    fn ceil_div_rounds_up() {
        assert_eq!(
            (
                ceil_div(0, 30),
                ceil_div(1, 30),
                ceil_div(30, 30),
                ceil_div(31, 30)
            ),
            (0, 1, 1, 2)
        );
    }
}
