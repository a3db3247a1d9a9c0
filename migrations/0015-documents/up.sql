-- Issue #17 items 3 and 5: what a printed order or receipt says of the company, a draft
-- order's lines that can be taken off, and a product's supplier link that can be removed.
-- The company's profile, printed on purchase orders and sale receipts; synced fields like its
-- name. NULL when not given.
ALTER TABLE companies ADD COLUMN address TEXT;
ALTER TABLE companies ADD COLUMN phone TEXT;
ALTER TABLE companies ADD COLUMN email TEXT;
ALTER TABLE companies ADD COLUMN tax_id TEXT;
-- A line taken off a draft order. Synced rows are never deleted (DESIGN §4): taking a line off
-- is a field, so an edit on another device merges with it field by field.
ALTER TABLE purchase_order_lines ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
-- A supplier link removed from a product (the same rule): linking the pair again revives it.
ALTER TABLE product_suppliers ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;

-- The supplier choice of a product (DESIGN §3 order: preferred, lead time, unit cost, name)
-- leaves removed links out, and compares costs exactly (`sf_decimal_key`, a sortable text of
-- the decimal; the casts to REAL it replaces could tie or misorder costs with many digits).
DROP TRIGGER alert_products_on_link_insert;
DROP TRIGGER alert_products_on_link_update;
DROP TRIGGER alert_products_on_link_delete;
DROP TRIGGER alert_products_on_supplier;
CREATE TRIGGER alert_products_on_link_insert AFTER INSERT ON product_suppliers BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple
        FROM product_suppliers l JOIN suppliers s ON s.id = l.supplier_id
        WHERE l.product_id = NEW.product_id AND l.archived = 0
        ORDER BY l.preferred DESC, l.lead_time_days, sf_decimal_key(l.unit_cost), s.name, s.id
        LIMIT 1)
    WHERE seq = (SELECT seq FROM products WHERE id = NEW.product_id);
END;
CREATE TRIGGER alert_products_on_link_update AFTER UPDATE ON product_suppliers BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple
        FROM product_suppliers l JOIN suppliers s ON s.id = l.supplier_id
        WHERE l.product_id = (SELECT p.id FROM products p WHERE p.seq = alert_products.seq)
          AND l.archived = 0
        ORDER BY l.preferred DESC, l.lead_time_days, sf_decimal_key(l.unit_cost), s.name, s.id
        LIMIT 1)
    WHERE seq IN (SELECT seq FROM products WHERE id IN (OLD.product_id, NEW.product_id));
END;
CREATE TRIGGER alert_products_on_link_delete AFTER DELETE ON product_suppliers BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple
        FROM product_suppliers l JOIN suppliers s ON s.id = l.supplier_id
        WHERE l.product_id = OLD.product_id AND l.archived = 0
        ORDER BY l.preferred DESC, l.lead_time_days, sf_decimal_key(l.unit_cost), s.name, s.id
        LIMIT 1)
    WHERE seq = (SELECT seq FROM products WHERE id = OLD.product_id);
END;
CREATE TRIGGER alert_products_on_supplier AFTER UPDATE OF name ON suppliers
WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple
        FROM product_suppliers l JOIN suppliers s ON s.id = l.supplier_id
        WHERE l.product_id = (SELECT p.id FROM products p WHERE p.seq = alert_products.seq)
          AND l.archived = 0
        ORDER BY l.preferred DESC, l.lead_time_days, sf_decimal_key(l.unit_cost), s.name, s.id
        LIMIT 1)
    WHERE seq IN (SELECT p.seq FROM product_suppliers l JOIN products p ON p.id = l.product_id
                  WHERE l.supplier_id = NEW.id);
END;
