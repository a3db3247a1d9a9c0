-- Stock count sessions: every scan saved as it happens, committed as count events.

CREATE TABLE count_sessions (
    id               TEXT PRIMARY KEY,
    company_id       TEXT NOT NULL REFERENCES companies (id),
    warehouse_id     TEXT NOT NULL REFERENCES warehouses (id),
    -- 'all' products, one 'product_type', or chosen 'products' (count_session_products).
    scope            TEXT NOT NULL CHECK (scope IN ('all', 'product_type', 'products')),
    product_type_id  TEXT REFERENCES product_types (id),
    -- Blind: expected quantities are hidden while counting.
    blind            INTEGER NOT NULL DEFAULT 0 CHECK (blind IN (0, 1)),
    status           TEXT NOT NULL CHECK (status IN ('open', 'paused', 'committed', 'cancelled')),
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    updated_hlc      TEXT NOT NULL,
    CHECK ((scope = 'product_type') = (product_type_id IS NOT NULL))
) STRICT;
CREATE INDEX count_sessions_company ON count_sessions (company_id, status);

CREATE TABLE count_session_products (
    session_id TEXT NOT NULL REFERENCES count_sessions (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    PRIMARY KEY (session_id, product_id)
) STRICT, WITHOUT ROWID;

-- What was counted: one line per product, its time the last scan or typed quantity.
CREATE TABLE count_lines (
    session_id  TEXT NOT NULL REFERENCES count_sessions (id),
    product_id  TEXT NOT NULL REFERENCES products (id),
    counted     INTEGER NOT NULL CHECK (counted >= 0),
    counted_at  TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    PRIMARY KEY (session_id, product_id)
) STRICT, WITHOUT ROWID;

-- Cycle counting: how often products of a type should be counted.
ALTER TABLE product_types ADD COLUMN count_frequency_days INTEGER CHECK (count_frequency_days > 0);

-- Last counted per product and warehouse.
CREATE INDEX stock_movements_counts ON stock_movements (warehouse_id, product_id, occurred_at) WHERE kind = 'count';
