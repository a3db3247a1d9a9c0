//! Low-stock alerts driven by sales velocity, with exactly DESIGN §3's semantics:
//! rows of active products in active warehouses whose on hand is below their threshold and
//! that sold (net of returns) in the window `now - W days <= t < now`, exact to the second.
//!
//! The window's whole UTC days are read from the daily rollup (one row per day at most); the
//! partial days at its two edges from the sale and return movements themselves. Only rows
//! already below their threshold are looked at, so the work grows with the alerts, not the
//! catalog.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, SecondsFormat, Utc};
use rusqlite::params;

use crate::catalog::get_company;
use crate::db::Store;
use crate::error::{Error, Result};
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
    /// Partial days summed from movements: `[from, to)` each, possibly empty.
    pub(crate) head: (String, String),
    pub(crate) tail: (String, String),
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

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
            head: (stamp(since), stamp(midnight(first_day).min(now))),
            tail: (stamp(midnight(end_day).max(since)), stamp(now)),
        }
    }
}

fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1).div_euclid(b)
}

impl Store {
    pub fn low_stock_alerts(&self, q: &AlertQuery) -> Result<AlertPage> {
        self.authorize(&q.company_id, crate::auth::Action::Read)?;
        get_company(&self.conn, &q.company_id)?;
        let days = match q.window_days {
            0 => DEFAULT_WINDOW_DAYS,
            d @ 1..=365 => d,
            _ => {
                return Err(Error::validation(
                    "window_days",
                    "a window is 1 to 365 days",
                ))
            }
        };
        let now = match q.now.as_deref() {
            Some(t) => crate::validate::timestamp("now", t)?
                .parse::<DateTime<Utc>>()
                .map_err(|_| Error::validation("now", "unreadable time"))?,
            None => Utc::now(),
        };
        let w = Window::new(now, days);
        let mut stmt = self.conn.prepare_cached(
            "WITH cand AS MATERIALIZED (
                 SELECT s.product_id, s.warehouse_id, s.on_hand, s.threshold
                 FROM warehouses w
                 JOIN stock_levels s ON s.warehouse_id = w.id AND s.on_hand < s.threshold
                 WHERE w.company_id = ?1 AND w.archived = 0 AND (?2 IS NULL OR w.id = ?2)
             ),
             recent AS MATERIALIZED (
                 SELECT cand.*,
                     COALESCE((SELECT SUM(d.units) FROM sales_daily d
                               WHERE d.product_id = cand.product_id AND d.warehouse_id = cand.warehouse_id
                                 AND d.day >= ?4 AND d.day < ?5), 0)
                   - COALESCE((SELECT SUM(m.quantity) FROM stock_movements m
                               WHERE ?6 < ?7 AND m.product_id = cand.product_id
                                 AND m.warehouse_id = cand.warehouse_id
                                 AND m.occurred_at >= ?6 AND m.occurred_at < ?7
                                 AND m.kind IN ('sale', 'return')), 0)
                   - COALESCE((SELECT SUM(m.quantity) FROM stock_movements m
                               WHERE ?8 < ?9 AND m.product_id = cand.product_id
                                 AND m.warehouse_id = cand.warehouse_id
                                 AND m.occurred_at >= ?8 AND m.occurred_at < ?9
                                 AND m.kind IN ('sale', 'return')), 0) AS recent_sales
                 FROM cand
             )
             SELECT r.product_id, p.name, p.sku, r.warehouse_id, w.name, r.on_hand, r.threshold, r.recent_sales,
                    su.id, su.name, su.contact_email, ps.lead_time_days, ps.moq, ps.pack_multiple,
                    (SELECT COALESCE(SUM(MAX(l.quantity_ordered - l.quantity_received, 0)), 0)
                     FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.purchase_order_id
                     WHERE l.product_id = r.product_id AND o.warehouse_id = r.warehouse_id
                       AND o.status IN ('sent', 'partially_received'))
             FROM recent r
             JOIN products p ON p.id = r.product_id
             JOIN warehouses w ON w.id = r.warehouse_id
             LEFT JOIN product_suppliers ps ON ps.product_id = r.product_id AND ps.supplier_id = (
                 SELECT l.supplier_id FROM product_suppliers l JOIN suppliers s2 ON s2.id = l.supplier_id
                 WHERE l.product_id = r.product_id
                 ORDER BY l.preferred DESC, l.lead_time_days, CAST(l.unit_cost AS REAL), s2.name, s2.id
                 LIMIT 1)
             LEFT JOIN suppliers su ON su.id = ps.supplier_id
             WHERE r.recent_sales > 0 AND p.archived = 0 AND (?3 IS NULL OR p.product_type_id = ?3)",
        )?;
        let window = i64::from(days);
        let search = q
            .search
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        let today = now.date_naive();
        let mut alerts: Vec<Alert> = stmt
            .query_map(
                params![
                    q.company_id,
                    q.warehouse_id,
                    q.product_type_id,
                    w.first_day,
                    w.end_day,
                    w.head.0,
                    w.head.1,
                    w.tail.0,
                    w.tail.1
                ],
                |r| {
                    let supplier = match r.get::<_, Option<String>>(8)? {
                        Some(id) => Some(AlertSupplier {
                            id,
                            name: r.get(9)?,
                            contact_email: r.get(10)?,
                            lead_time_days: r.get(11)?,
                        }),
                        None => None,
                    };
                    let moq: Option<i64> = r.get(12)?;
                    let multiple: Option<i64> = r.get(13)?;
                    Ok((
                        Alert {
                            product_id: r.get(0)?,
                            product_name: r.get(1)?,
                            sku: r.get(2)?,
                            warehouse_id: r.get(3)?,
                            warehouse_name: r.get(4)?,
                            current_stock: r.get(5)?,
                            threshold: r.get(6)?,
                            recent_sales: r.get(7)?,
                            days_until_stockout: 0,
                            supplier,
                            on_order: r.get(14)?,
                            reorder_point: 0,
                            suggested_order_qty: 0,
                            reorder_by: String::new(),
                        },
                        moq.unwrap_or(1),
                        multiple.unwrap_or(1),
                    ))
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|(a, _, _)| {
                q.supplier_id
                    .as_ref()
                    .is_none_or(|s| a.supplier.as_ref().is_some_and(|x| &x.id == s))
                    && search.as_ref().is_none_or(|s| {
                        a.sku.to_lowercase().contains(s)
                            || a.product_name.to_lowercase().contains(s)
                    })
            })
            .map(|(mut a, moq, multiple)| {
                // Exact integer arithmetic throughout: avg_daily = recent / W.
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
                a.reorder_by = (today + Duration::days(slack)).to_string();
                a
            })
            .collect();
        alerts.sort_by(|a, b| {
            (a.days_until_stockout, &a.sku, &a.warehouse_name).cmp(&(
                b.days_until_stockout,
                &b.sku,
                &b.warehouse_name,
            ))
        });
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
        assert_eq!(
            w.head,
            (
                "2024-12-02T13:45:12.000Z".into(),
                "2024-12-03T00:00:00.000Z".into()
            )
        );
        assert_eq!(
            w.tail,
            (
                "2025-01-01T00:00:00.000Z".into(),
                "2025-01-01T13:45:12.000Z".into()
            )
        );
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
