-- 0011: a charged cart is charged once. The till's cart carries an id from the moment it starts;
-- the sale it becomes keeps that id (unique), and the draft cart lives here so the sale's commit
-- clears it in the same transaction: a crash after the commit cannot bring the cart back, and a
-- second Charge of the same cart finds the first sale instead of making another.
-- SHIPPED: never edit this file; add a new numbered migration instead.
ALTER TABLE sales ADD COLUMN cart_id TEXT;
CREATE UNIQUE INDEX sales_cart_id ON sales (cart_id) WHERE cart_id IS NOT NULL;
CREATE TABLE draft_cart (
    slot INTEGER PRIMARY KEY CHECK (slot = 1),
    cart_id TEXT NOT NULL,
    body TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
