-- 0012: the people at the till. A user is never deleted (documents and audit rows keep naming
-- them): an owner deactivates instead. Names are unique regardless of case. The PIN is kept only
-- as an Argon2id hash (PHC string). Failed sign-ins in a row and the lock they cause live on the
-- user's row; every failed sign-in is also an audit row.
-- The approver of an action that needed a supervisor's or owner's PIN on the spot is written on
-- the audit row of that action, in the same transaction as the document it concerns.
-- SHIPPED: never edit this file; add a new numbered migration instead.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL COLLATE NOCASE UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'supervisor', 'cashier')),
    pin_hash        TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    changed_at      TEXT NOT NULL,
    changed_by      TEXT NOT NULL
);
CREATE TRIGGER users_never_deleted BEFORE DELETE ON users
BEGIN SELECT RAISE(ABORT, 'a user is never deleted: deactivate them instead'); END;
CREATE TRIGGER users_name_kept BEFORE UPDATE OF name ON users
WHEN OLD.name IS NOT NEW.name
BEGIN SELECT RAISE(ABORT, 'a user keeps their name: documents print it'); END;

ALTER TABLE audit_log ADD COLUMN approved_by TEXT;
