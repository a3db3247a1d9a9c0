-- Issue #16: the ledger's rows refer to companies, warehouses, products, sales and devices by
-- small local integers instead of repeating their 36-byte text ids in every row and every
-- index. The ids stay on each row (the wire, DESIGN §4); only the references narrow.
--
-- The rows live in `movement_rows`, `sale_rows` and `sale_line_rows`. The views
-- `stock_movements`, `sales` and `sale_lines` give them back their old shape, text ids and all,
-- so every query and the sync payloads read what they read before; a filter on a view's
-- `company_id`, `warehouse_id` or `product_id` is a lookup of that one row and then the same
-- index walk as before, on narrower keys. Writes go through the views (INSTEAD OF triggers) or,
-- for bulk history, straight into the rows.
--
-- An id that names no row maps to key -1, which the foreign key refuses exactly as it refused
-- the unknown text id: a change that arrives before its parent still waits (sync/apply.rs).

-- Companies get a local key like the one warehouses have had since 0005, assigned on insert.
ALTER TABLE companies ADD COLUMN seq INTEGER;
UPDATE companies SET seq = rowid;
CREATE UNIQUE INDEX companies_seq ON companies (seq);
CREATE TRIGGER companies_seq_on_insert AFTER INSERT ON companies BEGIN
    UPDATE companies SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM companies) WHERE id = NEW.id;
END;

-- The devices rows came from: a handful of ids, each stored once.
CREATE TABLE device_keys (
    key INTEGER PRIMARY KEY,
    id  TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO device_keys (id)
SELECT device_id FROM device
UNION SELECT device_id FROM stock_movements UNION SELECT device_id FROM sales ORDER BY 1;
-- This device's own key exists from the start (a restored copy is a new device), so that its
-- writes never add one: a refused write leaves nothing behind.
CREATE TRIGGER device_keys_on_device_insert AFTER INSERT ON device BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
END;
CREATE TRIGGER device_keys_on_device_update AFTER UPDATE OF device_id ON device BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
END;

CREATE TABLE sale_rows (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    company_key   INTEGER NOT NULL REFERENCES companies (seq),
    warehouse_key INTEGER NOT NULL REFERENCES warehouses (seq),
    sold_at       TEXT NOT NULL,
    total         TEXT NOT NULL,
    note          TEXT,
    hlc           TEXT NOT NULL,
    user_id       TEXT,
    device_key    INTEGER NOT NULL REFERENCES device_keys (key),
    number        TEXT
) STRICT;
INSERT INTO sale_rows (seq, id, company_key, warehouse_key, sold_at, total, note, hlc, user_id,
                       device_key, number)
SELECT s.seq, s.id, c.seq, w.seq, s.sold_at, s.total, s.note, s.hlc, s.user_id, d.key, s.number
FROM sales s
JOIN companies c ON c.id = s.company_id
JOIN warehouses w ON w.id = s.warehouse_id
JOIN device_keys d ON d.id = s.device_id
ORDER BY s.seq;

-- A line is stored with its sale, in line order.
CREATE TABLE sale_line_rows (
    sale_key    INTEGER NOT NULL REFERENCES sale_rows (seq),
    line_no     INTEGER NOT NULL,
    id          TEXT NOT NULL UNIQUE,
    product_key INTEGER NOT NULL REFERENCES products (seq),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    unit_price  TEXT NOT NULL,
    line_total  TEXT NOT NULL,
    components  TEXT,
    PRIMARY KEY (sale_key, line_no)
) STRICT, WITHOUT ROWID;
INSERT INTO sale_line_rows (sale_key, line_no, id, product_key, quantity, unit_price, line_total,
                            components)
SELECT s.seq, l.line_no, l.id, p.seq, l.quantity, l.unit_price, l.line_total, l.components
FROM sale_lines l
JOIN sales s ON s.id = l.sale_id
JOIN products p ON p.id = l.product_id
ORDER BY s.seq, l.line_no;

CREATE TABLE movement_rows (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    company_key    INTEGER NOT NULL REFERENCES companies (seq),
    product_key    INTEGER NOT NULL REFERENCES products (seq),
    warehouse_key  INTEGER NOT NULL REFERENCES warehouses (seq),
    kind           TEXT NOT NULL CHECK (kind IN ('opening', 'receipt', 'sale', 'return',
                       'adjustment', 'transfer_out', 'transfer_in', 'count')),
    quantity       INTEGER NOT NULL,
    reason         TEXT,
    reference_kind TEXT,
    -- What the movement refers to: a sale of this database by its key, anything else (or a
    -- sale not here yet) by its text id.
    reference_id   TEXT,
    sale_key       INTEGER,
    occurred_at    TEXT NOT NULL,
    hlc            TEXT NOT NULL,
    user_id        TEXT,
    device_key     INTEGER NOT NULL REFERENCES device_keys (key),
    note           TEXT
) STRICT;
INSERT INTO movement_rows (seq, id, company_key, product_key, warehouse_key, kind, quantity, reason,
                           reference_kind, reference_id, sale_key, occurred_at, hlc, user_id,
                           device_key, note)
SELECT m.seq, m.id, c.seq, p.seq, w.seq, m.kind, m.quantity, m.reason, m.reference_kind,
       CASE WHEN s.seq IS NULL THEN m.reference_id END, s.seq,
       m.occurred_at, m.hlc, m.user_id, d.key, m.note
FROM stock_movements m
JOIN companies c ON c.id = m.company_id
JOIN products p ON p.id = m.product_id
JOIN warehouses w ON w.id = m.warehouse_id
JOIN device_keys d ON d.id = m.device_id
LEFT JOIN sale_rows s ON m.reference_kind = 'sale' AND s.id = m.reference_id
ORDER BY m.seq;

-- Returns keep their text references (few rows); rebuilt only to point at the new tables.
CREATE TABLE sale_returns_rebuilt (
    id           TEXT PRIMARY KEY,
    sale_id      TEXT NOT NULL REFERENCES sale_rows (id),
    sale_line_id TEXT NOT NULL REFERENCES sale_line_rows (id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    returned_at  TEXT NOT NULL,
    note         TEXT,
    hlc          TEXT NOT NULL,
    user_id      TEXT,
    device_id    TEXT NOT NULL
) STRICT;
INSERT INTO sale_returns_rebuilt SELECT * FROM sale_returns;

-- Children before parents (the foreign keys are on).
DROP TABLE sale_returns;
DROP TABLE sale_lines;
DROP TABLE sales;
DROP TABLE stock_movements;
ALTER TABLE sale_returns_rebuilt RENAME TO sale_returns;
CREATE INDEX sale_returns_line ON sale_returns (sale_line_id);

-- No index leads sales by warehouse, so the warehouse is looked up only when read: a count of
-- a company's sales reads its index alone, not a warehouse per sale.
CREATE VIEW sales AS
SELECT s.seq, s.id, c.id AS company_id,
       (SELECT w.id FROM warehouses w WHERE w.seq = s.warehouse_key) AS warehouse_id,
       s.sold_at, s.total, s.note, s.hlc,
       s.user_id, (SELECT d.id FROM device_keys d WHERE d.key = s.device_key) AS device_id,
       s.number
FROM sale_rows s
JOIN companies c ON c.seq = s.company_key;

CREATE VIEW sale_lines AS
SELECT l.id, s.id AS sale_id, l.line_no, p.id AS product_id, l.quantity, l.unit_price,
       l.line_total, l.components
FROM sale_line_rows l
JOIN sale_rows s ON s.seq = l.sale_key
JOIN products p ON p.seq = l.product_key;

-- `reference_id` is computed: a filter on it reads every row. Queries filter on the stored
-- `reference_text` (not a sale of here) or `sale_key` instead.
CREATE VIEW stock_movements AS
SELECT m.seq, m.id, c.id AS company_id, p.id AS product_id, w.id AS warehouse_id, m.kind,
       m.quantity, m.reason, m.reference_kind,
       CASE WHEN m.sale_key IS NULL THEN m.reference_id
            ELSE (SELECT s.id FROM sale_rows s WHERE s.seq = m.sale_key) END AS reference_id,
       m.occurred_at, m.hlc, m.user_id,
       (SELECT d.id FROM device_keys d WHERE d.key = m.device_key) AS device_id, m.note,
       m.reference_id AS reference_text, m.sale_key
FROM movement_rows m
JOIN companies c ON c.seq = m.company_key
JOIN products p ON p.seq = m.product_key
JOIN warehouses w ON w.seq = m.warehouse_key;

CREATE TRIGGER sales_insert INSTEAD OF INSERT ON sales BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
    INSERT INTO sale_rows (id, company_key, warehouse_key, sold_at, total, note, hlc, user_id,
                           device_key, number)
    VALUES (NEW.id,
            COALESCE((SELECT seq FROM companies WHERE id = NEW.company_id), -1),
            COALESCE((SELECT seq FROM warehouses WHERE id = NEW.warehouse_id), -1),
            NEW.sold_at, NEW.total, NEW.note, NEW.hlc, NEW.user_id,
            (SELECT key FROM device_keys WHERE id = NEW.device_id), NEW.number);
END;

CREATE TRIGGER sale_lines_insert INSTEAD OF INSERT ON sale_lines BEGIN
    INSERT INTO sale_line_rows (sale_key, line_no, id, product_key, quantity, unit_price,
                                line_total, components)
    VALUES (COALESCE((SELECT seq FROM sale_rows WHERE id = NEW.sale_id), -1),
            NEW.line_no, NEW.id,
            COALESCE((SELECT seq FROM products WHERE id = NEW.product_id), -1),
            NEW.quantity, NEW.unit_price, NEW.line_total, NEW.components);
END;

CREATE TRIGGER stock_movements_insert INSTEAD OF INSERT ON stock_movements BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
    INSERT INTO movement_rows (id, company_key, product_key, warehouse_key, kind, quantity,
                               reason, reference_kind, reference_id, sale_key, occurred_at, hlc,
                               user_id, device_key, note)
    SELECT NEW.id,
            COALESCE((SELECT seq FROM companies WHERE id = NEW.company_id), -1),
            COALESCE((SELECT seq FROM products WHERE id = NEW.product_id), -1),
            COALESCE((SELECT seq FROM warehouses WHERE id = NEW.warehouse_id), -1),
            NEW.kind, NEW.quantity, NEW.reason, NEW.reference_kind,
            CASE WHEN sale.seq IS NULL THEN NEW.reference_id END, sale.seq,
            NEW.occurred_at, NEW.hlc, NEW.user_id,
            (SELECT key FROM device_keys WHERE id = NEW.device_id), NEW.note
    FROM (SELECT (SELECT seq FROM sale_rows
                  WHERE NEW.reference_kind = 'sale' AND id = NEW.reference_id) AS seq) sale;
END;

-- The ledger is append-only (DESIGN §2), through the view or not; an unfinished import's rows
-- are the one exception (0013).
CREATE TRIGGER stock_movements_append_only_update INSTEAD OF UPDATE ON stock_movements BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_append_only_delete INSTEAD OF DELETE ON stock_movements BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER movement_rows_append_only_update BEFORE UPDATE ON movement_rows BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER movement_rows_append_only_delete BEFORE DELETE ON movement_rows
WHEN NOT EXISTS (SELECT 1 FROM pending_imports p JOIN companies c ON c.id = p.company_id
                 WHERE c.seq = OLD.company_key) BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;

CREATE INDEX sale_rows_company_sold_at ON sale_rows (company_key, sold_at);
CREATE INDEX sale_rows_number ON sale_rows (company_key, number) WHERE number IS NOT NULL;

-- The history indexes of 0002, 0004 and 0014 on the narrow keys.
CREATE INDEX movement_rows_company_time ON movement_rows (company_key, occurred_at, seq);
CREATE INDEX movement_rows_warehouse_time ON movement_rows (warehouse_key, occurred_at, seq);
CREATE INDEX movement_rows_product_time ON movement_rows (product_key, occurred_at, seq);
CREATE INDEX movement_rows_kind_time ON movement_rows (company_key, kind, occurred_at, seq);
CREATE INDEX movement_rows_reason_time
    ON movement_rows (company_key, reason COLLATE NOCASE, occurred_at, seq)
    WHERE reason IS NOT NULL;
CREATE INDEX movement_rows_reference ON movement_rows (reference_id) WHERE reference_id IS NOT NULL;
CREATE INDEX movement_rows_sale ON movement_rows (sale_key) WHERE sale_key IS NOT NULL;
CREATE INDEX movement_rows_counts ON movement_rows (warehouse_key, product_key, occurred_at)
    WHERE kind = 'count';
CREATE INDEX movement_rows_receipts ON movement_rows (product_key, occurred_at, hlc)
    WHERE kind = 'receipt' AND reference_kind = 'purchase_order';
