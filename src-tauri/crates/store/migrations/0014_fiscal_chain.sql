-- 0014: a hash chain over the fiscal documents (sales, credit notes, stock documents, purchases,
-- Z reports), one chain across kinds in commit order. Each link's hash is SHA-256 over the
-- previous link's hash and the document's content (see store::chain), written in the document's
-- own transaction. The links of documents committed before this step are computed, in order, at
-- the first open after it (SQL has no SHA-256); `fiscal_chain_state.started` records that it ran,
-- so a document that appears later without a link is reported, never linked silently.
-- SHIPPED: never edit this file; add a new numbered migration instead.
CREATE TABLE fiscal_chain (
    seq             INTEGER PRIMARY KEY CHECK (seq >= 1),
    document_kind   TEXT NOT NULL CHECK (document_kind IN ('sale', 'credit_note', 'stock_document', 'purchase', 'z_report')),
    document_id     INTEGER NOT NULL,
    committed_at    TEXT NOT NULL,
    hash            TEXT NOT NULL,
    UNIQUE (document_kind, document_id)
);

CREATE TRIGGER fiscal_chain_gap_free BEFORE INSERT ON fiscal_chain
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM fiscal_chain)
BEGIN SELECT RAISE(ABORT, 'the fiscal chain grows one link at a time'); END;
CREATE TRIGGER fiscal_chain_immutable_u BEFORE UPDATE ON fiscal_chain
BEGIN SELECT RAISE(ABORT, 'a link of the fiscal chain is never changed'); END;
CREATE TRIGGER fiscal_chain_immutable_d BEFORE DELETE ON fiscal_chain
BEGIN SELECT RAISE(ABORT, 'a link of the fiscal chain is never deleted'); END;

-- Whether the links of older documents were computed, and the last link verified at an open
-- (verification at open starts after it; a backup and a Z report verify the whole chain).
CREATE TABLE fiscal_chain_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    started         INTEGER NOT NULL DEFAULT 0,
    verified_seq    INTEGER NOT NULL DEFAULT 0,
    verified_hash   TEXT
);
INSERT INTO fiscal_chain_state (id) VALUES (1);
