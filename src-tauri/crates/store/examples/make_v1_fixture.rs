//! Writes `tests/fixtures/v1.db`: a database at schema version 1 (migration 0001 only) holding a
//! little of everything, for the upgrade test. Run it only to rebuild the fixture:
//!
//! ```text
//! cargo run -p store --example make_v1_fixture
//! ```
//!
//! It uses plain SQL against the 0001 schema, never the current store code, so the fixture stays
//! what a shop running the first release would have on disk.

use std::path::Path;

use rusqlite::{Connection, params};
use store::migrations::{APPLICATION_ID, MIGRATIONS};

fn main() -> anyhow::Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1.db");
    if path.exists() {
        std::fs::remove_file(&path)?;
    }
    let mut conn = Connection::open(&path)?;
    let v1 = &MIGRATIONS[0];
    let tx = conn.transaction()?;
    tx.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL,
                                         applied_at TEXT NOT NULL);",
    )?;
    tx.execute_batch(v1.sql)?;
    tx.execute(
        "INSERT INTO schema_migrations VALUES (?1, ?2, ?3, '20261101080000')",
        params![v1.version, v1.name, v1.checksum()],
    )?;
    tx.execute_batch(
        "
        INSERT INTO device_settings VALUES (1, 'P051234567X', '00', 'DUKA0001',
            'https://etims-api-sbx.kra.go.ke/etims-api', 'sandbox', 'direct', 'KRACU0100000001', 'WIS00000001',
            NULL, '20261101080000');
        INSERT INTO secrets VALUES ('communication_key', 'FIXTURE-KEY-0001', '20261101080000');
        INSERT INTO shop_details VALUES (1, 'Mama Njeri Stores', 'Kikuyu Road, Kiambu', '0712345678', NULL, 'Asante!');
        INSERT INTO sync_cursors VALUES ('selectCodeList', '20261101080000');
        INSERT INTO code_list VALUES
            ('04', 'A', 'A-Exempt', NULL, 1, 1, '0', 'A-0%', NULL),
            ('04', 'B', 'B-16.00%', NULL, 1, 2, '16', 'B-16%', NULL),
            ('04', 'C', 'C-0%', NULL, 1, 3, '0', 'C-0%', NULL),
            ('04', 'D', 'D-Non-VAT', NULL, 1, 4, '0', 'D-0%', NULL),
            ('04', 'E', 'E-8%', NULL, 1, 5, '8', 'E-8%', NULL),
            ('05', 'KE', 'KENYA', NULL, 1, 1, NULL, NULL, NULL),
            ('10', 'NO', 'Number', NULL, 1, 1, NULL, NULL, NULL),
            ('17', 'NT', 'Net', NULL, 1, 1, NULL, NULL, NULL);
        INSERT INTO items (id, code, name, class_code, item_type, origin, pkg_unit, qty_unit, tax_band, default_price,
                           barcode, active, created_at, updated_at) VALUES
            (1, 'KE2NTNO0000001', 'Sugar 1kg', '5020230500', '2', 'KE', 'NT', 'NO', 'B', 18000, '6161100120015', 1,
             '20261101080000', '20261101080000'),
            (2, 'KE2NTNO0000002', 'Maize flour 2kg', '5020230500', '2', 'KE', 'NT', 'NO', 'A', 21500, NULL, 1,
             '20261101080000', '20261101080000'),
            (3, 'KE3NTNO0000003', 'Delivery', '8111150100', '3', 'KE', 'NT', 'NO', 'B', 20000, NULL, 1,
             '20261101080000', '20261101080000');
        INSERT INTO sequences VALUES ('INV', 2), ('STK', 3);
        INSERT INTO kra_counters VALUES ('sales_invoice', 2);
        INSERT INTO kra_reservations (counter, number, outbox_id, state, reserved_at, settled_at)
            VALUES ('sales_invoice', 1, 5, 'confirmed', '20261101090001', '20261101090002');

        -- Opening stock: 20 sugar, 10 flour.
        INSERT INTO stock_documents VALUES (1, 'STK-000001', '06', 'adjustment', NULL, '20261101081000',
                                            'opening stock', 'wanjiku');
        INSERT INTO stock_movements VALUES (1, 1, 'KE2NTNO0000001', '06', 2000, 2000, 18000),
                                           (2, 1, 'KE2NTNO0000002', '06', 1000, 1000, 21500);

        -- Sale 1: 2 sugar (B) + delivery (B) = 560.00, signed by KRA.
        INSERT INTO sales VALUES (1, 'INV-000001', '20261101090000', 'P051234567X', 'Mama Mboga Ltd', '06',
            0, 1600, 0, 0, 0,   0, 48275, 0, 0, 0,   0, 7725, 0, 0, 0,   48275, 7725, 56000, 2, 'wanjiku', 0);
        INSERT INTO sale_lines VALUES
            (1, 1, 'KE2NTNO0000001', '5020230500', 'Sugar 1kg', '6161100120015', '2', 'NT', 'NO', 100, 200, 18000,
             0, 'B', 36000, 0, 31034, 4966, 36000),
            (1, 2, 'KE3NTNO0000003', '8111150100', 'Delivery', NULL, '3', 'NT', 'NO', 100, 100, 20000,
             0, 'B', 20000, 0, 17241, 2759, 20000);
        INSERT INTO sale_signatures VALUES (1, 1, 1, 1, 'WT3VWXRQ2CXJ5S5GW5VKQ2PNUQ', 'OPNRYXNQHQTCQ4BV',
            'KRACU0100000001', 'WIS00000001', '20261101090002', '{\"resultCd\":\"000\"}');
        INSERT INTO stock_documents VALUES (2, 'STK-000002', '11', 'sale', 1, '20261101090000', NULL, 'wanjiku');
        INSERT INTO stock_movements VALUES (3, 2, 'KE2NTNO0000001', '11', 200, -200, 18000);

        -- Sale 2: 1 flour (A) = 215.00, not yet sent.
        INSERT INTO sales VALUES (2, 'INV-000002', '20261101100000', NULL, NULL, '01',
            0, 1600, 0, 0, 0,   21500, 0, 0, 0, 0,   0, 0, 0, 0, 0,   21500, 0, 21500, 1, 'otieno', 0);
        INSERT INTO sale_lines VALUES
            (2, 1, 'KE2NTNO0000002', '5020230500', 'Maize flour 2kg', NULL, '2', 'NT', 'NO', 100, 100, 21500,
             0, 'A', 21500, 0, 21500, 0, 21500);
        INSERT INTO stock_documents VALUES (3, 'STK-000003', '11', 'sale', 2, '20261101100000', NULL, 'otieno');
        INSERT INTO stock_movements VALUES (4, 3, 'KE2NTNO0000002', '11', 100, -100, 21500);

        INSERT INTO outbox (id, kind, document_kind, document_id, item_code, state, attempts, next_attempt_at,
                            last_error, kra_number, request_body, created_at, done_at) VALUES
            (1, 'save_item', 'item', 1, 'KE2NTNO0000001', 'done', 1, '20261101080000', NULL, NULL, '{}',
             '20261101080000', '20261101080100'),
            (2, 'save_item', 'item', 2, 'KE2NTNO0000002', 'done', 1, '20261101080000', NULL, NULL, '{}',
             '20261101080000', '20261101080100'),
            (3, 'save_item', 'item', 3, 'KE3NTNO0000003', 'done', 1, '20261101080000', NULL, NULL, '{}',
             '20261101080000', '20261101080100'),
            (4, 'stock_io', 'stock_document', 1, NULL, 'done', 1, '20261101081000', NULL, 1, '{}',
             '20261101081000', '20261101081100'),
            (5, 'sale', 'sale', 1, NULL, 'done', 1, '20261101090000', NULL, 1, '{\"invcNo\":1}',
             '20261101090000', '20261101090002'),
            (6, 'stock_io', 'stock_document', 2, NULL, 'parked', 3, '20261101090000', 'Invalid sarNo: Expected 2',
             NULL, NULL, '20261101090000', NULL),
            (7, 'stock_master', 'stock_document', 2, 'KE2NTNO0000001', 'pending', 0, '20261101090000', NULL, NULL,
             NULL, '20261101090000', NULL),
            (8, 'sale', 'sale', 2, NULL, 'pending', 1, '20261101100500', 'timeout', NULL, NULL,
             '20261101100000', NULL),
            (9, 'stock_io', 'stock_document', 3, NULL, 'pending', 0, '20261101100000', NULL, NULL, NULL,
             '20261101100000', NULL);
        INSERT INTO outbox_deps VALUES (4, 1), (4, 2), (5, 1), (5, 3), (6, 5), (7, 6), (8, 2), (9, 8);
        INSERT INTO audit_log (at, user_name, action, document_kind, document_id, detail) VALUES
            ('20261101080000', 'wanjiku', 'register item', 'item', 1, 'KE2NTNO0000001'),
            ('20261101090000', 'wanjiku', 'sell', 'sale', 1, 'INV-000001'),
            ('20261101100000', 'otieno', 'sell', 'sale', 2, 'INV-000002');
        ",
    )?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", v1.version)?;
    tx.commit()?;
    conn.execute_batch("VACUUM")?;
    println!("wrote {}", path.display());
    Ok(())
}
