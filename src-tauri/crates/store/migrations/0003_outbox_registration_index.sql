-- 0003: the index that finds an item's unfinished registration covers only `save_item` rows.
-- 0001 indexed every row with an item code, so each sale also wrote one random index page per
-- stock-master row. SHIPPED: never edit this file; add a new numbered migration instead.
DROP INDEX outbox_item;
CREATE INDEX outbox_item_registration ON outbox(item_code, id) WHERE kind = 'save_item';
