//! Credit notes: raised only against a sale, for a reason from class 32, with the sale's buyer
//! PIN, dated no earlier than the sale, and never crediting more of a line than remains
//! uncredited (several partial credit notes are allowed). Returned goods come back into stock.

use std::collections::BTreeMap;

use crate::{
    CreditNoteReason, Date, DocumentTotals, Invoice, InvoiceLine, ItemCode, KraPin, Money, PaymentType, Qty, TaxRates,
    Violation, Violations,
    sale::{check_total_limits, sum_goods},
    tax::{TaxRate, split_line},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteLineDraft {
    /// `itemSeq` of the line on the original sale.
    pub sale_line: u16,
    pub qty: Qty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteDraft {
    pub reason: CreditNoteReason,
    pub buyer_pin: Option<String>,
    pub date: Date,
    pub lines: Vec<CreditNoteLineDraft>,
}

/// A finalised credit note. Amounts are positive, as KRA wants them; receipts print them negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNote {
    pub reason: CreditNoteReason,
    pub date: Date,
    pub lines: Vec<InvoiceLine>,
    pub buyer_pin: Option<KraPin>,
    pub buyer_name: Option<String>,
    pub payment: PaymentType,
    pub totals: DocumentTotals,
}

impl CreditNote {
    /// The stock coming back in (goods lines only), per item.
    pub fn stock_in(&self) -> Vec<(ItemCode, Qty)> {
        sum_goods(self.lines.iter())
    }
}

/// The original sale as the credit note sees it.
#[derive(Debug, Clone, Copy)]
pub struct OriginalSale<'a> {
    pub invoice: &'a Invoice,
    pub date: Date,
    /// Quantity already credited per sale line (`itemSeq`), by earlier credit notes.
    pub credited: &'a BTreeMap<u16, Qty>,
}

impl CreditNoteDraft {
    /// Checks the draft against the original sale and prices it at the sale's prices and rates.
    pub fn finalise(&self, original: OriginalSale<'_>, rates: &TaxRates) -> Result<CreditNote, Violations> {
        let mut v = Vec::new();
        let sale = original.invoice;
        if self.lines.is_empty() {
            v.push(Violation::EmptyDocument);
        }
        let given = self
            .buyer_pin
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| KraPin::parse(p).map_err(|_| p.to_owned()));
        let given_pin = match given {
            Some(Err(raw)) => {
                v.push(Violation::MalformedBuyerPin { pin: raw });
                None
            }
            Some(Ok(p)) => Some(p),
            None => None,
        };
        if v.is_empty() && given_pin != sale.buyer_pin {
            v.push(Violation::CreditNoteBuyerPinMismatch {
                original: sale.buyer_pin.as_ref().map(ToString::to_string),
                given: given_pin.as_ref().map(ToString::to_string),
            });
        }
        if self.date < original.date {
            v.push(Violation::CreditNoteBeforeSale {
                sale_date: original.date.to_string(),
                credit_date: self.date.to_string(),
            });
        }

        let mut seen: BTreeMap<u16, ()> = BTreeMap::new();
        let mut lines = Vec::new();
        for (i, draft) in self.lines.iter().enumerate() {
            let n = i + 1;
            let Some(orig) = sale.lines.iter().find(|l| l.seq == draft.sale_line) else {
                v.push(Violation::CreditNoteLineNotInSale { line: n, code: format!("line {}", draft.sale_line) });
                continue;
            };
            if seen.insert(draft.sale_line, ()).is_some() {
                v.push(Violation::DuplicateLine { line: n, code: orig.item_code.to_string() });
                continue;
            }
            if !draft.qty.is_positive() {
                v.push(Violation::NonPositiveQuantity { line: n });
                continue;
            }
            let already = original.credited.get(&draft.sale_line).copied().unwrap_or_default();
            let remaining = Qty::from_hundredths(orig.qty.hundredths() - already.hundredths());
            if draft.qty > remaining {
                v.push(Violation::CreditNoteExceedsSale {
                    line: n,
                    name: orig.name.clone(),
                    remaining,
                    wanted: draft.qty,
                });
                continue;
            }
            // The original line's rate, as printed in the sale's header.
            let rate: TaxRate = sale.totals.band(orig.band).rate;
            match credit_line(n, orig, draft.qty, rate) {
                Ok(line) => lines.push(line),
                Err(violation) => v.push(violation),
            }
        }
        let totals = DocumentTotals::from_lines(rates, lines.iter().map(|l| (l.band, &l.amounts)));
        let totals = match totals {
            Ok(t) => {
                check_total_limits(&t, &mut v);
                Some(t)
            }
            Err(_) => {
                v.push(Violation::AmountOverLimit { field: "total amount" });
                None
            }
        };
        Violations::check(v)?;
        let mut totals =
            totals.ok_or_else(|| Violations(vec![Violation::AmountOverLimit { field: "total amount" }]))?;
        // Bands carry the sale's rates, so a credit note matches its sale even if rates moved since.
        for line in &lines {
            totals.bands[line.band.index()].rate = sale.totals.band(line.band).rate;
        }
        Ok(CreditNote {
            reason: self.reason,
            date: self.date,
            lines,
            buyer_pin: sale.buyer_pin.clone(),
            buyer_name: sale.buyer_name.clone(),
            payment: sale.payment,
            totals,
        })
    }
}

/// Credits `qty` of an original line at its unit price, with its discount prorated.
fn credit_line(n: usize, orig: &InvoiceLine, qty: Qty, rate: TaxRate) -> Result<InvoiceLine, Violation> {
    let over = |_| Violation::AmountOverLimit { field: "line amount" };
    let supply = orig.unit_price.times(qty).map_err(over)?;
    let discount = if qty == orig.qty {
        orig.amounts.discount
    } else {
        // discount × qty / original qty, rounded half away from zero.
        let scaled = i128::from(orig.amounts.discount.cents()) * i128::from(qty.hundredths());
        let d = crate::money::div_round_half_away(scaled, i128::from(orig.qty.hundredths()));
        Money::from_cents(i64::try_from(d).map_err(|_| Violation::AmountOverLimit { field: "line amount" })?)
    };
    let amounts = split_line(supply, discount, rate).map_err(over)?;
    Ok(InvoiceLine { seq: u16::try_from(n).unwrap_or(u16::MAX), qty, amounts, ..orig.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Discount, ItemType, SaleDraft, SaleLineDraft, StockPolicy, TaxBand,
        sale::tests::{catalogue, code, rates},
    };

    fn sale(pin: Option<&str>) -> Invoice {
        let mut discounted = SaleLineDraft {
            item: code(1, ItemType::Finished),
            qty: Qty::whole(3),
            unit_price: None,
            discount: Discount::None,
        };
        discounted.discount = Discount::Amount(Money::from_cents(3_000));
        SaleDraft {
            lines: vec![
                discounted,
                SaleLineDraft {
                    item: code(3, ItemType::Service),
                    qty: Qty::whole(1),
                    unit_price: None,
                    discount: Discount::None,
                },
            ],
            buyer_pin: pin.map(Into::into),
            buyer_name: None,
            payment: PaymentType::Cash,
        }
        .finalise(&catalogue(), &rates(), StockPolicy::Refuse)
        .unwrap()
    }

    fn day(d: u8) -> Date {
        Date::new(2026, 11, d).unwrap()
    }

    #[test]
    fn partial_credit_notes_up_to_what_remains() {
        let inv = sale(Some("P051234567X"));
        let mut credited = BTreeMap::new();
        let draft = CreditNoteDraft {
            reason: CreditNoteReason::Damaged,
            buyer_pin: Some("P051234567X".into()),
            date: day(21),
            lines: vec![CreditNoteLineDraft { sale_line: 1, qty: Qty::whole(1) }],
        };
        let cn = draft.finalise(OriginalSale { invoice: &inv, date: day(20), credited: &credited }, &rates()).unwrap();
        // 1 of 3 at 180.00 with 30.00 discount prorated to 10.00: 170.00 -> 146.55 + 23.45.
        assert_eq!(cn.totals.total.cents(), 17_000);
        assert_eq!(cn.lines[0].amounts.taxable.cents(), 14_655);
        assert_eq!(cn.stock_in(), vec![(code(1, ItemType::Finished), Qty::whole(1))]);
        credited.insert(1, Qty::whole(1));
        let again =
            CreditNoteDraft { lines: vec![CreditNoteLineDraft { sale_line: 1, qty: Qty::whole(2) }], ..draft.clone() };
        let cn2 = again.finalise(OriginalSale { invoice: &inv, date: day(20), credited: &credited }, &rates()).unwrap();
        assert_eq!(cn2.totals.total.cents(), 34_000);
        credited.insert(1, Qty::whole(3));
        let too_much =
            draft.finalise(OriginalSale { invoice: &inv, date: day(20), credited: &credited }, &rates()).unwrap_err();
        assert!(too_much.to_string().contains("only 0 of Sugar 1kg is left to credit"), "{too_much}");
    }

    #[test]
    fn refuses_wrong_pin_date_and_lines() {
        let inv = sale(Some("P051234567X"));
        let credited = BTreeMap::new();
        let draft = CreditNoteDraft {
            reason: CreditNoteReason::Refund,
            buyer_pin: Some("P000000000Z".into()),
            date: day(19),
            lines: vec![
                CreditNoteLineDraft { sale_line: 9, qty: Qty::whole(1) },
                CreditNoteLineDraft { sale_line: 2, qty: Qty::whole(0) },
            ],
        };
        let err =
            draft.finalise(OriginalSale { invoice: &inv, date: day(20), credited: &credited }, &rates()).unwrap_err();
        assert_eq!(err.0.len(), 4, "{err}");
        assert!(matches!(err.0[0], Violation::CreditNoteBuyerPinMismatch { .. }));
        assert!(matches!(err.0[1], Violation::CreditNoteBeforeSale { .. }));
        // A walk-in sale cannot be credited to a PIN either.
        let walk_in = sale(None);
        let with_pin = CreditNoteDraft {
            date: day(20),
            lines: vec![CreditNoteLineDraft { sale_line: 2, qty: Qty::whole(1) }],
            ..draft
        };
        assert!(
            with_pin
                .finalise(OriginalSale { invoice: &walk_in, date: day(20), credited: &credited }, &rates())
                .is_err()
        );
    }

    #[test]
    fn credit_note_keeps_the_sale_rates() {
        let inv = sale(None);
        let credited = BTreeMap::new();
        let moved = TaxRates::from_code_list([("A", "0"), ("B", "18"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap();
        let draft = CreditNoteDraft {
            reason: CreditNoteReason::Refund,
            buyer_pin: None,
            date: day(20),
            lines: vec![CreditNoteLineDraft { sale_line: 2, qty: Qty::whole(1) }],
        };
        let cn = draft.finalise(OriginalSale { invoice: &inv, date: day(20), credited: &credited }, &moved).unwrap();
        assert_eq!(cn.totals.band(TaxBand::B).rate, TaxRate::percent(16));
        assert_eq!(cn.lines[0].amounts.tax.cents(), 2_759);
        assert!(cn.stock_in().is_empty());
    }
}
