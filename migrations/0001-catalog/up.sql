-- StockFlow local schema, version 1: the device, the catalog, the stock ledger and the outbox.
-- Synced rows carry a UUIDv7 text id made on the device and `updated_hlc`, the hybrid logical
-- clock of their last change (DESIGN §2). Tables with an INTEGER `seq` keep it as a stable local
-- rowid (full-text search and paging need one that VACUUM never renumbers); it never syncs.
-- Shipped migrations are never edited: add a new one.

CREATE TABLE device (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id   TEXT NOT NULL,
    -- The clock's last issued value, so that it never runs backwards across restarts.
    hlc_wall_ms INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE companies (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    default_threshold INTEGER NOT NULL CHECK (default_threshold >= 0),
    allow_backorders  INTEGER NOT NULL DEFAULT 0 CHECK (allow_backorders IN (0, 1)),
    created_at        TEXT NOT NULL,
    updated_hlc       TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX companies_name ON companies (name COLLATE NOCASE);

CREATE TABLE warehouses (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    name        TEXT NOT NULL,
    code        TEXT,
    address     TEXT,
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_hlc TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX warehouses_company_name ON warehouses (company_id, name COLLATE NOCASE);
CREATE UNIQUE INDEX warehouses_company_code ON warehouses (company_id, code COLLATE NOCASE) WHERE code IS NOT NULL;

CREATE TABLE product_types (
    id                TEXT PRIMARY KEY,
    company_id        TEXT NOT NULL REFERENCES companies (id),
    name              TEXT NOT NULL,
    default_threshold INTEGER NOT NULL CHECK (default_threshold >= 0),
    updated_hlc       TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX product_types_company_name ON product_types (company_id, name COLLATE NOCASE);

CREATE TABLE products (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    sku             TEXT NOT NULL COLLATE NOCASE,
    name            TEXT NOT NULL,
    barcode         TEXT,
    -- Canonical decimal text (rust_decimal), never a float.
    price           TEXT NOT NULL,
    product_type_id TEXT REFERENCES product_types (id),
    threshold       INTEGER CHECK (threshold >= 0),
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_hlc     TEXT NOT NULL
) STRICT;
-- SKU unique per company ignoring case; the column's NOCASE collation makes the index serve
-- prefix searches too.
CREATE UNIQUE INDEX products_company_sku ON products (company_id, sku);
CREATE UNIQUE INDEX products_company_barcode ON products (company_id, barcode) WHERE barcode IS NOT NULL;
-- The product list: active (or archived) products of a company by name, and counts of them,
-- straight from the index; the same per product type.
CREATE INDEX products_company_name ON products (company_id, archived, name COLLATE NOCASE);
CREATE INDEX products_type ON products (product_type_id, archived, company_id) WHERE product_type_id IS NOT NULL;

-- Word-prefix search on product names, kept in step with `products` by triggers.
CREATE VIRTUAL TABLE products_fts USING fts5 (
    name,
    content = 'products',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, name) VALUES (new.seq, new.name);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF name ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name) VALUES ('delete', old.seq, old.name);
    INSERT INTO products_fts (rowid, name) VALUES (new.seq, new.name);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name) VALUES ('delete', old.seq, old.name);
END;

CREATE TABLE product_warehouse_thresholds (
    product_id   TEXT NOT NULL REFERENCES products (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    threshold    INTEGER NOT NULL CHECK (threshold >= 0),
    updated_hlc  TEXT NOT NULL,
    PRIMARY KEY (product_id, warehouse_id)
) STRICT, WITHOUT ROWID;

-- The stock ledger: the truth about stock. Append-only, enforced by the triggers below.
-- `quantity` is a signed delta, except for kind 'count' where it is the absolute quantity
-- counted at `occurred_at`.
CREATE TABLE stock_movements (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    company_id     TEXT NOT NULL REFERENCES companies (id),
    product_id     TEXT NOT NULL REFERENCES products (id),
    warehouse_id   TEXT NOT NULL REFERENCES warehouses (id),
    kind           TEXT NOT NULL CHECK (kind IN ('opening', 'receipt', 'sale', 'return',
                       'adjustment', 'transfer_out', 'transfer_in', 'count')),
    quantity       INTEGER NOT NULL,
    reason         TEXT,
    reference_kind TEXT,
    reference_id   TEXT,
    occurred_at    TEXT NOT NULL,
    hlc            TEXT NOT NULL,
    user_id        TEXT,
    device_id      TEXT NOT NULL
) STRICT;
CREATE INDEX stock_movements_product_warehouse ON stock_movements (product_id, warehouse_id, occurred_at);
CREATE TRIGGER stock_movements_append_only_update BEFORE UPDATE ON stock_movements BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_append_only_delete BEFORE DELETE ON stock_movements BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;

-- Projection of the ledger, written in the same transaction as every movement.
-- A row exists when the product is stocked in the warehouse (even at zero).
CREATE TABLE stock_levels (
    product_id   TEXT NOT NULL REFERENCES products (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    on_hand      INTEGER NOT NULL,
    PRIMARY KEY (product_id, warehouse_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX stock_levels_warehouse ON stock_levels (warehouse_id, product_id);

-- Transactional outbox: every change that must sync, appended in the change's transaction.
CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    hlc       TEXT NOT NULL
) STRICT;
