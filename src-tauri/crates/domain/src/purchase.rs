//! Purchases: a supplier invoice, from KRA's purchase feed or keyed by hand, with each supplier
//! line mapped to one of the shop's own items, then accepted (stock comes in) or rejected.

use crate::{
    Catalogue, Date, Discount, DocumentTotals, ItemCode, KraPin, Money, PaymentType, Qty, TaxBand, TaxRates, Violation,
    Violations,
    quantity::MAX_QTY_HUNDREDTHS,
    sale::{InvoiceLine, check_total_limits, price_line, sum_goods},
};

/// The longest supplier name KRA takes on a purchase (`spplrNm`, SPEC §6.17).
pub const MAX_SUPPLIER_NAME_LEN: usize = 60;

/// Where a purchase came from (KRA `regTyCd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseSource {
    /// From KRA's feed of suppliers' sales (`A`).
    KraFeed,
    /// Keyed by hand (`M`).
    Manual,
}

impl PurchaseSource {
    pub fn code(self) -> &'static str {
        match self {
            PurchaseSource::KraFeed => "A",
            PurchaseSource::Manual => "M",
        }
    }
}

/// The shop's answer to a purchase from the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseDecision {
    Accept,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseLineDraft {
    pub supplier_item_code: Option<String>,
    pub supplier_item_name: String,
    pub supplier_class_code: Option<String>,
    pub qty: Qty,
    /// Tax-inclusive unit price charged by the supplier.
    pub unit_price: Money,
    pub discount: Money,
    /// The tax band the supplier charged.
    pub band: TaxBand,
    /// The shop's own item this line is, chosen by the shop (or remembered from last time).
    pub own_item: Option<ItemCode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseDraft {
    pub source: PurchaseSource,
    pub supplier_pin: Option<String>,
    pub supplier_name: Option<String>,
    pub supplier_branch: Option<String>,
    /// The supplier's KRA `invcNo` (feed purchases only).
    pub supplier_invoice_no: Option<i64>,
    pub date: Date,
    pub payment: PaymentType,
    pub lines: Vec<PurchaseLineDraft>,
    /// The total KRA's feed states, to check the mapped lines against.
    pub stated_total: Option<Money>,
}

/// One purchase line, priced with the same split as sales, plus what the supplier called it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseLine {
    pub line: InvoiceLine,
    pub supplier_item_code: Option<String>,
    pub supplier_item_name: String,
    pub supplier_class_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    pub source: PurchaseSource,
    pub supplier_pin: Option<KraPin>,
    pub supplier_name: Option<String>,
    pub supplier_branch: Option<String>,
    pub supplier_invoice_no: Option<i64>,
    pub date: Date,
    pub payment: PaymentType,
    pub lines: Vec<PurchaseLine>,
    pub totals: DocumentTotals,
}

impl Purchase {
    /// The stock coming in (goods lines only), per own item.
    pub fn stock_in(&self) -> Vec<(ItemCode, Qty)> {
        sum_goods(self.lines.iter().map(|l| &l.line))
    }
}

impl PurchaseDraft {
    /// Maps and prices every line; each must name an active own item.
    pub fn finalise(&self, catalogue: &impl Catalogue, rates: &TaxRates) -> Result<Purchase, Violations> {
        let mut v = Vec::new();
        if self.lines.is_empty() {
            v.push(Violation::EmptyDocument);
        }
        let supplier_pin = match self.supplier_pin.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => match KraPin::parse(p) {
                Ok(pin) => Some(pin),
                Err(_) => {
                    v.push(Violation::MalformedSupplierPin { pin: p.to_owned() });
                    None
                }
            },
        };
        // A name keyed by hand must fit KRA's field; a name from KRA's own feed is KRA's to keep.
        if self.source == PurchaseSource::Manual
            && self.supplier_name.as_deref().is_some_and(|n| n.chars().count() > MAX_SUPPLIER_NAME_LEN)
        {
            v.push(Violation::SupplierNameTooLong { max: MAX_SUPPLIER_NAME_LEN });
        }
        let mut lines = Vec::new();
        for (i, d) in self.lines.iter().enumerate() {
            let n = i + 1;
            if !d.qty.is_positive() {
                v.push(Violation::NonPositiveQuantity { line: n });
                continue;
            }
            if d.qty.hundredths() > MAX_QTY_HUNDREDTHS {
                v.push(Violation::QuantityTooLarge { line: n });
                continue;
            }
            if d.unit_price.is_negative() {
                v.push(Violation::NegativePrice { line: n });
                continue;
            }
            let Some(code) = &d.own_item else {
                v.push(Violation::UnmappedPurchaseLine { line: n, supplier_item: d.supplier_item_name.clone() });
                continue;
            };
            let Some(item) = catalogue.item(code) else {
                v.push(Violation::UnknownItem { line: n, code: code.to_string() });
                continue;
            };
            if !item.active {
                v.push(Violation::InactiveItem { line: n, name: item.name.clone() });
                continue;
            }
            // Priced at the supplier's band: that is the VAT the supplier charged.
            let as_charged = crate::Item { tax_band: d.band, ..item.clone() };
            match price_line(n, &as_charged, d.qty, d.unit_price, Discount::Amount(d.discount), rates) {
                Ok(mut line) => {
                    line.pkg = d.qty;
                    lines.push(PurchaseLine {
                        line,
                        supplier_item_code: d.supplier_item_code.clone(),
                        supplier_item_name: d.supplier_item_name.clone(),
                        supplier_class_code: d.supplier_class_code.clone(),
                    });
                }
                Err(violation) => v.push(violation),
            }
        }
        let totals = DocumentTotals::from_lines(rates, lines.iter().map(|l| (l.line.band, &l.line.amounts)));
        let totals = match totals {
            Ok(t) => {
                check_total_limits(&t, &mut v);
                if let Some(stated) = self.stated_total
                    && v.is_empty()
                    && stated != t.total
                {
                    v.push(Violation::PurchaseTotalMismatch { expected: stated, found: t.total });
                }
                Some(t)
            }
            Err(_) => {
                v.push(Violation::AmountOverLimit { field: "total amount" });
                None
            }
        };
        Violations::check(v)?;
        Ok(Purchase {
            source: self.source,
            supplier_pin,
            supplier_name: self.supplier_name.clone(),
            supplier_branch: self.supplier_branch.clone(),
            supplier_invoice_no: self.supplier_invoice_no,
            date: self.date,
            payment: self.payment,
            lines,
            totals: totals.ok_or_else(|| Violations(vec![Violation::AmountOverLimit { field: "total amount" }]))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        ItemType,
        sale::tests::{catalogue, code, rates},
    };

    fn draft(own: Option<ItemCode>, stated: Option<i64>) -> PurchaseDraft {
        PurchaseDraft {
            source: PurchaseSource::KraFeed,
            supplier_pin: Some("P052581715V".into()),
            supplier_name: Some("Nyati Wholesalers".into()),
            supplier_branch: Some("00".into()),
            supplier_invoice_no: Some(41),
            date: Date::new(2026, 11, 20).unwrap(),
            payment: PaymentType::Credit,
            lines: vec![PurchaseLineDraft {
                supplier_item_code: Some("KE2NTBG0000003".into()),
                supplier_item_name: "SUGAR 1KG BALE".into(),
                supplier_class_code: Some("5020230500".into()),
                qty: Qty::whole(20),
                unit_price: Money::from_cents(15_000),
                discount: Money::ZERO,
                band: TaxBand::B,
                own_item: own,
            }],
            stated_total: stated.map(Money::from_cents),
        }
    }

    #[test]
    fn maps_and_prices_purchase_lines() {
        let p = draft(Some(code(1, ItemType::Finished)), Some(300_000)).finalise(&catalogue(), &rates()).unwrap();
        assert_eq!(p.totals.total.cents(), 300_000);
        assert_eq!(p.totals.band(TaxBand::B).taxable.cents(), 258_621);
        assert_eq!(p.stock_in(), vec![(code(1, ItemType::Finished), Qty::whole(20))]);
        assert_eq!(p.lines[0].line.pkg, Qty::whole(20));
    }

    #[test]
    fn a_malformed_supplier_pin_and_an_overlong_supplier_name_are_named_as_the_supplier_s() {
        let mut d = draft(Some(code(1, ItemType::Finished)), None);
        d.source = PurchaseSource::Manual;
        d.supplier_invoice_no = None;
        d.supplier_pin = Some("P0525817".into());
        d.supplier_name = Some("N".repeat(MAX_SUPPLIER_NAME_LEN + 1));
        let err = d.finalise(&catalogue(), &rates()).unwrap_err();
        assert_eq!(
            err.0,
            vec![
                Violation::MalformedSupplierPin { pin: "P0525817".into() },
                Violation::SupplierNameTooLong { max: MAX_SUPPLIER_NAME_LEN },
            ]
        );
        assert!(err.to_string().contains("supplier PIN \"P0525817\" is not a KRA PIN"), "{err}");
        d.supplier_pin = Some("P052581715V".into());
        d.supplier_name = Some("N".repeat(MAX_SUPPLIER_NAME_LEN));
        assert!(d.finalise(&catalogue(), &rates()).is_ok(), "60 characters is what KRA takes");
    }

    #[test]
    fn unmapped_lines_and_wrong_totals_are_refused() {
        let err = draft(None, None).finalise(&catalogue(), &rates()).unwrap_err();
        assert!(err.to_string().contains("choose which of your items the supplier's \"SUGAR 1KG BALE\" is"), "{err}");
        let err = draft(Some(code(1, ItemType::Finished)), Some(1)).finalise(&catalogue(), &rates()).unwrap_err();
        assert!(matches!(err.0[0], Violation::PurchaseTotalMismatch { .. }));
    }
}
