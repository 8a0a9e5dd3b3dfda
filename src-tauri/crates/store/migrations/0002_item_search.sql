-- 0002: full-text index of item names (FTS5), kept in step with `items` by triggers.
-- SHIPPED: never edit this file; add a new numbered migration instead.
CREATE VIRTUAL TABLE item_search USING fts5(
    name,
    content = 'items',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER items_search_insert AFTER INSERT ON items
BEGIN INSERT INTO item_search(rowid, name) VALUES (NEW.id, NEW.name); END;

CREATE TRIGGER items_search_update AFTER UPDATE OF name ON items
BEGIN
    INSERT INTO item_search(item_search, rowid, name) VALUES ('delete', OLD.id, OLD.name);
    INSERT INTO item_search(rowid, name) VALUES (NEW.id, NEW.name);
END;

-- Items that existed before this migration.
INSERT INTO item_search(item_search) VALUES ('rebuild');
