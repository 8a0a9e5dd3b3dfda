//! The tax arithmetic KRA enforces on sales, credit notes, purchases and stock movements
//! (SPEC §9.2), using the domain's split, discount and header-rate rules and the simulator's own
//! class-04 rates.

use domain::{DocumentTotals, LineAmounts, Money, TaxBand, TaxRates};
use serde_json::Value;

use super::Refusal;
use crate::fields::{Read, found, hundredths};

/// How a document's lines name their discount.
#[derive(Debug, Clone, Copy)]
pub enum Discount {
    /// Sales and purchases: `dcRt` (percent) and `dcAmt`.
    RateAndAmount,
    /// Stock movements: `totDcAmt` only.
    TotalOnly,
}

fn mismatch(field: &str, n: usize, expected: Money, line: &Value) -> Refusal {
    // "splyAmnt" is KRA's spelling in this message.
    let shown = if field == "splyAmt" { "splyAmnt" } else { field };
    Refusal::param(format!(
        "Invalid {shown} on item: {n}. Expected: {}, But Found: {}",
        expected.plain(),
        found(line, field)
    ))
}

/// Checks that a purchase or stock line counts at least one package (`pkg: 0` crashed the
/// gateway, SPEC §13.9).
pub fn check_packages(line: &Value, n: usize) -> Result<(), Refusal> {
    if line.qty("pkg").is_positive() {
        Ok(())
    } else {
        Err(Refusal::param(format!("Invalid pkg on item: {n}: the number of packages must be more than 0")))
    }
}

/// Checks one line's amounts; returns its band and amounts.
pub fn check_line(
    line: &Value,
    n: usize,
    rates: &TaxRates,
    discount: Discount,
) -> Result<(TaxBand, LineAmounts), Refusal> {
    let qty = line.qty("qty");
    if !qty.is_positive() {
        return Err(Refusal::param(format!("Invalid qty on item: {n}: the quantity must be more than 0")));
    }
    let overflow = |_| Refusal::param(format!("Invalid splyAmnt on item: {n}: the amount is too large"));
    let supply = line.money("prc").times(qty).map_err(overflow)?;
    if line.money("splyAmt") != supply {
        return Err(mismatch("splyAmt", n, supply, line));
    }
    let (dc_key, dc) = match discount {
        Discount::RateAndAmount => ("dcAmt", line.money("dcAmt")),
        Discount::TotalOnly => ("totDcAmt", line.money("totDcAmt")),
    };
    if let Discount::RateAndAmount = discount {
        let rate = line.get("dcRt").and_then(hundredths).unwrap_or(0);
        if rate > 0 {
            let expected = supply.percent(rate).map_err(overflow)?;
            if dc != expected {
                return Err(mismatch("dcAmt", n, expected, line));
            }
        }
    }
    if dc > supply {
        return Err(Refusal::param(format!(
            "Invalid {dc_key} on item: {n}: the discount {} is larger than splyAmt {}",
            dc.plain(),
            supply.plain()
        )));
    }
    let band: TaxBand = line
        .text("taxTyCd")
        .parse()
        .map_err(|_| Refusal::param(format!("Invalid taxTyCd on item: {n}: {}", found(line, "taxTyCd"))))?;
    let split = domain::tax::split_line(supply, dc, rates.rate(band))
        .map_err(|e| Refusal::param(format!("Invalid amounts on item: {n}: {e}")))?;
    for (field, expected) in [("taxblAmt", split.taxable), ("taxAmt", split.tax), ("totAmt", split.total)] {
        if line.money(field) != expected {
            return Err(mismatch(field, n, expected, line));
        }
    }
    Ok((band, split))
}

/// A field's JSON text as sent (whole numbers stay whole).
fn raw(v: &Value, key: &str) -> String {
    v.get(key).map_or_else(|| "null".to_owned(), Value::to_string)
}

fn header_mismatch(field: &str, expected: Money, body: &Value) -> Refusal {
    Refusal::param(format!("Invalid {field}. Expected: {}, But Found: {}", expected.plain(), found(body, field)))
}

/// The header totals every line-bearing document carries.
pub fn totals(rates: &TaxRates, lines: &[(TaxBand, LineAmounts)]) -> Result<DocumentTotals, Refusal> {
    DocumentTotals::from_lines(rates, lines.iter().map(|(b, a)| (*b, a)))
        .map_err(|e| Refusal::param(format!("Invalid totAmt: {e}")))
}

/// Checks the fifteen band fields (rates by [`domain::tax::header_rate`]) of a sale or purchase.
pub fn check_bands(body: &Value, totals: &DocumentTotals) -> Result<(), Refusal> {
    for band in TaxBand::ALL {
        let b = totals.band(band);
        let rate_field = format!("taxRt{band}");
        let found_rate = body.get(&rate_field).and_then(hundredths).unwrap_or(-1);
        if found_rate != b.rate.hundredths() {
            return Err(Refusal::param(format!(
                "Rule taxRt{band} failed: Tax rate mismatch. Expected: {}, Found: {}",
                b.rate.plain(),
                raw(body, &rate_field)
            )));
        }
        for (field, expected) in [(format!("taxblAmt{band}"), b.taxable), (format!("taxAmt{band}"), b.tax)] {
            if body.money(&field) != expected {
                return Err(header_mismatch(&field, expected, body));
            }
        }
    }
    Ok(())
}

/// Checks `totTaxblAmt`, `totTaxAmt` and `totAmt`.
pub fn check_totals(body: &Value, totals: &DocumentTotals) -> Result<(), Refusal> {
    for (field, expected) in [("totTaxblAmt", totals.taxable), ("totTaxAmt", totals.tax), ("totAmt", totals.total)] {
        if body.money(field) != expected {
            return Err(header_mismatch(field, expected, body));
        }
    }
    Ok(())
}

/// Checks `totItemCnt` and that `itemSeq` runs 1, 2, 3…
pub fn check_numbering(body: &Value) -> Result<(), Refusal> {
    let lines = body.lines();
    if body.int("totItemCnt") != lines.len() as u64 {
        return Err(Refusal::param(format!(
            "Invalid totItemCnt. Expected: {}, But Found: {}",
            lines.len(),
            raw(body, "totItemCnt")
        )));
    }
    for (i, line) in lines.iter().enumerate() {
        if line.int("itemSeq") != (i + 1) as u64 {
            return Err(Refusal::param(format!(
                "Invalid itemSeq on item: {}. Expected: {}, But Found: {}",
                i + 1,
                i + 1,
                raw(line, "itemSeq")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rates() -> TaxRates {
        TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap()
    }

    #[allow(clippy::too_many_arguments)]
    fn line(qty: f64, prc: f64, sply: f64, dc_rt: f64, dc: f64, band: &str, taxbl: f64, tax: f64, tot: f64) -> Value {
        json!({"qty": qty, "prc": prc, "splyAmt": sply, "dcRt": dc_rt, "dcAmt": dc, "taxTyCd": band,
               "taxblAmt": taxbl, "taxAmt": tax, "totAmt": tot})
    }

    fn check(l: Value, expected: Result<(), &str>) {
        let got = check_line(&l, 1, &rates(), Discount::RateAndAmount).map(|_| ()).map_err(|r| r.message);
        assert_eq!(got, expected.map_err(str::to_owned), "{l}");
    }

    #[test]
    fn line_rules_with_kra_messages() {
        check(line(1.0, 100.0, 100.0, 0.0, 0.0, "B", 86.21, 13.79, 100.0), Ok(()));
        check(line(2.0, 52200.0, 104400.0, 0.0, 0.0, "B", 90000.0, 14400.0, 104400.0), Ok(()));
        check(
            line(1.0, 100.0, 100.0, 0.0, 0.0, "B", 100.0, 0.0, 100.0),
            Err("Invalid taxblAmt on item: 1. Expected: 86.21, But Found: 100.00"),
        );
        check(
            line(2.0, 100.0, 100.0, 0.0, 0.0, "B", 86.21, 13.79, 100.0),
            Err("Invalid splyAmnt on item: 1. Expected: 200.00, But Found: 100.00"),
        );
        check(
            line(1.0, 100.0, 100.0, 0.0, 0.0, "B", 86.21, 13.79, 116.0),
            Err("Invalid totAmt on item: 1. Expected: 100.00, But Found: 116.00"),
        );
        check(line(1.0, 116.0, 116.0, 10.0, 11.6, "B", 90.0, 14.4, 104.4), Ok(()));
        check(
            line(1.0, 116.0, 116.0, 10.0, 10.0, "B", 90.0, 14.4, 104.4),
            Err("Invalid dcAmt on item: 1. Expected: 11.60, But Found: 10.00"),
        );
        check(line(1.0, 108.0, 108.0, 0.0, 0.0, "E", 100.0, 8.0, 108.0), Ok(()));
        check(
            line(0.0, 108.0, 0.0, 0.0, 0.0, "A", 0.0, 0.0, 0.0),
            Err("Invalid qty on item: 1: the quantity must be more than 0"),
        );
    }

    #[test]
    fn header_rates_follow_the_unused_band_rule() {
        let r = rates();
        let l = line(1.0, 100.0, 100.0, 0.0, 0.0, "B", 86.21, 13.79, 100.0);
        let (band, amounts) = check_line(&l, 1, &r, Discount::RateAndAmount).unwrap();
        let t = totals(&r, &[(band, amounts)]).unwrap();
        let mut body = json!({"taxblAmtA": 0, "taxblAmtB": 86.21, "taxblAmtC": 0, "taxblAmtD": 0, "taxblAmtE": 0,
            "taxRtA": 0, "taxRtB": 16, "taxRtC": 0, "taxRtD": 0, "taxRtE": 0,
            "taxAmtA": 0, "taxAmtB": 13.79, "taxAmtC": 0, "taxAmtD": 0, "taxAmtE": 0,
            "totTaxblAmt": 86.21, "totTaxAmt": 13.79, "totAmt": 100});
        assert_eq!(check_bands(&body, &t), Ok(()));
        assert_eq!(check_totals(&body, &t), Ok(()));
        body["taxRtE"] = json!(8);
        assert_eq!(
            check_bands(&body, &t).unwrap_err().message,
            "Rule taxRtE failed: Tax rate mismatch. Expected: 0.00, Found: 8"
        );
        body["taxRtE"] = json!(0);
        body["taxblAmtB"] = json!(100);
        assert_eq!(
            check_bands(&body, &t).unwrap_err().message,
            "Invalid taxblAmtB. Expected: 86.21, But Found: 100.00"
        );
        body["taxblAmtB"] = json!(86.21);
        body["totAmt"] = json!(116);
        assert_eq!(check_totals(&body, &t).unwrap_err().message, "Invalid totAmt. Expected: 100.00, But Found: 116.00");
    }
}
