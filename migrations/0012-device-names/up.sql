-- Which computer made a change, in words (issue #13): the name an owner gives each device, per
-- company, synced so every device of the shop shows it; and, kept locally, when each product
-- and warehouse pair last moved on another device, for the Stock screen.

-- One row per company and device, with a name-based id (v5 of the pair) so that two writes of
-- the same device's name merge into one row. Catalog row: the name is last writer wins.
CREATE TABLE device_names (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    device_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    UNIQUE (company_id, device_id)
) STRICT;

-- The latest movement of each pair that arrived from another device (written when sync applies
-- one, never by this device's own writes). Local, derived, never synced.
CREATE TABLE stock_changes_elsewhere (
    product_id  TEXT NOT NULL,
    warehouse_id TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    PRIMARY KEY (product_id, warehouse_id)
) STRICT, WITHOUT ROWID;

INSERT INTO stock_changes_elsewhere (product_id, warehouse_id, device_id, occurred_at)
SELECT product_id, warehouse_id, device_id, MAX(occurred_at)
  FROM stock_movements
 WHERE device_id <> (SELECT device_id FROM device)
 GROUP BY product_id, warehouse_id;

-- What a later edit overwrote (issue #13): a product field this device had changed since its
-- last pull, met by another device's change of the same field. The change with the later clock
-- won (last writer wins, as always); this keeps the losing value beside the winning one until
-- someone keeps the result. Local: each device notes what it saw.
CREATE TABLE sync_overwrites (
    id           TEXT PRIMARY KEY,
    company_id   TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    field        TEXT NOT NULL,
    kept_value   TEXT,
    kept_device  TEXT NOT NULL,
    lost_value   TEXT,
    lost_device  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    kept_at      TEXT
) STRICT;
CREATE INDEX sync_overwrites_open ON sync_overwrites (company_id, recorded_at) WHERE kept_at IS NULL;
