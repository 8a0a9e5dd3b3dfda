-- 0013: signed receipts to hand over. Every original sale receipt printed is recorded here, as
-- provisional (no KRA signature on it yet) or signed (KRA's QR and signature fields on it). A sale
-- whose provisional receipt went to the customer and that KRA has signed since, with no signed
-- original printed yet, is on the till's "signed receipts to hand over" list; printing its signed
-- original takes it off. Rows are facts about paper that left the printer: never changed or
-- deleted. No fiscal row is touched.
-- SHIPPED: never edit this file; add a new numbered migration instead.
CREATE TABLE receipt_prints (
    id          INTEGER PRIMARY KEY,
    sale_id     INTEGER NOT NULL REFERENCES sales(id),
    signed      INTEGER NOT NULL CHECK (signed IN (0, 1)),
    printed_at  TEXT NOT NULL
);
CREATE INDEX receipt_prints_sale ON receipt_prints (sale_id, signed);
CREATE TRIGGER receipt_prints_immutable_u BEFORE UPDATE ON receipt_prints
BEGIN SELECT RAISE(ABORT, 'a printed receipt is a fact: never changed'); END;
CREATE TRIGGER receipt_prints_immutable_d BEFORE DELETE ON receipt_prints
BEGIN SELECT RAISE(ABORT, 'a printed receipt is a fact: never deleted'); END;
