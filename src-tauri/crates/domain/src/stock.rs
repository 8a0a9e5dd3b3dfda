//! Stock: a ledger of movements, each with its KRA in/out type (class 12). On-hand is derived from
//! the ledger, never stored on its own. Services (item type 3) carry no stock.

use std::collections::BTreeMap;

use crate::{Item, ItemCode, Qty, StockMoveType, Violation, Violations, quantity::MAX_QTY_HUNDREDTHS};

/// One movement of one item. `qty` is positive; the direction comes from `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockMovement {
    pub item: ItemCode,
    pub kind: StockMoveType,
    pub qty: Qty,
}

impl StockMovement {
    /// Checks a movement the shop keys by hand (an adjustment, opening stock, a discard).
    pub fn new(item: &Item, kind: StockMoveType, qty: Qty) -> Result<StockMovement, Violations> {
        let mut v = Vec::new();
        if !item.item_type.carries_stock() {
            v.push(Violation::ServiceHasNoStock { name: item.name.clone() });
        }
        if !qty.is_positive() {
            v.push(Violation::NonPositiveQuantity { line: 1 });
        } else if qty.hundredths() > MAX_QTY_HUNDREDTHS {
            v.push(Violation::QuantityTooLarge { line: 1 });
        }
        Violations::check(v)?;
        Ok(StockMovement { item: item.code.clone(), kind, qty })
    }

    /// The movement's effect on on-hand: positive in, negative out.
    pub fn signed_qty(&self) -> Qty {
        if self.kind.is_incoming() { self.qty } else { Qty::from_hundredths(-self.qty.hundredths()) }
    }
}

/// On-hand per item, derived from movements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockLedger {
    on_hand: BTreeMap<ItemCode, Qty>,
}

impl StockLedger {
    pub fn from_movements<'a>(movements: impl IntoIterator<Item = &'a StockMovement>) -> StockLedger {
        let mut ledger = StockLedger::default();
        for m in movements {
            ledger.apply(m);
        }
        ledger
    }

    pub fn apply(&mut self, m: &StockMovement) {
        let slot = self.on_hand.entry(m.item.clone()).or_default();
        *slot = Qty::from_hundredths(slot.hundredths().saturating_add(m.signed_qty().hundredths()));
    }

    pub fn on_hand(&self, item: &ItemCode) -> Qty {
        self.on_hand.get(item).copied().unwrap_or_default()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&ItemCode, Qty)> {
        self.on_hand.iter().map(|(k, v)| (k, *v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ItemType, TaxBand, sale::tests::item};

    #[test]
    fn on_hand_is_derived_from_movements() {
        let sugar = item(1, "Sugar 1kg", TaxBand::B, 18_000, ItemType::Finished);
        let moves = [
            StockMovement::new(&sugar, StockMoveType::AdjustmentIn, Qty::whole(10)).unwrap(),
            StockMovement::new(&sugar, StockMoveType::Sale, Qty::whole(3)).unwrap(),
            StockMovement::new(&sugar, StockMoveType::ReturnIn, Qty::from_hundredths(150)).unwrap(),
            StockMovement::new(&sugar, StockMoveType::Discarding, Qty::whole(1)).unwrap(),
        ];
        let ledger = StockLedger::from_movements(&moves);
        assert_eq!(ledger.on_hand(&sugar.code), Qty::from_hundredths(750));
    }

    #[test]
    fn services_and_non_positive_quantities_are_refused() {
        let delivery = item(3, "Delivery", TaxBand::B, 20_000, ItemType::Service);
        let err = StockMovement::new(&delivery, StockMoveType::AdjustmentIn, Qty::ZERO).unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert!(err.to_string().contains("Delivery is a service"));
    }
}
