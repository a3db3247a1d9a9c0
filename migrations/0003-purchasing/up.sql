-- Suppliers, what they supply, and purchase orders from draft to stock on the shelf.

CREATE TABLE suppliers (
    id            TEXT PRIMARY KEY,
    company_id    TEXT NOT NULL REFERENCES companies (id),
    name          TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    phone         TEXT,
    address       TEXT,
    notes         TEXT,
    archived      INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_hlc   TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX suppliers_company_name ON suppliers (company_id, name COLLATE NOCASE);

-- Which supplier supplies which product, on what terms.
CREATE TABLE product_suppliers (
    product_id     TEXT NOT NULL REFERENCES products (id),
    supplier_id    TEXT NOT NULL REFERENCES suppliers (id),
    supplier_sku   TEXT,
    lead_time_days INTEGER NOT NULL CHECK (lead_time_days >= 0),
    unit_cost      TEXT NOT NULL,
    moq            INTEGER NOT NULL DEFAULT 1 CHECK (moq >= 1),
    pack_multiple  INTEGER NOT NULL DEFAULT 1 CHECK (pack_multiple >= 1),
    preferred      INTEGER NOT NULL DEFAULT 0 CHECK (preferred IN (0, 1)),
    updated_hlc    TEXT NOT NULL,
    PRIMARY KEY (product_id, supplier_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX product_suppliers_supplier ON product_suppliers (supplier_id);
-- At most one preferred supplier per product.
CREATE UNIQUE INDEX product_suppliers_one_preferred ON product_suppliers (product_id) WHERE preferred = 1;

CREATE TABLE purchase_orders (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    company_id   TEXT NOT NULL REFERENCES companies (id),
    supplier_id  TEXT NOT NULL REFERENCES suppliers (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'partially_received', 'received', 'cancelled')),
    note         TEXT,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    expected_at  TEXT,
    received_at  TEXT,
    cancelled_at TEXT,
    updated_hlc  TEXT NOT NULL
) STRICT;
CREATE INDEX purchase_orders_company ON purchase_orders (company_id, created_at);
CREATE INDEX purchase_orders_supplier ON purchase_orders (supplier_id, status);

CREATE TABLE purchase_order_lines (
    id                TEXT PRIMARY KEY,
    purchase_order_id TEXT NOT NULL REFERENCES purchase_orders (id),
    line_no           INTEGER NOT NULL,
    product_id        TEXT NOT NULL REFERENCES products (id),
    quantity_ordered  INTEGER NOT NULL CHECK (quantity_ordered > 0),
    quantity_received INTEGER NOT NULL DEFAULT 0 CHECK (quantity_received >= 0),
    unit_cost         TEXT NOT NULL,
    UNIQUE (purchase_order_id, product_id)
) STRICT;
-- On order per product: open lines of sent or partly received orders.
CREATE INDEX purchase_order_lines_product ON purchase_order_lines (product_id);
