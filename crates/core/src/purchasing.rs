//! Suppliers, the products they supply, and purchase orders: draft → sent → partially
//! received → received, or cancelled. Receiving writes receipt movements in the same
//! transaction as the order's lines.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;

use crate::auth::Action;
use crate::catalog::get_product;
use crate::db::{new_id, Store, Tx};
use crate::error::{Entity, Error, Result};
use crate::lookup::get_company;
use crate::lookup::{open_warehouse, product_of_company};
use crate::model::*;
use crate::money::parse_money;
use crate::numbers::{self, DocumentKind};
use crate::outbox;
use crate::sql::{decimal_column, Unique};
use crate::sql::{DEFAULT_PAGE, MAX_PAGE};
use crate::stock::{self, NewMovement};
use crate::validate::{self, sum_lines, Sign, MAX_ADDRESS, MAX_CODE, MAX_NAME, MAX_QUANTITY};

const MAX_NOTE: usize = 1_000;
/// The learned lead time looks at this many of the supplier's latest fully received orders.
const LEARN_FROM: i64 = 10;
const MAX_LEAD_TIME_DAYS: i64 = 3_650;
/// The lines of an order that are on it: not taken off, or taken off on one device while
/// another received against them (the receipts stay shown).
pub(crate) const LIVE_LINE: &str = "(l.removed = 0 OR l.quantity_received > 0)";

impl PurchaseOrderStatus {
    fn as_str(self) -> &'static str {
        match self {
            PurchaseOrderStatus::Draft => "draft",
            PurchaseOrderStatus::Sent => "sent",
            PurchaseOrderStatus::PartiallyReceived => "partially_received",
            PurchaseOrderStatus::Received => "received",
            PurchaseOrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            PurchaseOrderStatus::Draft,
            PurchaseOrderStatus::Sent,
            PurchaseOrderStatus::PartiallyReceived,
            PurchaseOrderStatus::Received,
            PurchaseOrderStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

fn status_column(r: &Row<'_>, idx: usize) -> rusqlite::Result<PurchaseOrderStatus> {
    let text: String = r.get(idx)?;
    PurchaseOrderStatus::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown status {text}").into(),
        )
    })
}

struct ValidSupplier {
    name: String,
    contact_email: String,
    phone: Option<String>,
    address: Option<String>,
    notes: Option<String>,
}

impl ValidSupplier {
    fn parse(input: &SupplierInput) -> Result<Self> {
        Ok(ValidSupplier {
            name: validate::required("name", "Supplier name", &input.name, MAX_NAME)?,
            contact_email: validate::email("contact_email", "Contact email", &input.contact_email)?,
            phone: validate::optional("phone", "Phone", input.phone.as_deref(), MAX_CODE)?,
            address: validate::optional(
                "address",
                "Address",
                input.address.as_deref(),
                MAX_ADDRESS,
            )?,
            notes: validate::optional("notes", "Notes", input.notes.as_deref(), MAX_NOTE)?,
        })
    }

    fn ensure_unique(
        &self,
        conn: &Connection,
        company_id: &str,
        except: Option<&str>,
    ) -> Result<()> {
        const SUPPLIER_NAME: Unique = Unique {
            entity: Entity::Supplier,
            field: "name",
            table: "suppliers",
            column: "sf_key(name) = sf_key(?2)",
        };
        SUPPLIER_NAME.check(conn, Some(company_id), &self.name, except)
    }
}

struct ValidLink {
    supplier_sku: Option<String>,
    lead_time_days: i64,
    unit_cost: Decimal,
    moq: i64,
    pack_multiple: i64,
    preferred: bool,
}

impl ValidLink {
    fn parse(input: &ProductSupplierInput) -> Result<Self> {
        if !(0..=MAX_LEAD_TIME_DAYS).contains(&input.lead_time_days) {
            return Err(Error::validation(
                "lead_time_days",
                format!("a lead time is 0 to {MAX_LEAD_TIME_DAYS} days"),
            ));
        }
        let positive = |field: &str, label: &str, v: Option<i64>| -> Result<i64> {
            let v = v.unwrap_or(1);
            if !(1..=MAX_QUANTITY).contains(&v) {
                return Err(Error::validation(
                    field,
                    format!("{label} must be at least 1"),
                ));
            }
            Ok(v)
        };
        Ok(ValidLink {
            supplier_sku: validate::optional(
                "supplier_sku",
                "Supplier SKU",
                input.supplier_sku.as_deref(),
                MAX_CODE,
            )?,
            lead_time_days: input.lead_time_days,
            unit_cost: parse_money("unit_cost", &input.unit_cost)?,
            moq: positive("moq", "The minimum order quantity", input.moq)?,
            pack_multiple: positive("pack_multiple", "The pack multiple", input.pack_multiple)?,
            preferred: input.preferred,
        })
    }
}

impl Store {
    // ----- suppliers -----

    pub fn create_supplier(&mut self, company_id: &str, input: &SupplierInput) -> Result<Supplier> {
        self.authorize(company_id, Action::EditSuppliers)?;
        ValidSupplier::parse(input)?;
        self.write(|tx| {
            get_company(tx.conn, company_id)?;
            let id = insert_supplier(tx, company_id, input)?;
            get_supplier(tx.conn, &id)
        })
    }

    pub fn update_supplier(&mut self, id: &str, input: &SupplierInput) -> Result<Supplier> {
        self.authorize_row("suppliers", id, Action::EditSuppliers)?;
        let s = ValidSupplier::parse(input)?;
        self.write(|tx| {
            let current = get_supplier(tx.conn, id)?;
            s.ensure_unique(tx.conn, &current.company_id, Some(id))?;
            let before = tx.before(outbox::Entity::Supplier, id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE suppliers SET name = ?2, contact_email = ?3, phone = ?4, address = ?5, notes = ?6,
                 updated_hlc = ?7 WHERE id = ?1",
                params![id, s.name, s.contact_email, s.phone, s.address, s.notes, hlc],
            )?;
            tx.updated(outbox::Entity::Supplier, id, &hlc, before)?;
            get_supplier(tx.conn, id)
        })
    }

    pub fn set_supplier_archived(&mut self, id: &str, archived: bool) -> Result<Supplier> {
        self.authorize_row("suppliers", id, Action::EditSuppliers)?;
        self.write(|tx| {
            get_supplier(tx.conn, id)?;
            crate::catalog::set_archived(tx, outbox::Entity::Supplier, id, archived)?;
            get_supplier(tx.conn, id)
        })
    }

    pub fn get_supplier(&self, id: &str) -> Result<Supplier> {
        self.authorize_row("suppliers", id, Action::Read)?;
        get_supplier(&self.conn, id)
    }

    pub fn list_suppliers(
        &self,
        company_id: &str,
        include_archived: bool,
    ) -> Result<Vec<Supplier>> {
        self.authorize(company_id, Action::Read)?;
        get_company(&self.conn, company_id)?;
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM suppliers WHERE company_id = ?1 AND (?2 OR archived = 0) ORDER BY name COLLATE NOCASE",
            )?
            .query_map((company_id, include_archived), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| get_supplier(&self.conn, id)).collect()
    }

    /// A supplier of the company by id or name.
    pub fn find_supplier(&self, company_id: &str, name_or_id: &str) -> Result<Supplier> {
        self.authorize(company_id, Action::Read)?;
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM suppliers WHERE company_id = ?1 AND (id = ?2 OR name = ?3 COLLATE NOCASE)
                 ORDER BY id = ?2 DESC LIMIT 1",
                (company_id, name_or_id, name_or_id.trim()),
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => get_supplier(&self.conn, &id),
            None => Err(Error::not_found(Entity::Supplier, name_or_id)),
        }
    }

    // ----- product–supplier links -----

    /// Creates or replaces the link between a product and a supplier of the same company.
    /// Marking it preferred unmarks the product's other suppliers.
    pub fn link_supplier(
        &mut self,
        product_id: &str,
        supplier_id: &str,
        input: &ProductSupplierInput,
    ) -> Result<ProductSupplier> {
        self.authorize_row("products", product_id, Action::EditSuppliers)?;
        ValidLink::parse(input)?;
        self.write(|tx| {
            let supplier_id = upsert_link(tx, product_id, supplier_id, input)?;
            links(
                tx.conn,
                "l.product_id = ?1 AND l.supplier_id = ?2",
                (product_id, &supplier_id),
            )?
            .pop()
            .ok_or_else(|| Error::not_found(Entity::Supplier, &supplier_id))
        })
    }

    /// Removes the link between a product and a supplier: the supplier no longer supplies
    /// it, alerts and reorders choose among the others, and a preferred supplier removed
    /// leaves the product without one. Orders already made keep their lines. Linking the
    /// pair again brings it back.
    pub fn unlink_supplier(&mut self, product_id: &str, supplier_id: &str) -> Result<()> {
        self.authorize_row("products", product_id, Action::EditSuppliers)?;
        self.write(|tx| {
            let product = get_product(tx.conn, product_id)?;
            let supplier = supplier_of_company(tx.conn, &product.company_id, supplier_id)?;
            let link_id = crate::db::pair_id("product_supplier", product_id, &supplier.id);
            let live = tx
                .conn
                .prepare_cached("SELECT 1 FROM product_suppliers WHERE id = ?1 AND archived = 0")?
                .exists([&link_id])?;
            if !live {
                return Err(Error::validation(
                    "supplier_id",
                    format!("{} does not supply {}", supplier.name, product.sku),
                ));
            }
            let preferred: Option<String> = tx.conn.query_row(
                "SELECT preferred_supplier_id FROM products WHERE id = ?1",
                [product_id],
                |r| r.get(0),
            )?;
            if preferred.as_deref() == Some(supplier.id.as_str()) {
                let before = tx.before(outbox::Entity::Product, product_id)?;
                let hlc = tx.stamp();
                tx.conn.execute(
                    "UPDATE products SET preferred_supplier_id = NULL, updated_at = ?2, updated_hlc = ?3 WHERE id = ?1",
                    params![product_id, tx.now, hlc],
                )?;
                tx.updated(outbox::Entity::Product, product_id, &hlc, before)?;
            }
            let before = tx.before(outbox::Entity::ProductSupplier, &link_id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE product_suppliers SET archived = 1, updated_hlc = ?2 WHERE id = ?1",
                params![link_id, hlc],
            )?;
            tx.updated(outbox::Entity::ProductSupplier, &link_id, &hlc, before)?;
            Ok(())
        })
    }

    /// The suppliers of a product, preferred first, then by lead time, cost and name.
    pub fn product_suppliers(&self, product_id: &str) -> Result<Vec<ProductSupplier>> {
        self.authorize_row("products", product_id, Action::Read)?;
        get_product(&self.conn, product_id)?;
        links(&self.conn, "l.product_id = ?1", [product_id])
    }

    /// The products a supplier supplies, by SKU.
    pub fn supplier_products(&self, supplier_id: &str) -> Result<Vec<ProductSupplier>> {
        self.authorize_row("suppliers", supplier_id, Action::Read)?;
        get_supplier(&self.conn, supplier_id)?;
        let mut all = links(&self.conn, "l.supplier_id = ?1", [supplier_id])?;
        all.sort_by(|a, b| a.sku.cmp(&b.sku));
        Ok(all)
    }

    // ----- purchase orders -----

    /// A draft order. Costs default to the supplier's link; products the supplier does not
    /// supply yet need `confirm_new_links`, and are then linked at the order's cost.
    pub fn create_purchase_order(
        &mut self,
        company_id: &str,
        input: &PurchaseOrderInput,
    ) -> Result<PurchaseOrder> {
        self.authorize(company_id, Action::ManageOrders)?;
        let order = ValidOrder::parse(input)?;
        self.write(|tx| {
            let id = insert_purchase_order(tx, company_id, input, &order)?;
            get_order(tx.conn, &id)
        })
    }

    /// Changes a draft order: where it is received, its note, and its lines (quantities and
    /// costs changed, products added, lines taken off). The supplier stays: an order to
    /// another supplier is another order. A line's cost left blank keeps what the line had
    /// (a new line takes the supplier's). Lines taken off are kept as removed, so an edit on
    /// another device merges with this one field by field (DESIGN §4).
    pub fn update_purchase_order(
        &mut self,
        id: &str,
        input: &PurchaseOrderInput,
    ) -> Result<PurchaseOrder> {
        self.authorize_row("purchase_orders", id, Action::ManageOrders)?;
        let order = ValidOrder::parse(input)?;
        self.write(|tx| {
            let current = get_order(tx.conn, id)?;
            if current.status != PurchaseOrderStatus::Draft {
                return Err(Error::validation(
                    "status",
                    format!("only a draft can be changed; this order is {}", words(current.status)),
                ));
            }
            let supplier = supplier_of_company(tx.conn, &current.company_id, &current.supplier_id)?;
            if input.supplier_id != supplier.id {
                return Err(Error::validation(
                    "supplier_id",
                    format!("this order is to {}: to order from another supplier, cancel it and make a new one", supplier.name),
                ));
            }
            let w = open_warehouse(tx.conn, &current.company_id, &input.warehouse_id, "warehouse_id")?;
            // Every line of the order, those taken off too: (id, product, cost, removed).
            let existing: Vec<(String, String, Decimal, bool)> = tx
                .conn
                .prepare_cached(
                    "SELECT id, product_id, unit_cost, removed FROM purchase_order_lines WHERE purchase_order_id = ?1",
                )?
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, decimal_column(r, 2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let hlc = tx.stamp();
            for (n, (line, typed)) in input.lines.iter().zip(&order.costs).enumerate() {
                let old = existing.iter().find(|(_, product, _, _)| *product == line.product_id);
                let kept = match old {
                    Some((_, _, cost, false)) => Some(*cost),
                    _ => None,
                };
                let (product_id, unit_cost) = line_cost(
                    tx,
                    &current.company_id,
                    &supplier,
                    line,
                    *typed,
                    kept,
                    input.confirm_new_links,
                )
                .map_err(|e| e.at_line(n + 1))?;
                match old {
                    Some((line_id, ..)) => {
                        let before = tx.before(outbox::Entity::PurchaseOrderLine, line_id)?;
                        tx.conn.execute(
                            "UPDATE purchase_order_lines SET line_no = ?2, quantity_ordered = ?3, unit_cost = ?4, removed = 0
                             WHERE id = ?1",
                            params![line_id, n as i64 + 1, line.quantity, unit_cost.to_string()],
                        )?;
                        tx.updated(outbox::Entity::PurchaseOrderLine, line_id, &hlc, before)?;
                    }
                    None => {
                        let line_id = line_id(id, &product_id);
                        tx.conn.execute(
                            "INSERT INTO purchase_order_lines (id, purchase_order_id, line_no, product_id, quantity_ordered, unit_cost)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            params![line_id, id, n as i64 + 1, product_id, line.quantity, unit_cost.to_string()],
                        )?;
                        tx.inserted(outbox::Entity::PurchaseOrderLine, &line_id, &hlc)?;
                    }
                }
            }
            for (line_id, product_id, _, removed) in &existing {
                if !removed && !input.lines.iter().any(|l| &l.product_id == product_id) {
                    let before = tx.before(outbox::Entity::PurchaseOrderLine, line_id)?;
                    tx.conn.execute(
                        "UPDATE purchase_order_lines SET removed = 1 WHERE id = ?1",
                        [line_id],
                    )?;
                    tx.updated(outbox::Entity::PurchaseOrderLine, line_id, &hlc, before)?;
                }
            }
            let before = tx.before(outbox::Entity::PurchaseOrder, id)?;
            tx.conn.execute(
                "UPDATE purchase_orders SET warehouse_id = ?2, note = ?3, updated_hlc = ?4 WHERE id = ?1",
                params![id, w.id, order.note, hlc],
            )?;
            tx.updated(outbox::Entity::PurchaseOrder, id, &hlc, before)?;
            get_order(tx.conn, id)
        })
    }

    /// Marks a draft as sent and stamps its expected date: sent plus the longest lead time of
    /// the supplier's links for its products.
    pub fn send_purchase_order(&mut self, id: &str) -> Result<PurchaseOrder> {
        self.authorize_row("purchase_orders", id, Action::ManageOrders)?;
        self.write(|tx| {
            let order = get_order(tx.conn, id)?;
            if order.status != PurchaseOrderStatus::Draft {
                return Err(Error::validation("status", format!("only a draft can be sent; this order is {}", words(order.status))));
            }
            let lead_days: i64 = tx.conn.query_row(
                "SELECT COALESCE(MAX(l.lead_time_days), 0) FROM purchase_order_lines o
                 JOIN product_suppliers l ON l.product_id = o.product_id AND l.supplier_id = ?2
                 WHERE o.purchase_order_id = ?1 AND o.removed = 0 AND l.archived = 0",
                (id, &order.supplier_id),
                |r| r.get(0),
            )?;
            let sent: DateTime<Utc> = tx.now.parse().map_err(|_| Error::validation("sent_at", "bad clock"))?;
            let expected = (sent + Duration::days(lead_days)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let before = tx.before(outbox::Entity::PurchaseOrder, id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE purchase_orders SET status = 'sent', sent_at = ?2, expected_at = ?3, updated_hlc = ?4 WHERE id = ?1",
                params![id, tx.now, expected, hlc],
            )?;
            tx.updated(outbox::Entity::PurchaseOrder, id, &hlc, before)?;
            get_order(tx.conn, id)
        })
    }

    /// Receives goods against a sent order, in full or in part: receipt movements into the
    /// order's warehouse and the lines' received quantities, in one transaction.
    pub fn receive_purchase_order(
        &mut self,
        id: &str,
        input: &ReceiveOrderInput,
    ) -> Result<PurchaseOrder> {
        self.authorize_row("purchase_orders", id, Action::ReceiveOrder)?;
        let wanted = sum_lines(&input.lines, Sign::Positive)?;
        // Receiving more than was ordered changes stock beyond the order: a manager's call.
        let company: Option<String> = self
            .conn
            .query_row(
                "SELECT company_id FROM purchase_orders WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let over_receipt_refusal = match &company {
            Some(c) => self.authorize(c, Action::OverReceive).err(),
            None => None,
        };
        self.write(|tx| {
            let order = get_order(tx.conn, id)?;
            match order.status {
                PurchaseOrderStatus::Sent | PurchaseOrderStatus::PartiallyReceived => {}
                PurchaseOrderStatus::Draft => {
                    return Err(Error::validation("status", "send the order before receiving against it"))
                }
                other => {
                    return Err(Error::validation("status", format!("this order is {}: nothing more can be received", words(other))))
                }
            }
            let w = open_warehouse(tx.conn, &order.company_id, &order.warehouse_id, "warehouse_id")?;
            let mut receipts = BTreeMap::new();
            for (product_id, quantity) in &wanted {
                let Some(line) = order.lines.iter().find(|l| &l.product_id == product_id) else {
                    let p = product_of_company(tx.conn, &order.company_id, product_id)?;
                    return Err(Error::validation("lines", format!("{} is not on this order", p.sku)));
                };
                let open = line.quantity_ordered - line.quantity_received;
                if *quantity > open && input.confirm_over_receipt {
                    if let Some(refusal) = &over_receipt_refusal {
                        return Err(Error::Forbidden { reason: refusal.to_string() });
                    }
                }
                if *quantity > open && !input.confirm_over_receipt {
                    return Err(Error::ConfirmationRequired {
                        field: "quantity".into(),
                        reason: format!("{} more of {} than is still open ({open}): confirm to receive the extra", quantity - open.max(0), line.sku),
                    });
                }
                receipts.insert(line.id.clone(), (product_id.clone(), *quantity));
            }
            for (line_id, (product_id, quantity)) in &receipts {
                tx.conn.execute(
                    "UPDATE purchase_order_lines SET quantity_received = quantity_received + ?2 WHERE id = ?1",
                    (line_id, quantity),
                )?;
                stock::record(tx, &NewMovement {
                    company_id: &order.company_id,
                    product_id,
                    warehouse_id: &w.id,
                    kind: MovementKind::Receipt,
                    quantity: *quantity,
                    reason: None,
                    reference: Some(("purchase_order", id)),
                    note: None,
                    occurred_at: None,
                })?;
            }
            let still_open: i64 = tx.conn.query_row(
                "SELECT COALESCE(SUM(MAX(quantity_ordered - quantity_received, 0)), 0)
                 FROM purchase_order_lines WHERE purchase_order_id = ?1 AND removed = 0",
                [id],
                |r| r.get(0),
            )?;
            let (status, received_at) = if still_open == 0 {
                ("received", Some(tx.now.clone()))
            } else {
                ("partially_received", None)
            };
            let before = tx.before(outbox::Entity::PurchaseOrder, id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE purchase_orders SET status = ?2, received_at = ?3, updated_hlc = ?4 WHERE id = ?1",
                params![id, status, received_at, hlc],
            )?;
            tx.updated(outbox::Entity::PurchaseOrder, id, &hlc, before)?;
            get_order(tx.conn, id)
        })
    }

    /// Cancels what is still open; what was received stays received.
    pub fn cancel_purchase_order(&mut self, id: &str) -> Result<PurchaseOrder> {
        self.authorize_row("purchase_orders", id, Action::ManageOrders)?;
        self.write(|tx| {
            let order = get_order(tx.conn, id)?;
            if matches!(order.status, PurchaseOrderStatus::Received | PurchaseOrderStatus::Cancelled) {
                return Err(Error::validation("status", format!("this order is already {}", words(order.status))));
            }
            let before = tx.before(outbox::Entity::PurchaseOrder, id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE purchase_orders SET status = 'cancelled', cancelled_at = ?2, updated_hlc = ?3 WHERE id = ?1",
                params![id, tx.now, hlc],
            )?;
            tx.updated(outbox::Entity::PurchaseOrder, id, &hlc, before)?;
            get_order(tx.conn, id)
        })
    }

    pub fn get_purchase_order(&self, id: &str) -> Result<PurchaseOrder> {
        self.authorize_row("purchase_orders", id, Action::Read)?;
        get_order(&self.conn, id)
    }

    /// Purchase orders of a company, newest first.
    pub fn list_purchase_orders(&self, query: &PurchaseOrderQuery) -> Result<PurchaseOrderPage> {
        self.authorize(&query.company_id, Action::Read)?;
        get_company(&self.conn, &query.company_id)?;
        let status = query.status.map(PurchaseOrderStatus::as_str);
        let limit = match query.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let filter = "o.company_id = ?1 AND (?2 IS NULL OR o.status = ?2) AND (?3 IS NULL OR o.supplier_id = ?3)";
        let total: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM purchase_orders o WHERE {filter}"
            ))?
            .query_row(params![query.company_id, status, query.supplier_id], |r| {
                r.get(0)
            })?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT o.id, o.supplier_id, s.name, w.name, o.status, o.created_at, o.expected_at,
                    (SELECT COALESCE(SUM(quantity_ordered), 0) FROM purchase_order_lines l WHERE l.purchase_order_id = o.id AND {LIVE_LINE}),
                    (SELECT COALESCE(SUM(quantity_received), 0) FROM purchase_order_lines l WHERE l.purchase_order_id = o.id),
                    o.number
             FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id JOIN warehouses w ON w.id = o.warehouse_id
             WHERE {filter} ORDER BY o.created_at DESC, o.seq DESC LIMIT ?4 OFFSET ?5"
        ))?;
        let rows: Vec<PurchaseOrderSummary> = stmt
            .query_map(
                params![
                    query.company_id,
                    status,
                    query.supplier_id,
                    limit,
                    query.offset
                ],
                |r| {
                    Ok(PurchaseOrderSummary {
                        id: r.get(0)?,
                        number: r.get(9)?,
                        supplier_id: r.get(1)?,
                        supplier_name: r.get(2)?,
                        warehouse_name: r.get(3)?,
                        status: status_column(r, 4)?,
                        created_at: r.get(5)?,
                        expected_at: r.get(6)?,
                        total: Decimal::ZERO,
                        units_ordered: r.get(7)?,
                        units_received: r.get(8)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        // Totals in exact decimals, not SQLite's floating SUM over text.
        let items = rows
            .into_iter()
            .map(|mut s| {
                s.total = order_lines(&self.conn, &s.id)?
                    .iter()
                    .map(|l| l.line_total)
                    .sum();
                Ok(s)
            })
            .collect::<Result<_>>()?;
        Ok(PurchaseOrderPage { items, total })
    }

    /// Units on open purchase orders (sent or partly received) per product and warehouse of a
    /// company, optionally for one product.
    pub fn on_order(&self, company_id: &str, product_id: Option<&str>) -> Result<Vec<OnOrder>> {
        self.authorize(company_id, Action::Read)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.product_id, o.warehouse_id, SUM(MAX(l.quantity_ordered - l.quantity_received, 0))
             FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.purchase_order_id
             WHERE o.company_id = ?1 AND o.status IN ('sent', 'partially_received') AND l.removed = 0
               AND (?2 IS NULL OR l.product_id = ?2)
             GROUP BY l.product_id, o.warehouse_id
             HAVING SUM(MAX(l.quantity_ordered - l.quantity_received, 0)) > 0
             ORDER BY l.product_id, o.warehouse_id",
        )?;
        let rows = stmt.query_map((company_id, product_id), |r| {
            Ok(OnOrder {
                product_id: r.get(0)?,
                warehouse_id: r.get(1)?,
                quantity: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A purchase order's input checked on its own, before any database read.
pub(crate) struct ValidOrder {
    /// Typed unit costs per line; `None` takes the supplier's cost on the link.
    costs: Vec<Option<Decimal>>,
    note: Option<String>,
}

impl ValidOrder {
    pub(crate) fn parse(input: &PurchaseOrderInput) -> Result<Self> {
        if input.lines.is_empty() {
            return Err(Error::validation("lines", "add at least one product"));
        }
        let mut costs = Vec::with_capacity(input.lines.len());
        let mut seen = std::collections::HashSet::new();
        for (n, line) in input.lines.iter().enumerate() {
            let at = |e: Error| e.at_line(n + 1);
            if !(1..=MAX_QUANTITY).contains(&line.quantity) {
                let why = if line.quantity > 0 {
                    format!("a quantity cannot exceed {MAX_QUANTITY}")
                } else {
                    "a quantity must be more than zero".to_owned()
                };
                return Err(at(Error::validation("quantity", why)));
            }
            if !seen.insert(&line.product_id) {
                return Err(at(Error::validation(
                    "lines",
                    "each product can appear only once on an order",
                )));
            }
            costs.push(
                match line.unit_cost.as_deref().filter(|c| !c.trim().is_empty()) {
                    Some(c) => Some(parse_money("unit_cost", c).map_err(at)?),
                    None => None,
                },
            );
        }
        let note = validate::optional("note", "Note", input.note.as_deref(), MAX_NOTE)?;
        Ok(ValidOrder { costs, note })
    }
}

/// Writes a draft order of an existing company: the one way a purchase order is created (by
/// hand or from alerts). Returns its id.
pub(crate) fn insert_purchase_order(
    tx: &mut Tx<'_>,
    company_id: &str,
    input: &PurchaseOrderInput,
    order: &ValidOrder,
) -> Result<String> {
    let supplier = supplier_of_company(tx.conn, company_id, &input.supplier_id)?;
    if supplier.archived {
        return Err(Error::validation(
            "supplier_id",
            format!("{} is archived", supplier.name),
        ));
    }
    let w = open_warehouse(tx.conn, company_id, &input.warehouse_id, "warehouse_id")?;
    let id = new_id();
    let number = numbers::next_number(tx, company_id, DocumentKind::PurchaseOrder)?;
    let hlc = tx.stamp();
    tx.conn.execute(
        "INSERT INTO purchase_orders (id, company_id, supplier_id, warehouse_id, status, note, created_at, updated_hlc, number)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?8)",
        params![id, company_id, supplier.id, w.id, order.note, tx.now, hlc, number],
    )?;
    tx.inserted(outbox::Entity::PurchaseOrder, &id, &hlc)?;
    for (n, (line, cost)) in input.lines.iter().zip(&order.costs).enumerate() {
        let (product_id, unit_cost) = line_cost(
            tx,
            company_id,
            &supplier,
            line,
            *cost,
            None,
            input.confirm_new_links,
        )
        .map_err(|e| e.at_line(n + 1))?;
        let line_id = line_id(&id, &product_id);
        tx.conn.execute(
            "INSERT INTO purchase_order_lines (id, purchase_order_id, line_no, product_id, quantity_ordered, unit_cost)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![line_id, id, n as i64 + 1, product_id, line.quantity, unit_cost.to_string()],
        )?;
        // A line syncs with its order's HLC (it has none of its own).
        tx.inserted(outbox::Entity::PurchaseOrderLine, &line_id, &hlc)?;
    }
    Ok(id)
}

/// The id of an order's line for a product: named by the two (DESIGN §4, like a supplier
/// link), so that two devices adding one product to one order offline make one line, merged
/// field by field, instead of two lines that the order's one-line-per-product rule refuses.
fn line_id(order_id: &str, product_id: &str) -> String {
    crate::db::pair_id("purchase_order_line", order_id, product_id)
}

/// The product and unit cost of an order line: the cost typed, else `kept` (an edited line's
/// cost), else the supplier's on the link. A product the supplier does not supply yet needs
/// `confirm_new_links`, and is then linked at this cost.
fn line_cost(
    tx: &mut Tx<'_>,
    company_id: &str,
    supplier: &Supplier,
    line: &PurchaseOrderLineInput,
    typed: Option<Decimal>,
    kept: Option<Decimal>,
    confirm_new_links: bool,
) -> Result<(String, Decimal)> {
    let p = product_of_company(tx.conn, company_id, &line.product_id)?;
    if p.is_kit {
        return Err(Error::validation(
            "product_id",
            format!("{} is a kit: order its components", p.sku),
        ));
    }
    let link_cost: Option<String> = tx
        .conn
        .query_row(
            "SELECT unit_cost FROM product_suppliers
             WHERE product_id = ?1 AND supplier_id = ?2 AND archived = 0",
            (&p.id, &supplier.id),
            |r| r.get(0),
        )
        .optional()?;
    if link_cost.is_none() && !confirm_new_links {
        return Err(Error::ConfirmationRequired {
            field: "lines".into(),
            reason: format!(
                "{} does not supply {} yet: confirm to order it and add it to the supplier's products",
                supplier.name, p.sku
            ),
        });
    }
    let unit_cost = match (typed.or(kept), &link_cost) {
        (Some(cost), _) => cost,
        (None, Some(stored)) => stored
            .parse()
            .map_err(|_| Error::validation("unit_cost", "the stored cost is unreadable"))?,
        (None, None) => {
            return Err(Error::validation(
                "unit_cost",
                format!(
                    "give a unit cost for {}: {} has no cost for it yet",
                    p.sku, supplier.name
                ),
            ))
        }
    };
    if link_cost.is_none() {
        // Confirmed: the supplier supplies it from now on, at this cost (a link removed
        // earlier comes back).
        let link_id = crate::db::pair_id("product_supplier", &p.id, &supplier.id);
        let revived = tx
            .conn
            .prepare_cached("SELECT 1 FROM product_suppliers WHERE id = ?1")?
            .exists([&link_id])?;
        let before = tx.before(outbox::Entity::ProductSupplier, &link_id)?;
        let link_hlc = tx.stamp();
        tx.conn.execute(
            "INSERT INTO product_suppliers (id, product_id, supplier_id, lead_time_days, unit_cost, updated_hlc)
             VALUES (?1, ?2, ?3, 0, ?4, ?5)
             ON CONFLICT (product_id, supplier_id) DO UPDATE SET archived = 0,
                 unit_cost = excluded.unit_cost, updated_hlc = excluded.updated_hlc",
            params![link_id, p.id, supplier.id, unit_cost.to_string(), link_hlc],
        )?;
        if revived {
            tx.updated(outbox::Entity::ProductSupplier, &link_id, &link_hlc, before)?;
        } else {
            tx.inserted(outbox::Entity::ProductSupplier, &link_id, &link_hlc)?;
        }
    }
    Ok((p.id, unit_cost))
}

/// Validates and writes a supplier of an existing company.
pub(crate) fn insert_supplier(
    tx: &mut Tx<'_>,
    company_id: &str,
    input: &SupplierInput,
) -> Result<String> {
    let s = ValidSupplier::parse(input)?;
    s.ensure_unique(tx.conn, company_id, None)?;
    let id = new_id();
    let hlc = tx.stamp();
    tx.conn.execute(
        "INSERT INTO suppliers (id, company_id, name, contact_email, phone, address, notes, created_at, updated_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![id, company_id, s.name, s.contact_email, s.phone, s.address, s.notes, tx.now, hlc],
    )?;
    tx.inserted(outbox::Entity::Supplier, &id, &hlc)?;
    Ok(id)
}

/// What [`upsert_link`] refuses of a link, for a caller that knows the product's company and
/// the supplier's (`None`: no such supplier): the same errors, in the same order. The import
/// checks a whole file with it before it writes a link. (A kit is refused too, but an
/// import's own products are never kits.)
pub(crate) fn check_link(
    input: &ProductSupplierInput,
    product_company: &str,
    supplier_id: &str,
    supplier_company: Option<&str>,
) -> Result<()> {
    ValidLink::parse(input)?;
    if supplier_company != Some(product_company) {
        return Err(Error::not_found(Entity::Supplier, supplier_id));
    }
    Ok(())
}

/// Validates and writes (or replaces) a product-supplier link of one company; returns the
/// supplier's id. Marking it preferred unmarks the product's other suppliers.
pub(crate) fn upsert_link(
    tx: &mut Tx<'_>,
    product_id: &str,
    supplier_id: &str,
    input: &ProductSupplierInput,
) -> Result<String> {
    let link = ValidLink::parse(input)?;
    // What the checks need of the product and the supplier, not all of them: the import
    // links a product hundreds of thousands of times, and `get_supplier` counts and reads
    // every link of the supplier (its product count, its promised lead time).
    let product = link_product(tx.conn, product_id)?;
    let supplier = supplier_id_of_company(tx.conn, &product.company_id, supplier_id)?;
    if product.is_kit {
        return Err(Error::validation(
            "product_id",
            format!("{} is a kit: order its components", product.sku),
        ));
    }
    let link_id = crate::db::pair_id("product_supplier", product_id, &supplier);
    let exists = tx
        .conn
        .prepare_cached("SELECT 1 FROM product_suppliers WHERE id = ?1")?
        .exists([&link_id])?;
    // Only a link that is there has fields to compare (a new one is queued whole).
    let before = if exists {
        Some(tx.before(outbox::Entity::ProductSupplier, &link_id)?)
    } else {
        None
    };
    let hlc = tx.stamp();
    tx.conn
        .prepare_cached(
            "INSERT INTO product_suppliers (id, product_id, supplier_id, supplier_sku, lead_time_days,
                 unit_cost, moq, pack_multiple, updated_hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (product_id, supplier_id) DO UPDATE SET supplier_sku = excluded.supplier_sku,
                 lead_time_days = excluded.lead_time_days, unit_cost = excluded.unit_cost, moq = excluded.moq,
                 pack_multiple = excluded.pack_multiple, updated_hlc = excluded.updated_hlc, archived = 0",
        )?
        .execute(params![
            link_id,
            product_id,
            supplier,
            link.supplier_sku,
            link.lead_time_days,
            link.unit_cost.to_string(),
            link.moq,
            link.pack_multiple,
            hlc
        ])?;
    match before {
        Some(before) => tx.updated(outbox::Entity::ProductSupplier, &link_id, &hlc, before)?,
        None => tx.inserted(outbox::Entity::ProductSupplier, &link_id, &hlc)?,
    }
    // The preferred supplier is one field of the product (DESIGN §4): choosing this one
    // replaces the other, and unmarking it leaves the product without one.
    let preferred: Option<String> = tx
        .conn
        .prepare_cached("SELECT preferred_supplier_id FROM products WHERE id = ?1")?
        .query_row([product_id], |r| r.get(0))?;
    let wanted = match (
        link.preferred,
        preferred.as_deref() == Some(supplier.as_str()),
    ) {
        (true, _) => Some(supplier.clone()),
        (false, true) => None,
        (false, false) => preferred.clone(),
    };
    if wanted != preferred {
        let before = tx.before(outbox::Entity::Product, product_id)?;
        let hlc = tx.stamp();
        tx.conn
            .prepare_cached(
                "UPDATE products SET preferred_supplier_id = ?2, updated_at = ?3, updated_hlc = ?4 WHERE id = ?1",
            )?
            .execute(params![product_id, wanted, tx.now, hlc])?;
        tx.updated(outbox::Entity::Product, product_id, &hlc, before)?;
    }
    Ok(supplier)
}

/// What [`upsert_link`] checks of a product: what [`get_product`] would give of its company,
/// SKU and kitness, without its stock, thresholds and costs.
struct LinkProduct {
    company_id: String,
    sku: String,
    is_kit: bool,
}

fn link_product(conn: &Connection, id: &str) -> Result<LinkProduct> {
    conn.prepare_cached(
        // A kit is a product with components (`kits::components`: joined to their products).
        "SELECT p.company_id, p.sku, EXISTS (SELECT 1 FROM kit_components k
                 JOIN products c ON c.id = k.component_id WHERE k.kit_id = p.id)
         FROM products p WHERE p.id = ?1",
    )?
    .query_row([id], |r| {
        Ok(LinkProduct {
            company_id: r.get(0)?,
            sku: r.get(1)?,
            is_kit: r.get(2)?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::Product, id))
}

/// A supplier's id, if it is one of the company's: [`supplier_of_company`] without reading
/// the rest of the supplier (its product count, its learned lead times).
fn supplier_id_of_company(conn: &Connection, company_id: &str, id: &str) -> Result<String> {
    conn.prepare_cached("SELECT id FROM suppliers WHERE id = ?1 AND company_id = ?2")?
        .query_row([id, company_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Supplier, id))
}

fn words(status: PurchaseOrderStatus) -> &'static str {
    match status {
        PurchaseOrderStatus::Draft => "a draft",
        PurchaseOrderStatus::Sent => "sent",
        PurchaseOrderStatus::PartiallyReceived => "partly received",
        PurchaseOrderStatus::Received => "received",
        PurchaseOrderStatus::Cancelled => "cancelled",
    }
}

fn supplier_of_company(conn: &Connection, company_id: &str, id: &str) -> Result<Supplier> {
    get_supplier(conn, id)
        .ok()
        .filter(|s| s.company_id == company_id)
        .ok_or_else(|| Error::not_found(Entity::Supplier, id))
}

fn get_supplier(conn: &Connection, id: &str) -> Result<Supplier> {
    let mut supplier = conn
        .prepare_cached(
            "SELECT s.id, s.company_id, s.name, s.contact_email, s.phone, s.address, s.notes, s.archived, s.created_at,
                    (SELECT COUNT(*) FROM product_suppliers l WHERE l.supplier_id = s.id AND l.archived = 0)
             FROM suppliers s WHERE s.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(Supplier {
                id: r.get(0)?,
                company_id: r.get(1)?,
                name: r.get(2)?,
                contact_email: r.get(3)?,
                phone: r.get(4)?,
                address: r.get(5)?,
                notes: r.get(6)?,
                archived: r.get(7)?,
                created_at: r.get(8)?,
                product_count: r.get(9)?,
                learned_lead_time_days: None,
                promised_lead_time_days: None,
                learned_from_orders: 0,
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Supplier, id))?;

    // Learned lead time: whole days from sent to received over the latest received orders.
    let orders: Vec<(String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT sent_at, received_at, expected_at FROM purchase_orders
             WHERE supplier_id = ?1 AND status = 'received' AND sent_at IS NOT NULL
             ORDER BY received_at DESC LIMIT ?2",
        )?
        .query_map(params![id, LEARN_FROM], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let days = |from: &str, to: &str| -> Option<i64> {
        let from: DateTime<Utc> = from.parse().ok()?;
        let to: DateTime<Utc> = to.parse().ok()?;
        Some((to - from).num_days())
    };
    let actual: Vec<i64> = orders.iter().filter_map(|(s, r, _)| days(s, r)).collect();
    let promised: Vec<i64> = orders
        .iter()
        .filter_map(|(s, _, e)| days(s, e.as_deref()?))
        .collect();
    supplier.learned_from_orders = actual.len() as i64;
    supplier.learned_lead_time_days = median(actual);
    supplier.promised_lead_time_days = match median(promised) {
        Some(d) => Some(d),
        None => median(
            conn.prepare_cached(
                "SELECT lead_time_days FROM product_suppliers WHERE supplier_id = ?1 AND archived = 0",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        ),
    };
    Ok(supplier)
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    values.get(values.len() / 2).copied()
}

fn links(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<ProductSupplier>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT l.product_id, p.sku, p.name, l.supplier_id, s.name, l.supplier_sku, l.lead_time_days, l.unit_cost,
                l.moq, l.pack_multiple, l.preferred
         FROM product_suppliers l JOIN products p ON p.id = l.product_id JOIN suppliers s ON s.id = l.supplier_id
         WHERE l.archived = 0 AND ({filter})"
    ))?;
    let mut rows: Vec<ProductSupplier> = stmt
        .query_map(args, |r| {
            Ok(ProductSupplier {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                product_name: r.get(2)?,
                supplier_id: r.get(3)?,
                supplier_name: r.get(4)?,
                supplier_sku: r.get(5)?,
                lead_time_days: r.get(6)?,
                unit_cost: decimal_column(r, 7)?,
                moq: r.get(8)?,
                pack_multiple: r.get(9)?,
                preferred: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // DESIGN §3's choice of supplier: preferred, then shortest lead time, lowest cost, name.
    rows.sort_by(|a, b| {
        (
            !a.preferred,
            a.lead_time_days,
            a.unit_cost,
            &a.supplier_name,
        )
            .cmp(&(
                !b.preferred,
                b.lead_time_days,
                b.unit_cost,
                &b.supplier_name,
            ))
    });
    Ok(rows)
}

fn order_lines(conn: &Connection, order_id: &str) -> Result<Vec<PurchaseOrderLine>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT l.id, l.product_id, p.sku, p.name, ps.supplier_sku, l.quantity_ordered, l.quantity_received, l.unit_cost
         FROM purchase_order_lines l
         JOIN purchase_orders o ON o.id = l.purchase_order_id
         JOIN products p ON p.id = l.product_id
         LEFT JOIN product_suppliers ps ON ps.product_id = l.product_id AND ps.supplier_id = o.supplier_id
         WHERE l.purchase_order_id = ?1 AND {LIVE_LINE} ORDER BY l.line_no"
    ))?;
    let rows = stmt.query_map([order_id], |r| {
        let ordered: i64 = r.get(5)?;
        let unit_cost = decimal_column(r, 7)?;
        Ok(PurchaseOrderLine {
            id: r.get(0)?,
            product_id: r.get(1)?,
            sku: r.get(2)?,
            product_name: r.get(3)?,
            supplier_sku: r.get(4)?,
            quantity_ordered: ordered,
            quantity_received: r.get(6)?,
            unit_cost,
            line_total: unit_cost * Decimal::from(ordered),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn get_order(conn: &Connection, id: &str) -> Result<PurchaseOrder> {
    let mut order = conn
        .prepare_cached(
            "SELECT o.id, o.company_id, o.supplier_id, s.name, s.contact_email, o.warehouse_id, w.name, o.status, o.note,
                    o.created_at, o.sent_at, o.expected_at, o.received_at, o.cancelled_at, o.number
             FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id JOIN warehouses w ON w.id = o.warehouse_id
             WHERE o.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(PurchaseOrder {
                id: r.get(0)?,
                number: r.get(14)?,
                company_id: r.get(1)?,
                supplier_id: r.get(2)?,
                supplier_name: r.get(3)?,
                supplier_email: r.get(4)?,
                warehouse_id: r.get(5)?,
                warehouse_name: r.get(6)?,
                status: status_column(r, 7)?,
                note: r.get(8)?,
                created_at: r.get(9)?,
                sent_at: r.get(10)?,
                expected_at: r.get(11)?,
                received_at: r.get(12)?,
                cancelled_at: r.get(13)?,
                total: Decimal::ZERO,
                lines: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::PurchaseOrder, id))?;
    order.lines = order_lines(conn, id)?;
    order.total = order.lines.iter().map(|l| l.line_total).sum();
    Ok(order)
}
