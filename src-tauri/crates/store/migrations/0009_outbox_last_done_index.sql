-- 0009: the last call KRA accepted, found through an index. The status bar's "last success" read
-- max(done_at) over every done outbox row (2.8 s on a shop with a million sales, on every progress
-- update); with this partial index it is one B-tree step.
-- SHIPPED: never edit this file; add a new numbered migration instead.
CREATE INDEX outbox_last_done ON outbox(done_at) WHERE state = 'done';
