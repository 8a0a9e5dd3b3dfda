//! Importing items from a CSV file (name, barcode, classification, item type, origin, unit,
//! package unit, tax band, price): every row is checked first, then each is registered through
//! `app::Duka::register_item`, so the usual item rules and KRA item codes apply.

use domain::{ItemType, Money, TaxBand};

use crate::dto::ImportCount;
use crate::error::{Result, UiError};

const COLUMNS: usize = 9;

/// Splits one CSV line into fields; double quotes protect commas, `""` is a quote.
fn fields(line: &str) -> std::result::Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (',', false) => out.push(std::mem::take(&mut field).trim().to_owned()),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed");
    }
    out.push(field.trim().to_owned());
    Ok(out)
}

fn row(line_no: usize, line: &str) -> Result<app::NewItem> {
    let bad = |what: String| UiError::invalid(&format!("CSV line {line_no}"), what);
    let f = fields(line).map_err(|e| bad(e.to_owned()))?;
    if f.len() != COLUMNS {
        return Err(bad(format!(
            "{} columns found, {COLUMNS} expected (name, barcode, classification, item type, origin, unit, package unit, tax band, price)",
            f.len()
        )));
    }
    Ok(app::NewItem {
        name: f[0].clone(),
        barcode: Some(f[1].clone()).filter(|b| !b.is_empty()),
        class_code: f[2].clone(),
        item_type: f[3].parse::<ItemType>().map_err(|e| bad(e.to_string()))?,
        origin: f[4].to_ascii_uppercase(),
        qty_unit: f[5].to_ascii_uppercase(),
        pkg_unit: f[6].to_ascii_uppercase(),
        tax_band: f[7].to_ascii_uppercase().parse::<TaxBand>().map_err(|e| bad(e.to_string()))?,
        price: Money::parse(&f[8]).map_err(|e| bad(e.to_string()))?,
    })
}

/// Parses the whole file (a header line starting with "name" is skipped), refusing it entirely
/// when any row is malformed.
fn parse(csv: &str) -> Result<Vec<app::NewItem>> {
    let mut items = Vec::new();
    for (i, line) in csv.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}');
        if line.trim().is_empty() || (i == 0 && line.trim_start().to_ascii_lowercase().starts_with("name")) {
            continue;
        }
        items.push(row(i + 1, line)?);
    }
    if items.is_empty() {
        return Err(UiError::invalid("CSV file", "no item rows found under the header"));
    }
    Ok(items)
}

/// Registers the file's items; items whose barcode is already known are skipped.
pub fn import(duka: &app::Duka, csv: &str) -> Result<ImportCount> {
    let items = parse(csv)?;
    let known: Vec<String> = duka.items(None)?.into_iter().filter_map(|i| i.barcode).collect();
    let mut count = ImportCount { added: 0, skipped: 0 };
    for item in items {
        if item.barcode.as_ref().is_some_and(|b| known.contains(b)) {
            count.skipped += 1;
            continue;
        }
        duka.register_item(&item).map_err(|e| {
            let e = UiError::from(e);
            UiError {
                code: e.code,
                message: format!("{} (\"{}\"; {} item(s) before it were added)", e.message, item.name, count.added),
            }
        })?;
        count.added += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_csv_quoting() {
        for (line, expected) in [
            ("a,b,c", vec!["a", "b", "c"]),
            ("\"Sugar, 1kg\",123", vec!["Sugar, 1kg", "123"]),
            ("\"He said \"\"hi\"\"\",x", vec!["He said \"hi\"", "x"]),
            (" a , ,c", vec!["a", "", "c"]),
        ] {
            assert_eq!(fields(line).expect(line), expected, "{line}");
        }
        assert!(fields("\"open,x").is_err());
    }

    #[test]
    fn rows_are_checked_before_anything_is_registered() {
        let good = "name,barcode,class,type,origin,unit,pkg,band,price\n\
                    \"Sugar, 1kg\",2000000000017,50161800,2,ke,kg,nt,b,180.00\n";
        let items = parse(good).expect("parses");
        assert_eq!(items.len(), 1);
        assert_eq!(
            (items[0].name.as_str(), items[0].qty_unit.as_str(), items[0].tax_band),
            ("Sugar, 1kg", "KG", TaxBand::B)
        );
        assert_eq!(items[0].price, Money::from_cents(18000));

        let bad = format!("{good}Bread,,50181900,2,KE,U,NT,Z,60\n");
        let e = parse(&bad).expect_err("band Z");
        assert!(e.message.starts_with("CSV line 3"), "{}", e.message);
        let short = "Milk,123,1\n";
        assert!(parse(short).expect_err("short").message.contains("3 columns found, 9 expected"));
        assert!(parse("name,barcode\n").is_err());
    }
}
