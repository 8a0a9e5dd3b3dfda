//! Signed receipts to hand over: which original sale receipts were printed (provisional or
//! signed), the sales KRA signed after their provisional receipt went out and whose signed
//! original has not been printed yet, and how long the till waits for KRA's signature before
//! printing the provisional receipt (the owner's setting).

use domain::{DateTime, Money};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Reader, Result, Tx, codec, error::During};

/// How long the till waits for KRA's signature after Charge unless the owner chose otherwise.
pub const DEFAULT_SIGNATURE_WAIT_MS: u64 = 3_000;

/// The longest wait the owner may set (a customer stands at the counter meanwhile).
pub const MAX_SIGNATURE_WAIT_MS: u64 = 30_000;

/// A sale whose customer got the provisional receipt, which KRA has signed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandOver {
    pub sale_id: i64,
    pub trader_no: String,
    pub committed_at: DateTime,
    pub buyer_name: Option<String>,
    pub total: Money,
    /// KRA's invoice number and when KRA signed.
    pub kra_invoice_no: i64,
    pub signed_at: DateTime,
}

/// Records that an original receipt of sale `sale_id` came out of the printer, `signed` when it
/// carried KRA's signature.
pub fn record_print(tx: &Tx<'_>, sale_id: i64, signed: bool, at: DateTime) -> Result<()> {
    tx.prepare_cached("INSERT INTO receipt_prints (sale_id, signed, printed_at) VALUES (?1, ?2, ?3)")
        .and_then(|mut s| s.execute(params![sale_id, signed, at.kra()]))
        .during("record a printed receipt")?;
    Ok(())
}

/// The signed receipts to hand over, oldest sale first: a provisional original was printed, KRA
/// has signed the sale, and no signed original has been printed.
pub fn to_hand_over(conn: &Reader<'_>) -> Result<Vec<HandOver>> {
    let raws = conn
        .prepare_cached(
            "SELECT s.id, s.trader_no, s.committed_at, s.buyer_name, s.total_amount, g.invoice_no, g.signed_at
             FROM sales s JOIN sale_signatures g ON g.sale_id = s.id
             WHERE EXISTS (SELECT 1 FROM receipt_prints p WHERE p.sale_id = s.id AND p.signed = 0)
               AND NOT EXISTS (SELECT 1 FROM receipt_prints p WHERE p.sale_id = s.id AND p.signed = 1)
             ORDER BY s.id",
        )
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .during("list the signed receipts to hand over")?;
    raws.into_iter()
        .map(|(sale_id, trader_no, at, buyer_name, total, kra_invoice_no, signed_at)| {
            Ok(HandOver {
                sale_id,
                trader_no,
                committed_at: codec::datetime(&at)?,
                buyer_name,
                total: codec::money(total),
                kra_invoice_no,
                signed_at: codec::datetime(&signed_at)?,
            })
        })
        .collect()
}

/// Whether KRA's signature of sale `sale_id` is stored (a cheap check to poll).
pub fn is_signed(conn: &Reader<'_>, sale_id: i64) -> Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM sale_signatures WHERE sale_id = ?1)")
        .and_then(|mut s| s.query_row([sale_id], |r| r.get(0)))
        .during("check a sale's signature")
}

/// How long (ms) printing after Charge waits for KRA's signature: the owner's choice, else
/// [`DEFAULT_SIGNATURE_WAIT_MS`].
pub fn signature_wait_ms(conn: &Reader<'_>) -> Result<u64> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM shop_preferences WHERE name = 'signature_wait_ms'")
        .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
        .during("read the wait for KRA's signature")?;
    match value {
        None => Ok(DEFAULT_SIGNATURE_WAIT_MS),
        Some(v) => v.parse().map_err(|_| Error::StoredValue { what: "a wait for KRA's signature", value: v }),
    }
}

/// Records how long (ms, at most [`MAX_SIGNATURE_WAIT_MS`]) printing after Charge waits for
/// KRA's signature (the caller writes the audit entry in the same transaction).
pub fn set_signature_wait_ms(tx: &Tx<'_>, ms: u64, at: DateTime) -> Result<()> {
    tx.execute(
        "INSERT INTO shop_preferences (name, value, updated_at) VALUES ('signature_wait_ms', ?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        params![ms.min(MAX_SIGNATURE_WAIT_MS).to_string(), at.kra()],
    )
    .during("save the wait for KRA's signature")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use domain::ItemType;

    use super::*;
    use crate::{KraSignature, sales, testing};

    fn signature(invoice_no: i64) -> KraSignature {
        KraSignature {
            invoice_no,
            receipt_no: Some(invoice_no),
            total_receipt_no: Some(invoice_no),
            internal_data: Some("QM67VCKTFUM7EXGXHV5FMBJ7FI".into()),
            receipt_signature: Some("SZBBFW4DCZ7HAGPH".into()),
            sdc_id: Some("KRACU0100000001".into()),
            mrc_no: None,
            signed_at: testing::now(),
            response_body: "{}".into(),
        }
    }

    #[test]
    fn a_sale_is_to_hand_over_from_its_signature_until_its_signed_original_is_printed() {
        let (store, _) = testing::shop();
        let at = testing::now();
        let invoice = testing::finalise(&store, &testing::sale_draft(&[(1, ItemType::Finished, 1)], None));
        let sale = |store: &crate::Store| store.write(|tx| sales::commit_sale(tx, &invoice, &testing::meta())).unwrap();
        let (provisional, signed_at_once, never_printed) = (sale(&store), sale(&store), sale(&store));
        let listed = |store: &crate::Store| {
            store.read(to_hand_over).unwrap().iter().map(|h| h.trader_no.clone()).collect::<Vec<_>>()
        };

        // The provisional receipt went out; not signed yet: nothing to hand over.
        store.write(|tx| record_print(tx, provisional.id, false, at)).unwrap();
        assert!(!store.read(|c| is_signed(c, provisional.id)).unwrap());
        assert!(listed(&store).is_empty());
        // A sale signed before its receipt printed, and one never printed: never listed.
        store.write(|tx| sales::record_sale_signature(tx, signed_at_once.id, &signature(2))).unwrap();
        store.write(|tx| record_print(tx, signed_at_once.id, true, at)).unwrap();
        store.write(|tx| sales::record_sale_signature(tx, never_printed.id, &signature(3))).unwrap();
        assert!(listed(&store).is_empty());

        // KRA signs: listed at once, with KRA's number.
        store.write(|tx| sales::record_sale_signature(tx, provisional.id, &signature(1))).unwrap();
        assert!(store.read(|c| is_signed(c, provisional.id)).unwrap());
        let list = store.read(to_hand_over).unwrap();
        assert_eq!((list.len(), list[0].trader_no.as_str(), list[0].kra_invoice_no), (1, "INV-000001", 1));
        // A second provisional print (Print again) lists it once.
        store.write(|tx| record_print(tx, provisional.id, false, at)).unwrap();
        assert_eq!(listed(&store), ["INV-000001"]);
        // Its signed original printed: handed over.
        store.write(|tx| record_print(tx, provisional.id, true, at)).unwrap();
        assert!(listed(&store).is_empty());

        // The record of paper printed is never changed or deleted.
        for sql in ["UPDATE receipt_prints SET signed = 0", "DELETE FROM receipt_prints"] {
            let e = store.write(|tx| tx.execute(sql, []).during("tamper"));
            assert!(e.is_err(), "{sql}");
        }
    }

    #[test]
    fn the_wait_for_kra_is_three_seconds_until_the_owner_sets_it() {
        let (store, _) = testing::shop();
        assert_eq!(store.read(signature_wait_ms).unwrap(), 3_000);
        store.write(|tx| set_signature_wait_ms(tx, 1_500, testing::now())).unwrap();
        assert_eq!(store.read(signature_wait_ms).unwrap(), 1_500);
        store.write(|tx| set_signature_wait_ms(tx, 0, testing::now())).unwrap();
        assert_eq!(store.read(signature_wait_ms).unwrap(), 0);
        store.write(|tx| set_signature_wait_ms(tx, 600_000, testing::now())).unwrap();
        assert_eq!(store.read(signature_wait_ms).unwrap(), MAX_SIGNATURE_WAIT_MS);
    }
}
