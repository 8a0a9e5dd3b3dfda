//! Stock: opening stock and hand-keyed adjustments (one stock document per call, sent to KRA as
//! `insertStockIO` then `saveStockMaster`), and the stock list.

use domain::{Qty, StockMoveType, StockMovement, Violations};

use crate::{
    Duka, Error, Result,
    items::resolve,
    views::{self, StockLevel, StockResult},
};

/// One line of a stock adjustment: an item (code or barcode) and a positive quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLineRequest {
    pub item: String,
    pub qty: Qty,
}

impl Duka {
    /// Records movements of one kind (e.g. 06 adjustment in for opening stock, 16 adjustment out,
    /// 15 discarding) as one stock document, and queues it for KRA.
    pub fn adjust_stock(
        &self,
        kind: StockMoveType,
        lines: &[StockLineRequest],
        remark: Option<&str>,
    ) -> Result<StockResult> {
        if lines.is_empty() {
            return Err(Error::invalid("items", "name at least one item and quantity"));
        }
        if matches!(
            kind,
            StockMoveType::Sale | StockMoveType::Purchase | StockMoveType::Import | StockMoveType::ReturnIn
        ) {
            return Err(Error::invalid(
                "movement type",
                format!(
                    "{} stock moves with its document (sale, purchase, import, credit note), not by hand: use 06 \
                     (adjustment in), 16 (adjustment out) or 15 (discarding)",
                    kind.label()
                ),
            ));
        }
        let committed = self.acting(&[domain::Action::StockAdjustment], |meta| {
            self.store().write(|tx| -> Result<_> {
                let mut movements = Vec::with_capacity(lines.len());
                let mut violations = Vec::new();
                for line in lines {
                    let item = resolve(tx, &line.item)?;
                    match StockMovement::new(&item, kind, line.qty) {
                        Ok(m) => movements.push(m),
                        Err(v) => violations.extend(v.0),
                    }
                }
                if !violations.is_empty() {
                    return Err(Error::Refused(Violations(violations)));
                }
                store::stock::commit_stock_adjustment(tx, &movements, remark, meta)?
                    .ok_or_else(|| Error::invalid("items", "nothing to record"))
            })
        })?;
        self.wake();
        Ok(StockResult {
            trader_no: committed.trader_no,
            document_id: committed.id,
            move_type: kind.code().to_owned(),
            lines: lines.len(),
        })
    }

    /// Opening stock: adjustment-in (06) of each line.
    pub fn record_opening_stock(&self, lines: &[StockLineRequest]) -> Result<StockResult> {
        self.adjust_stock(StockMoveType::AdjustmentIn, lines, Some("opening stock"))
    }

    /// On hand per goods item, by name.
    pub fn stock_levels(&self) -> Result<Vec<StockLevel>> {
        Ok(self.store().read(|c| {
            let mut out = Vec::new();
            for item in store::items::all_items(c)? {
                if item.item_type.carries_stock() {
                    out.push(StockLevel {
                        code: item.code.to_string(),
                        name: item.name.clone(),
                        on_hand: views::qty(store::stock::on_hand(c, &item.code)?),
                    });
                }
            }
            Ok(out)
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{new_item, shop};

    #[tokio::test]
    async fn adjustments_move_stock_and_refuse_what_belongs_to_documents() {
        let (duka, _dir) = shop().await;
        let sugar = duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap().code;
        let delivery = duka
            .register_item(&crate::NewItem { item_type: domain::ItemType::Service, ..new_item("Delivery", 10_000) })
            .unwrap()
            .code;
        let line = |item: &str, q: i64| StockLineRequest { item: item.into(), qty: Qty::whole(q) };
        let opened = duka.record_opening_stock(&[line(&sugar, 10)]).unwrap();
        assert_eq!((opened.trader_no.as_str(), opened.move_type.as_str()), ("STK-000001", "06"));
        duka.adjust_stock(StockMoveType::Discarding, &[line(&sugar, 3)], Some("wet")).unwrap();
        let levels = duka.stock_levels().unwrap();
        assert_eq!(levels.len(), 1, "services carry no stock");
        assert_eq!(levels[0].on_hand, "7.00");

        let refusals = [
            (StockMoveType::Sale, vec![line(&sugar, 1)], "with its document"),
            (StockMoveType::AdjustmentIn, vec![], "at least one item"),
            (StockMoveType::AdjustmentIn, vec![line(&delivery, 1)], "is a service"),
            (StockMoveType::AdjustmentIn, vec![line(&sugar, 0)], "more than zero"),
            (StockMoveType::AdjustmentIn, vec![line("KE2NTNO0009999", 1)], "was not found"),
        ];
        for (kind, lines, text) in refusals {
            let e = duka.adjust_stock(kind, &lines, None).unwrap_err();
            assert!(e.to_string().contains(text), "{e}");
        }
        assert_eq!(duka.stock_levels().unwrap()[0].on_hand, "7.00");
    }
}
