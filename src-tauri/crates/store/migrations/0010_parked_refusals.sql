-- 0010: a parked call keeps KRA's code, KRA's message, Duka's reason and Duka's fix apart, so the
-- screens show them without splitting one string. Rows parked before this keep only last_error
-- ("reason — fix. (KRA: message)"), which stays readable.
-- SHIPPED: never edit this file; add a new numbered migration instead.
ALTER TABLE outbox ADD COLUMN kra_code TEXT;
ALTER TABLE outbox ADD COLUMN kra_message TEXT;
ALTER TABLE outbox ADD COLUMN refusal_reason TEXT;
ALTER TABLE outbox ADD COLUMN refusal_fix TEXT;
