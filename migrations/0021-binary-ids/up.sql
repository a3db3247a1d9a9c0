-- Issue #16: the id of a sale, of a sale's line and of a movement is kept as its 16 bytes
-- instead of its 36 characters, in the row and in the row's unique index, and a return names
-- its sale and line the same way. An id is a UUID written `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`
-- in lowercase hexadecimal (ids.rs makes them so); such an id is stored as the BLOB of its
-- bytes. Anything else (another form, capitals, an id that is no UUID) stays as its text, so
-- that it reads back to the character: the column is ANY, and a CHECK makes sure a UUID in
-- that form is never kept as text, so a lookup has one value to look for.
--
-- The views give the text back (`id`, `sale_id`, `reference_id`, `sale_line_id`), so every
-- reader and every sync payload sees what it saw before. Lookups and joins use the stored
-- value instead (`stored_id`, `stored_sale_id`, `stored_sale_line_id`, or the row tables), so
-- that they are index seeks: a filter on a view's rebuilt text would read every row.
--
-- The same three SQL expressions are repeated below (a migration cannot share code):
--   canonical(X): X GLOB '????????-????-????-????-????????????'
--                 AND length(unhex(replace(X, '-', ''))) = 16 AND lower(X) = X
--   stored(X):    CASE WHEN canonical(X) THEN unhex(replace(X, '-', '')) ELSE X END
--   text(X):      CASE WHEN typeof(X) = 'blob' THEN lower(substr(hex(X), 1, 8) || '-' || ...)
--                 ELSE X END

-- Out of the way: the views (their triggers go with them), and the tables under other names
-- (a rename carries the foreign keys that point at a table along with it).
DROP VIEW sales;
DROP VIEW sale_lines;
DROP VIEW stock_movements;
ALTER TABLE sale_returns RENAME TO sale_returns_old;
ALTER TABLE movement_rows RENAME TO movement_rows_old;
ALTER TABLE sale_line_rows RENAME TO sale_line_rows_old;
ALTER TABLE sale_rows RENAME TO sale_rows_old;

CREATE TABLE sale_rows (
    seq           INTEGER PRIMARY KEY,
    id            ANY NOT NULL UNIQUE CHECK (
                      CASE typeof(id)
                          WHEN 'blob' THEN length(id) = 16
                          WHEN 'text' THEN NOT (id GLOB '????????-????-????-????-????????????'
                                                AND length(unhex(replace(id, '-', ''))) = 16
                                                AND lower(id) = id)
                          ELSE 0 END),
    company_key   INTEGER NOT NULL REFERENCES companies (seq),
    warehouse_key INTEGER NOT NULL REFERENCES warehouses (seq),
    sold_at       TEXT NOT NULL,
    sold_ms       INTEGER,
    total         TEXT NOT NULL,
    note          TEXT,
    hlc           TEXT NOT NULL,
    hlc_clock     INTEGER,
    user_id       TEXT,
    device_key    INTEGER NOT NULL REFERENCES device_keys (key),
    number        TEXT
) STRICT;

CREATE TABLE sale_line_rows (
    sale_key    INTEGER NOT NULL REFERENCES sale_rows (seq),
    line_no     INTEGER NOT NULL,
    id          ANY NOT NULL UNIQUE CHECK (
                    CASE typeof(id)
                        WHEN 'blob' THEN length(id) = 16
                        WHEN 'text' THEN NOT (id GLOB '????????-????-????-????-????????????'
                                              AND length(unhex(replace(id, '-', ''))) = 16
                                              AND lower(id) = id)
                        ELSE 0 END),
    product_key INTEGER NOT NULL REFERENCES products (seq),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    unit_price  TEXT NOT NULL,
    line_total  TEXT NOT NULL,
    components  TEXT,
    PRIMARY KEY (sale_key, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE movement_rows (
    seq            INTEGER PRIMARY KEY,
    id             ANY NOT NULL UNIQUE CHECK (
                       CASE typeof(id)
                           WHEN 'blob' THEN length(id) = 16
                           WHEN 'text' THEN NOT (id GLOB '????????-????-????-????-????????????'
                                                 AND length(unhex(replace(id, '-', ''))) = 16
                                                 AND lower(id) = id)
                           ELSE 0 END),
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
    occurred_ms    INTEGER,
    hlc            TEXT NOT NULL,
    hlc_clock      INTEGER,
    user_id        TEXT,
    device_key     INTEGER NOT NULL REFERENCES device_keys (key),
    note           TEXT
) STRICT;

-- A return names its sale and line by their stored ids, which the foreign keys compare.
CREATE TABLE sale_return_rows (
    id           TEXT PRIMARY KEY,
    sale_id      ANY NOT NULL REFERENCES sale_rows (id),
    sale_line_id ANY NOT NULL REFERENCES sale_line_rows (id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    returned_at  TEXT NOT NULL,
    note         TEXT,
    hlc          TEXT NOT NULL,
    user_id      TEXT,
    device_id    TEXT NOT NULL
) STRICT;

INSERT INTO sale_rows (seq, id, company_key, warehouse_key, sold_at, sold_ms, total, note, hlc,
                       hlc_clock, user_id, device_key, number)
SELECT seq,
       CASE WHEN id GLOB '????????-????-????-????-????????????'
                 AND length(unhex(replace(id, '-', ''))) = 16 AND lower(id) = id
            THEN unhex(replace(id, '-', '')) ELSE id END,
       company_key, warehouse_key, sold_at, sold_ms, total, note, hlc, hlc_clock, user_id,
       device_key, number
FROM sale_rows_old ORDER BY seq;

INSERT INTO sale_line_rows (sale_key, line_no, id, product_key, quantity, unit_price, line_total,
                            components)
SELECT sale_key, line_no,
       CASE WHEN id GLOB '????????-????-????-????-????????????'
                 AND length(unhex(replace(id, '-', ''))) = 16 AND lower(id) = id
            THEN unhex(replace(id, '-', '')) ELSE id END,
       product_key, quantity, unit_price, line_total, components
FROM sale_line_rows_old ORDER BY sale_key, line_no;

INSERT INTO movement_rows (seq, id, company_key, product_key, warehouse_key, kind, quantity,
                           reason, reference_kind, reference_id, sale_key, occurred_at,
                           occurred_ms, hlc, hlc_clock, user_id, device_key, note)
SELECT seq,
       CASE WHEN id GLOB '????????-????-????-????-????????????'
                 AND length(unhex(replace(id, '-', ''))) = 16 AND lower(id) = id
            THEN unhex(replace(id, '-', '')) ELSE id END,
       company_key, product_key, warehouse_key, kind, quantity, reason, reference_kind,
       reference_id, sale_key, occurred_at, occurred_ms, hlc, hlc_clock, user_id, device_key,
       note
FROM movement_rows_old ORDER BY seq;

INSERT INTO sale_return_rows (id, sale_id, sale_line_id, quantity, returned_at, note, hlc, user_id,
                              device_id)
SELECT id,
       CASE WHEN sale_id GLOB '????????-????-????-????-????????????'
                 AND length(unhex(replace(sale_id, '-', ''))) = 16 AND lower(sale_id) = sale_id
            THEN unhex(replace(sale_id, '-', '')) ELSE sale_id END,
       CASE WHEN sale_line_id GLOB '????????-????-????-????-????????????'
                 AND length(unhex(replace(sale_line_id, '-', ''))) = 16
                 AND lower(sale_line_id) = sale_line_id
            THEN unhex(replace(sale_line_id, '-', '')) ELSE sale_line_id END,
       quantity, returned_at, note, hlc, user_id, device_id
FROM sale_returns_old;

-- Children before parents (the foreign keys are on). Their indexes and triggers go with them.
DROP TABLE sale_returns_old;
DROP TABLE sale_line_rows_old;
DROP TABLE sale_rows_old;
DROP TABLE movement_rows_old;

CREATE INDEX sale_return_rows_line ON sale_return_rows (sale_line_id);
CREATE INDEX sale_rows_company_sold_ms ON sale_rows (company_key, sold_ms);
CREATE INDEX sale_rows_number ON sale_rows (company_key, number) WHERE number IS NOT NULL;
CREATE INDEX movement_rows_company_time ON movement_rows (company_key, occurred_ms, seq);
CREATE INDEX movement_rows_warehouse_time ON movement_rows (warehouse_key, occurred_ms, seq);
CREATE INDEX movement_rows_product_time ON movement_rows (product_key, occurred_ms, seq);
CREATE INDEX movement_rows_kind_time ON movement_rows (company_key, kind, occurred_ms, seq);
CREATE INDEX movement_rows_reason_time
    ON movement_rows (company_key, reason COLLATE NOCASE, occurred_ms, seq)
    WHERE reason IS NOT NULL;
CREATE INDEX movement_rows_reference ON movement_rows (reference_id) WHERE reference_id IS NOT NULL;
CREATE INDEX movement_rows_sale ON movement_rows (sale_key) WHERE sale_key IS NOT NULL;
CREATE INDEX movement_rows_counts ON movement_rows (warehouse_key, product_key, occurred_ms)
    WHERE kind = 'count';
CREATE INDEX movement_rows_receipts ON movement_rows (product_key, occurred_ms)
    WHERE kind = 'receipt' AND reference_kind = 'purchase_order';

-- The ledger is append-only (DESIGN §2), through the view or not; an unfinished import's rows
-- are the one exception (0013).
CREATE TRIGGER movement_rows_append_only_update BEFORE UPDATE ON movement_rows BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER movement_rows_append_only_delete BEFORE DELETE ON movement_rows
WHEN NOT EXISTS (SELECT 1 FROM pending_imports p JOIN companies c ON c.id = p.company_id
                 WHERE c.seq = OLD.company_key) BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;

-- The views of 0016 and 0020 with the ids given back as text, and the stored ids beside them.
CREATE VIEW sales AS
SELECT s.seq,
       CASE WHEN typeof(s.id) = 'blob'
            THEN lower(substr(hex(s.id), 1, 8) || '-' || substr(hex(s.id), 9, 4) || '-'
                       || substr(hex(s.id), 13, 4) || '-' || substr(hex(s.id), 17, 4) || '-'
                       || substr(hex(s.id), 21))
            ELSE s.id END AS id,
       c.id AS company_id,
       (SELECT w.id FROM warehouses w WHERE w.seq = s.warehouse_key) AS warehouse_id,
       CASE WHEN s.sold_at = '' AND s.sold_ms IS NOT NULL
            THEN strftime('%Y-%m-%dT%H:%M:%S', s.sold_ms / 1000, 'unixepoch')
                 || printf('.%03dZ', s.sold_ms % 1000)
            ELSE s.sold_at END AS sold_at,
       s.total, s.note,
       CASE WHEN s.hlc_clock IS NULL THEN s.hlc
            ELSE printf('%013d-%06d-', s.hlc_clock / 1000000, s.hlc_clock % 1000000)
                 || (SELECT d.id FROM device_keys d WHERE d.key = s.device_key) END AS hlc,
       s.user_id, (SELECT d.id FROM device_keys d WHERE d.key = s.device_key) AS device_id,
       s.number, s.sold_ms, s.id AS stored_id
FROM sale_rows s
JOIN companies c ON c.seq = s.company_key;

CREATE VIEW sale_lines AS
SELECT CASE WHEN typeof(l.id) = 'blob'
            THEN lower(substr(hex(l.id), 1, 8) || '-' || substr(hex(l.id), 9, 4) || '-'
                       || substr(hex(l.id), 13, 4) || '-' || substr(hex(l.id), 17, 4) || '-'
                       || substr(hex(l.id), 21))
            ELSE l.id END AS id,
       CASE WHEN typeof(s.id) = 'blob'
            THEN lower(substr(hex(s.id), 1, 8) || '-' || substr(hex(s.id), 9, 4) || '-'
                       || substr(hex(s.id), 13, 4) || '-' || substr(hex(s.id), 17, 4) || '-'
                       || substr(hex(s.id), 21))
            ELSE s.id END AS sale_id,
       l.line_no, p.id AS product_id, l.quantity, l.unit_price, l.line_total, l.components,
       l.id AS stored_id, s.id AS stored_sale_id, l.sale_key
FROM sale_line_rows l
JOIN sale_rows s ON s.seq = l.sale_key
JOIN products p ON p.seq = l.product_key;

-- `reference_id` is computed: a filter on it reads every row. Queries filter on the stored
-- `reference_text` (not a sale of here) or `sale_key` instead, and on `occurred_ms`.
CREATE VIEW stock_movements AS
SELECT m.seq,
       CASE WHEN typeof(m.id) = 'blob'
            THEN lower(substr(hex(m.id), 1, 8) || '-' || substr(hex(m.id), 9, 4) || '-'
                       || substr(hex(m.id), 13, 4) || '-' || substr(hex(m.id), 17, 4) || '-'
                       || substr(hex(m.id), 21))
            ELSE m.id END AS id,
       c.id AS company_id, p.id AS product_id, w.id AS warehouse_id, m.kind,
       m.quantity, m.reason, m.reference_kind,
       CASE WHEN m.sale_key IS NULL THEN m.reference_id
            ELSE (SELECT CASE WHEN typeof(s.id) = 'blob'
                              THEN lower(substr(hex(s.id), 1, 8) || '-' || substr(hex(s.id), 9, 4)
                                         || '-' || substr(hex(s.id), 13, 4) || '-'
                                         || substr(hex(s.id), 17, 4) || '-' || substr(hex(s.id), 21))
                              ELSE s.id END
                  FROM sale_rows s WHERE s.seq = m.sale_key) END AS reference_id,
       CASE WHEN m.occurred_at = '' AND m.occurred_ms IS NOT NULL
            THEN strftime('%Y-%m-%dT%H:%M:%S', m.occurred_ms / 1000, 'unixepoch')
                 || printf('.%03dZ', m.occurred_ms % 1000)
            ELSE m.occurred_at END AS occurred_at,
       CASE WHEN m.hlc_clock IS NULL THEN m.hlc
            ELSE printf('%013d-%06d-', m.hlc_clock / 1000000, m.hlc_clock % 1000000)
                 || (SELECT d.id FROM device_keys d WHERE d.key = m.device_key) END AS hlc,
       m.user_id,
       (SELECT d.id FROM device_keys d WHERE d.key = m.device_key) AS device_id, m.note,
       m.reference_id AS reference_text, m.sale_key, m.occurred_ms, m.id AS stored_id
FROM movement_rows m
JOIN companies c ON c.seq = m.company_key
JOIN products p ON p.seq = m.product_key
JOIN warehouses w ON w.seq = m.warehouse_key;

CREATE VIEW sale_returns AS
SELECT r.id,
       CASE WHEN typeof(r.sale_id) = 'blob'
            THEN lower(substr(hex(r.sale_id), 1, 8) || '-' || substr(hex(r.sale_id), 9, 4) || '-'
                       || substr(hex(r.sale_id), 13, 4) || '-' || substr(hex(r.sale_id), 17, 4)
                       || '-' || substr(hex(r.sale_id), 21))
            ELSE r.sale_id END AS sale_id,
       CASE WHEN typeof(r.sale_line_id) = 'blob'
            THEN lower(substr(hex(r.sale_line_id), 1, 8) || '-' || substr(hex(r.sale_line_id), 9, 4)
                       || '-' || substr(hex(r.sale_line_id), 13, 4) || '-'
                       || substr(hex(r.sale_line_id), 17, 4) || '-'
                       || substr(hex(r.sale_line_id), 21))
            ELSE r.sale_line_id END AS sale_line_id,
       r.quantity, r.returned_at, r.note, r.hlc, r.user_id, r.device_id,
       r.sale_id AS stored_sale_id, r.sale_line_id AS stored_sale_line_id
FROM sale_return_rows r;

-- Writes through the views store the ids as bytes whenever they are UUIDs in the usual form,
-- and keep 0020's short clocks and times.
CREATE TRIGGER sales_insert INSTEAD OF INSERT ON sales BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
    INSERT INTO sale_rows (id, company_key, warehouse_key, sold_at, sold_ms, total, note, hlc,
                           hlc_clock, user_id, device_key, number)
    SELECT CASE WHEN NEW.id GLOB '????????-????-????-????-????????????'
                     AND length(unhex(replace(NEW.id, '-', ''))) = 16 AND lower(NEW.id) = NEW.id
                THEN unhex(replace(NEW.id, '-', '')) ELSE NEW.id END,
            COALESCE((SELECT seq FROM companies WHERE id = NEW.company_id), -1),
            COALESCE((SELECT seq FROM warehouses WHERE id = NEW.warehouse_id), -1),
            CASE WHEN time.short THEN '' ELSE NEW.sold_at END, time.ms,
            NEW.total, NEW.note,
            CASE WHEN clock.short THEN '' ELSE NEW.hlc END,
            CASE WHEN clock.short THEN clock.value END,
            NEW.user_id, (SELECT key FROM device_keys WHERE id = NEW.device_id), NEW.number
    FROM (SELECT wall * 1000000 + counter AS value,
                 wall <= 9223372036853
                 AND NEW.hlc = printf('%013d-%06d-', wall, counter) || NEW.device_id AS short
          FROM (SELECT CAST(substr(NEW.hlc, 1, 13) AS INTEGER) AS wall,
                       CAST(substr(NEW.hlc, 15, 6) AS INTEGER) AS counter)) clock,
         (SELECT ms, ms >= 0 AND NEW.sold_at = strftime('%Y-%m-%dT%H:%M:%S', ms / 1000, 'unixepoch')
                                               || printf('.%03dZ', ms % 1000) AS short
          FROM (SELECT CAST(round((julianday(NEW.sold_at) - 2440587.5) * 86400000) AS INTEGER)
                       AS ms)) time;
END;

CREATE TRIGGER sale_lines_insert INSTEAD OF INSERT ON sale_lines BEGIN
    INSERT INTO sale_line_rows (sale_key, line_no, id, product_key, quantity, unit_price,
                                line_total, components)
    VALUES (COALESCE((SELECT seq FROM sale_rows
                      WHERE id = CASE WHEN NEW.sale_id GLOB '????????-????-????-????-????????????'
                                           AND length(unhex(replace(NEW.sale_id, '-', ''))) = 16
                                           AND lower(NEW.sale_id) = NEW.sale_id
                                      THEN unhex(replace(NEW.sale_id, '-', ''))
                                      ELSE NEW.sale_id END), -1),
            NEW.line_no,
            CASE WHEN NEW.id GLOB '????????-????-????-????-????????????'
                      AND length(unhex(replace(NEW.id, '-', ''))) = 16 AND lower(NEW.id) = NEW.id
                 THEN unhex(replace(NEW.id, '-', '')) ELSE NEW.id END,
            COALESCE((SELECT seq FROM products WHERE id = NEW.product_id), -1),
            NEW.quantity, NEW.unit_price, NEW.line_total, NEW.components);
END;

CREATE TRIGGER stock_movements_insert INSTEAD OF INSERT ON stock_movements BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
    INSERT INTO movement_rows (id, company_key, product_key, warehouse_key, kind, quantity,
                               reason, reference_kind, reference_id, sale_key, occurred_at,
                               occurred_ms, hlc, hlc_clock, user_id, device_key, note)
    SELECT CASE WHEN NEW.id GLOB '????????-????-????-????-????????????'
                     AND length(unhex(replace(NEW.id, '-', ''))) = 16 AND lower(NEW.id) = NEW.id
                THEN unhex(replace(NEW.id, '-', '')) ELSE NEW.id END,
            COALESCE((SELECT seq FROM companies WHERE id = NEW.company_id), -1),
            COALESCE((SELECT seq FROM products WHERE id = NEW.product_id), -1),
            COALESCE((SELECT seq FROM warehouses WHERE id = NEW.warehouse_id), -1),
            NEW.kind, NEW.quantity, NEW.reason, NEW.reference_kind,
            CASE WHEN sale.seq IS NULL THEN NEW.reference_id END, sale.seq,
            CASE WHEN time.short THEN '' ELSE NEW.occurred_at END, time.ms,
            CASE WHEN clock.short THEN '' ELSE NEW.hlc END,
            CASE WHEN clock.short THEN clock.value END,
            NEW.user_id,
            (SELECT key FROM device_keys WHERE id = NEW.device_id), NEW.note
    FROM (SELECT (SELECT seq FROM sale_rows
                  WHERE NEW.reference_kind = 'sale'
                    AND id = CASE WHEN NEW.reference_id GLOB '????????-????-????-????-????????????'
                                       AND length(unhex(replace(NEW.reference_id, '-', ''))) = 16
                                       AND lower(NEW.reference_id) = NEW.reference_id
                                  THEN unhex(replace(NEW.reference_id, '-', ''))
                                  ELSE NEW.reference_id END) AS seq) sale,
         (SELECT wall * 1000000 + counter AS value,
                 wall <= 9223372036853
                 AND NEW.hlc = printf('%013d-%06d-', wall, counter) || NEW.device_id AS short
          FROM (SELECT CAST(substr(NEW.hlc, 1, 13) AS INTEGER) AS wall,
                       CAST(substr(NEW.hlc, 15, 6) AS INTEGER) AS counter)) clock,
         (SELECT ms, ms >= 0 AND NEW.occurred_at = strftime('%Y-%m-%dT%H:%M:%S', ms / 1000, 'unixepoch')
                                                   || printf('.%03dZ', ms % 1000) AS short
          FROM (SELECT CAST(round((julianday(NEW.occurred_at) - 2440587.5) * 86400000) AS INTEGER)
                       AS ms)) time;
END;

CREATE TRIGGER stock_movements_append_only_update INSTEAD OF UPDATE ON stock_movements BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_append_only_delete INSTEAD OF DELETE ON stock_movements BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;

CREATE TRIGGER sale_returns_insert INSTEAD OF INSERT ON sale_returns BEGIN
    INSERT INTO sale_return_rows (id, sale_id, sale_line_id, quantity, returned_at, note, hlc,
                                  user_id, device_id)
    VALUES (NEW.id,
            CASE WHEN NEW.sale_id GLOB '????????-????-????-????-????????????'
                      AND length(unhex(replace(NEW.sale_id, '-', ''))) = 16
                      AND lower(NEW.sale_id) = NEW.sale_id
                 THEN unhex(replace(NEW.sale_id, '-', '')) ELSE NEW.sale_id END,
            CASE WHEN NEW.sale_line_id GLOB '????????-????-????-????-????????????'
                      AND length(unhex(replace(NEW.sale_line_id, '-', ''))) = 16
                      AND lower(NEW.sale_line_id) = NEW.sale_line_id
                 THEN unhex(replace(NEW.sale_line_id, '-', '')) ELSE NEW.sale_line_id END,
            NEW.quantity, NEW.returned_at, NEW.note, NEW.hlc, NEW.user_id, NEW.device_id);
END;
