-- What one unit of a kit line took when it was sold: a JSON object of component id to units
-- per kit, fixed at the sale. A return puts back exactly that, whatever the recipe is by then.
-- NULL for a plain product's line (it took itself) and for lines sold before this column.
-- It is part of the sale line and syncs with it.
ALTER TABLE sale_lines ADD COLUMN components TEXT;
