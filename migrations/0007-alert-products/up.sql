-- Everything the alert query reads per product in one small row keyed by the product's seq:
-- one seek per alert row where there were two (the products' wide rows, then the supplier
-- choice). Kept by triggers, like the rest of what alerts read (0005).

CREATE TABLE alert_products (
    seq             INTEGER PRIMARY KEY,
    sku             TEXT NOT NULL,
    name            TEXT NOT NULL,
    archived        INTEGER NOT NULL,
    product_type_id TEXT,
    -- The supplier alerts and reorders go to (DESIGN §3 order), and its terms; NULL: none.
    supplier_id     TEXT,
    lead_time_days  INTEGER,
    moq             INTEGER,
    pack_multiple   INTEGER
) STRICT;

INSERT INTO alert_products
SELECT p.seq, p.sku, p.name, p.archived, p.product_type_id,
       c.supplier_id, c.lead_time_days, c.moq, c.pack_multiple
FROM products p
LEFT JOIN product_supplier_choice c ON c.product_seq = p.seq;

DROP TRIGGER product_supplier_choice_on_insert;
DROP TRIGGER product_supplier_choice_on_update;
DROP TRIGGER product_supplier_choice_on_delete;
DROP TRIGGER product_supplier_choice_on_supplier;
DROP TABLE product_supplier_choice;

CREATE TRIGGER alert_products_on_insert AFTER INSERT ON products BEGIN
    INSERT INTO alert_products (seq, sku, name, archived, product_type_id)
    VALUES (NEW.seq, NEW.sku, NEW.name, NEW.archived, NEW.product_type_id);
END;
CREATE TRIGGER alert_products_on_update AFTER UPDATE OF sku, name, archived, product_type_id ON products BEGIN
    UPDATE alert_products
    SET sku = NEW.sku, name = NEW.name, archived = NEW.archived, product_type_id = NEW.product_type_id
    WHERE seq = NEW.seq;
END;

-- The supplier choice of one product again, after its links or a supplier's name changed:
-- DESIGN §3 order, preferred first, then lead time, unit cost, name.
CREATE TRIGGER alert_products_on_link_insert AFTER INSERT ON product_suppliers BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple
        FROM product_suppliers l JOIN suppliers s ON s.id = l.supplier_id
        WHERE l.product_id = NEW.product_id
        ORDER BY l.preferred DESC, l.lead_time_days, CAST(l.unit_cost AS REAL), s.name, s.id
        LIMIT 1)
    WHERE seq = (SELECT seq FROM products WHERE id = NEW.product_id);
END;
CREATE TRIGGER alert_products_on_link_update AFTER UPDATE ON product_suppliers BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple
        FROM product_suppliers l JOIN suppliers s ON s.id = l.supplier_id
        WHERE l.product_id = (SELECT p.id FROM products p WHERE p.seq = alert_products.seq)
        ORDER BY l.preferred DESC, l.lead_time_days, CAST(l.unit_cost AS REAL), s.name, s.id
        LIMIT 1)
    WHERE seq IN (SELECT seq FROM products WHERE id IN (OLD.product_id, NEW.product_id));
END;
CREATE TRIGGER alert_products_on_link_delete AFTER DELETE ON product_suppliers BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple
        FROM product_suppliers l JOIN suppliers s ON s.id = l.supplier_id
        WHERE l.product_id = OLD.product_id
        ORDER BY l.preferred DESC, l.lead_time_days, CAST(l.unit_cost AS REAL), s.name, s.id
        LIMIT 1)
    WHERE seq = (SELECT seq FROM products WHERE id = OLD.product_id);
END;
CREATE TRIGGER alert_products_on_supplier AFTER UPDATE OF name ON suppliers
WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE alert_products SET (supplier_id, lead_time_days, moq, pack_multiple) = (
        SELECT l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple
        FROM product_suppliers l JOIN suppliers s ON s.id = l.supplier_id
        WHERE l.product_id = (SELECT p.id FROM products p WHERE p.seq = alert_products.seq)
        ORDER BY l.preferred DESC, l.lead_time_days, CAST(l.unit_cost AS REAL), s.name, s.id
        LIMIT 1)
    WHERE seq IN (SELECT p.seq FROM product_suppliers l JOIN products p ON p.id = l.product_id
                  WHERE l.supplier_id = NEW.id);
END;
