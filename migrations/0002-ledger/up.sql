-- The stock ledger in full: kits, sales with their lines and returns, adjustment reasons,
-- the daily sales rollup, and history indexes.

-- A product with components is a kit: it holds no stock of its own.
CREATE TABLE kit_components (
    kit_id       TEXT NOT NULL REFERENCES products (id),
    component_id TEXT NOT NULL REFERENCES products (id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    updated_hlc  TEXT NOT NULL,
    PRIMARY KEY (kit_id, component_id),
    CHECK (kit_id <> component_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX kit_components_component ON kit_components (component_id);

-- The reasons an adjustment may give, per company. The id is derived from the company and
-- the name so that two devices seeding the same defaults converge on one row.
CREATE TABLE adjustment_reasons (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    name        TEXT NOT NULL,
    -- Removing a reason archives it: past movements keep naming it.
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    updated_hlc TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX adjustment_reasons_company_name ON adjustment_reasons (company_id, name COLLATE NOCASE);
INSERT INTO adjustment_reasons (id, company_id, name, updated_hlc)
SELECT c.id || ':' || r.name, c.id, r.name, c.updated_hlc
FROM companies c,
     (SELECT 'damaged' AS name UNION ALL SELECT 'lost' UNION ALL SELECT 'found'
      UNION ALL SELECT 'expired' UNION ALL SELECT 'correction') r;

CREATE TABLE sales (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    company_id   TEXT NOT NULL REFERENCES companies (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    sold_at      TEXT NOT NULL,
    total        TEXT NOT NULL,
    note         TEXT,
    hlc          TEXT NOT NULL,
    user_id      TEXT,
    device_id    TEXT NOT NULL
) STRICT;
CREATE INDEX sales_company_sold_at ON sales (company_id, sold_at);

CREATE TABLE sale_lines (
    id         TEXT PRIMARY KEY,
    sale_id    TEXT NOT NULL REFERENCES sales (id),
    line_no    INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    unit_price TEXT NOT NULL,
    line_total TEXT NOT NULL,
    UNIQUE (sale_id, line_no)
) STRICT;

-- Returns against a sale line; the sum never exceeds the line's quantity (checked in the core).
CREATE TABLE sale_returns (
    id           TEXT PRIMARY KEY,
    sale_id      TEXT NOT NULL REFERENCES sales (id),
    sale_line_id TEXT NOT NULL REFERENCES sale_lines (id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    returned_at  TEXT NOT NULL,
    note         TEXT,
    hlc          TEXT NOT NULL,
    user_id      TEXT,
    device_id    TEXT NOT NULL
) STRICT;
CREATE INDEX sale_returns_line ON sale_returns (sale_line_id);

-- Units sold net of returns per product (components for kits), warehouse and UTC day, kept in
-- the sale's or return's transaction: velocity reads one row per day, not every sale.
CREATE TABLE sales_daily (
    product_id   TEXT NOT NULL REFERENCES products (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    day          TEXT NOT NULL,
    units        INTEGER NOT NULL,
    PRIMARY KEY (product_id, warehouse_id, day)
) STRICT, WITHOUT ROWID;

-- Free text kept with a movement (the note of its receipt, adjustment or transfer).
ALTER TABLE stock_movements ADD COLUMN note TEXT;

-- History, newest first, straight from an index for each filter it offers on the first page:
-- everything, one warehouse, one product, one kind, one reason.
CREATE INDEX stock_movements_company_time ON stock_movements (company_id, occurred_at, seq);
CREATE INDEX stock_movements_warehouse_time ON stock_movements (warehouse_id, occurred_at, seq);
CREATE INDEX stock_movements_product_time ON stock_movements (product_id, occurred_at, seq);
CREATE INDEX stock_movements_kind_time ON stock_movements (company_id, kind, occurred_at, seq);
CREATE INDEX stock_movements_reason_time ON stock_movements (company_id, reason COLLATE NOCASE, occurred_at, seq)
    WHERE reason IS NOT NULL;
CREATE INDEX stock_movements_reference ON stock_movements (reference_id) WHERE reference_id IS NOT NULL;
