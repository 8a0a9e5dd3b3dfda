-- 0004: KRA's running stock total per item, shop preferences, item compositions.
-- SHIPPED once released: never edit this file; add a new numbered migration instead.

-- The quantity KRA holds for each item: the sum of the movements whose insertStockIO KRA
-- accepted, kept up to date in the transaction that settles an accepted insertStockIO, so a
-- saveStockMaster costs O(items in the document) instead of a sum over every movement.
CREATE TABLE kra_stock_totals (
    item_code       TEXT PRIMARY KEY REFERENCES items(code),
    qty             INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO kra_stock_totals (item_code, qty)
SELECT m.item_code, sum(m.signed_qty) FROM stock_movements m
WHERE EXISTS (
    SELECT 1 FROM outbox o WHERE o.kind = 'stock_io' AND o.state = 'done'
      AND o.document_kind = 'stock_document' AND o.document_id = m.document_id)
GROUP BY m.item_code;

-- Shop-wide choices the owner makes in Settings (e.g. `stock_policy`).
CREATE TABLE shop_preferences (
    name            TEXT PRIMARY KEY,
    value           TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) WITHOUT ROWID;

-- What a finished item is made of, one line per component, as saved by the shop (sent to KRA
-- with saveItemComposition, one call per line, through the outbox). Append-only: a newer save of
-- the same component supersedes the older line on KRA's side as well.
CREATE TABLE item_compositions (
    id              INTEGER PRIMARY KEY,
    item_code       TEXT NOT NULL REFERENCES items(code),
    component_code  TEXT NOT NULL REFERENCES items(code),
    qty             INTEGER NOT NULL CHECK (qty > 0),
    saved_at        TEXT NOT NULL,
    user_name       TEXT NOT NULL,
    CHECK (component_code != item_code)
);
CREATE INDEX item_compositions_item ON item_compositions(item_code, component_code);

CREATE TRIGGER item_compositions_no_update BEFORE UPDATE ON item_compositions
BEGIN SELECT RAISE(ABORT, 'a saved composition line is never changed'); END;
CREATE TRIGGER item_compositions_no_delete BEFORE DELETE ON item_compositions
BEGIN SELECT RAISE(ABORT, 'a saved composition line is never deleted'); END;
