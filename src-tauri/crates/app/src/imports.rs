//! Customs imports from KRA: mapped to one of the shop's items and accepted (stock comes in once
//! KRA has the answer) or rejected.

use domain::Qty;

use crate::{
    Duka, Error, Result,
    items::resolve,
    purchases::decision_text,
    views::{self, DecisionResult, ImportView},
};

impl Duka {
    /// Imports KRA sent, oldest first (only undecided ones when asked).
    pub fn imports(&self, undecided_only: bool) -> Result<Vec<ImportView>> {
        let list = self.store().read(|c| store::imports::imported_items(c, undecided_only))?;
        Ok(list
            .into_iter()
            .map(|i| ImportView {
                id: i.id,
                task_code: i.item.task_code,
                declaration_date: i.item.declaration_date,
                item_seq: i.item.item_seq,
                declaration_no: i.item.declaration_no,
                hs_code: i.item.hs_code,
                name: i.item.name,
                origin: i.item.origin,
                qty: i.item.qty.map(views::qty),
                qty_unit: i.item.qty_unit,
                supplier_name: i.item.supplier_name,
                decision: decision_text(i.decision),
                mapped_item: i.mapped_item.map(|c| c.to_string()),
            })
            .collect())
    }

    /// Accepts import `id` as own item `item` (code or barcode); `qty` defaults to the declared
    /// quantity.
    pub fn accept_import(&self, id: i64, item: &str, qty: Option<Qty>) -> Result<DecisionResult> {
        let accepted = self.acting(&[domain::Action::DecidePurchases], |meta| {
            self.store().write(|tx| -> Result<_> {
                let attempt = (|| -> Result<_> {
                    let import = store::imports::imported_item(tx, id)?;
                    let own = resolve(tx, item)?;
                    let qty = qty.or(import.item.qty).ok_or_else(|| {
                        Error::invalid("quantity", "KRA sent no quantity for this import: give the quantity received")
                    })?;
                    if !qty.is_positive() {
                        return Err(Error::invalid("quantity", "the quantity received must be more than zero"));
                    }
                    Ok((own.code, qty))
                })();
                let (code, qty) = attempt?;
                Ok(store::imports::accept_import(tx, id, &code, qty, meta)?)
            })
        })?;
        self.wake();
        Ok(DecisionResult { id, decision: "accepted", outbox_id: accepted.outbox_id })
    }

    /// Rejects import `id`; KRA is told.
    pub fn reject_import(&self, id: i64) -> Result<DecisionResult> {
        let outbox_id = self.acting(&[domain::Action::DecidePurchases], |meta| {
            Ok(self.store().write(|tx| store::imports::reject_import(tx, id, meta))?)
        })?;
        self.wake();
        Ok(DecisionResult { id, decision: "rejected", outbox_id })
    }
}
