//! KRA tax bands, their rates (read from the KRA code list, class 04) and the tax split KRA
//! enforces today (SPEC §9.2). This module is the one place where the split, the discount rule
//! and the header rate of unused bands are decided; the simulator enforces the same functions.
//!
//! **The line split.** Prices include VAT. For a line at rate r percent:
//! `splyAmt = round2(qty × prc)`; `taxblAmt = round2((splyAmt − dcAmt) / (1 + r/100))`;
//! `taxAmt = (splyAmt − dcAmt) − taxblAmt`; `totAmt = splyAmt − dcAmt`.
//!
//! **The discount rule.** A discount is an amount taken off the tax-inclusive supply amount
//! *before* the split (`dcAmt`), so VAT is charged on what the buyer actually pays. A percentage
//! discount becomes `dcAmt = round2(splyAmt × dcRt / 100)`. With no discount the rule is exactly
//! SPEC §9.2 (`totAmt = splyAmt`).
//!
//! **Band and header totals** are sums of the rounded lines, never recomputed from sums.
//!
//! **Unused bands** ([`header_rate`]): a band with lines carries its code-list rate; a band with no
//! lines carries 0, except B, which carries its code-list rate. That is what the 2026 gateway
//! accepted in every recorded sale (SPEC §9.3 conflict: `taxRtE` must be 0 when no E lines,
//! `taxRtB` 16 is accepted on invoices without B lines).

use std::{collections::BTreeMap, fmt, str::FromStr};

use crate::{
    Error, Money, Result,
    money::{div_round_half_away, format_fixed2, parse_fixed2},
};

/// The five KRA tax types of class 04.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaxBand {
    /// Exempt.
    A,
    /// Standard-rated VAT.
    B,
    /// Zero-rated.
    C,
    /// Non-VAT (outside the VAT Act).
    D,
    /// Reduced-rate VAT.
    E,
}

impl TaxBand {
    pub const ALL: [TaxBand; 5] = [TaxBand::A, TaxBand::B, TaxBand::C, TaxBand::D, TaxBand::E];

    pub fn code(self) -> char {
        match self {
            TaxBand::A => 'A',
            TaxBand::B => 'B',
            TaxBand::C => 'C',
            TaxBand::D => 'D',
            TaxBand::E => 'E',
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for TaxBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

impl FromStr for TaxBand {
    type Err = Error;
    fn from_str(s: &str) -> Result<TaxBand> {
        match s.trim() {
            "A" => Ok(TaxBand::A),
            "B" => Ok(TaxBand::B),
            "C" => Ok(TaxBand::C),
            "D" => Ok(TaxBand::D),
            "E" => Ok(TaxBand::E),
            other => Err(Error::ParseTaxBand { input: other.to_owned() }),
        }
    }
}

/// A tax rate in hundredths of a percent: 16 % is `TaxRate::from_hundredths(1600)` (KRA NUMBER(7,2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TaxRate(i64);

impl TaxRate {
    pub const ZERO: TaxRate = TaxRate(0);

    pub const fn from_hundredths(h: i64) -> TaxRate {
        TaxRate(h)
    }

    pub const fn percent(p: i64) -> TaxRate {
        TaxRate(p * 100)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// Parses the code list's rate string ("16", "8", "0", "16.00").
    pub fn parse(input: &str) -> Result<TaxRate> {
        match parse_fixed2(input.trim(), false) {
            Some(h) if (0..=10_000).contains(&h) => Ok(TaxRate(h)),
            _ => Err(Error::ParseTaxRate { input: input.to_owned() }),
        }
    }

    /// "16.00".
    pub fn plain(self) -> String {
        format_fixed2(self.0, false)
    }
}

impl fmt::Display for TaxRate {
    /// "16%", "0%", "12.5%".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = format_fixed2(self.0, false);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        write!(f, "{s}%")
    }
}

/// The rate of every band, as KRA's code list (class 04) gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRates([TaxRate; 5]);

impl TaxRates {
    /// Builds the table from code-list rows `(cd, userDfnCd1)`, e.g. `("B", "16")`. Every band must
    /// be present; unknown codes are ignored (KRA may add classes we do not use).
    pub fn from_code_list<'a, I>(rows: I) -> Result<TaxRates>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut found: BTreeMap<TaxBand, TaxRate> = BTreeMap::new();
        for (code, rate) in rows {
            if let Ok(band) = code.parse::<TaxBand>() {
                found.insert(band, TaxRate::parse(rate)?);
            }
        }
        let mut rates = [TaxRate::ZERO; 5];
        for band in TaxBand::ALL {
            rates[band.index()] = *found.get(&band).ok_or(Error::MissingTaxRate { band: band.code() })?;
        }
        Ok(TaxRates(rates))
    }

    pub fn rate(&self, band: TaxBand) -> TaxRate {
        self.0[band.index()]
    }
}

/// The header rate KRA expects for a band, given whether the document has lines in it.
/// See the module documentation for why unused bands other than B carry 0.
pub fn header_rate(rates: &TaxRates, band: TaxBand, band_used: bool) -> TaxRate {
    if band_used || band == TaxBand::B { rates.rate(band) } else { TaxRate::ZERO }
}

/// The KRA amounts of one document line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineAmounts {
    /// `splyAmt`: quantity × unit price, tax-inclusive, before discount.
    pub supply: Money,
    /// `dcAmt`: discount taken off `supply` before the split.
    pub discount: Money,
    /// `taxblAmt`: net of VAT.
    pub taxable: Money,
    /// `taxAmt`: the VAT.
    pub tax: Money,
    /// `totAmt`: what the buyer pays for the line, VAT included.
    pub total: Money,
}

/// Splits a tax-inclusive line (see the module documentation). `supply` and `discount` must be
/// non-negative and the discount no larger than the supply.
pub fn split_line(supply: Money, discount: Money, rate: TaxRate) -> Result<LineAmounts> {
    if supply.is_negative() || discount.is_negative() || discount > supply {
        return Err(Error::AmountOverflow { operation: "a line tax split with a negative amount" });
    }
    let total = supply.checked_sub(discount)?;
    let taxable = div_round_half_away(i128::from(total.cents()) * 10_000, 10_000 + i128::from(rate.hundredths()));
    let taxable =
        Money::from_cents(i64::try_from(taxable).map_err(|_| Error::AmountOverflow { operation: "a taxable amount" })?);
    let tax = total.checked_sub(taxable)?;
    Ok(LineAmounts { supply, discount, taxable, tax, total })
}

/// Taxable amount and VAT of one band, with the rate printed in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BandTotals {
    pub rate: TaxRate,
    pub taxable: Money,
    pub tax: Money,
}

/// The header totals of a sale, credit note, purchase or stock movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentTotals {
    pub bands: [BandTotals; 5],
    pub taxable: Money,
    pub tax: Money,
    pub total: Money,
    pub item_count: usize,
}

impl DocumentTotals {
    /// Sums rounded lines `(band, amounts)` into band and header totals, with the header rate of
    /// each band chosen by [`header_rate`].
    pub fn from_lines<'a, I>(rates: &TaxRates, lines: I) -> Result<DocumentTotals>
    where
        I: IntoIterator<Item = (TaxBand, &'a LineAmounts)>,
    {
        let mut bands = [BandTotals::default(); 5];
        let mut used = [false; 5];
        let mut total = Money::ZERO;
        let mut item_count = 0usize;
        for (band, line) in lines {
            let slot = &mut bands[band.index()];
            slot.taxable = slot.taxable.checked_add(line.taxable)?;
            slot.tax = slot.tax.checked_add(line.tax)?;
            used[band.index()] = true;
            total = total.checked_add(line.total)?;
            item_count += 1;
        }
        for band in TaxBand::ALL {
            bands[band.index()].rate = header_rate(rates, band, used[band.index()]);
        }
        let taxable = Money::sum(bands.iter().map(|b| b.taxable))?;
        let tax = Money::sum(bands.iter().map(|b| b.tax))?;
        Ok(DocumentTotals { bands, taxable, tax, total, item_count })
    }

    pub fn band(&self, band: TaxBand) -> &BandTotals {
        &self.bands[band.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Qty;
    use proptest::prelude::*;

    pub(crate) fn kenya_rates() -> TaxRates {
        TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap()
    }

    fn check(supply: i64, discount: i64, rate: i64, taxable: i64, tax: i64, total: i64) {
        let got = split_line(Money::from_cents(supply), Money::from_cents(discount), TaxRate::percent(rate)).unwrap();
        assert_eq!(
            (got.taxable.cents(), got.tax.cents(), got.total.cents()),
            (taxable, tax, total),
            "supply {supply} discount {discount} rate {rate}"
        );
    }

    #[test]
    fn splits_like_kra_recorded_sales() {
        // SPEC §9.2 worked example: 2 × 52 200 at B -> 90 000 + 14 400.
        check(10_440_000, 0, 16, 9_000_000, 1_440_000, 10_440_000);
        // "Invalid taxblAmt on item: 1. Expected: 86.21": 100.00 at 16 %.
        check(10_000, 0, 16, 8_621, 1_379, 10_000);
        // insertStockIO recorded: 1000 -> 862.07 + 137.93.
        check(100_000, 0, 16, 86_207, 13_793, 100_000);
        // Exempt and zero-rated lines carry no tax.
        check(6_000_000, 0, 0, 6_000_000, 0, 6_000_000);
        // 8 % band: 108.00 -> 100.00 + 8.00.
        check(10_800, 0, 8, 10_000, 800, 10_800);
        // Discount first, then split: 116.00 - 16.00 = 100.00 -> 86.21 + 13.79.
        check(11_600, 1_600, 16, 8_621, 1_379, 10_000);
    }

    #[test]
    fn split_refuses_negative_or_oversized_discount() {
        assert!(split_line(Money::from_cents(-1), Money::ZERO, TaxRate::percent(16)).is_err());
        assert!(split_line(Money::from_cents(100), Money::from_cents(101), TaxRate::percent(16)).is_err());
    }

    #[test]
    fn rates_come_from_the_code_list() {
        let rates = kenya_rates();
        assert_eq!(rates.rate(TaxBand::B), TaxRate::percent(16));
        assert_eq!(rates.rate(TaxBand::E), TaxRate::percent(8));
        // A changed rate in the code list changes the arithmetic, nothing is hard-wired.
        let moved = TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "12.5")]).unwrap();
        assert_eq!(moved.rate(TaxBand::E).to_string(), "12.5%");
        assert!(TaxRates::from_code_list([("A", "0"), ("B", "16")]).is_err());
        assert!(TaxRates::from_code_list([("A", "x"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).is_err());
    }

    #[test]
    fn header_rates_of_unused_bands() {
        let rates = kenya_rates();
        let line = split_line(Money::from_cents(6_000_000), Money::ZERO, TaxRate::ZERO).unwrap();
        let totals = DocumentTotals::from_lines(&rates, [(TaxBand::A, &line)]).unwrap();
        assert_eq!(totals.band(TaxBand::B).rate, TaxRate::percent(16));
        assert_eq!(totals.band(TaxBand::E).rate, TaxRate::ZERO);
        let e_line = split_line(Money::from_cents(10_800), Money::ZERO, TaxRate::percent(8)).unwrap();
        let totals = DocumentTotals::from_lines(&rates, [(TaxBand::E, &e_line)]).unwrap();
        assert_eq!(totals.band(TaxBand::E).rate, TaxRate::percent(8));
    }

    fn band_strategy() -> impl Strategy<Value = TaxBand> {
        prop_oneof![Just(TaxBand::A), Just(TaxBand::B), Just(TaxBand::C), Just(TaxBand::D), Just(TaxBand::E)]
    }

    proptest! {
        #[test]
        fn line_always_adds_up(supply in 0i64..10_000_000_000_000, disc_pct in 0i64..=10_000, rate in 0i64..=10_000) {
            let supply = Money::from_cents(supply);
            let discount = supply.percent(disc_pct).unwrap();
            let l = split_line(supply, discount, TaxRate::from_hundredths(rate)).unwrap();
            prop_assert_eq!(l.taxable.checked_add(l.tax).unwrap(), l.total);
            prop_assert!(!l.taxable.is_negative());
            prop_assert!(!l.tax.is_negative());
            prop_assert!(l.taxable <= l.total);
            // Splitting again gives the same answer: rounding is stable.
            prop_assert_eq!(split_line(supply, discount, TaxRate::from_hundredths(rate)).unwrap(), l);
        }

        #[test]
        fn header_totals_are_sums_of_rounded_lines(
            lines in proptest::collection::vec((band_strategy(), 1i64..100_000, 1i64..10_000_000), 1..40)
        ) {
            let rates = kenya_rates();
            let amounts: Vec<(TaxBand, LineAmounts)> = lines.iter().map(|(band, qty, price)| {
                let supply = Money::from_cents(*price).times(Qty::from_hundredths(*qty)).unwrap();
                (*band, split_line(supply, Money::ZERO, rates.rate(*band)).unwrap())
            }).collect();
            let totals = DocumentTotals::from_lines(&rates, amounts.iter().map(|(b, a)| (*b, a))).unwrap();
            for band in TaxBand::ALL {
                let in_band = amounts.iter().filter(|(b, _)| *b == band);
                let taxable = Money::sum(in_band.clone().map(|(_, a)| a.taxable)).unwrap();
                let tax = Money::sum(in_band.map(|(_, a)| a.tax)).unwrap();
                prop_assert_eq!(totals.band(band).taxable, taxable);
                prop_assert_eq!(totals.band(band).tax, tax);
            }
            prop_assert_eq!(totals.taxable.checked_add(totals.tax).unwrap(), totals.total);
            prop_assert_eq!(totals.total, Money::sum(amounts.iter().map(|(_, a)| a.total)).unwrap());
            prop_assert!(!totals.total.is_negative() && !totals.tax.is_negative());
            prop_assert_eq!(totals.item_count, lines.len());
        }

        #[test]
        fn amount_format_parse_round_trip(cents in i64::MIN / 2..i64::MAX / 2) {
            let m = Money::from_cents(cents);
            prop_assert_eq!(Money::parse(&m.to_string()).unwrap(), m);
            prop_assert_eq!(Money::parse(&m.plain()).unwrap(), m);
        }

        #[test]
        fn quantity_format_parse_round_trip(h in -1_000_000_000_000i64..1_000_000_000_000) {
            let q = Qty::from_hundredths(h);
            prop_assert_eq!(Qty::parse(&q.to_string()).unwrap(), q);
            prop_assert_eq!(Qty::parse(&q.plain()).unwrap(), q);
        }
    }
}
