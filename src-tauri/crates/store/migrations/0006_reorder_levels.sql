-- 0004: each goods item's reorder level: the Stock screen marks the item low when its stock on hand
-- falls below it. Items without a row use the shop's default. Not a fiscal record (KRA never sees
-- it), so a level is replaced or removed freely. SHIPPED: never edit this file; add a new numbered
-- migration instead.
CREATE TABLE reorder_levels (
    item_code       TEXT PRIMARY KEY REFERENCES items(code),
    level           INTEGER NOT NULL CHECK (level >= 0)
);
