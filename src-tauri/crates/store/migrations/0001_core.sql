-- 0001: Duka's core schema. SHIPPED: never edit this file; add a new numbered migration instead.
-- Times are KRA local time strings YYYYMMDDhhmmss (sortable); dates YYYYMMDD. Money is integer
-- cents, quantities integer hundredths.

-- Device and connection settings: one row. The communication key lives in `secrets`, not here.
CREATE TABLE device_settings (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    pin             TEXT NOT NULL,
    branch_id       TEXT NOT NULL,
    serial          TEXT NOT NULL,
    base_url        TEXT NOT NULL,
    environment     TEXT NOT NULL CHECK (environment IN ('sandbox', 'production', 'training')),
    front_door      TEXT NOT NULL CHECK (front_door IN ('direct', 'gateway')),
    scu_id          TEXT,
    mrc_no          TEXT,
    device_id       TEXT,
    updated_at      TEXT NOT NULL
);

-- Secrets (communication key, gateway client secret), kept apart from ordinary settings.
CREATE TABLE secrets (
    name            TEXT PRIMARY KEY,
    value           TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- Shop details printed on receipts: one row.
CREATE TABLE shop_details (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    name            TEXT NOT NULL,
    address         TEXT,
    phone           TEXT,
    email           TEXT,
    receipt_footer  TEXT
);

-- lastReqDt cursor of each KRA list.
CREATE TABLE sync_cursors (
    list            TEXT PRIMARY KEY,
    last_req_dt     TEXT NOT NULL
);

-- KRA reference data (selectCodeList, selectItemClsList, selectBhfList, selectNoticeList).
CREATE TABLE code_classes (
    class           TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    description     TEXT,
    in_use          INTEGER NOT NULL,
    user_name1      TEXT,
    user_name2      TEXT,
    user_name3      TEXT
);

CREATE TABLE code_list (
    class           TEXT NOT NULL,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    in_use          INTEGER NOT NULL,
    sort_order      INTEGER,
    user_code1      TEXT,
    user_code2      TEXT,
    user_code3      TEXT,
    PRIMARY KEY (class, code)
) WITHOUT ROWID;

CREATE TABLE item_classes (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    level           INTEGER,
    tax_band        TEXT,
    major_target    INTEGER,
    in_use          INTEGER NOT NULL
);

CREATE TABLE branches (
    tin             TEXT NOT NULL,
    branch_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    status          TEXT,
    province        TEXT,
    district        TEXT,
    sector          TEXT,
    location        TEXT,
    manager_name    TEXT,
    manager_phone   TEXT,
    manager_email   TEXT,
    is_hq           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tin, branch_id)
);

CREATE TABLE notices (
    notice_no       INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    content         TEXT NOT NULL,
    detail_url      TEXT,
    registered_by   TEXT,
    registered_at   TEXT,
    is_read         INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    pin             TEXT UNIQUE,
    name            TEXT NOT NULL,
    address         TEXT,
    phone           TEXT,
    email           TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    remark          TEXT,
    updated_at      TEXT NOT NULL
);

-- The shop's items. Never deleted (switch `active` off); the code never changes.
CREATE TABLE items (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    class_code      TEXT NOT NULL,
    item_type       TEXT NOT NULL,
    origin          TEXT NOT NULL,
    pkg_unit        TEXT NOT NULL,
    qty_unit        TEXT NOT NULL,
    tax_band        TEXT NOT NULL CHECK (tax_band IN ('A', 'B', 'C', 'D', 'E')),
    default_price   INTEGER NOT NULL,
    barcode         TEXT UNIQUE,
    active          INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TRIGGER items_never_deleted BEFORE DELETE ON items
BEGIN SELECT RAISE(ABORT, 'items are never deleted: switch the item off instead'); END;
CREATE TRIGGER items_code_fixed BEFORE UPDATE OF code ON items WHEN NEW.code IS NOT OLD.code
BEGIN SELECT RAISE(ABORT, 'an item code never changes: register a new item instead'); END;

-- Gap-free local document numbers (INV-000123), assigned inside the commit transaction.
CREATE TABLE sequences (
    series          TEXT PRIMARY KEY,
    last_value      INTEGER NOT NULL CHECK (last_value >= 0)
);

-- KRA-side counters: the number KRA expects next. Only sync reserves/confirms/releases.
CREATE TABLE kra_counters (
    counter         TEXT PRIMARY KEY,
    next_value      INTEGER NOT NULL CHECK (next_value >= 1)
);

-- Numbers handed out for a request. 'reserved' is written before the request is sent and kept on
-- timeout; 'confirmed' once KRA accepted it; 'released' when KRA definitively refused it.
CREATE TABLE kra_reservations (
    id              INTEGER PRIMARY KEY,
    counter         TEXT NOT NULL REFERENCES kra_counters(counter),
    number          INTEGER NOT NULL,
    outbox_id       INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('reserved', 'confirmed', 'released')),
    reserved_at     TEXT NOT NULL,
    settled_at      TEXT
);
CREATE UNIQUE INDEX kra_reservations_one_open ON kra_reservations(counter) WHERE state = 'reserved';
CREATE UNIQUE INDEX kra_reservations_confirmed ON kra_reservations(counter, number) WHERE state = 'confirmed';

-- Sales. Every column is fixed at commit; KRA's answer lives in sale_signatures.
CREATE TABLE sales (
    id              INTEGER PRIMARY KEY,
    trader_no       TEXT NOT NULL UNIQUE,
    committed_at    TEXT NOT NULL,
    buyer_pin       TEXT,
    buyer_name      TEXT,
    payment_type    TEXT NOT NULL,
    rate_a INTEGER NOT NULL, rate_b INTEGER NOT NULL, rate_c INTEGER NOT NULL, rate_d INTEGER NOT NULL, rate_e INTEGER NOT NULL,
    taxable_a INTEGER NOT NULL, taxable_b INTEGER NOT NULL, taxable_c INTEGER NOT NULL, taxable_d INTEGER NOT NULL, taxable_e INTEGER NOT NULL,
    tax_a INTEGER NOT NULL, tax_b INTEGER NOT NULL, tax_c INTEGER NOT NULL, tax_d INTEGER NOT NULL, tax_e INTEGER NOT NULL,
    total_taxable   INTEGER NOT NULL,
    total_tax       INTEGER NOT NULL,
    total_amount    INTEGER NOT NULL,
    item_count      INTEGER NOT NULL,
    user_name       TEXT NOT NULL,
    training        INTEGER NOT NULL
);

CREATE TABLE sale_lines (
    sale_id         INTEGER NOT NULL REFERENCES sales(id),
    seq             INTEGER NOT NULL,
    item_code       TEXT NOT NULL REFERENCES items(code),
    class_code      TEXT NOT NULL,
    name            TEXT NOT NULL,
    barcode         TEXT,
    item_type       TEXT NOT NULL,
    pkg_unit        TEXT NOT NULL,
    qty_unit        TEXT NOT NULL,
    pkg             INTEGER NOT NULL,
    qty             INTEGER NOT NULL,
    unit_price      INTEGER NOT NULL,
    discount_rate   INTEGER NOT NULL,
    tax_band        TEXT NOT NULL,
    supply          INTEGER NOT NULL,
    discount        INTEGER NOT NULL,
    taxable         INTEGER NOT NULL,
    tax             INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    PRIMARY KEY (sale_id, seq)
) WITHOUT ROWID;

-- KRA's answer to a sale, written once by sync.
CREATE TABLE sale_signatures (
    sale_id         INTEGER PRIMARY KEY REFERENCES sales(id),
    invoice_no      INTEGER NOT NULL,
    receipt_no      INTEGER,
    total_receipt_no INTEGER,
    internal_data   TEXT,
    receipt_signature TEXT,
    sdc_id          TEXT,
    mrc_no          TEXT,
    signed_at       TEXT NOT NULL,
    response_body   TEXT NOT NULL
);

CREATE TABLE credit_notes (
    id              INTEGER PRIMARY KEY,
    trader_no       TEXT NOT NULL UNIQUE,
    sale_id         INTEGER NOT NULL REFERENCES sales(id),
    committed_at    TEXT NOT NULL,
    credit_date     TEXT NOT NULL,
    reason          TEXT NOT NULL,
    buyer_pin       TEXT,
    buyer_name      TEXT,
    payment_type    TEXT NOT NULL,
    rate_a INTEGER NOT NULL, rate_b INTEGER NOT NULL, rate_c INTEGER NOT NULL, rate_d INTEGER NOT NULL, rate_e INTEGER NOT NULL,
    taxable_a INTEGER NOT NULL, taxable_b INTEGER NOT NULL, taxable_c INTEGER NOT NULL, taxable_d INTEGER NOT NULL, taxable_e INTEGER NOT NULL,
    tax_a INTEGER NOT NULL, tax_b INTEGER NOT NULL, tax_c INTEGER NOT NULL, tax_d INTEGER NOT NULL, tax_e INTEGER NOT NULL,
    total_taxable   INTEGER NOT NULL,
    total_tax       INTEGER NOT NULL,
    total_amount    INTEGER NOT NULL,
    item_count      INTEGER NOT NULL,
    user_name       TEXT NOT NULL,
    training        INTEGER NOT NULL
);
CREATE INDEX credit_notes_sale ON credit_notes(sale_id);

CREATE TABLE credit_note_lines (
    credit_note_id  INTEGER NOT NULL REFERENCES credit_notes(id),
    seq             INTEGER NOT NULL,
    sale_line_seq   INTEGER NOT NULL,
    item_code       TEXT NOT NULL REFERENCES items(code),
    class_code      TEXT NOT NULL,
    name            TEXT NOT NULL,
    barcode         TEXT,
    item_type       TEXT NOT NULL,
    pkg_unit        TEXT NOT NULL,
    qty_unit        TEXT NOT NULL,
    pkg             INTEGER NOT NULL,
    qty             INTEGER NOT NULL,
    unit_price      INTEGER NOT NULL,
    discount_rate   INTEGER NOT NULL,
    tax_band        TEXT NOT NULL,
    supply          INTEGER NOT NULL,
    discount        INTEGER NOT NULL,
    taxable         INTEGER NOT NULL,
    tax             INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    PRIMARY KEY (credit_note_id, seq)
) WITHOUT ROWID;

CREATE TABLE credit_note_signatures (
    credit_note_id  INTEGER PRIMARY KEY REFERENCES credit_notes(id),
    invoice_no      INTEGER NOT NULL,
    receipt_no      INTEGER,
    total_receipt_no INTEGER,
    internal_data   TEXT,
    receipt_signature TEXT,
    sdc_id          TEXT,
    mrc_no          TEXT,
    signed_at       TEXT NOT NULL,
    response_body   TEXT NOT NULL
);

-- Stock documents (a sale's stock out, a credit note's stock back, an adjustment, a purchase or
-- import coming in): one per insertStockIO call; movements are its lines.
CREATE TABLE stock_documents (
    id              INTEGER PRIMARY KEY,
    trader_no       TEXT NOT NULL UNIQUE,
    move_type       TEXT NOT NULL,
    source_kind     TEXT NOT NULL,
    source_id       INTEGER,
    occurred_at     TEXT NOT NULL,
    remark          TEXT,
    user_name       TEXT NOT NULL
);

CREATE TABLE stock_movements (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES stock_documents(id),
    item_code       TEXT NOT NULL REFERENCES items(code),
    move_type       TEXT NOT NULL,
    qty             INTEGER NOT NULL CHECK (qty > 0),
    signed_qty      INTEGER NOT NULL,
    unit_price      INTEGER NOT NULL
);
CREATE INDEX stock_movements_item ON stock_movements(item_code, signed_qty);
CREATE INDEX stock_movements_document ON stock_movements(document_id);

-- Purchases KRA's feed offers (selectTrnsPurchaseSalesList), raw, and the shop's decision.
CREATE TABLE feed_purchases (
    id              INTEGER PRIMARY KEY,
    supplier_pin    TEXT NOT NULL,
    supplier_name   TEXT,
    supplier_branch TEXT NOT NULL,
    supplier_invoice_no INTEGER NOT NULL,
    sales_date      TEXT,
    total_amount    INTEGER NOT NULL,
    raw_json        TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    decision        TEXT CHECK (decision IN ('accepted', 'rejected')),
    decided_at      TEXT,
    UNIQUE (supplier_pin, supplier_branch, supplier_invoice_no)
);

CREATE TABLE feed_purchase_lines (
    feed_purchase_id INTEGER NOT NULL REFERENCES feed_purchases(id),
    seq             INTEGER NOT NULL,
    item_code       TEXT,
    class_code      TEXT,
    name            TEXT NOT NULL,
    barcode         TEXT,
    pkg_unit        TEXT,
    pkg             INTEGER,
    qty_unit        TEXT,
    qty             INTEGER NOT NULL,
    unit_price      INTEGER NOT NULL,
    supply          INTEGER NOT NULL,
    discount_rate   INTEGER NOT NULL,
    discount        INTEGER NOT NULL,
    tax_band        TEXT NOT NULL,
    taxable         INTEGER NOT NULL,
    tax             INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    PRIMARY KEY (feed_purchase_id, seq)
) WITHOUT ROWID;

-- Which own item a supplier's item is, remembered for next time.
CREATE TABLE supplier_item_map (
    supplier_pin    TEXT NOT NULL,
    supplier_item   TEXT NOT NULL,
    own_item_code   TEXT NOT NULL REFERENCES items(code),
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (supplier_pin, supplier_item)
) WITHOUT ROWID;

-- Purchases the shop confirmed (from the feed or keyed by hand).
CREATE TABLE purchases (
    id              INTEGER PRIMARY KEY,
    trader_no       TEXT NOT NULL UNIQUE,
    feed_purchase_id INTEGER UNIQUE REFERENCES feed_purchases(id),
    source          TEXT NOT NULL CHECK (source IN ('A', 'M')),
    supplier_pin    TEXT,
    supplier_name   TEXT,
    supplier_branch TEXT,
    supplier_invoice_no INTEGER,
    purchase_date   TEXT NOT NULL,
    payment_type    TEXT NOT NULL,
    rate_a INTEGER NOT NULL, rate_b INTEGER NOT NULL, rate_c INTEGER NOT NULL, rate_d INTEGER NOT NULL, rate_e INTEGER NOT NULL,
    taxable_a INTEGER NOT NULL, taxable_b INTEGER NOT NULL, taxable_c INTEGER NOT NULL, taxable_d INTEGER NOT NULL, taxable_e INTEGER NOT NULL,
    tax_a INTEGER NOT NULL, tax_b INTEGER NOT NULL, tax_c INTEGER NOT NULL, tax_d INTEGER NOT NULL, tax_e INTEGER NOT NULL,
    total_taxable   INTEGER NOT NULL,
    total_tax       INTEGER NOT NULL,
    total_amount    INTEGER NOT NULL,
    item_count      INTEGER NOT NULL,
    committed_at    TEXT NOT NULL,
    user_name       TEXT NOT NULL
);

CREATE TABLE purchase_lines (
    purchase_id     INTEGER NOT NULL REFERENCES purchases(id),
    seq             INTEGER NOT NULL,
    item_code       TEXT NOT NULL REFERENCES items(code),
    class_code      TEXT NOT NULL,
    name            TEXT NOT NULL,
    barcode         TEXT,
    item_type       TEXT NOT NULL,
    pkg_unit        TEXT NOT NULL,
    qty_unit        TEXT NOT NULL,
    pkg             INTEGER NOT NULL,
    qty             INTEGER NOT NULL,
    unit_price      INTEGER NOT NULL,
    discount_rate   INTEGER NOT NULL,
    tax_band        TEXT NOT NULL,
    supply          INTEGER NOT NULL,
    discount        INTEGER NOT NULL,
    taxable         INTEGER NOT NULL,
    tax             INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    supplier_item_code TEXT,
    supplier_item_name TEXT NOT NULL,
    supplier_class_code TEXT,
    PRIMARY KEY (purchase_id, seq)
) WITHOUT ROWID;

-- Customs imports (selectImportItemList), raw, and the shop's decision.
CREATE TABLE imported_items (
    id              INTEGER PRIMARY KEY,
    task_code       TEXT NOT NULL,
    declaration_date TEXT NOT NULL,
    item_seq        INTEGER NOT NULL,
    declaration_no  TEXT,
    hs_code         TEXT,
    name            TEXT NOT NULL,
    kra_status      TEXT,
    origin          TEXT,
    export_country  TEXT,
    pkg             INTEGER,
    pkg_unit        TEXT,
    qty             INTEGER,
    qty_unit        TEXT,
    supplier_name   TEXT,
    agent_name      TEXT,
    invoice_amount  INTEGER,
    invoice_currency TEXT,
    raw_json        TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    decision        TEXT CHECK (decision IN ('accepted', 'rejected')),
    mapped_item_code TEXT REFERENCES items(code),
    decided_at      TEXT,
    UNIQUE (task_code, declaration_date, item_seq)
);

-- The outbox: every call KRA must receive, in dependency order.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    document_kind   TEXT NOT NULL,
    document_id     INTEGER NOT NULL,
    item_code       TEXT,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'done', 'parked')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    kra_number      INTEGER,
    request_body    TEXT,
    created_at      TEXT NOT NULL,
    done_at         TEXT
);
CREATE INDEX outbox_open ON outbox(next_attempt_at, id) WHERE state IN ('pending', 'in_flight', 'parked');
CREATE INDEX outbox_document ON outbox(document_kind, document_id);
CREATE INDEX outbox_item ON outbox(item_code, kind) WHERE item_code IS NOT NULL;

CREATE TABLE outbox_deps (
    outbox_id       INTEGER NOT NULL REFERENCES outbox(id),
    depends_on      INTEGER NOT NULL REFERENCES outbox(id),
    PRIMARY KEY (outbox_id, depends_on),
    CHECK (depends_on < outbox_id)
) WITHOUT ROWID;

-- Who did what, when. Append-only.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    user_name       TEXT NOT NULL,
    action          TEXT NOT NULL,
    document_kind   TEXT,
    document_id     INTEGER,
    detail          TEXT
);

-- Fiscal immutability, enforced by the database itself.
CREATE TRIGGER sales_immutable_u BEFORE UPDATE ON sales
BEGIN SELECT RAISE(ABORT, 'a committed sale is never changed: issue a credit note instead'); END;
CREATE TRIGGER sales_immutable_d BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'a committed sale is never deleted: issue a credit note instead'); END;
CREATE TRIGGER sale_lines_immutable_u BEFORE UPDATE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'a committed sale line is never changed'); END;
CREATE TRIGGER sale_lines_immutable_d BEFORE DELETE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'a committed sale line is never deleted'); END;
CREATE TRIGGER sale_signatures_immutable_u BEFORE UPDATE ON sale_signatures
BEGIN SELECT RAISE(ABORT, 'a KRA signature is written once and never changed'); END;
CREATE TRIGGER sale_signatures_immutable_d BEFORE DELETE ON sale_signatures
BEGIN SELECT RAISE(ABORT, 'a KRA signature is never deleted'); END;
CREATE TRIGGER credit_notes_immutable_u BEFORE UPDATE ON credit_notes
BEGIN SELECT RAISE(ABORT, 'a committed credit note is never changed'); END;
CREATE TRIGGER credit_notes_immutable_d BEFORE DELETE ON credit_notes
BEGIN SELECT RAISE(ABORT, 'a committed credit note is never deleted'); END;
CREATE TRIGGER credit_note_lines_immutable_u BEFORE UPDATE ON credit_note_lines
BEGIN SELECT RAISE(ABORT, 'a committed credit note line is never changed'); END;
CREATE TRIGGER credit_note_lines_immutable_d BEFORE DELETE ON credit_note_lines
BEGIN SELECT RAISE(ABORT, 'a committed credit note line is never deleted'); END;
CREATE TRIGGER credit_note_signatures_immutable_u BEFORE UPDATE ON credit_note_signatures
BEGIN SELECT RAISE(ABORT, 'a KRA signature is written once and never changed'); END;
CREATE TRIGGER credit_note_signatures_immutable_d BEFORE DELETE ON credit_note_signatures
BEGIN SELECT RAISE(ABORT, 'a KRA signature is never deleted'); END;
CREATE TRIGGER stock_documents_immutable_u BEFORE UPDATE ON stock_documents
BEGIN SELECT RAISE(ABORT, 'a stock document is never changed: record a new adjustment'); END;
CREATE TRIGGER stock_documents_immutable_d BEFORE DELETE ON stock_documents
BEGIN SELECT RAISE(ABORT, 'a stock document is never deleted: record a new adjustment'); END;
CREATE TRIGGER stock_movements_immutable_u BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'a stock movement is never changed: record a new adjustment'); END;
CREATE TRIGGER stock_movements_immutable_d BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'a stock movement is never deleted: record a new adjustment'); END;
CREATE TRIGGER purchases_immutable_u BEFORE UPDATE ON purchases
BEGIN SELECT RAISE(ABORT, 'a confirmed purchase is never changed'); END;
CREATE TRIGGER purchases_immutable_d BEFORE DELETE ON purchases
BEGIN SELECT RAISE(ABORT, 'a confirmed purchase is never deleted'); END;
CREATE TRIGGER purchase_lines_immutable_u BEFORE UPDATE ON purchase_lines
BEGIN SELECT RAISE(ABORT, 'a confirmed purchase line is never changed'); END;
CREATE TRIGGER purchase_lines_immutable_d BEFORE DELETE ON purchase_lines
BEGIN SELECT RAISE(ABORT, 'a confirmed purchase line is never deleted'); END;
CREATE TRIGGER audit_log_immutable_u BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_immutable_d BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER feed_purchases_decided_once BEFORE UPDATE ON feed_purchases
WHEN OLD.decision IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'this purchase was already accepted or rejected'); END;
CREATE TRIGGER feed_purchases_never_deleted BEFORE DELETE ON feed_purchases
BEGIN SELECT RAISE(ABORT, 'a purchase from KRA''s feed is never deleted'); END;
CREATE TRIGGER imported_items_decided_once BEFORE UPDATE ON imported_items
WHEN OLD.decision IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'this import was already accepted or rejected'); END;
CREATE TRIGGER imported_items_never_deleted BEFORE DELETE ON imported_items
BEGIN SELECT RAISE(ABORT, 'an import declaration from KRA is never deleted'); END;
-- Outbox rows are never deleted; what they send, for which document, never changes, and the
-- frozen request body is written once.
CREATE TRIGGER outbox_never_deleted BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'an outbox row is never deleted'); END;
CREATE TRIGGER outbox_identity_fixed BEFORE UPDATE ON outbox
WHEN NEW.kind IS NOT OLD.kind OR NEW.document_kind IS NOT OLD.document_kind
  OR NEW.document_id IS NOT OLD.document_id OR NEW.item_code IS NOT OLD.item_code
  OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.request_body IS NOT NULL AND NEW.request_body IS NOT OLD.request_body)
  OR (OLD.state = 'done' AND NEW.state IS NOT 'done')
BEGIN SELECT RAISE(ABORT, 'an outbox row''s document, frozen request and done state never change'); END;
CREATE TRIGGER outbox_deps_immutable_u BEFORE UPDATE ON outbox_deps
BEGIN SELECT RAISE(ABORT, 'outbox dependencies never change'); END;
CREATE TRIGGER outbox_deps_immutable_d BEFORE DELETE ON outbox_deps
BEGIN SELECT RAISE(ABORT, 'outbox dependencies never change'); END;
