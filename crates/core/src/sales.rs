//! Sales and returns: lines with exact decimal totals, the stock movements they make (a kit's
//! components for a kit), and the daily rollup of units sold, all in one transaction; and the
//! units sold per day, read back from that rollup.

use std::collections::hash_map::Entry;
use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use crate::auth::Action;
use crate::catalog::get_product;
use crate::db::{new_id, Store, Tx};
use crate::error::{Entity, Error, Result};
use crate::ids;
use crate::kits;
use crate::lookup::{get_company, KeyMap};
use crate::lookup::{open_warehouse, product_of_company};
use crate::model::{
    DailySales, MovementKind, ReturnInput, Sale, SaleInput, SaleLine, SalePage, SaleQuery,
    SaleSummary,
};
use crate::money::parse_money;
use crate::numbers::{self, DocumentKind};
use crate::outbox;
use crate::sql::{decimal_column, DEFAULT_PAGE, MAX_PAGE};
use crate::stock::{self, ensure_available, NewMovement};
use crate::validate::{self, MAX_QUANTITY};

const MAX_NOTE: usize = 1_000;

impl Store {
    /// Records a sale: its lines at the given or the product's price, one movement per
    /// stock-holding product (a kit's components for a kit), and the daily rollup. Selling more
    /// than is on hand is refused unless the company allows backorders; all or nothing.
    pub fn record_sale(&mut self, company_id: &str, input: &SaleInput) -> Result<Sale> {
        self.authorize(company_id, Action::Sell)?;
        if input.lines.is_empty() {
            return Err(Error::validation("lines", "add at least one product"));
        }
        let mut prices = Vec::with_capacity(input.lines.len());
        for (n, line) in input.lines.iter().enumerate() {
            let at = |e: Error| e.at_line(n + 1);
            if line.quantity <= 0 {
                return Err(at(Error::validation(
                    "quantity",
                    "a quantity must be more than zero",
                )));
            }
            if line.quantity > MAX_QUANTITY {
                return Err(at(Error::validation(
                    "quantity",
                    format!("a quantity cannot exceed {MAX_QUANTITY}"),
                )));
            }
            let price = match line.unit_price.as_deref().filter(|p| !p.trim().is_empty()) {
                Some(p) => Some(parse_money("unit_price", p).map_err(at)?),
                None => None,
            };
            prices.push(price);
        }
        let note = validate::optional("note", "Note", input.note.as_deref(), MAX_NOTE)?;
        self.write(|tx| {
            let w = open_warehouse(tx.conn, company_id, &input.warehouse_id, "warehouse_id")?;
            let sale_id = new_id();
            let sold_at = tx.now.clone();

            // Every line priced and expanded before anything is written.
            let mut lines = Vec::with_capacity(input.lines.len());
            let mut demand: BTreeMap<String, i64> = BTreeMap::new();
            for (n, (line, price)) in input.lines.iter().zip(prices).enumerate() {
                let p = product_of_company(tx.conn, company_id, &line.product_id)
                    .map_err(|e| e.at_line(n + 1))?;
                if p.archived {
                    return Err(Error::validation(
                        "product_id",
                        format!("{} is archived and cannot be sold", p.sku),
                    )
                    .at_line(n + 1));
                }
                let unit_price = price.unwrap_or(p.price);
                for (component, units) in kits::expand(tx.conn, &p.id, line.quantity)? {
                    add_units(tx.conn, &mut demand, component, units)?;
                }
                // A kit's recipe as sold: what a return of this line puts back.
                let components = if p.is_kit {
                    let per_unit = kits::expand(tx.conn, &p.id, 1)?;
                    Some(
                        serde_json::to_string(&per_unit)
                            .map_err(|e| Error::Internal(e.to_string()))?,
                    )
                } else {
                    None
                };
                let line_total = line_total(unit_price, line.quantity)?;
                lines.push((p, line.quantity, unit_price, line_total, components));
            }
            for (component, units) in &demand {
                let c = product_of_company(tx.conn, company_id, component)?;
                ensure_available(tx.conn, company_id, &c, &w, *units)?;
            }

            let total = lines
                .iter()
                .try_fold(Decimal::ZERO, |sum, (_, _, _, line_total, _)| {
                    sum.checked_add(*line_total)
                })
                .ok_or_else(|| Error::validation("lines", "the sale's total is too large"))?;
            let number = numbers::next_number(tx, company_id, DocumentKind::Sale)?;
            let hlc = insert_sale(
                tx,
                &sale_id,
                company_id,
                &w.id,
                &sold_at,
                total,
                note.as_deref(),
                Some(&number),
            )?;
            for (line_no, (p, quantity, unit_price, _, components)) in lines.iter().enumerate() {
                insert_line(
                    tx,
                    &sale_id,
                    (company_id, &hlc),
                    line_no,
                    (&p.id, components.as_deref()),
                    *quantity,
                    *unit_price,
                )?;
            }
            for (component, units) in &demand {
                stock::record(
                    tx,
                    &NewMovement {
                        company_id,
                        product_id: component,
                        warehouse_id: &w.id,
                        kind: MovementKind::Sale,
                        quantity: -units,
                        reason: None,
                        reference: Some(("sale", &sale_id)),
                        note: None,
                        occurred_at: Some(&sold_at),
                    },
                )?;
                roll_up(tx, component, &w.id, &sold_at, *units)?;
            }
            get_sale(tx.conn, &sale_id)
        })
    }

    pub fn get_sale(&self, id: &str) -> Result<Sale> {
        self.authorize_row("sales", id, Action::Read)?;
        get_sale(&self.conn, id)
    }

    /// Sales of a company, newest first; by warehouse, part of the number and days.
    pub fn list_sales(&self, query: &SaleQuery) -> Result<SalePage> {
        self.authorize(&query.company_id, Action::Read)?;
        get_company(&self.conn, &query.company_id)?;
        let limit = match query.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let search = query
            .search
            .as_deref()
            .map(|s| s.trim().to_uppercase())
            .filter(|s| !s.is_empty());
        let from = day_bound("from", query.from.as_deref(), 0)?;
        // The day after the last one: sold_at < it.
        let to = day_bound("to", query.to.as_deref(), 1)?;
        if let (Some(f), Some(t)) = (&from, &to) {
            if f >= t {
                return Err(Error::validation("to", "the last day is before the first"));
            }
        }
        const FILTER: &str = "s.company_id = ?1 AND (?2 IS NULL OR s.warehouse_id = ?2)
             AND (?3 IS NULL OR instr(s.number, ?3) > 0)
             AND (?4 IS NULL OR s.sold_ms >= ?4) AND (?5 IS NULL OR s.sold_ms < ?5)";
        let filter = params![query.company_id, query.warehouse_id, search, from, to];
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM sales s WHERE {FILTER}"))?
            .query_row(filter, |r| r.get(0))?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT s.id, w.name, s.sold_at, s.total,
                    (SELECT COUNT(*) FROM sale_line_rows l WHERE l.sale_key = s.seq),
                    (SELECT COALESCE(SUM(quantity), 0) FROM sale_line_rows l
                     WHERE l.sale_key = s.seq),
                    (SELECT COALESCE(SUM(quantity), 0) FROM sale_return_rows r
                     WHERE r.sale_id = s.stored_id),
                    s.number
             FROM sales s JOIN warehouses w ON w.id = s.warehouse_id
             WHERE {FILTER}
             ORDER BY s.sold_ms DESC, s.seq DESC LIMIT ?6 OFFSET ?7"
        ))?;
        let mut items: Vec<SaleSummary> = stmt
            .query_map(
                params![
                    query.company_id,
                    query.warehouse_id,
                    search,
                    from,
                    to,
                    limit,
                    query.offset
                ],
                |r| {
                    let total = decimal_column(r, 3)?;
                    Ok(SaleSummary {
                        id: r.get(0)?,
                        number: r.get(7)?,
                        warehouse_name: r.get(1)?,
                        sold_at: r.get(2)?,
                        total,
                        refunded: Decimal::ZERO,
                        net_total: total,
                        lines: r.get(4)?,
                        units: r.get(5)?,
                        units_returned: r.get(6)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        for item in items.iter_mut().filter(|i| i.units_returned > 0) {
            item.refunded = refunded(&self.conn, &item.id)?;
            item.net_total = item.total - item.refunded;
        }
        Ok(SalePage { items, total })
    }

    /// Takes back products of a sale into the sale's warehouse (a kit's components for a kit).
    /// Never more of a product than the sale still has unreturned.
    pub fn record_return(&mut self, company_id: &str, input: &ReturnInput) -> Result<Sale> {
        self.authorize(company_id, Action::Sell)?;
        let wanted = validate::sum_lines(&input.lines, validate::Sign::Positive)?;
        let note = validate::optional("note", "Note", input.note.as_deref(), MAX_NOTE)?;
        self.write(|tx| {
            let sale = get_sale(tx.conn, &input.sale_id)?;
            if sale.company_id != company_id {
                return Err(Error::not_found(Entity::Sale, &input.sale_id));
            }
            let w = open_warehouse(tx.conn, company_id, &sale.warehouse_id, "warehouse_id")?;
            let returned_at = tx.now.clone();
            let mut back: BTreeMap<String, i64> = BTreeMap::new();
            for (product_id, quantity) in &wanted {
                let on_sale: Vec<&SaleLine> = sale.lines.iter().filter(|l| &l.product_id == product_id).collect();
                let Some(first) = on_sale.first() else {
                    return Err(Error::validation("lines", "that product is not on this sale"));
                };
                let open: i64 = on_sale.iter().map(|l| l.quantity - l.returned).sum();
                if *quantity > open {
                    return Err(Error::validation(
                        "quantity",
                        format!("only {open} of {} can still be returned on this sale", first.sku),
                    ));
                }
                // Spread over the sale's lines of that product, first line first.
                let mut left = *quantity;
                for line in on_sale {
                    let take = left.min(line.quantity - line.returned);
                    if take == 0 {
                        continue;
                    }
                    left -= take;
                    let hlc = tx.stamp();
                    let id = new_id();
                    tx.conn.execute(
                        "INSERT INTO sale_returns (id, sale_id, sale_line_id, quantity, returned_at, note, hlc, user_id, device_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9, ?8)",
                        params![id, sale.id, line.id, take, returned_at, note, hlc, tx.device_id(), tx.user_id()],
                    )?;
                    tx.inserted_in(company_id, outbox::Entity::SaleReturn, &id, &hlc)?;
                    for (component, units) in taken_by(tx.conn, line, take)? {
                        add_units(tx.conn, &mut back, component, units)?;
                    }
                }
            }
            for (component, units) in &back {
                stock::record(tx, &NewMovement {
                    company_id,
                    product_id: component,
                    warehouse_id: &w.id,
                    kind: MovementKind::Return,
                    quantity: *units,
                    reason: None,
                    reference: Some(("sale", &sale.id)),
                    note: note.as_deref(),
                    occurred_at: Some(&returned_at),
                })?;
                roll_up(tx, component, &w.id, &returned_at, -units)?;
            }
            get_sale(tx.conn, &sale.id)
        })
    }
}

/// `YYYY-MM-DD` as the start of that day (UTC) plus `days_after`, as `sold_ms` (`times`).
fn day_bound(field: &str, day: Option<&str>, days_after: i64) -> Result<Option<i64>> {
    let Some(day) = day.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
        Error::validation(field, format!("\"{day}\" is not a date like 2026-03-31"))
    })?;
    let date = date
        .checked_add_signed(chrono::Duration::days(days_after))
        .ok_or_else(|| Error::validation(field, "that date is out of range"))?;
    Ok(Some(crate::times::ms_of(
        date.and_time(chrono::NaiveTime::MIN).and_utc(),
    )))
}

#[allow(clippy::too_many_arguments)]
fn insert_sale(
    tx: &mut Tx<'_>,
    sale_id: &str,
    company_id: &str,
    warehouse_id: &str,
    sold_at: &str,
    total: Decimal,
    note: Option<&str>,
    number: Option<&str>,
) -> Result<String> {
    let hlc = tx.stamp();
    tx.conn
        .prepare_cached(
            "INSERT INTO sales (id, company_id, warehouse_id, sold_at, total, note, hlc, user_id, device_id, number)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9, ?8, ?10)",
        )?
        .execute(params![sale_id, company_id, warehouse_id, sold_at, total.to_string(), note, hlc, tx.device_id(), tx.user_id(), number])?;
    tx.inserted_in(company_id, outbox::Entity::Sale, sale_id, &hlc)?;
    Ok(hlc)
}

/// A line of a sale; it syncs with the sale's HLC (a line has none of its own).
fn insert_line(
    tx: &mut Tx<'_>,
    sale_id: &str,
    // The sale's company and HLC: the line syncs with them.
    (company_id, sale_hlc): (&str, &str),
    line_no: usize,
    // The product, and for a kit what one unit of it takes (JSON).
    (product_id, components): (&str, Option<&str>),
    quantity: i64,
    unit_price: Decimal,
) -> Result<()> {
    let line_id = new_id();
    tx.conn
        .prepare_cached(
            "INSERT INTO sale_lines (id, sale_id, line_no, product_id, quantity, unit_price, line_total, components)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            line_id,
            sale_id,
            line_no as i64 + 1,
            product_id,
            quantity,
            unit_price.to_string(),
            line_total(unit_price, quantity)?.to_string(),
            components
        ])?;
    tx.inserted_in(company_id, outbox::Entity::SaleLine, &line_id, sale_hlc)
}

/// What `units` of a sale line took from stock: for a kit, its recipe as it was sold (not as
/// it is now); for a plain product, itself. Lines sold before recipes were kept with them fall
/// back to the current recipe.
fn taken_by(conn: &Connection, line: &SaleLine, units: i64) -> Result<BTreeMap<String, i64>> {
    let components: Option<String> = conn
        .prepare_cached("SELECT components FROM sale_line_rows WHERE id = ?1")?
        .query_row([ids::stored(&line.id)], |r| r.get(0))?;
    let Some(components) = components else {
        return kits::expand(conn, &line.product_id, units);
    };
    let per_unit: BTreeMap<String, i64> = serde_json::from_str(&components)
        .map_err(|e| Error::Internal(format!("sale line {}: components: {e}", line.id)))?;
    let mut out = BTreeMap::new();
    for (component, per) in per_unit {
        let total = per
            .checked_mul(units)
            .ok_or_else(|| Error::validation("quantity", "that return is too large"))?;
        add_units(conn, &mut out, component, total)?;
    }
    Ok(out)
}

/// A line's price times its quantity, exactly; refused rather than overflowing.
fn line_total(unit_price: Decimal, quantity: i64) -> Result<Decimal> {
    unit_price
        .checked_mul(Decimal::from(quantity))
        .ok_or_else(|| Error::validation("unit_price", "the line's total is too large"))
}

/// Adds `units` of a stock-holding product to what a sale or return moves of it: the sum over
/// its lines can no more exceed [`MAX_QUANTITY`] than one line can.
fn add_units(
    conn: &Connection,
    moving: &mut BTreeMap<String, i64>,
    product_id: String,
    units: i64,
) -> Result<()> {
    let sum = moving.get(&product_id).copied().unwrap_or(0);
    let Some(total) = sum.checked_add(units).filter(|s| *s <= MAX_QUANTITY) else {
        let sku: String = conn
            .query_row(
                "SELECT sku FROM products WHERE id = ?1",
                [&product_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(product_id);
        return Err(Error::validation(
            "quantity",
            format!("the lines take more than {MAX_QUANTITY} of {sku} at once"),
        ));
    };
    moving.insert(product_id, total);
    Ok(())
}

/// Sales from history (an import): the same rows as live sales, one product each, dated in the
/// past and never refused for stock (the shelf already knew). Their effect on stock levels and
/// on the daily rollup is summed in memory and written once per product and warehouse (and day)
/// by the import from [`HistoricalSales::into_writes`]: a million sales are not three million
/// upserts.
#[derive(Default)]
pub(crate) struct HistoricalSales {
    /// Per (product, warehouse) by local keys: the pair's ids, its latest count before the
    /// import, and the units sold after it.
    levels: KeyMap<(i64, i64), Level>,
    /// Per rollup key (product, warehouse and UTC day, [`rollup_key`]): units sold.
    daily: KeyMap<i64, i64>,
    /// Per company, by its local key: its id, the first and last `sales.seq` written, and
    /// how many (queued as one outbox range).
    ranges: KeyMap<i64, (String, i64, i64, i64)>,
    /// The local keys of the companies and the device written about.
    keys: crate::lookup::LocalKeys,
}

/// What the imported sales of one product in one warehouse add up to.
struct Level {
    product_id: String,
    warehouse_id: String,
    /// Its latest count before the import.
    counted: Option<i64>,
    /// Units sold after that count.
    delta: i64,
}

/// The keys of one imported sale's rows: company, warehouse, product, device.
struct SaleKeys {
    company: i64,
    warehouse: i64,
    product: i64,
    device: i64,
}

impl HistoricalSales {
    /// One imported sale. The product and warehouse come with their local keys (the import
    /// read them once, when it made them).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add(
        &mut self,
        tx: &mut Tx<'_>,
        company_id: &str,
        (warehouse_id, warehouse): (&str, i64),
        (product_id, product): (&str, i64),
        quantity: i64,
        unit_price: Decimal,
        sold_at: &str,
    ) -> Result<()> {
        let keys = SaleKeys {
            company: self.keys.key(tx.conn, "companies", "seq", company_id)?,
            warehouse,
            product,
            device: self
                .keys
                .key(tx.conn, "device_keys", "key", tx.device_id())?,
        };
        let (sold_text, sold_ms) = crate::times::stored(sold_at);
        let seq = write_history_sale(tx, &keys, quantity, unit_price, (sold_text, sold_ms))?;
        let range = self
            .ranges
            .entry(keys.company)
            .or_insert_with(|| (company_id.to_owned(), seq, seq, 0));
        range.2 = seq;
        range.3 += 1;
        let level = match self.levels.entry((keys.product, keys.warehouse)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(Level {
                product_id: product_id.to_owned(),
                warehouse_id: warehouse_id.to_owned(),
                counted: stock::latest_count_ms(tx.conn, product_id, warehouse_id)?,
                delta: 0,
            }),
        };
        // DESIGN §2: a sale older than the latest count is absorbed by it. Each sale is newer
        // (by HLC) than every count already stored, so only a later time absorbs it.
        if level
            .counted
            .is_none_or(|counted| sold_ms.is_some_and(|sold| counted <= sold))
        {
            level.delta -= quantity;
        }
        // A time kept as its integer alone is UTC in the canonical form: its day is its
        // millisecond's. Any other spelling is read as before, by the day it writes.
        let day = match (sold_text, sold_ms) {
            ("", Some(ms)) => ms.div_euclid(MS_PER_DAY),
            _ => days_since_epoch(sold_at)?,
        };
        *self
            .daily
            .entry(rollup_key(keys.product, keys.warehouse, day))
            .or_default() += quantity;
        Ok(())
    }

    /// Per company: the first and last `sales.seq` written, and how many (one outbox range
    /// each).
    pub(crate) fn take_ranges(&mut self) -> Vec<(String, (i64, i64, i64))> {
        std::mem::take(&mut self.ranges)
            .into_values()
            .map(|(company, first, last, sales)| (company, (first, last, sales)))
            .collect()
    }

    /// The summed level changes and the rollup's rows (key, units) to write, each in key
    /// order (sequential B-tree inserts): the import writes them in its short transactions.
    #[allow(clippy::type_complexity)]
    pub(crate) fn into_writes(self) -> (Vec<((String, String), i64)>, Vec<(i64, i64)>) {
        let mut daily: Vec<_> = self.daily.into_iter().collect();
        daily.sort_unstable();
        let mut levels: Vec<_> = self
            .levels
            .into_values()
            .map(|l| ((l.product_id, l.warehouse_id), l.delta))
            .collect();
        levels.sort_unstable();
        (levels, daily)
    }
}

const MS_PER_DAY: i64 = 86_400_000;

/// The days since 1970-01-01 of the day a time names in its first ten characters
/// (`YYYY-MM-DD`).
fn days_since_epoch(at: &str) -> Result<i64> {
    let unreadable = || Error::Internal(format!("daily sales of an unreadable day in {at:?}"));
    let day = at.get(..10).ok_or_else(unreadable)?;
    let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| unreadable())?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    Ok((day - epoch).num_days())
}

/// The key of a row of `sales_daily_keyed` (migration 0005): product key * 2^36 + warehouse
/// key * 2^16 + days since 1970-01-01 of the UTC day.
fn rollup_key(product: i64, warehouse: i64, day: i64) -> i64 {
    product * 68_719_476_736 + warehouse * 65_536 + day
}

/// An imported sale, its line and its movement, written straight into the ledger's rows (not
/// through the views' triggers, migration 0016): the same rows, ids and clocks as
/// [`Store::record_sale`] writes, outside the outbox (the import queues them as a range). The
/// sale's `seq`.
fn write_history_sale(
    tx: &mut Tx<'_>,
    keys: &SaleKeys,
    quantity: i64,
    unit_price: Decimal,
    (sold_at, sold_ms): (&str, Option<i64>),
) -> Result<i64> {
    let total = line_total(unit_price, quantity)?.to_string();
    // Imported history keeps no number: the shop's own numbers start at its first sale here.
    let (hlc, hlc_clock) = tx.stamp_value().row_form();
    tx.conn
        .prepare_cached(
            "INSERT INTO sale_rows (id, company_key, warehouse_key, sold_at, sold_ms, total, hlc,
                 hlc_clock, user_id, device_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            ids::fresh(),
            keys.company,
            keys.warehouse,
            sold_at,
            sold_ms,
            total,
            hlc,
            hlc_clock,
            tx.user_id(),
            keys.device
        ])?;
    let seq = tx.conn.last_insert_rowid();
    // The line syncs with the sale's HLC (a line has none of its own).
    tx.conn
        .prepare_cached(
            "INSERT INTO sale_line_rows (sale_key, line_no, id, product_key, quantity, unit_price,
                 line_total)
             VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            seq,
            ids::fresh(),
            keys.product,
            quantity,
            unit_price.to_string(),
            total
        ])?;
    // The movement has its own clock, as `stock::append` gives it.
    let (movement_hlc, movement_clock) = tx.stamp_value().row_form();
    tx.conn
        .prepare_cached(
            "INSERT INTO movement_rows (id, company_key, product_key, warehouse_key, kind, quantity,
                 reference_kind, sale_key, occurred_at, occurred_ms, hlc, hlc_clock, user_id,
                 device_key)
             VALUES (?1, ?2, ?3, ?4, 'sale', ?5, 'sale', ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            ids::fresh(),
            keys.company,
            keys.product,
            keys.warehouse,
            -quantity,
            seq,
            sold_at,
            sold_ms,
            movement_hlc,
            movement_clock,
            tx.user_id(),
            keys.device
        ])?;
    Ok(seq)
}

impl Store {
    /// Units sold net of returns per UTC day over the `days` days ending today, oldest first,
    /// zeros included; a kit's sales count for its components. One warehouse or all.
    pub fn daily_sales(
        &self,
        product_id: &str,
        warehouse_id: Option<&str>,
        days: u32,
    ) -> Result<Vec<DailySales>> {
        self.authorize_row("products", product_id, Action::Read)?;
        let product = get_product(&self.conn, product_id)?;
        if !(1..=3_660).contains(&days) {
            return Err(Error::validation("days", "choose between 1 and 3660 days"));
        }
        let today = Utc::now().date_naive();
        let first = today - Duration::days(i64::from(days) - 1);
        // The rollup holds stock-holding products (a kit's sales are its components' units);
        // a kit's own series comes from its sale lines and their returns.
        let sql = if product.is_kit {
            "SELECT day, SUM(units) FROM (
                 SELECT substr(s.sold_at, 1, 10) AS day, l.quantity AS units
                 FROM sale_lines l JOIN sales s ON s.seq = l.sale_key
                 WHERE l.product_id = ?1 AND (?2 IS NULL OR s.warehouse_id = ?2) AND s.sold_ms >= CAST(julianday(?3) - 2440587.5 AS INTEGER) * 86400000
                 UNION ALL
                 SELECT substr(r.returned_at, 1, 10), -r.quantity
                 FROM sale_returns r JOIN sale_lines l ON l.stored_id = r.stored_sale_line_id
                 JOIN sales s ON s.stored_id = r.stored_sale_id
                 WHERE l.product_id = ?1 AND (?2 IS NULL OR s.warehouse_id = ?2) AND r.returned_at >= ?3)
             GROUP BY day"
        } else {
            // The product's range of the rollup's key (migration 0005), each warehouse's days
            // from the first one asked for.
            "SELECT date((k.key % 65536) * 86400, 'unixepoch'), SUM(k.units)
             FROM sales_daily_keyed k, products p
             WHERE p.id = ?1
               AND k.key >= p.seq * 68719476736 AND k.key < (p.seq + 1) * 68719476736
               AND k.key % 65536 >= CAST(julianday(?3) - 2440587.5 AS INTEGER)
               AND (?2 IS NULL
                    OR (k.key / 65536) % 1048576 = (SELECT seq FROM warehouses WHERE id = ?2))
             GROUP BY k.key % 65536"
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let sold: std::collections::HashMap<String, i64> = stmt
            .query_map((product_id, warehouse_id, first.to_string()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(first
            .iter_days()
            .take_while(|d| *d <= today)
            .map(|d: NaiveDate| {
                let day = d.to_string();
                let units = sold.get(&day).copied().unwrap_or(0);
                DailySales { day, units }
            })
            .collect())
    }
}

/// Adds `units` to the rollup's row `key` (see [`rollup_key`]); its triggers keep the stock
/// row's last sale day, if the row is there already (a new one reads it when inserted).
pub(crate) fn roll_up_keyed(tx: &Tx<'_>, key: i64, units: i64) -> Result<()> {
    tx.conn
        .prepare_cached(
            "INSERT INTO sales_daily_keyed (key, units) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET units = units + excluded.units",
        )?
        .execute(params![key, units])?;
    Ok(())
}

/// Adds `units` (negative for a return) to the product's sales on the UTC day of `at`.
pub(crate) fn roll_up(
    tx: &Tx<'_>,
    product_id: &str,
    warehouse_id: &str,
    at: &str,
    units: i64,
) -> Result<()> {
    let day = &at[..10];
    // The rollup's key (migration 0005); its triggers keep the stock row's last sale day.
    let written = tx
        .conn
        .prepare_cached(
            "INSERT INTO sales_daily_keyed (key, units)
             SELECT p.seq * 68719476736 + w.seq * 65536
                    + CAST(julianday(?3) - 2440587.5 AS INTEGER), ?4
             FROM products p, warehouses w WHERE p.id = ?1 AND w.id = ?2
             ON CONFLICT (key) DO UPDATE SET units = units + excluded.units",
        )?
        .execute(params![product_id, warehouse_id, day, units])?;
    if written == 0 {
        return Err(Error::Internal(format!(
            "daily sales of {product_id} in {warehouse_id}: no such product or warehouse"
        )));
    }
    Ok(())
}

fn get_sale(conn: &Connection, id: &str) -> Result<Sale> {
    let mut sale = conn
        .prepare_cached(
            "SELECT s.id, s.company_id, s.warehouse_id, w.name, s.sold_at, s.total, s.note, s.number
             FROM sales s JOIN warehouses w ON w.id = s.warehouse_id WHERE s.stored_id = ?1",
        )?
        .query_row([ids::stored(id)], |r| {
            Ok(Sale {
                id: r.get(0)?,
                number: r.get(7)?,
                company_id: r.get(1)?,
                warehouse_id: r.get(2)?,
                warehouse_name: r.get(3)?,
                sold_at: r.get(4)?,
                total: decimal_column(r, 5)?,
                refunded: Decimal::ZERO,
                net_total: Decimal::ZERO,
                note: r.get(6)?,
                lines: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Sale, id))?;
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.product_id, p.sku, p.name,
                EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = l.product_id),
                l.quantity, l.unit_price, l.line_total,
                (SELECT COALESCE(SUM(r.quantity), 0) FROM sale_return_rows r
                 WHERE r.sale_line_id = l.stored_id)
         FROM sale_lines l JOIN products p ON p.id = l.product_id
         WHERE l.stored_sale_id = ?1 ORDER BY l.line_no",
    )?;
    sale.lines = stmt
        .query_map([ids::stored(id)], |r| {
            Ok(SaleLine {
                id: r.get(0)?,
                product_id: r.get(1)?,
                sku: r.get(2)?,
                product_name: r.get(3)?,
                is_kit: r.get(4)?,
                quantity: r.get(5)?,
                unit_price: decimal_column(r, 6)?,
                line_total: decimal_column(r, 7)?,
                returned: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    sale.refunded = sale.lines.iter().try_fold(Decimal::ZERO, |sum, l| {
        sum.checked_add(line_total(l.unit_price, l.returned)?)
            .ok_or_else(|| Error::Internal("a refund does not fit a decimal".into()))
    })?;
    sale.net_total = sale.total - sale.refunded;
    Ok(sale)
}

/// What the returns against a sale gave back, from its lines' prices.
fn refunded(conn: &Connection, sale_id: &str) -> Result<Decimal> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.unit_price, SUM(r.quantity) FROM sale_return_rows r
         JOIN sale_line_rows l ON l.id = r.sale_line_id WHERE r.sale_id = ?1 GROUP BY l.id",
    )?;
    let mut rows = stmt.query([ids::stored(sale_id)])?;
    let mut sum = Decimal::ZERO;
    while let Some(r) = rows.next()? {
        let back = line_total(decimal_column(r, 0)?, r.get(1)?)?;
        sum = sum
            .checked_add(back)
            .ok_or_else(|| Error::Internal("a refund does not fit a decimal".into()))?;
    }
    Ok(sum)
}
