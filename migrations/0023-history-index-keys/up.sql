-- Issue #16: the movements' history indexes without a second copy of the row's key.
--
-- Every entry of an index on a rowid table ends with the row's rowid, and `seq` is that rowid
-- (INTEGER PRIMARY KEY). 0020 listed `seq` as the indexes' last column as well, so each entry
-- held it twice: about 4.5 bytes more per entry, in four indexes that have an entry for every
-- movement (about 20 bytes per sale at scale M). Without the column the entries are in the
-- same order, (..., occurred_ms, rowid), and SQLite's planner knows it: the history's
-- `ORDER BY m.occurred_ms DESC, m.seq DESC` is still read from the index, with no sort.
DROP INDEX movement_rows_company_time;
DROP INDEX movement_rows_warehouse_time;
DROP INDEX movement_rows_product_time;
DROP INDEX movement_rows_kind_time;
DROP INDEX movement_rows_reason_time;

CREATE INDEX movement_rows_company_time ON movement_rows (company_key, occurred_ms);
CREATE INDEX movement_rows_warehouse_time ON movement_rows (warehouse_key, occurred_ms);
CREATE INDEX movement_rows_product_time ON movement_rows (product_key, occurred_ms);
CREATE INDEX movement_rows_kind_time ON movement_rows (company_key, kind, occurred_ms);
CREATE INDEX movement_rows_reason_time
    ON movement_rows (company_key, reason COLLATE NOCASE, occurred_ms)
    WHERE reason IS NOT NULL;
