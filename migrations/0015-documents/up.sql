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

-- The supplier choice of a product, written once: DESIGN §3's order (preferred, then the
-- shortest lead time, the lowest unit cost, the name, the id) as one sortable key per live
-- link. Costs compare exactly (`sf_decimal_key`: the casts to REAL it replaces could tie or
-- misorder costs with many digits); names cannot hold control characters, so char(1) ends a
-- name below anything that could follow it. Removed links are left out.
CREATE VIEW supplier_choice AS
SELECT l.product_id, l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple,
       (1 - l.preferred) || printf('%05d', l.lead_time_days) || sf_decimal_key(l.unit_cost)
           || s.name || char(1) || s.id AS choice_key
FROM product_suppliers l JOIN suppliers s ON s.id = l.supplier_id
WHERE l.archived = 0;

DROP TRIGGER alert_products_on_link_insert;
DROP TRIGGER alert_products_on_link_update;
DROP TRIGGER alert_products_on_link_delete;
DROP TRIGGER alert_products_on_supplier;
CREATE TRIGGER alert_products_on_link_insert AFTER INSERT ON product_suppliers BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT supplier_id, lead_time_days, moq, pack_multiple FROM supplier_choice
        WHERE product_id = NEW.product_id ORDER BY choice_key LIMIT 1)
    WHERE seq = (SELECT seq FROM products WHERE id = NEW.product_id);
END;
CREATE TRIGGER alert_products_on_link_update AFTER UPDATE ON product_suppliers BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT c.supplier_id, c.lead_time_days, c.moq, c.pack_multiple FROM supplier_choice c
        WHERE c.product_id = (SELECT p.id FROM products p WHERE p.seq = alert_products.seq)
        ORDER BY c.choice_key LIMIT 1)
    WHERE seq IN (SELECT seq FROM products WHERE id IN (OLD.product_id, NEW.product_id));
END;
CREATE TRIGGER alert_products_on_link_delete AFTER DELETE ON product_suppliers BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT supplier_id, lead_time_days, moq, pack_multiple FROM supplier_choice
        WHERE product_id = OLD.product_id ORDER BY choice_key LIMIT 1)
    WHERE seq = (SELECT seq FROM products WHERE id = OLD.product_id);
END;
CREATE TRIGGER alert_products_on_supplier AFTER UPDATE OF name ON suppliers
WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT c.supplier_id, c.lead_time_days, c.moq, c.pack_multiple FROM supplier_choice c
        WHERE c.product_id = (SELECT p.id FROM products p WHERE p.seq = alert_products.seq)
        ORDER BY c.choice_key LIMIT 1)
    WHERE seq IN (SELECT p.seq FROM product_suppliers l JOIN products p ON p.id = l.product_id
                  WHERE l.supplier_id = NEW.id);
END;
