-- Issue #16: when a sale was made and when a movement happened are kept as integer
-- milliseconds since 1970 (UTC), `sold_ms` and `occurred_ms`, and the text columns are left
-- empty: the views rebuild the same text, `YYYY-MM-DDTHH:MM:SS.sssZ`, from the integer, so
-- every reader and every sync payload sees exactly what it saw before. A time that the integer
-- would not give back to the character (another form of RFC 3339, such as `...:00Z` or an
-- offset; a time before 1970; anything unusual) keeps its text as it was, with the integer
-- still set when SQLite can read the time, so that every time sorts and filters by `_ms`.
-- Queries filter and order on the integers (the indexes hold them), never on the rebuilt text.

ALTER TABLE sale_rows ADD COLUMN sold_ms INTEGER;
ALTER TABLE movement_rows ADD COLUMN occurred_ms INTEGER;

-- The rows already here: rewritten once, in place (as 0019 did for the clocks).
DROP TRIGGER movement_rows_append_only_update;
UPDATE sale_rows SET sold_ms = CAST(round((julianday(sold_at) - 2440587.5) * 86400000) AS INTEGER);
UPDATE sale_rows SET sold_at = ''
WHERE sold_ms >= 0
  AND sold_at = strftime('%Y-%m-%dT%H:%M:%S', sold_ms / 1000, 'unixepoch')
                || printf('.%03dZ', sold_ms % 1000);
UPDATE movement_rows
SET occurred_ms = CAST(round((julianday(occurred_at) - 2440587.5) * 86400000) AS INTEGER);
UPDATE movement_rows SET occurred_at = ''
WHERE occurred_ms >= 0
  AND occurred_at = strftime('%Y-%m-%dT%H:%M:%S', occurred_ms / 1000, 'unixepoch')
                    || printf('.%03dZ', occurred_ms % 1000);
CREATE TRIGGER movement_rows_append_only_update BEFORE UPDATE ON movement_rows BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;

-- Every index on a time, again on the integer.
DROP INDEX sale_rows_company_sold_at;
DROP INDEX movement_rows_company_time;
DROP INDEX movement_rows_warehouse_time;
DROP INDEX movement_rows_product_time;
DROP INDEX movement_rows_kind_time;
DROP INDEX movement_rows_reason_time;
DROP INDEX movement_rows_counts;
DROP INDEX movement_rows_receipts;
CREATE INDEX sale_rows_company_sold_ms ON sale_rows (company_key, sold_ms);
CREATE INDEX movement_rows_company_time ON movement_rows (company_key, occurred_ms, seq);
CREATE INDEX movement_rows_warehouse_time ON movement_rows (warehouse_key, occurred_ms, seq);
CREATE INDEX movement_rows_product_time ON movement_rows (product_key, occurred_ms, seq);
CREATE INDEX movement_rows_kind_time ON movement_rows (company_key, kind, occurred_ms, seq);
CREATE INDEX movement_rows_reason_time
    ON movement_rows (company_key, reason COLLATE NOCASE, occurred_ms, seq)
    WHERE reason IS NOT NULL;
CREATE INDEX movement_rows_counts ON movement_rows (warehouse_key, product_key, occurred_ms)
    WHERE kind = 'count';
CREATE INDEX movement_rows_receipts ON movement_rows (product_key, occurred_ms)
    WHERE kind = 'receipt' AND reference_kind = 'purchase_order';

-- The views of 0019 with the times rebuilt and their integers beside them; dropping a view
-- drops its triggers, made again below.
DROP VIEW sales;
DROP VIEW stock_movements;

CREATE VIEW sales AS
SELECT s.seq, s.id, c.id AS company_id,
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
       s.number, s.sold_ms
FROM sale_rows s
JOIN companies c ON c.seq = s.company_key;

-- `reference_id` is computed: a filter on it reads every row. Queries filter on the stored
-- `reference_text` (not a sale of here) or `sale_key` instead, and on `occurred_ms`.
CREATE VIEW stock_movements AS
SELECT m.seq, m.id, c.id AS company_id, p.id AS product_id, w.id AS warehouse_id, m.kind,
       m.quantity, m.reason, m.reference_kind,
       CASE WHEN m.sale_key IS NULL THEN m.reference_id
            ELSE (SELECT s.id FROM sale_rows s WHERE s.seq = m.sale_key) END AS reference_id,
       CASE WHEN m.occurred_at = '' AND m.occurred_ms IS NOT NULL
            THEN strftime('%Y-%m-%dT%H:%M:%S', m.occurred_ms / 1000, 'unixepoch')
                 || printf('.%03dZ', m.occurred_ms % 1000)
            ELSE m.occurred_at END AS occurred_at,
       CASE WHEN m.hlc_clock IS NULL THEN m.hlc
            ELSE printf('%013d-%06d-', m.hlc_clock / 1000000, m.hlc_clock % 1000000)
                 || (SELECT d.id FROM device_keys d WHERE d.key = m.device_key) END AS hlc,
       m.user_id,
       (SELECT d.id FROM device_keys d WHERE d.key = m.device_key) AS device_id, m.note,
       m.reference_id AS reference_text, m.sale_key, m.occurred_ms
FROM movement_rows m
JOIN companies c ON c.seq = m.company_key
JOIN products p ON p.seq = m.product_key
JOIN warehouses w ON w.seq = m.warehouse_key;

-- Writes through the views keep the short forms whenever they give the text back.
CREATE TRIGGER sales_insert INSTEAD OF INSERT ON sales BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
    INSERT INTO sale_rows (id, company_key, warehouse_key, sold_at, sold_ms, total, note, hlc,
                           hlc_clock, user_id, device_key, number)
    SELECT NEW.id,
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

CREATE TRIGGER stock_movements_insert INSTEAD OF INSERT ON stock_movements BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
    INSERT INTO movement_rows (id, company_key, product_key, warehouse_key, kind, quantity,
                               reason, reference_kind, reference_id, sale_key, occurred_at,
                               occurred_ms, hlc, hlc_clock, user_id, device_key, note)
    SELECT NEW.id,
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
                  WHERE NEW.reference_kind = 'sale' AND id = NEW.reference_id) AS seq) sale,
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
