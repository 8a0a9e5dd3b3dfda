-- 0007: the index that finds an item's unfinished registration holds only registrations that are
-- not done yet, so the lookup a sale makes for each of its items reads this small index alone
-- (usually empty) instead of 0003's index of every registration plus one random outbox row each
-- (`state` is a column of the index so that the lookup never reads the row).
-- SHIPPED once released: never edit this file; add a new numbered migration instead.
DROP INDEX outbox_item_registration;
CREATE INDEX outbox_open_registration ON outbox(item_code, id, state) WHERE kind = 'save_item' AND state != 'done';
