-- 0004 (books): Z reports. SHIPPED: never edit this file; add a new numbered migration instead.
-- A Z report closes the day: it covers every sale and credit note committed after the previous Z
-- (by row id, so a clock change cannot make a document fall between two Z reports), and its
-- figures are frozen here at issue. Numbers are gap-free and never re-issued; a reprint is a copy.
CREATE TABLE z_reports (
    number              INTEGER PRIMARY KEY CHECK (number >= 1),
    issued_at           TEXT NOT NULL,
    user_name           TEXT NOT NULL,
    after_sale_id       INTEGER NOT NULL,
    last_sale_id        INTEGER NOT NULL CHECK (last_sale_id >= after_sale_id),
    after_credit_note_id INTEGER NOT NULL,
    last_credit_note_id INTEGER NOT NULL CHECK (last_credit_note_id >= after_credit_note_id),
    figures_json        TEXT NOT NULL
);

CREATE TRIGGER z_reports_gap_free BEFORE INSERT ON z_reports
WHEN NEW.number IS NOT (SELECT coalesce(max(number), 0) + 1 FROM z_reports)
BEGIN SELECT RAISE(ABORT, 'Z reports are numbered without gaps: the next number was not used'); END;
CREATE TRIGGER z_reports_immutable_u BEFORE UPDATE ON z_reports
BEGIN SELECT RAISE(ABORT, 'a Z report is never changed: print a copy instead'); END;
CREATE TRIGGER z_reports_immutable_d BEFORE DELETE ON z_reports
BEGIN SELECT RAISE(ABORT, 'a Z report is never deleted'); END;
