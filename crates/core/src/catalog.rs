//! The catalog: companies, warehouses, product types and products (a kit's recipe among a
//! product's fields).

use std::collections::{BTreeMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;

use crate::auth::Action;
use crate::db::{new_id, Store, Tx};
use crate::error::{Entity, Error, Result};
use crate::kits;
use crate::lookup::{
    company_from_row, get_company, get_warehouse, product_of_company, warehouse_from_row,
    warehouse_of_company, COMPANY_COLUMNS, WAREHOUSE_COLUMNS,
};
use crate::model::*;
use crate::money::{parse_currency, parse_money, DEFAULT_CURRENCY};
use crate::outbox;
use crate::sql::{decimal_column, optional_decimal_column, Unique};
use crate::stock::{self, NewMovement};
use crate::validate::{self, Sign, MAX_ADDRESS, MAX_CODE, MAX_NAME, MAX_QUANTITY};

const PRODUCT_TYPE_COLUMNS: &str = "t.id, t.company_id, t.name, t.default_threshold,
    (SELECT COUNT(*) FROM products p WHERE p.product_type_id = t.id AND p.archived = 0),
    t.count_frequency_days";
const PRODUCT_COLUMNS: &str = "p.id, p.company_id, p.sku, p.name, p.barcode, p.price,
    p.product_type_id, t.name, p.threshold, p.archived, p.created_at, p.updated_at, p.cost";

fn product_type_from_row(r: &Row<'_>) -> rusqlite::Result<ProductType> {
    Ok(ProductType {
        id: r.get(0)?,
        company_id: r.get(1)?,
        name: r.get(2)?,
        default_threshold: r.get(3)?,
        product_count: r.get(4)?,
        count_frequency_days: r.get(5)?,
    })
}

impl Store {
    // ----- companies -----

    /// The companies the signed-in user is a member of (all of them in setup mode).
    pub fn list_companies(&self) -> Result<Vec<Company>> {
        let viewer = self.viewer()?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COMPANY_COLUMNS} FROM companies
             WHERE (?1 IS NULL OR id IN (SELECT company_id FROM memberships WHERE user_id = ?1))
               AND id NOT IN (SELECT company_id FROM pending_imports)
             ORDER BY name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([viewer], company_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_company(&self, id: &str) -> Result<Company> {
        self.authorize(id, Action::Read)?;
        get_company(&self.conn, id)
    }

    /// A company by id or by name (names are unique, ignoring case). One the signed-in user is
    /// not a member of is not found.
    pub fn find_company(&self, name_or_id: &str) -> Result<Company> {
        self.viewer()?;
        let company = self
            .conn
            .query_row(
                &format!(
                    "SELECT {COMPANY_COLUMNS} FROM companies
                     WHERE (id = ?1 OR name = ?2 COLLATE NOCASE)
                       AND id NOT IN (SELECT company_id FROM pending_imports)
                     ORDER BY id = ?1 DESC LIMIT 1"
                ),
                (name_or_id, name_or_id.trim()),
                company_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::not_found(Entity::Company, name_or_id))?;
        match self.authorize(&company.id, Action::Read) {
            Err(Error::Forbidden { .. }) => Err(Error::not_found(Entity::Company, name_or_id)),
            other => other.map(|()| company),
        }
    }

    pub fn create_company(&mut self, input: &CompanyInput) -> Result<Company> {
        self.authorize_anywhere(Action::CreateCompany)?;
        let name = validate::required("name", "Company name", &input.name, MAX_NAME)?;
        let default_threshold = validate::threshold(
            "default_threshold",
            input.default_threshold.unwrap_or(DEFAULT_COMPANY_THRESHOLD),
        )?;
        let allow_backorders = input.allow_backorders.unwrap_or(false);
        let currency = input
            .currency
            .as_deref()
            .map(|c| parse_currency("currency", c))
            .transpose()?;
        let profile = Profile::parse(input)?;
        self.write(|tx| {
            let id = insert_company(
                tx,
                &name,
                default_threshold,
                allow_backorders,
                currency.as_deref().unwrap_or(DEFAULT_CURRENCY),
            )?;
            if !profile.is_unchanged() {
                let before = tx.before(outbox::Entity::Company, &id)?;
                let hlc = tx.stamp();
                profile.write(tx, &id, &hlc)?;
                tx.updated(outbox::Entity::Company, &id, &hlc, before)?;
            }
            get_company(tx.conn, &id)
        })
    }

    pub fn update_company(&mut self, id: &str, input: &CompanyInput) -> Result<Company> {
        self.authorize(id, Action::EditCompany)?;
        let name = validate::required("name", "Company name", &input.name, MAX_NAME)?;
        if let Some(t) = input.default_threshold {
            validate::threshold("default_threshold", t)?;
        }
        let currency = input
            .currency
            .as_deref()
            .map(|c| parse_currency("currency", c))
            .transpose()?;
        let profile = Profile::parse(input)?;
        self.write(|tx| {
            let current = get_company(tx.conn, id)?;
            COMPANY_NAME.check(tx.conn, None, &name, Some(id))?;
            let before = tx.before(outbox::Entity::Company, id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE companies SET name = ?2, default_threshold = ?3, allow_backorders = ?4,
                 updated_hlc = ?5, currency = ?6 WHERE id = ?1",
                params![
                    id,
                    name,
                    input.default_threshold.unwrap_or(current.default_threshold),
                    input.allow_backorders.unwrap_or(current.allow_backorders),
                    hlc,
                    currency.unwrap_or(current.currency),
                ],
            )?;
            profile.write(tx, id, &hlc)?;
            tx.updated(outbox::Entity::Company, id, &hlc, before)?;
            get_company(tx.conn, id)
        })
    }

    // ----- warehouses -----

    pub fn list_warehouses(
        &self,
        company_id: &str,
        include_archived: bool,
    ) -> Result<Vec<Warehouse>> {
        self.authorize(company_id, Action::Read)?;
        get_company(&self.conn, company_id)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {WAREHOUSE_COLUMNS} FROM warehouses
             WHERE company_id = ?1 AND (?2 OR archived = 0) ORDER BY name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map((company_id, include_archived), warehouse_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_warehouse(&self, id: &str) -> Result<Warehouse> {
        self.authorize_row("warehouses", id, Action::Read)?;
        get_warehouse(&self.conn, id)
    }

    /// A warehouse of the company by id, name or code.
    pub fn find_warehouse(&self, company_id: &str, name_or_id: &str) -> Result<Warehouse> {
        self.authorize(company_id, Action::Read)?;
        self.conn
            .query_row(
                &format!(
                    "SELECT {WAREHOUSE_COLUMNS} FROM warehouses
                     WHERE company_id = ?1 AND (id = ?2 OR name = ?3 COLLATE NOCASE OR code = ?3 COLLATE NOCASE)
                     ORDER BY id = ?2 DESC, name = ?3 COLLATE NOCASE DESC LIMIT 1"
                ),
                (company_id, name_or_id, name_or_id.trim()),
                warehouse_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::not_found(Entity::Warehouse, name_or_id))
    }

    pub fn create_warehouse(
        &mut self,
        company_id: &str,
        input: &WarehouseInput,
    ) -> Result<Warehouse> {
        self.authorize(company_id, Action::EditCatalog)?;
        ValidWarehouse::parse(input)?;
        self.write(|tx| {
            get_company(tx.conn, company_id)?;
            let id = insert_warehouse(tx, company_id, input)?;
            get_warehouse(tx.conn, &id)
        })
    }

    pub fn update_warehouse(&mut self, id: &str, input: &WarehouseInput) -> Result<Warehouse> {
        self.authorize_row("warehouses", id, Action::EditCatalog)?;
        let w = ValidWarehouse::parse(input)?;
        self.write(|tx| {
            let current = get_warehouse(tx.conn, id)?;
            w.ensure_unique(tx.conn, &current.company_id, Some(id))?;
            let before = tx.before(outbox::Entity::Warehouse, id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE warehouses SET name = ?2, code = ?3, address = ?4, updated_hlc = ?5 WHERE id = ?1",
                params![id, w.name, w.code, w.address, hlc],
            )?;
            tx.updated(outbox::Entity::Warehouse, id, &hlc, before)?;
            get_warehouse(tx.conn, id)
        })
    }

    /// Archived warehouses keep their stock and history but take no new stock.
    pub fn set_warehouse_archived(&mut self, id: &str, archived: bool) -> Result<Warehouse> {
        self.authorize_row("warehouses", id, Action::EditCatalog)?;
        self.write(|tx| {
            get_warehouse(tx.conn, id)?;
            set_archived(tx, outbox::Entity::Warehouse, id, archived)?;
            get_warehouse(tx.conn, id)
        })
    }

    // ----- product types -----

    pub fn list_product_types(&self, company_id: &str) -> Result<Vec<ProductType>> {
        self.authorize(company_id, Action::Read)?;
        get_company(&self.conn, company_id)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PRODUCT_TYPE_COLUMNS} FROM product_types t
             WHERE t.company_id = ?1 ORDER BY t.name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([company_id], product_type_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A product type of the company by id or name.
    pub fn find_product_type(&self, company_id: &str, name_or_id: &str) -> Result<ProductType> {
        self.authorize(company_id, Action::Read)?;
        self.conn
            .query_row(
                &format!(
                    "SELECT {PRODUCT_TYPE_COLUMNS} FROM product_types t
                     WHERE t.company_id = ?1 AND (t.id = ?2 OR t.name = ?3 COLLATE NOCASE)
                     ORDER BY t.id = ?2 DESC LIMIT 1"
                ),
                (company_id, name_or_id, name_or_id.trim()),
                product_type_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::not_found(Entity::ProductType, name_or_id))
    }

    pub fn create_product_type(
        &mut self,
        company_id: &str,
        input: &ProductTypeInput,
    ) -> Result<ProductType> {
        self.authorize(company_id, Action::EditCatalog)?;
        self.write(|tx| {
            get_company(tx.conn, company_id)?;
            let id = insert_product_type(tx, company_id, input)?;
            get_product_type(tx.conn, &id)
        })
    }

    pub fn update_product_type(
        &mut self,
        id: &str,
        input: &ProductTypeInput,
    ) -> Result<ProductType> {
        self.authorize_row("product_types", id, Action::EditCatalog)?;
        let name = validate::required("name", "Product type name", &input.name, MAX_NAME)?;
        let default_threshold = validate::threshold("default_threshold", input.default_threshold)?;
        let frequency = count_frequency(input.count_frequency_days)?;
        self.write(|tx| {
            let current = get_product_type(tx.conn, id)?;
            PRODUCT_TYPE_NAME.check(tx.conn, Some(&current.company_id), &name, Some(id))?;
            let before = tx.before(outbox::Entity::ProductType, id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE product_types SET name = ?2, default_threshold = ?3, count_frequency_days = ?4,
                 updated_hlc = ?5 WHERE id = ?1",
                params![id, name, default_threshold, frequency, hlc],
            )?;
            tx.updated(outbox::Entity::ProductType, id, &hlc, before)?;
            get_product_type(tx.conn, id)
        })
    }

    // ----- products -----

    pub fn get_product(&self, id: &str) -> Result<Product> {
        self.authorize_row("products", id, Action::Read)?;
        get_product(&self.conn, id)
    }

    /// A product of the company by SKU, compared by its key (ignoring case, in any Unicode
    /// form); the exact SKU first if two products only the key calls the same exist.
    pub fn find_product_by_sku(&self, company_id: &str, sku: &str) -> Result<Product> {
        self.authorize(company_id, Action::Read)?;
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM products WHERE company_id = ?1 AND sku_key = sf_key(?2)
                 ORDER BY sku = ?2 DESC LIMIT 1",
                (company_id, sku.trim()),
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => get_product(&self.conn, &id),
            None => Err(Error::not_found(Entity::Product, sku)),
        }
    }

    /// The product a scanner or a typed code names: an exact barcode, else an exact SKU
    /// (ignoring case). Archived products are found too; callers decide what to do with them.
    pub fn find_product_by_code(&self, company_id: &str, code: &str) -> Result<Product> {
        self.authorize(company_id, Action::Read)?;
        let code = code.trim();
        let id: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM products WHERE company_id = ?1
                     AND (barcode_key = sf_key(?2) OR sku_key = sf_key(?2))
                 ORDER BY barcode_key = sf_key(?2) DESC, barcode = ?2 DESC, sku = ?2 DESC LIMIT 1",
            )?
            .query_row((company_id, code), |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => get_product(&self.conn, &id),
            None => Err(Error::not_found(Entity::Product, code)),
        }
    }

    /// Creates a product and, in the same transaction, its opening stock: one ledger movement
    /// per warehouse with a quantity, and a stock level row for every warehouse listed.
    pub fn create_product(&mut self, company_id: &str, input: &ProductInput) -> Result<Product> {
        self.authorize(company_id, Action::EditCatalog)?;
        let p = ValidProduct::parse(input)?;
        self.write(|tx| {
            get_company(tx.conn, company_id)?;
            let id = insert_product(tx, company_id, &p)?;
            get_product(tx.conn, &id)
        })
    }

    /// Creates many products in one transaction, all or nothing: the first refused product
    /// aborts the whole batch. Returns how many were created.
    pub fn create_products(&mut self, company_id: &str, inputs: &[ProductInput]) -> Result<usize> {
        self.authorize(company_id, Action::EditCatalog)?;
        let products = inputs
            .iter()
            .map(ValidProduct::parse)
            .collect::<Result<Vec<_>>>()?;
        self.write(|tx| {
            get_company(tx.conn, company_id)?;
            for p in &products {
                insert_product(tx, company_id, p)?;
            }
            Ok(products.len())
        })
    }

    /// Edits a product's catalog fields. Stock is never edited here: `initial_stock` is ignored.
    pub fn update_product(&mut self, id: &str, input: &ProductInput) -> Result<Product> {
        self.authorize_row("products", id, Action::EditCatalog)?;
        let p = ValidProduct::parse(&ProductInput {
            initial_stock: Vec::new(),
            ..input.clone()
        })?;
        self.write(|tx| {
            let current = get_product(tx.conn, id)?;
            p.check_references(tx.conn, &current.company_id)?;
            p.ensure_unique(tx.conn, &current.company_id, Some(id))?;
            let before = tx.before(outbox::Entity::Product, id)?;
            let hlc = tx.stamp();
            // A product that lost its SKU (or barcode) to another in sync keeps asking for it
            // until the user gives it another one.
            tx.conn.execute(
                "UPDATE products SET
                     requested_sku = CASE WHEN sku_key = sf_key(?2) THEN requested_sku END,
                     requested_barcode = CASE WHEN barcode_key IS sf_key(?4) THEN requested_barcode END,
                     sku = ?2, name = ?3, barcode = ?4, price = ?5,
                     product_type_id = ?6, threshold = ?7, updated_at = ?8, updated_hlc = ?9,
                     cost = CASE WHEN ?10 THEN ?11 ELSE cost END
                 WHERE id = ?1",
                params![
                    id,
                    p.sku,
                    p.name,
                    p.barcode,
                    p.price.to_string(),
                    p.product_type_id,
                    p.threshold,
                    tx.now,
                    hlc,
                    p.cost.is_some(),
                    p.cost.flatten().map(|c| c.to_string())
                ],
            )?;
            p.write_warehouse_thresholds(tx, id, &hlc)?;
            tx.updated(outbox::Entity::Product, id, &hlc, before)?;
            // The SKU or barcode it gave up may go to a product that lost it in sync.
            if validate::key(&current.sku) != validate::key(&p.sku) {
                crate::claims::resolve_sku(tx, &current.company_id, &current.sku)?;
            }
            if let Some(old) = current
                .barcode
                .as_deref()
                .filter(|b| Some(validate::key(b)) != p.barcode.as_deref().map(validate::key))
            {
                crate::claims::resolve_barcode(tx, &current.company_id, old)?;
            }
            get_product(tx.conn, id)
        })
    }

    /// Archived products leave the lists and take no new sales; their history stays.
    pub fn set_product_archived(&mut self, id: &str, archived: bool) -> Result<Product> {
        self.authorize_row("products", id, Action::EditCatalog)?;
        self.write(|tx| {
            get_product(tx.conn, id)?;
            let before = tx.before(outbox::Entity::Product, id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE products SET archived = ?2, updated_at = ?3, updated_hlc = ?4 WHERE id = ?1",
                params![id, archived, tx.now, hlc],
            )?;
            tx.updated(outbox::Entity::Product, id, &hlc, before)?;
            get_product(tx.conn, id)
        })
    }
}

fn insert_product(tx: &mut Tx<'_>, company_id: &str, p: &ValidProduct) -> Result<String> {
    p.check_references(tx.conn, company_id)?;
    p.ensure_unique(tx.conn, company_id, None)?;
    let opening: Vec<(Warehouse, i64)> = p
        .initial_stock
        .iter()
        .map(|line| {
            let w = warehouse_of_company(tx.conn, company_id, &line.warehouse_id)?;
            if w.archived {
                return Err(Error::validation(
                    "initial_stock",
                    format!("warehouse {} is archived and takes no stock", w.name),
                ));
            }
            Ok((w, line.quantity))
        })
        .collect::<Result<_>>()?;

    let id = new_id();
    let hlc = tx.stamp();
    tx.conn
        .prepare_cached(
            "INSERT INTO products (id, company_id, sku, name, barcode, price, product_type_id,
                 threshold, created_at, updated_at, updated_hlc, cost)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)",
        )?
        .execute(params![
            id,
            company_id,
            p.sku,
            p.name,
            p.barcode,
            p.price.to_string(),
            p.product_type_id,
            p.threshold,
            tx.now,
            hlc,
            p.cost.flatten().map(|c| c.to_string())
        ])?;
    p.add_warehouse_thresholds(tx, &id, &hlc)?;
    tx.inserted(outbox::Entity::Product, &id, &hlc)?;
    for (warehouse, quantity) in opening {
        stock::ensure_level(tx.conn, &id, &warehouse.id)?;
        if quantity > 0 {
            stock::record(
                tx,
                &NewMovement {
                    company_id,
                    product_id: &id,
                    warehouse_id: &warehouse.id,
                    kind: MovementKind::Opening,
                    quantity,
                    reason: None,
                    reference: None,
                    note: None,
                    occurred_at: None,
                },
            )?;
        }
    }
    Ok(id)
}

impl Store {
    /// Makes `kit_id` a kit of these components (replacing its recipe), or a plain product
    /// again with no components. A product that has stock movements cannot become a kit.
    pub fn set_kit_components(
        &mut self,
        kit_id: &str,
        components: &[QuantityLine],
    ) -> Result<Product> {
        self.authorize_row("products", kit_id, Action::EditCatalog)?;
        let wanted = if components.is_empty() {
            BTreeMap::new()
        } else {
            validate::sum_lines(components, Sign::Positive)?
        };
        self.write(|tx| {
            let kit = get_product(tx.conn, kit_id)?;
            for component_id in wanted.keys() {
                if component_id == kit_id {
                    return Err(Error::validation("components", format!("{} cannot contain itself", kit.sku)));
                }
                let c = product_of_company(tx.conn, &kit.company_id, component_id)?;
                if c.archived {
                    return Err(Error::validation("components", format!("{} is archived", c.sku)));
                }
                if reaches(tx.conn, component_id, kit_id)? {
                    return Err(Error::validation(
                        "components",
                        format!("{} already contains {}: a kit cannot contain itself", c.sku, kit.sku),
                    ));
                }
            }
            if !wanted.is_empty() {
                let has_movements: bool = tx.conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM stock_movements WHERE product_id = ?1)",
                    [kit_id],
                    |r| r.get(0),
                )?;
                if has_movements {
                    return Err(Error::validation(
                        "components",
                        format!("{} has stock history: a kit holds no stock of its own, so create the kit as a new product", kit.sku),
                    ));
                }
                // It was stocked at zero: a kit has no stock rows of its own.
                tx.conn.execute("DELETE FROM stock_levels WHERE product_id = ?1", [kit_id])?;
            }
            let before = tx.before(crate::outbox::Entity::Product, kit_id)?;
            let hlc = tx.stamp();
            tx.conn.execute("DELETE FROM kit_components WHERE kit_id = ?1", [kit_id])?;
            for (component_id, quantity) in &wanted {
                tx.conn.execute(
                    "INSERT INTO kit_components (kit_id, component_id, quantity, updated_hlc)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![kit_id, component_id, quantity, hlc],
                )?;
            }
            // One of this kit, or of any kit that contains it, must stay within what can move.
            let mut stmt = tx.conn.prepare_cached(
                "WITH RECURSIVE up(id) AS (SELECT ?1
                     UNION SELECT k.kit_id FROM kit_components k JOIN up ON k.component_id = up.id)
                 SELECT id FROM up",
            )?;
            let kits: Vec<String> = stmt
                .query_map([kit_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            drop(stmt);
            for k in kits {
                kits::expand(tx.conn, &k, 1)?;
            }
            // The recipe travels with the kit when it syncs: one field of the product.
            tx.conn.execute(
                "UPDATE products SET updated_at = ?2, updated_hlc = ?3 WHERE id = ?1",
                params![kit_id, tx.now, hlc],
            )?;
            tx.updated(crate::outbox::Entity::Product, kit_id, &hlc, before)?;
            get_product(tx.conn, kit_id)
        })
    }
}

/// Whether `from` is `target` or contains it, at any depth.
fn reaches(conn: &Connection, from: &str, target: &str) -> Result<bool> {
    let mut seen = HashSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(p) = stack.pop() {
        if p == target {
            return Ok(true);
        }
        if seen.insert(p.clone()) {
            stack.extend(
                kits::direct_components(conn, &p)?
                    .into_iter()
                    .map(|(c, _)| c),
            );
        }
    }
    Ok(false)
}

/// The unit cost of the purchase-order line behind the product's latest receipt (by when it
/// happened, then its HLC, so every device picks the same one). Derived from synced rows, so
/// it needs no field of its own and cannot disagree between devices.
pub(crate) fn last_received_cost(conn: &Connection, product_id: &str) -> Result<Option<Decimal>> {
    Ok(conn
        .prepare_cached(
            "SELECT l.unit_cost FROM stock_movements m
             JOIN purchase_order_lines l
               ON l.purchase_order_id = m.reference_id AND l.product_id = m.product_id
             WHERE m.product_id = ?1 AND m.kind = 'receipt' AND m.reference_kind = 'purchase_order'
             ORDER BY m.occurred_ms DESC, m.hlc DESC LIMIT 1",
        )?
        .query_row([product_id], |r| decimal_column(r, 0))
        .optional()?)
}

pub(crate) fn get_product_type(conn: &Connection, id: &str) -> Result<ProductType> {
    conn.query_row(
        &format!("SELECT {PRODUCT_TYPE_COLUMNS} FROM product_types t WHERE t.id = ?1"),
        [id],
        product_type_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::ProductType, id))
}

pub(crate) fn get_product(conn: &Connection, id: &str) -> Result<Product> {
    let mut product = conn
        .query_row(
            &format!(
                "SELECT {PRODUCT_COLUMNS} FROM products p
                 LEFT JOIN product_types t ON t.id = p.product_type_id WHERE p.id = ?1"
            ),
            [id],
            |r| {
                Ok(Product {
                    id: r.get(0)?,
                    company_id: r.get(1)?,
                    sku: r.get(2)?,
                    name: r.get(3)?,
                    barcode: r.get(4)?,
                    price: decimal_column(r, 5)?,
                    product_type_id: r.get(6)?,
                    product_type_name: r.get(7)?,
                    threshold: r.get(8)?,
                    archived: r.get(9)?,
                    created_at: r.get(10)?,
                    updated_at: r.get(11)?,
                    warehouse_thresholds: Vec::new(),
                    stock: Vec::new(),
                    is_kit: false,
                    components: Vec::new(),
                    cost: optional_decimal_column(r, 12)?,
                    last_received_cost: None,
                    margin: None,
                    margin_percent: None,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Product, id))?;

    let mut stmt = conn.prepare_cached(
        "SELECT x.warehouse_id, x.threshold FROM product_warehouse_thresholds x
         JOIN warehouses w ON w.id = x.warehouse_id
         WHERE x.product_id = ?1 ORDER BY w.name COLLATE NOCASE",
    )?;
    product.warehouse_thresholds = stmt
        .query_map([id], |r| {
            Ok(WarehouseThreshold {
                warehouse_id: r.get(0)?,
                threshold: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    product.components = kits::components(conn, id)?;
    product.is_kit = !product.components.is_empty();
    product.last_received_cost = last_received_cost(conn, id)?;
    if let Some(cost) = product.cost {
        let (margin, percent) = crate::money::margin(product.price, cost);
        product.margin = Some(margin);
        product.margin_percent = percent;
    }
    product.stock = if product.is_kit {
        stock::kit_levels(conn, &product.company_id, id)?
    } else {
        stock::levels_of_product(conn, id)?
    };
    Ok(product)
}

/// Archives (or brings back) a catalog row: a field, never a delete, stamped and queued for
/// sync like any change. `table` is one of ours, never user input.
pub(crate) fn set_archived(
    tx: &mut Tx<'_>,
    entity: outbox::Entity,
    id: &str,
    archived: bool,
) -> Result<()> {
    let before = tx.before(entity, id)?;
    let hlc = tx.stamp();
    tx.conn.execute(
        &format!(
            "UPDATE {} SET archived = ?2, updated_hlc = ?3 WHERE id = ?1",
            entity.table()
        ),
        params![id, archived, hlc],
    )?;
    tx.updated(entity, id, &hlc, before)
}

/// Writes a company with the default adjustment reasons; `name` validated by the caller.
/// The company profile fields of a [`CompanyInput`], checked: `None` keeps a field,
/// `Some(None)` clears it.
struct Profile {
    address: Option<Option<String>>,
    phone: Option<Option<String>>,
    email: Option<Option<String>>,
    tax_id: Option<Option<String>>,
}

impl Profile {
    fn parse(input: &CompanyInput) -> Result<Self> {
        let email = match input.email.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(e) => Some(Some(validate::email("email", "Email", e)?)),
        };
        Ok(Profile {
            address: input
                .address
                .as_deref()
                .map(|a| validate::optional_lines("address", "Address", Some(a), MAX_ADDRESS))
                .transpose()?,
            phone: input
                .phone
                .as_deref()
                .map(|p| validate::optional("phone", "Phone", Some(p), MAX_CODE))
                .transpose()?,
            email,
            tax_id: input
                .tax_id
                .as_deref()
                .map(|t| validate::optional("tax_id", "Tax id", Some(t), MAX_CODE))
                .transpose()?,
        })
    }

    fn is_unchanged(&self) -> bool {
        self.address.is_none()
            && self.phone.is_none()
            && self.email.is_none()
            && self.tax_id.is_none()
    }

    /// Sets the given fields at `hlc` (the caller records the change).
    fn write(&self, tx: &mut Tx<'_>, id: &str, hlc: &str) -> Result<()> {
        for (column, value) in [
            ("address", &self.address),
            ("phone", &self.phone),
            ("email", &self.email),
            ("tax_id", &self.tax_id),
        ] {
            if let Some(value) = value {
                tx.conn.execute(
                    &format!("UPDATE companies SET {column} = ?2, updated_hlc = ?3 WHERE id = ?1"),
                    params![id, value, hlc],
                )?;
            }
        }
        Ok(())
    }
}

pub(crate) fn insert_company(
    tx: &mut Tx<'_>,
    name: &str,
    default_threshold: i64,
    allow_backorders: bool,
    currency: &str,
) -> Result<String> {
    COMPANY_NAME.check(tx.conn, None, name, None)?;
    let id = new_id();
    let hlc = tx.stamp();
    tx.conn.execute(
        "INSERT INTO companies (id, name, default_threshold, allow_backorders, created_at, updated_hlc, origin_device_id, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, name, default_threshold, allow_backorders, tx.now, hlc, tx.device_id(), currency],
    )?;
    tx.inserted(outbox::Entity::Company, &id, &hlc)?;
    crate::auth::own_new_company(tx, &id)?;
    for reason in stock::DEFAULT_REASONS {
        let hlc = tx.stamp();
        stock::insert_reason(tx, &id, reason, &hlc)?;
    }
    Ok(id)
}

/// Validates and writes a warehouse of an existing company.
pub(crate) fn insert_warehouse(
    tx: &mut Tx<'_>,
    company_id: &str,
    input: &WarehouseInput,
) -> Result<String> {
    let w = ValidWarehouse::parse(input)?;
    w.ensure_unique(tx.conn, company_id, None)?;
    let id = new_id();
    let hlc = tx.stamp();
    tx.conn.execute(
        "INSERT INTO warehouses (id, company_id, name, code, address, created_at, updated_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, company_id, w.name, w.code, w.address, tx.now, hlc],
    )?;
    tx.inserted(outbox::Entity::Warehouse, &id, &hlc)?;
    Ok(id)
}

/// Validates and writes a product type of an existing company.
pub(crate) fn insert_product_type(
    tx: &mut Tx<'_>,
    company_id: &str,
    input: &ProductTypeInput,
) -> Result<String> {
    let name = validate::required("name", "Product type name", &input.name, MAX_NAME)?;
    let default_threshold = validate::threshold("default_threshold", input.default_threshold)?;
    let frequency = count_frequency(input.count_frequency_days)?;
    PRODUCT_TYPE_NAME.check(tx.conn, Some(company_id), &name, None)?;
    let id = new_id();
    let hlc = tx.stamp();
    tx.conn.execute(
        "INSERT INTO product_types (id, company_id, name, default_threshold, count_frequency_days, updated_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, company_id, name, default_threshold, frequency, hlc],
    )?;
    tx.inserted(outbox::Entity::ProductType, &id, &hlc)?;
    Ok(id)
}

/// Validates and writes a product (and its opening stock) of an existing company.
pub(crate) fn insert_product_input(
    tx: &mut Tx<'_>,
    company_id: &str,
    input: &ProductInput,
) -> Result<String> {
    insert_product(tx, company_id, &ValidProduct::parse(input)?)
}

fn count_frequency(days: Option<i64>) -> Result<Option<i64>> {
    match days {
        Some(d) if !(1..=3_650).contains(&d) => Err(Error::validation(
            "count_frequency_days",
            "count every 1 to 3650 days, or leave it empty",
        )),
        other => Ok(other),
    }
}

pub(crate) const COMPANY_NAME: Unique = Unique {
    entity: Entity::Company,
    field: "name",
    table: "companies",
    column: "sf_key(name) = sf_key(?2)",
};
const PRODUCT_TYPE_NAME: Unique = Unique {
    entity: Entity::ProductType,
    field: "name",
    table: "product_types",
    column: "sf_key(name) = sf_key(?2)",
};
const WAREHOUSE_NAME: Unique = Unique {
    entity: Entity::Warehouse,
    field: "name",
    table: "warehouses",
    column: "sf_key(name) = sf_key(?2)",
};
const WAREHOUSE_CODE: Unique = Unique {
    entity: Entity::Warehouse,
    field: "code",
    table: "warehouses",
    column: "sf_key(code) = sf_key(?2)",
};
// Codes and names are unique by their key (`validate::key`: NFKC and full case folding);
// products keep theirs in indexed columns (migration 0011).
const SKU: Unique = Unique {
    entity: Entity::Product,
    field: "sku",
    table: "products",
    column: "sku_key = sf_key(?2)",
};
const BARCODE: Unique = Unique {
    entity: Entity::Product,
    field: "barcode",
    table: "products",
    column: "barcode_key = sf_key(?2)",
};

struct ValidWarehouse {
    name: String,
    code: Option<String>,
    address: Option<String>,
}

impl ValidWarehouse {
    fn parse(input: &WarehouseInput) -> Result<Self> {
        Ok(ValidWarehouse {
            name: validate::required("name", "Warehouse name", &input.name, MAX_NAME)?,
            code: validate::optional("code", "Warehouse code", input.code.as_deref(), MAX_CODE)?,
            address: validate::optional(
                "address",
                "Address",
                input.address.as_deref(),
                MAX_ADDRESS,
            )?,
        })
    }

    fn ensure_unique(
        &self,
        conn: &Connection,
        company_id: &str,
        except: Option<&str>,
    ) -> Result<()> {
        WAREHOUSE_NAME.check(conn, Some(company_id), &self.name, except)?;
        if let Some(code) = &self.code {
            WAREHOUSE_CODE.check(conn, Some(company_id), code, except)?;
        }
        Ok(())
    }
}

struct ValidProduct {
    sku: String,
    name: String,
    price: Decimal,
    barcode: Option<String>,
    product_type_id: Option<String>,
    threshold: Option<i64>,
    warehouse_thresholds: Vec<WarehouseThreshold>,
    /// Only used when creating: stock changes through movements afterwards.
    initial_stock: Vec<InitialStock>,
    /// `None`: keep the current cost (none for a new product); `Some(None)`: not known.
    cost: Option<Option<Decimal>>,
}

impl ValidProduct {
    fn parse(input: &ProductInput) -> Result<Self> {
        let sku = validate::code("sku", "SKU", &input.sku)?;
        let name = validate::required("name", "Product name", &input.name, MAX_NAME)?;
        let price = parse_money("price", &input.price)?;
        let cost = match input.cost.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(c) => Some(Some(parse_money("cost", c)?)),
        };
        let barcode = match input
            .barcode
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        {
            Some(b) => Some(validate::code("barcode", "Barcode", b)?),
            None => None,
        };
        let threshold = input
            .threshold
            .map(|t| validate::threshold("threshold", t))
            .transpose()?;
        let mut seen = HashSet::new();
        for wt in &input.warehouse_thresholds {
            validate::threshold("warehouse_thresholds", wt.threshold)?;
            if !seen.insert(wt.warehouse_id.as_str()) {
                return Err(Error::validation(
                    "warehouse_thresholds",
                    "each warehouse can have only one threshold",
                ));
            }
        }
        let mut stocked = HashSet::new();
        for line in &input.initial_stock {
            if line.quantity < 0 {
                return Err(Error::validation(
                    "initial_stock",
                    "an initial quantity cannot be negative",
                ));
            }
            if line.quantity > MAX_QUANTITY {
                return Err(Error::validation(
                    "initial_stock",
                    format!("an initial quantity cannot exceed {MAX_QUANTITY}"),
                ));
            }
            if !stocked.insert(line.warehouse_id.as_str()) {
                return Err(Error::validation(
                    "initial_stock",
                    "each warehouse can appear only once in the initial stock",
                ));
            }
        }
        Ok(ValidProduct {
            sku,
            name,
            price,
            barcode,
            product_type_id: input
                .product_type_id
                .clone()
                .filter(|id| !id.trim().is_empty()),
            threshold,
            warehouse_thresholds: input.warehouse_thresholds.clone(),
            initial_stock: input.initial_stock.clone(),
            cost,
        })
    }

    /// The product type and the warehouses named must be the company's own.
    fn check_references(&self, conn: &Connection, company_id: &str) -> Result<()> {
        if let Some(type_id) = &self.product_type_id {
            // Not get_product_type: its product count would make bulk creation quadratic.
            let owner: Option<String> = conn
                .prepare_cached("SELECT company_id FROM product_types WHERE id = ?1")?
                .query_row([type_id], |r| r.get(0))
                .optional()?;
            if owner.as_deref() != Some(company_id) {
                return Err(Error::not_found(Entity::ProductType, type_id));
            }
        }
        for wt in &self.warehouse_thresholds {
            warehouse_of_company(conn, company_id, &wt.warehouse_id)?;
        }
        Ok(())
    }

    fn ensure_unique(
        &self,
        conn: &Connection,
        company_id: &str,
        except: Option<&str>,
    ) -> Result<()> {
        SKU.check(conn, Some(company_id), &self.sku, except)?;
        if let Some(barcode) = &self.barcode {
            BARCODE.check(conn, Some(company_id), barcode, except)?;
        }
        Ok(())
    }

    /// Replaces the product's per-warehouse thresholds with the ones given.
    /// The product's thresholds per warehouse, replaced as a set: one field of the product
    /// when it syncs, stamped with its HLC.
    fn write_warehouse_thresholds(
        &self,
        tx: &mut Tx<'_>,
        product_id: &str,
        hlc: &str,
    ) -> Result<()> {
        tx.conn
            .prepare_cached("DELETE FROM product_warehouse_thresholds WHERE product_id = ?1")?
            .execute([product_id])?;
        self.add_warehouse_thresholds(tx, product_id, hlc)
    }

    /// The product's thresholds per warehouse, for a product that has none yet: a new one
    /// (an import makes tens of thousands, and the delete was a fifth of that).
    fn add_warehouse_thresholds(&self, tx: &mut Tx<'_>, product_id: &str, hlc: &str) -> Result<()> {
        for wt in &self.warehouse_thresholds {
            tx.conn
                .prepare_cached(
                    "INSERT INTO product_warehouse_thresholds (product_id, warehouse_id, threshold,
                         updated_hlc)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![product_id, wt.warehouse_id, wt.threshold, hlc])?;
        }
        Ok(())
    }
}
