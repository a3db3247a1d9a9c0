-- SKUs and barcodes are unique per company by their key: NFKC, then full Unicode case
-- folding (`validate::key`, registered as the SQL function `sf_key`), so that `äpfel` and
-- `ÄPFEL`, or `ＭＵＧ` and `mug`, are one code (issue #14). The NOCASE unique index on the SKU
-- stays: what it refuses, the key refuses too. The keys are not unique indexes because data
-- from before may hold two products that only the new rule calls duplicates; the core refuses
-- new ones, and sync keeps both and suffixes the later claimant (`sync/apply.rs`).
ALTER TABLE products ADD COLUMN sku_key TEXT;
ALTER TABLE products ADD COLUMN barcode_key TEXT;
UPDATE products SET sku_key = sf_key(sku), barcode_key = sf_key(barcode);
CREATE INDEX products_company_sku_key ON products (company_id, sku_key);
CREATE INDEX products_company_barcode_key ON products (company_id, barcode_key)
    WHERE barcode_key IS NOT NULL;

-- Kept by triggers, so that no write path (app, import, sync) can forget them.
CREATE TRIGGER products_keys_on_insert AFTER INSERT ON products BEGIN
    UPDATE products SET sku_key = sf_key(NEW.sku), barcode_key = sf_key(NEW.barcode)
    WHERE seq = NEW.seq;
END;
CREATE TRIGGER products_keys_on_update AFTER UPDATE OF sku, barcode ON products BEGIN
    UPDATE products SET sku_key = sf_key(NEW.sku), barcode_key = sf_key(NEW.barcode)
    WHERE seq = NEW.seq;
END;
