//! The till's cart in progress (one draft, kept so a closed window loses nothing) and which sale a
//! charged cart became: a cart is charged once, and the sale's commit clears its draft.

use domain::DateTime;
use rusqlite::{OptionalExtension, params};

use crate::{Reader, Result, Tx, error::During};

/// The draft cart as the till keeps it: its id and the window's own text (not a fiscal record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftCart {
    pub cart_id: String,
    pub body: String,
}

/// Keeps the till's draft cart, replacing the one before, unless cart `cart_id` has already been
/// charged: then no draft is kept (a save that arrives after the sale's commit must not bring the
/// sold cart back) and the answer is `false`.
pub fn save_draft(tx: &Tx<'_>, cart_id: &str, body: &str, at: DateTime) -> Result<bool> {
    if sale_of_cart(tx, cart_id)?.is_some() {
        clear_draft(tx, cart_id)?;
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO draft_cart (slot, cart_id, body, saved_at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (slot) DO UPDATE SET cart_id = excluded.cart_id, body = excluded.body, saved_at = excluded.saved_at",
    )
    .and_then(|mut s| s.execute(params![cart_id, body, at.kra()]))
    .during("keep the cart")?;
    Ok(true)
}

/// The draft cart kept last, if any.
pub fn draft(conn: &Reader<'_>) -> Result<Option<DraftCart>> {
    conn.prepare_cached("SELECT cart_id, body FROM draft_cart WHERE slot = 1")
        .and_then(|mut s| s.query_row([], |r| Ok(DraftCart { cart_id: r.get(0)?, body: r.get(1)? })).optional())
        .during("read the saved cart")
}

/// Removes the draft cart if it is cart `cart_id` (another cart's draft stays).
pub(crate) fn clear_draft(tx: &Tx<'_>, cart_id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM draft_cart WHERE cart_id = ?1")
        .and_then(|mut s| s.execute([cart_id]))
        .during("clear the charged cart")?;
    Ok(())
}

/// The sale cart `cart_id` became, if it has been charged.
pub fn sale_of_cart(conn: &Reader<'_>, cart_id: &str) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM sales WHERE cart_id = ?1")
        .and_then(|mut s| s.query_row([cart_id], |r| r.get(0)).optional())
        .during("find the sale of a cart")
}

#[cfg(test)]
mod tests {
    use domain::ItemType;

    use super::*;
    use crate::{sales, testing};

    #[test]
    fn a_charged_cart_is_one_sale_and_its_draft_goes_with_the_commit() {
        let (store, _) = testing::shop();
        let at = testing::now();
        assert_eq!(store.read(draft).unwrap(), None);
        assert!(store.write(|tx| save_draft(tx, "cart-1", r#"{"lines":[1]}"#, at)).unwrap());
        assert!(store.write(|tx| save_draft(tx, "cart-1", r#"{"lines":[1,2]}"#, at)).unwrap());
        let kept = store.read(draft).unwrap().unwrap();
        assert_eq!((kept.cart_id.as_str(), kept.body.as_str()), ("cart-1", r#"{"lines":[1,2]}"#));

        let invoice = testing::finalise(&store, &testing::sale_draft(&[(1, ItemType::Finished, 1)], None));
        let sale = store.write(|tx| sales::commit_cart_sale(tx, "cart-1", &invoice, &testing::meta())).unwrap();
        // The same transaction cleared the draft: nothing comes back after a crash.
        assert_eq!(store.read(draft).unwrap(), None);
        assert_eq!(store.read(|c| sale_of_cart(c, "cart-1")).unwrap(), Some(sale.id));
        assert_eq!(store.read(|c| sale_of_cart(c, "cart-2")).unwrap(), None);

        // The same cart cannot become a second sale, and nothing of the attempt stays.
        let again = store.write(|tx| sales::commit_cart_sale(tx, "cart-1", &invoice, &testing::meta()));
        assert!(again.is_err(), "{again:?}");
        assert_eq!(store.read(|c| sales::list_sales(c, None, 10)).unwrap().len(), 1);

        // A save of the sold cart that arrives late keeps nothing; another cart's draft is kept.
        assert!(!store.write(|tx| save_draft(tx, "cart-1", r#"{"lines":[1,2]}"#, at)).unwrap());
        assert_eq!(store.read(draft).unwrap(), None);
        assert!(store.write(|tx| save_draft(tx, "cart-2", "{}", at)).unwrap());
        let other = store.write(|tx| sales::commit_cart_sale(tx, "cart-3", &invoice, &testing::meta()));
        assert!(other.is_ok(), "{other:?}");
        assert_eq!(store.read(draft).unwrap().map(|d| d.cart_id).as_deref(), Some("cart-2"));
        // A sale without a cart (the command line) keeps none, as many times as it likes.
        for _ in 0..2 {
            store.write(|tx| sales::commit_sale(tx, &invoice, &testing::meta())).unwrap();
        }
    }
}
