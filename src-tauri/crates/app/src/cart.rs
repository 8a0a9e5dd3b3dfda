//! The till's cart: its id (made by the window when the cart starts, so a charged cart is charged
//! once) and the draft kept in the shop database until the sale's commit clears it.

use serde::Serialize;

use crate::{Duka, Error, Result};

/// The id of one cart at the till, from the moment it starts until it is charged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CartId(String);

impl CartId {
    /// Longest id accepted (a UUID is 36 characters).
    pub const MAX_LEN: usize = 64;

    /// Checks an id as the window sends it: 8 to [`CartId::MAX_LEN`] letters, digits and dashes.
    pub fn parse(text: &str) -> Result<CartId> {
        let text = text.trim();
        let fine = (8..=CartId::MAX_LEN).contains(&text.len())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if fine {
            Ok(CartId(text.to_owned()))
        } else {
            Err(Error::invalid_input(
                "Cart",
                "cart_id",
                "the till sent a cart without a proper id: reload the window (nothing was charged)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The draft cart the till left: its id (none for a cart an earlier Duka kept in `cart.json`) and
/// the window's own text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftCartView {
    pub cart_id: Option<String>,
    pub cart: String,
}

impl Duka {
    /// Keeps the till's draft cart (JSON text as the window keeps it: a draft, not a fiscal
    /// record). A cart already charged is not kept (its save came after the sale): `false`.
    pub fn save_cart(&self, cart_id: &CartId, cart: &str) -> Result<bool> {
        if serde_json::from_str::<serde::de::IgnoredAny>(cart).is_err() {
            return Err(Error::invalid_input(
                "Cart",
                "cart",
                "the till sent a damaged cart: reload the window (nothing was saved)",
            ));
        }
        let now = self.now();
        let kept = self.store().write(|tx| store::cart::save_draft(tx, cart_id.as_str(), cart, now))?;
        // A cart an earlier Duka kept as a file now lives in the database.
        match std::fs::remove_file(self.data_folder().cart_path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::DataFolder { operation: "remove the old saved cart", source: e });
            }
            _ => {}
        }
        Ok(kept)
    }

    /// The draft cart kept last, if any: the database's, else the file an earlier Duka kept.
    pub fn load_cart(&self) -> Result<Option<DraftCartView>> {
        if let Some(draft) = self.store().read(store::cart::draft)? {
            return Ok(Some(DraftCartView { cart_id: Some(draft.cart_id), cart: draft.body }));
        }
        Ok(self.data_folder().load_cart()?.map(|cart| DraftCartView { cart_id: None, cart }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cart_ids_are_checked() {
        for (text, ok) in [
            ("0b9f4c1e-3d2a-4f5b-9c8d-7e6f5a4b3c2d", true),
            ("cart-0001", true),
            ("short", false),
            ("", false),
            ("with space 123", false),
            (&"x".repeat(65), false),
        ] {
            assert_eq!(CartId::parse(text).is_ok(), ok, "{text:?}");
        }
        assert_eq!(CartId::parse("x").unwrap_err().field().as_deref(), Some("cart_id"));
    }

    #[tokio::test]
    async fn cart_survives_a_restart() {
        let (duka, dir) = crate::testing::shop().await;
        assert_eq!(duka.load_cart().expect("no cart yet"), None);
        let id = CartId::parse("cart-0001").unwrap();
        assert!(duka.save_cart(&id, r#"{"lines":[{"code":"KE2NTU0000001","qty":"2"}]}"#).expect("saved"));
        duka.shutdown().await;
        drop(duka);
        let again = Duka::open(dir.path().join("shop.db"), crate::AppOptions::default()).await.unwrap();
        assert_eq!(
            again.load_cart().expect("cart"),
            Some(DraftCartView {
                cart_id: Some("cart-0001".into()),
                cart: r#"{"lines":[{"code":"KE2NTU0000001","qty":"2"}]}"#.into()
            })
        );
        let damaged = again.save_cart(&id, "{not json").expect_err("damaged");
        assert_eq!((damaged.code(), damaged.field().as_deref()), (crate::ErrorCode::InvalidInput, Some("cart")));
    }

    #[tokio::test]
    async fn the_draft_moves_from_the_old_file_into_the_database() {
        let (duka, dir) = crate::testing::shop().await;
        assert_eq!(duka.load_cart().unwrap(), None);
        std::fs::write(dir.path().join("cart.json"), r#"{"lines":[]}"#).unwrap();
        assert_eq!(
            duka.load_cart().unwrap(),
            Some(DraftCartView { cart_id: None, cart: r#"{"lines":[]}"#.into() }),
            "a cart an earlier Duka kept"
        );
        let id = CartId::parse("cart-0001").unwrap();
        assert!(duka.save_cart(&id, r#"{"lines":[1]}"#).unwrap());
        assert!(!dir.path().join("cart.json").exists());
        assert_eq!(duka.load_cart().unwrap().unwrap().cart_id.as_deref(), Some("cart-0001"));
        assert_eq!(duka.save_cart(&id, "{not json").unwrap_err().field().as_deref(), Some("cart"));
    }
}
