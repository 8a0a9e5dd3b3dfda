//! Sales: a draft (lines, optional buyer, payment type) finalised into an invoice carrying every
//! KRA amount, or every violation at once.

use std::collections::BTreeMap;

use crate::{
    DocumentTotals, Item, ItemCode, ItemType, KraPin, LineAmounts, Money, PaymentType, Qty, TaxBand, TaxRates,
    Violation, Violations, quantity::MAX_QTY_HUNDREDTHS, tax::split_line,
};

/// KRA `itemSeq` is NUMBER(3).
pub const MAX_LINES: usize = 999;
/// KRA `custNm` is CHAR(60).
pub const MAX_BUYER_NAME_LEN: usize = 60;
/// KRA NUMBER(18,2): at most 16 integer digits.
pub const MAX_AMOUNT_CENTS: i64 = 999_999_999_999_999_999;

/// A discount on one line, taken off the tax-inclusive amount before the split (see `tax`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Discount {
    #[default]
    None,
    /// A fixed amount off the line.
    Amount(Money),
    /// A percentage with two decimals: 1000 = 10.00 %.
    Percent(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleLineDraft {
    pub item: ItemCode,
    pub qty: Qty,
    /// Tax-inclusive unit price; the item's default price when `None`.
    pub unit_price: Option<Money>,
    pub discount: Discount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleDraft {
    pub lines: Vec<SaleLineDraft>,
    pub buyer_pin: Option<String>,
    pub buyer_name: Option<String>,
    pub payment: PaymentType,
}

/// Whether a sale may take stock below zero. The default refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StockPolicy {
    #[default]
    Refuse,
    AllowNegative,
}

/// What a sale needs to know about the shop's items: the item itself and what is on hand.
pub trait Catalogue {
    fn item(&self, code: &ItemCode) -> Option<&Item>;
    fn on_hand(&self, code: &ItemCode) -> Qty;
}

/// A simple in-memory catalogue (also handy in tests).
impl Catalogue for BTreeMap<ItemCode, (Item, Qty)> {
    fn item(&self, code: &ItemCode) -> Option<&Item> {
        self.get(code).map(|(item, _)| item)
    }
    fn on_hand(&self, code: &ItemCode) -> Qty {
        self.get(code).map(|(_, q)| *q).unwrap_or_default()
    }
}

/// One line of an invoice or credit note, with the item's details frozen as they were sold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// `itemSeq`, from 1.
    pub seq: u16,
    pub item_code: ItemCode,
    pub class_code: String,
    pub name: String,
    pub barcode: Option<String>,
    pub item_type: ItemType,
    pub pkg_unit: String,
    pub qty_unit: String,
    /// `pkg`: number of packages. Sale and credit-note lines carry 1 (what the 2026 gateway
    /// expects: "Invalid pkg … Expected: 1"); see [`SALE_LINE_PKG`].
    pub pkg: Qty,
    pub qty: Qty,
    pub unit_price: Money,
    /// `dcRt`, two decimals.
    pub discount_rate: i64,
    pub band: TaxBand,
    pub amounts: LineAmounts,
}

/// The `pkg` of every sale and credit-note line (SPEC §6.15: the gateway expected 1).
pub const SALE_LINE_PKG: Qty = Qty::whole(1);

/// A finalised sale: every KRA amount computed, ready to be committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub lines: Vec<InvoiceLine>,
    pub buyer_pin: Option<KraPin>,
    pub buyer_name: Option<String>,
    pub payment: PaymentType,
    pub totals: DocumentTotals,
}

impl Invoice {
    /// The stock each goods line takes out (services carry none), summed per item.
    pub fn stock_out(&self) -> Vec<(ItemCode, Qty)> {
        sum_goods(self.lines.iter())
    }
}

pub(crate) fn sum_goods<'a>(lines: impl Iterator<Item = &'a InvoiceLine>) -> Vec<(ItemCode, Qty)> {
    let mut per_item: BTreeMap<ItemCode, Qty> = BTreeMap::new();
    for line in lines.filter(|l| l.item_type.carries_stock()) {
        let slot = per_item.entry(line.item_code.clone()).or_default();
        *slot = Qty::from_hundredths(slot.hundredths().saturating_add(line.qty.hundredths()));
    }
    per_item.into_iter().collect()
}

/// Checks the header totals against KRA's NUMBER(18,2) limits.
pub(crate) fn check_total_limits(totals: &DocumentTotals, v: &mut Vec<Violation>) {
    if totals.total.cents() > MAX_AMOUNT_CENTS {
        v.push(Violation::AmountOverLimit { field: "total amount" });
    } else if totals.taxable.cents() > MAX_AMOUNT_CENTS {
        v.push(Violation::AmountOverLimit { field: "taxable amount" });
    }
}

/// Validates a buyer PIN and name, pushing violations.
pub(crate) fn check_buyer(pin: Option<&str>, name: Option<&str>, v: &mut Vec<Violation>) -> Option<KraPin> {
    if name.is_some_and(|n| n.chars().count() > MAX_BUYER_NAME_LEN) {
        v.push(Violation::BuyerNameTooLong { max: MAX_BUYER_NAME_LEN });
    }
    match pin.map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match KraPin::parse(p) {
            Ok(pin) => Some(pin),
            Err(_) => {
                v.push(Violation::MalformedBuyerPin { pin: p.to_owned() });
                None
            }
        },
    }
}

impl SaleDraft {
    /// Finalises the draft into an invoice, or returns every violation found.
    pub fn finalise(
        &self,
        catalogue: &impl Catalogue,
        rates: &TaxRates,
        policy: StockPolicy,
    ) -> Result<Invoice, Violations> {
        let mut v = Vec::new();
        if self.lines.is_empty() {
            v.push(Violation::EmptyDocument);
        }
        if self.lines.len() > MAX_LINES {
            v.push(Violation::TooManyLines { lines: self.lines.len(), max: MAX_LINES });
        }
        let buyer_pin = check_buyer(self.buyer_pin.as_deref(), self.buyer_name.as_deref(), &mut v);

        let mut lines = Vec::with_capacity(self.lines.len());
        let mut wanted: BTreeMap<&ItemCode, Qty> = BTreeMap::new();
        for (i, draft) in self.lines.iter().enumerate() {
            let n = i + 1;
            let mut line_ok = true;
            if !draft.qty.is_positive() {
                v.push(Violation::NonPositiveQuantity { line: n });
                line_ok = false;
            } else if draft.qty.hundredths() > MAX_QTY_HUNDREDTHS {
                v.push(Violation::QuantityTooLarge { line: n });
                line_ok = false;
            }
            let Some(item) = catalogue.item(&draft.item) else {
                v.push(Violation::UnknownItem { line: n, code: draft.item.to_string() });
                continue;
            };
            if !item.active {
                v.push(Violation::InactiveItem { line: n, name: item.name.clone() });
                line_ok = false;
            }
            let price = draft.unit_price.unwrap_or(item.default_price);
            if price.is_negative() {
                v.push(Violation::NegativePrice { line: n });
                line_ok = false;
            }
            if !line_ok {
                continue;
            }
            match price_line(n, item, draft.qty, price, draft.discount, rates) {
                Ok(line) => {
                    if item.item_type.carries_stock() {
                        let w = wanted.entry(&item.code).or_default();
                        *w = Qty::from_hundredths(w.hundredths().saturating_add(draft.qty.hundredths()));
                    }
                    lines.push(line);
                }
                Err(violation) => v.push(violation),
            }
        }

        if policy == StockPolicy::Refuse {
            for (code, want) in &wanted {
                let on_hand = catalogue.on_hand(code);
                if *want > on_hand {
                    let (line, name) = self
                        .lines
                        .iter()
                        .position(|l| &l.item == *code)
                        .map(|i| (i + 1, catalogue.item(code).map(|it| it.name.clone()).unwrap_or_default()))
                        .unwrap_or_default();
                    v.push(Violation::InsufficientStock { line, name, on_hand, wanted: *want });
                }
            }
        }

        let totals = DocumentTotals::from_lines(rates, lines.iter().map(|l| (l.band, &l.amounts)));
        let totals = match totals {
            Ok(t) => Some(t),
            Err(_) => {
                v.push(Violation::AmountOverLimit { field: "total amount" });
                None
            }
        };
        if let Some(t) = &totals {
            check_total_limits(t, &mut v);
        }
        Violations::check(v)?;
        Ok(Invoice {
            lines,
            buyer_pin,
            buyer_name: self.buyer_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
            payment: self.payment,
            totals: totals.ok_or_else(|| Violations(vec![Violation::AmountOverLimit { field: "total amount" }]))?,
        })
    }
}

/// Prices one line: quantity × price, discount, split at the item's band rate.
pub(crate) fn price_line(
    n: usize,
    item: &Item,
    qty: Qty,
    price: Money,
    discount: Discount,
    rates: &TaxRates,
) -> Result<InvoiceLine, Violation> {
    let over = |_| Violation::AmountOverLimit { field: "line amount" };
    let supply = price.times(qty).map_err(over)?;
    if supply.cents() > MAX_AMOUNT_CENTS {
        return Err(Violation::AmountOverLimit { field: "line amount" });
    }
    let (discount_amount, discount_rate) = match discount {
        Discount::None => (Money::ZERO, 0),
        Discount::Amount(a) => (a, 0),
        Discount::Percent(p) if (0..=10_000).contains(&p) => (supply.percent(p).map_err(over)?, p),
        Discount::Percent(_) => return Err(Violation::DiscountTooLarge { line: n }),
    };
    if discount_amount.is_negative() || discount_amount > supply {
        return Err(Violation::DiscountTooLarge { line: n });
    }
    let amounts = split_line(supply, discount_amount, rates.rate(item.tax_band)).map_err(over)?;
    Ok(InvoiceLine {
        seq: u16::try_from(n).unwrap_or(u16::MAX),
        item_code: item.code.clone(),
        class_code: item.class_code.clone(),
        name: item.name.clone(),
        barcode: item.barcode.clone(),
        item_type: item.item_type,
        pkg_unit: item.pkg_unit.clone(),
        qty_unit: item.qty_unit.clone(),
        pkg: SALE_LINE_PKG,
        qty,
        unit_price: price,
        discount_rate,
        band: item.tax_band,
        amounts,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{ItemCodeParts, TaxRate};

    pub(crate) fn rates() -> TaxRates {
        TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap()
    }

    pub(crate) fn item(seq: u32, name: &str, band: TaxBand, price: i64, item_type: ItemType) -> Item {
        let code = ItemCode::build(&ItemCodeParts {
            origin: "KE".into(),
            item_type,
            pkg_unit: "NT".into(),
            qty_unit: "NO".into(),
            sequence: seq,
        })
        .unwrap();
        Item {
            code,
            name: name.into(),
            class_code: "5020230500".into(),
            item_type,
            origin: "KE".into(),
            pkg_unit: "NT".into(),
            qty_unit: "NO".into(),
            tax_band: band,
            default_price: Money::from_cents(price),
            barcode: None,
            active: true,
        }
    }

    pub(crate) fn catalogue() -> BTreeMap<ItemCode, (Item, Qty)> {
        let mut c = BTreeMap::new();
        for (it, stock) in [
            (item(1, "Sugar 1kg", TaxBand::B, 18_000, ItemType::Finished), Qty::whole(10)),
            (item(2, "Maize flour 2kg", TaxBand::A, 21_500, ItemType::Finished), Qty::whole(5)),
            (item(3, "Delivery", TaxBand::B, 20_000, ItemType::Service), Qty::ZERO),
            (item(4, "Cooking gas refill", TaxBand::E, 324_000, ItemType::Finished), Qty::whole(3)),
        ] {
            c.insert(it.code.clone(), (it, stock));
        }
        let mut off = item(5, "Old stock", TaxBand::B, 100, ItemType::Finished);
        off.active = false;
        c.insert(off.code.clone(), (off, Qty::whole(1)));
        c
    }

    pub(crate) fn code(seq: u32, item_type: ItemType) -> ItemCode {
        item(seq, "", TaxBand::A, 0, item_type).code
    }

    fn line(seq: u32, t: ItemType, qty: i64) -> SaleLineDraft {
        SaleLineDraft { item: code(seq, t), qty: Qty::whole(qty), unit_price: None, discount: Discount::None }
    }

    #[test]
    fn finalises_a_mixed_sale() {
        let draft = SaleDraft {
            lines: vec![
                line(1, ItemType::Finished, 2),
                line(2, ItemType::Finished, 1),
                line(3, ItemType::Service, 1),
                line(4, ItemType::Finished, 1),
            ],
            buyer_pin: Some("p051234567x".into()),
            buyer_name: Some("Mama Mboga Ltd".into()),
            payment: PaymentType::MobileMoney,
        };
        let inv = draft.finalise(&catalogue(), &rates(), StockPolicy::Refuse).unwrap();
        assert_eq!(inv.buyer_pin.as_ref().unwrap().as_str(), "P051234567X");
        assert_eq!(inv.totals.item_count, 4);
        // 2 × 180.00 + 200.00 at B = 560.00 -> 482.76 + 77.24
        assert_eq!(inv.totals.band(TaxBand::B).taxable.cents(), 31_034 + 17_241);
        assert_eq!(inv.totals.band(TaxBand::B).tax.cents(), 4_966 + 2_759);
        assert_eq!(inv.totals.band(TaxBand::A).taxable.cents(), 21_500);
        assert_eq!(inv.totals.band(TaxBand::E).rate, TaxRate::percent(8));
        assert_eq!(inv.totals.band(TaxBand::E).taxable.cents(), 300_000);
        assert_eq!(inv.totals.total.cents(), 36_000 + 21_500 + 20_000 + 324_000);
        assert!(inv.lines.iter().all(|l| l.pkg == Qty::whole(1)));
        // The service line takes no stock.
        assert_eq!(inv.stock_out().len(), 3);
    }

    #[test]
    fn reports_every_violation_at_once() {
        let mut bad_discount = line(1, ItemType::Finished, 1);
        bad_discount.discount = Discount::Amount(Money::from_cents(20_000));
        let draft = SaleDraft {
            lines: vec![
                line(1, ItemType::Finished, 0),
                line(99, ItemType::Finished, 1),
                line(5, ItemType::Finished, 1),
                line(2, ItemType::Finished, 6),
                bad_discount,
            ],
            buyer_pin: Some("12345".into()),
            buyer_name: None,
            payment: PaymentType::Cash,
        };
        let err = draft.finalise(&catalogue(), &rates(), StockPolicy::Refuse).unwrap_err();
        let kinds: Vec<_> = err.iter().map(|v| format!("{v:?}").split([' ', '{']).next().unwrap().to_owned()).collect();
        assert_eq!(
            kinds,
            [
                "MalformedBuyerPin",
                "NonPositiveQuantity",
                "UnknownItem",
                "InactiveItem",
                "DiscountTooLarge",
                "InsufficientStock"
            ]
        );
        let text = err.to_string();
        assert!(text.contains("only 5 of Maize flour 2kg in stock, 6 wanted"), "{text}");
        assert!(text.contains("there is no item with code KE2NTNO0000099"), "{text}");
    }

    #[test]
    fn empty_sale_is_refused() {
        let draft = SaleDraft { lines: vec![], buyer_pin: None, buyer_name: None, payment: PaymentType::Cash };
        assert_eq!(
            draft.finalise(&catalogue(), &rates(), StockPolicy::Refuse).unwrap_err().0,
            vec![Violation::EmptyDocument]
        );
    }

    #[test]
    fn stock_policy_allows_negative_when_enabled() {
        let draft = SaleDraft {
            lines: vec![line(2, ItemType::Finished, 6)],
            buyer_pin: None,
            buyer_name: None,
            payment: PaymentType::Cash,
        };
        assert!(draft.finalise(&catalogue(), &rates(), StockPolicy::Refuse).is_err());
        assert!(draft.finalise(&catalogue(), &rates(), StockPolicy::AllowNegative).is_ok());
        // Two lines of the same item count together against the stock.
        let split = SaleDraft { lines: vec![line(2, ItemType::Finished, 3), line(2, ItemType::Finished, 3)], ..draft };
        assert!(split.finalise(&catalogue(), &rates(), StockPolicy::Refuse).is_err());
    }

    #[test]
    fn discounts_apply_before_the_split() {
        let mut l = line(1, ItemType::Finished, 1);
        l.unit_price = Some(Money::from_cents(11_600));
        l.discount = Discount::Percent(1000);
        let draft = SaleDraft { lines: vec![l], buyer_pin: None, buyer_name: None, payment: PaymentType::Cash };
        let inv = draft.finalise(&catalogue(), &rates(), StockPolicy::Refuse).unwrap();
        let a = inv.lines[0].amounts;
        assert_eq!((a.supply.cents(), a.discount.cents(), a.total.cents()), (11_600, 1_160, 10_440));
        assert_eq!((a.taxable.cents(), a.tax.cents()), (9_000, 1_440));
        assert_eq!(inv.lines[0].discount_rate, 1000);
    }

    #[test]
    fn totals_over_kra_limits_are_refused() {
        let mut l = line(1, ItemType::Finished, 1);
        l.unit_price = Some(Money::from_cents(MAX_AMOUNT_CENTS));
        l.qty = Qty::whole(2);
        let draft = SaleDraft { lines: vec![l], buyer_pin: None, buyer_name: None, payment: PaymentType::Cash };
        let err = draft.finalise(&catalogue(), &rates(), StockPolicy::AllowNegative).unwrap_err();
        assert!(matches!(err.0[0], Violation::AmountOverLimit { .. }), "{err:?}");
    }
}
