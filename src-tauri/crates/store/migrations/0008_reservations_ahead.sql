-- 0008: KRA numbers reserved ahead. The drain reserves the numbers of the next few documents of a
-- series (and freezes their requests) in one transaction before the first of them is sent, so
-- several numbers of one counter may be open at once, each for its own outbox row. A number
-- handed out again after a refusal or a realignment freezes the bytes sent under it here, once.
-- SHIPPED: never edit this file; add a new numbered migration instead.
DROP INDEX kra_reservations_one_open;
CREATE UNIQUE INDEX kra_reservations_open_number ON kra_reservations(counter, number) WHERE state = 'reserved';
CREATE UNIQUE INDEX kra_reservations_open_row ON kra_reservations(outbox_id) WHERE state = 'reserved';
ALTER TABLE kra_reservations ADD COLUMN request_body TEXT;
CREATE TRIGGER kra_reservation_body_written_once BEFORE UPDATE OF request_body ON kra_reservations
WHEN OLD.request_body IS NOT NULL AND NEW.request_body IS NOT OLD.request_body
BEGIN SELECT RAISE(ABORT, 'the request frozen under a KRA number never changes'); END;
