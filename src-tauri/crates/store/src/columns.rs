//! Column layouts shared by sales, credit notes and purchases: the 18 columns of a document line
//! and the 19 header total columns, with their encoding and decoding.

use domain::{BandTotals, DocumentTotals, InvoiceLine, LineAmounts, TaxBand, TaxRate};
use rusqlite::{Row, types::Value};

use crate::{Result, codec};

pub(crate) const LINE_COLUMNS: &str = "seq, item_code, class_code, name, barcode, item_type, pkg_unit, qty_unit, pkg, \
                                       qty, unit_price, discount_rate, tax_band, supply, discount, taxable, tax, total";
pub(crate) const LINE_COLUMN_COUNT: usize = 18;

pub(crate) const TOTAL_COLUMNS: &str = "rate_a, rate_b, rate_c, rate_d, rate_e, \
     taxable_a, taxable_b, taxable_c, taxable_d, taxable_e, tax_a, tax_b, tax_c, tax_d, tax_e, \
     total_taxable, total_tax, total_amount, item_count";
pub(crate) const TOTAL_COLUMN_COUNT: usize = 19;

/// `?1, ?2, ... ?n`.
pub(crate) fn placeholders(n: usize) -> String {
    placeholders_from(1, n)
}

/// `(?1, ... ?w), (?w+1, ... ?2w), ...`: `rows` rows of `width` values, for a multi-row INSERT.
pub(crate) fn row_placeholders(rows: usize, width: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders_from(r * width + 1, width))).collect::<Vec<_>>().join(", ")
}

fn placeholders_from(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

pub(crate) fn line_values(line: &InvoiceLine) -> Vec<Value> {
    let a = &line.amounts;
    vec![
        Value::Integer(i64::from(line.seq)),
        Value::Text(line.item_code.as_str().to_owned()),
        Value::Text(line.class_code.clone()),
        Value::Text(line.name.clone()),
        line.barcode.clone().map_or(Value::Null, Value::Text),
        Value::Text(line.item_type.code().to_owned()),
        Value::Text(line.pkg_unit.clone()),
        Value::Text(line.qty_unit.clone()),
        Value::Integer(line.pkg.hundredths()),
        Value::Integer(line.qty.hundredths()),
        Value::Integer(line.unit_price.cents()),
        Value::Integer(line.discount_rate),
        Value::Text(codec::band_text(line.band)),
        Value::Integer(a.supply.cents()),
        Value::Integer(a.discount.cents()),
        Value::Integer(a.taxable.cents()),
        Value::Integer(a.tax.cents()),
        Value::Integer(a.total.cents()),
    ]
}

/// Raw line columns read at `offset`, decoded later (outside rusqlite's closure).
#[derive(Debug)]
pub(crate) struct RawLine {
    seq: i64,
    item_code: String,
    class_code: String,
    name: String,
    barcode: Option<String>,
    item_type: String,
    pkg_unit: String,
    qty_unit: String,
    ints: [i64; 4],
    band: String,
    amounts: [i64; 5],
}

pub(crate) fn raw_line(r: &Row<'_>, offset: usize) -> rusqlite::Result<RawLine> {
    Ok(RawLine {
        seq: r.get(offset)?,
        item_code: r.get(offset + 1)?,
        class_code: r.get(offset + 2)?,
        name: r.get(offset + 3)?,
        barcode: r.get(offset + 4)?,
        item_type: r.get(offset + 5)?,
        pkg_unit: r.get(offset + 6)?,
        qty_unit: r.get(offset + 7)?,
        ints: [r.get(offset + 8)?, r.get(offset + 9)?, r.get(offset + 10)?, r.get(offset + 11)?],
        band: r.get(offset + 12)?,
        amounts: [
            r.get(offset + 13)?,
            r.get(offset + 14)?,
            r.get(offset + 15)?,
            r.get(offset + 16)?,
            r.get(offset + 17)?,
        ],
    })
}

impl RawLine {
    pub(crate) fn decode(self) -> Result<InvoiceLine> {
        let [pkg, qty, price, discount_rate] = self.ints;
        let [supply, discount, taxable, tax, total] = self.amounts;
        Ok(InvoiceLine {
            seq: codec::seq(self.seq)?,
            item_code: codec::item_code(&self.item_code)?,
            class_code: self.class_code,
            name: self.name,
            barcode: self.barcode,
            item_type: codec::code("an item type", &self.item_type)?,
            pkg_unit: self.pkg_unit,
            qty_unit: self.qty_unit,
            pkg: codec::qty(pkg),
            qty: codec::qty(qty),
            unit_price: codec::money(price),
            discount_rate,
            band: codec::band(&self.band)?,
            amounts: LineAmounts {
                supply: codec::money(supply),
                discount: codec::money(discount),
                taxable: codec::money(taxable),
                tax: codec::money(tax),
                total: codec::money(total),
            },
        })
    }
}

pub(crate) fn total_values(t: &DocumentTotals) -> Vec<Value> {
    let mut v = Vec::with_capacity(TOTAL_COLUMN_COUNT);
    v.extend(TaxBand::ALL.iter().map(|b| Value::Integer(t.band(*b).rate.hundredths())));
    v.extend(TaxBand::ALL.iter().map(|b| Value::Integer(t.band(*b).taxable.cents())));
    v.extend(TaxBand::ALL.iter().map(|b| Value::Integer(t.band(*b).tax.cents())));
    v.push(Value::Integer(t.taxable.cents()));
    v.push(Value::Integer(t.tax.cents()));
    v.push(Value::Integer(t.total.cents()));
    v.push(Value::Integer(i64::try_from(t.item_count).unwrap_or(i64::MAX)));
    v
}

pub(crate) fn raw_totals(r: &Row<'_>, offset: usize) -> rusqlite::Result<[i64; TOTAL_COLUMN_COUNT]> {
    let mut out = [0i64; TOTAL_COLUMN_COUNT];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = r.get(offset + i)?;
    }
    Ok(out)
}

pub(crate) fn decode_totals(raw: [i64; TOTAL_COLUMN_COUNT]) -> Result<DocumentTotals> {
    let mut bands = [BandTotals::default(); 5];
    for (i, band) in bands.iter_mut().enumerate() {
        *band = BandTotals {
            rate: TaxRate::from_hundredths(raw[i]),
            taxable: codec::money(raw[5 + i]),
            tax: codec::money(raw[10 + i]),
        };
    }
    Ok(DocumentTotals {
        bands,
        taxable: codec::money(raw[15]),
        tax: codec::money(raw[16]),
        total: codec::money(raw[17]),
        item_count: codec::stored("an item count", &raw[18].to_string(), usize::try_from(raw[18]).ok())?,
    })
}
