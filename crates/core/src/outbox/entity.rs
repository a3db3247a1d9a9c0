//! What syncs: one [`Entity`] per kind of synced row, and for each the table, the synced
//! fields (their wire names are the column names) and how to find its company. The record
//! handles of the outbox (`outbox/mod.rs`) and the merge of `sync/apply.rs` are written once
//! over this table, so a new synced column is one line here.

/// A kind of synced row. Its wire name (`as_str`) is serialized: extend, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    Company,
    Warehouse,
    ProductType,
    AdjustmentReason,
    Supplier,
    Product,
    ProductSupplier,
    PurchaseOrder,
    PurchaseOrderLine,
    CountSession,
    CountLine,
    User,
    Membership,
    Sale,
    SaleLine,
    StockMovement,
    SaleReturn,
    /// The name an owner gave a device, per company (migration 0012).
    DeviceName,
}

/// A set of child rows that travels as one field of its parent (a kit's components, a
/// product's warehouse thresholds): replaced whole, last writer wins like any field.
pub(crate) struct SetField {
    pub name: &'static str,
    pub table: &'static str,
    pub owner: &'static str,
    pub key: &'static str,
    /// `None`: a plain list of keys.
    pub value: Option<&'static str>,
    /// The child table has an `updated_hlc` column to fill.
    pub stamped: bool,
}

pub(crate) struct Def {
    pub entity: Entity,
    pub table: &'static str,
    /// Inserted once by id, never updated (the ledger and what it references).
    pub event: bool,
    /// The id is derived from a natural key, so two devices may make the same row: its
    /// creation time is kept in `field_clocks` ('*') to merge the two.
    pub derived_id: bool,
    /// The row's own HLC column: `updated_hlc` for catalog rows, `hlc` for events.
    pub hlc_column: Option<&'static str>,
    pub columns: &'static [&'static str],
    pub sets: &'static [SetField],
    /// SQL for the row's company, on the table aliased `t`.
    pub company: &'static str,
    /// The version of the payload's shape that this build writes and understands.
    pub version: u32,
}

impl Def {
    /// The expression that reads a synced field of the row aliased `t`.
    pub(crate) fn read(&self, column: &str) -> String {
        match (self.entity, column) {
            (Entity::Product, "sku") => "COALESCE(t.requested_sku, t.sku)".to_owned(),
            (Entity::Product, "barcode") => "COALESCE(t.requested_barcode, t.barcode)".to_owned(),
            _ => format!("t.{column}"),
        }
    }

    /// Every synced field name: the columns, then the sets.
    pub(crate) fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns
            .iter()
            .copied()
            .chain(self.sets.iter().map(|s| s.name))
    }
}

const WAREHOUSE_THRESHOLDS: SetField = SetField {
    name: "warehouse_thresholds",
    table: "product_warehouse_thresholds",
    owner: "product_id",
    key: "warehouse_id",
    value: Some("threshold"),
    stamped: true,
};
const COMPONENTS: SetField = SetField {
    name: "components",
    table: "kit_components",
    owner: "kit_id",
    key: "component_id",
    value: Some("quantity"),
    stamped: true,
};
const COUNT_PRODUCTS: SetField = SetField {
    name: "products",
    table: "count_session_products",
    owner: "session_id",
    key: "product_id",
    value: None,
    stamped: false,
};

const CATALOG: u32 = 1;

pub(crate) static DEFS: &[Def] = &[
    Def {
        entity: Entity::Company,
        table: "companies",
        event: false,
        derived_id: false,
        hlc_column: Some("updated_hlc"),
        columns: &[
            "name",
            "default_threshold",
            "allow_backorders",
            "created_at",
            "origin_device_id",
            "currency",
            "address",
            "phone",
            "email",
            "tax_id",
        ],
        sets: &[],
        company: "t.id",
        version: CATALOG,
    },
    Def {
        entity: Entity::Warehouse,
        table: "warehouses",
        event: false,
        derived_id: false,
        hlc_column: Some("updated_hlc"),
        columns: &[
            "company_id",
            "name",
            "code",
            "address",
            "archived",
            "created_at",
        ],
        sets: &[],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        entity: Entity::ProductType,
        table: "product_types",
        event: false,
        derived_id: false,
        hlc_column: Some("updated_hlc"),
        columns: &[
            "company_id",
            "name",
            "default_threshold",
            "count_frequency_days",
        ],
        sets: &[],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        entity: Entity::AdjustmentReason,
        table: "adjustment_reasons",
        event: false,
        derived_id: true,
        hlc_column: Some("updated_hlc"),
        columns: &["company_id", "name", "archived"],
        sets: &[],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        entity: Entity::Supplier,
        table: "suppliers",
        event: false,
        derived_id: false,
        hlc_column: Some("updated_hlc"),
        columns: &[
            "company_id",
            "name",
            "contact_email",
            "phone",
            "address",
            "notes",
            "archived",
            "created_at",
        ],
        sets: &[],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        entity: Entity::Product,
        table: "products",
        event: false,
        derived_id: false,
        hlc_column: Some("updated_hlc"),
        columns: &[
            "company_id",
            "sku",
            "name",
            "barcode",
            "price",
            "product_type_id",
            "threshold",
            "archived",
            "preferred_supplier_id",
            "created_at",
            "updated_at",
            "cost",
        ],
        sets: &[WAREHOUSE_THRESHOLDS, COMPONENTS],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        entity: Entity::ProductSupplier,
        table: "product_suppliers",
        event: false,
        derived_id: true,
        hlc_column: Some("updated_hlc"),
        columns: &[
            "product_id",
            "supplier_id",
            "supplier_sku",
            "lead_time_days",
            "unit_cost",
            "moq",
            "pack_multiple",
            "archived",
        ],
        sets: &[],
        company: "(SELECT p.company_id FROM products p WHERE p.id = t.product_id)",
        version: CATALOG,
    },
    Def {
        entity: Entity::PurchaseOrder,
        table: "purchase_orders",
        event: false,
        derived_id: false,
        hlc_column: Some("updated_hlc"),
        columns: &[
            "company_id",
            "supplier_id",
            "warehouse_id",
            "status",
            "note",
            "created_at",
            "sent_at",
            "expected_at",
            "received_at",
            "cancelled_at",
            "number",
        ],
        sets: &[],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        // The received quantity is not a field: it is the sum of the order's receipts.
        entity: Entity::PurchaseOrderLine,
        table: "purchase_order_lines",
        event: false,
        // Named by its order and product (`purchasing::line_id`); lines made by earlier
        // versions keep their random ids.
        derived_id: true,
        hlc_column: None,
        columns: &[
            "purchase_order_id",
            "line_no",
            "product_id",
            "quantity_ordered",
            "unit_cost",
            "removed",
        ],
        sets: &[],
        company: "(SELECT o.company_id FROM purchase_orders o WHERE o.id = t.purchase_order_id)",
        version: CATALOG,
    },
    Def {
        entity: Entity::CountSession,
        table: "count_sessions",
        event: false,
        derived_id: false,
        hlc_column: Some("updated_hlc"),
        columns: &[
            "company_id",
            "warehouse_id",
            "scope",
            "product_type_id",
            "blind",
            "status",
            "started_at",
            "finished_at",
            "number",
        ],
        sets: &[COUNT_PRODUCTS],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        entity: Entity::CountLine,
        table: "count_lines",
        event: false,
        derived_id: true,
        hlc_column: Some("updated_hlc"),
        columns: &["session_id", "product_id", "counted", "counted_at"],
        sets: &[],
        company: "(SELECT s.company_id FROM count_sessions s WHERE s.id = t.session_id)",
        version: CATALOG,
    },
    Def {
        // A user belongs to every company they are a member of: one change per company.
        entity: Entity::User,
        table: "users",
        event: false,
        derived_id: false,
        hlc_column: Some("updated_hlc"),
        columns: &["email", "name", "password_hash", "disabled", "created_at"],
        sets: &[],
        company: "",
        version: CATALOG,
    },
    Def {
        entity: Entity::Membership,
        table: "memberships",
        event: false,
        derived_id: true,
        hlc_column: Some("updated_hlc"),
        columns: &["user_id", "company_id", "role"],
        sets: &[],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        entity: Entity::Sale,
        table: "sales",
        event: true,
        derived_id: false,
        hlc_column: Some("hlc"),
        columns: &[
            "company_id",
            "warehouse_id",
            "sold_at",
            "total",
            "note",
            "hlc",
            "user_id",
            "device_id",
            "number",
        ],
        sets: &[],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        entity: Entity::SaleLine,
        table: "sale_lines",
        event: true,
        derived_id: false,
        hlc_column: None,
        columns: &[
            "sale_id",
            "line_no",
            "product_id",
            "quantity",
            "unit_price",
            "line_total",
            "components",
        ],
        sets: &[],
        company: "(SELECT s.company_id FROM sales s WHERE s.stored_id = t.stored_sale_id)",
        version: CATALOG,
    },
    Def {
        entity: Entity::StockMovement,
        table: "stock_movements",
        event: true,
        derived_id: false,
        hlc_column: Some("hlc"),
        columns: &[
            "company_id",
            "product_id",
            "warehouse_id",
            "kind",
            "quantity",
            "reason",
            "reference_kind",
            "reference_id",
            "note",
            "occurred_at",
            "hlc",
            "user_id",
            "device_id",
        ],
        sets: &[],
        company: "t.company_id",
        version: CATALOG,
    },
    Def {
        entity: Entity::SaleReturn,
        table: "sale_returns",
        event: true,
        derived_id: false,
        hlc_column: Some("hlc"),
        columns: &[
            "sale_id",
            "sale_line_id",
            "quantity",
            "returned_at",
            "note",
            "hlc",
            "user_id",
            "device_id",
        ],
        sets: &[],
        company: "(SELECT s.company_id FROM sales s WHERE s.stored_id = t.stored_sale_id)",
        version: CATALOG,
    },
    Def {
        // Its id is derived from the company and the device: one row per pair.
        entity: Entity::DeviceName,
        table: "device_names",
        event: false,
        derived_id: true,
        hlc_column: Some("updated_hlc"),
        columns: &["company_id", "device_id", "name"],
        sets: &[],
        company: "t.company_id",
        version: CATALOG,
    },
];

impl Entity {
    pub const ALL: [Entity; 18] = [
        Entity::Company,
        Entity::Warehouse,
        Entity::ProductType,
        Entity::AdjustmentReason,
        Entity::Supplier,
        Entity::Product,
        Entity::ProductSupplier,
        Entity::PurchaseOrder,
        Entity::PurchaseOrderLine,
        Entity::CountSession,
        Entity::CountLine,
        Entity::User,
        Entity::Membership,
        Entity::Sale,
        Entity::SaleLine,
        Entity::StockMovement,
        Entity::SaleReturn,
        Entity::DeviceName,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Company => "company",
            Entity::Warehouse => "warehouse",
            Entity::ProductType => "product_type",
            Entity::AdjustmentReason => "adjustment_reason",
            Entity::Supplier => "supplier",
            Entity::Product => "product",
            Entity::ProductSupplier => "product_supplier",
            Entity::PurchaseOrder => "purchase_order",
            Entity::PurchaseOrderLine => "purchase_order_line",
            Entity::CountSession => "count_session",
            Entity::CountLine => "count_line",
            Entity::User => "user",
            Entity::Membership => "membership",
            Entity::Sale => "sale",
            Entity::SaleLine => "sale_line",
            Entity::StockMovement => "stock_movement",
            Entity::SaleReturn => "sale_return",
            Entity::DeviceName => "device_name",
        }
    }

    pub fn parse(text: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == text)
    }

    pub(crate) fn def(self) -> &'static Def {
        let def = &DEFS[self as usize];
        debug_assert_eq!(def.entity, self, "DEFS is in the order of Entity");
        def
    }

    /// The table this kind of row lives in.
    pub fn table(self) -> &'static str {
        self.def().table
    }

    /// Whether rows of this kind are events: inserted once, never updated.
    pub fn is_event(self) -> bool {
        self.def().event
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_has_its_definition_in_order_and_a_wire_name_that_parses_back() {
        for (i, e) in Entity::ALL.into_iter().enumerate() {
            assert_eq!(e as usize, i);
            assert_eq!(DEFS[i].entity, e, "DEFS[{i}] must describe {e:?}");
            assert_eq!(Entity::parse(e.as_str()), Some(e));
        }
        assert_eq!(DEFS.len(), Entity::ALL.len());
    }
}
