//! Report figures summed in SQL from the stored, rounded document figures (never re-split): the
//! X report (since the last Z), Z reports (numbered gap-free, frozen at issue), sales, purchases
//! and stock reports, and the monthly VAT summary.
//!
//! Training documents are never part of the fiscal figures; they are counted apart. Credit notes
//! are reported as positive amounts and subtracted in the `net` figures.

use domain::{DateTime, ItemType, Money, Qty};
use rusqlite::{OptionalExtension, params, params_from_iter, types::Value};
use serde::{Deserialize, Serialize};

use crate::{CommitMeta, Error, Reader, Result, Tx, audit, codec, error::During};

/// The five tax bands, in the order of every `[i64; 5]` below.
pub const BANDS: [&str; 5] = ["A", "B", "C", "D", "E"];

/// Counts and sums of one kind of document (cents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub count: i64,
    /// Taxable amount per band A..E.
    pub taxable: [i64; 5],
    /// Tax per band A..E.
    pub tax: [i64; 5],
    pub total_taxable: i64,
    pub total_tax: i64,
    /// What the buyers paid, VAT included.
    pub total: i64,
}

impl Totals {
    /// `self - other`, field by field (sales less credit notes).
    pub fn minus(&self, other: &Totals) -> Totals {
        let band = |a: [i64; 5], b: [i64; 5]| std::array::from_fn(|i| a[i] - b[i]);
        Totals {
            count: self.count + other.count,
            taxable: band(self.taxable, other.taxable),
            tax: band(self.tax, other.tax),
            total_taxable: self.total_taxable - other.total_taxable,
            total_tax: self.total_tax - other.total_tax,
            total: self.total - other.total,
        }
    }
}

/// Sales and credit notes of one payment type (KRA code `01`..`07`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentTotals {
    pub payment_type: String,
    pub sales_count: i64,
    pub sales_total: i64,
    pub credit_notes_count: i64,
    pub credit_notes_total: i64,
}

/// A fiscal document KRA has not signed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsignedDocument {
    /// `sale` or `credit_note`.
    pub kind: String,
    pub trader_no: String,
    pub committed_at: String,
    pub total: i64,
}

/// The figures of an X or Z report, or of a sales report's period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodFigures {
    pub sales: Totals,
    pub credit_notes: Totals,
    /// Sales less credit notes (`count` is the number of documents).
    pub net: Totals,
    pub payments: Vec<PaymentTotals>,
    /// Training documents: never fiscal, counted apart.
    pub training_sales: Totals,
    pub training_credit_notes: Totals,
    /// Fiscal documents of the period (and, for X and Z, before it) still waiting for KRA.
    pub unsigned: Vec<UnsignedDocument>,
}

/// Which documents a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Row ids in `(after, upto]` for sales and for credit notes.
    Ids { sales: (i64, i64), credit_notes: (i64, i64) },
    /// `committed_at` in `[from, to)` (KRA time strings).
    Times { from: DateTime, to: DateTime },
}

impl Scope {
    /// The SQL condition on table alias `d` and its two parameters.
    fn condition(self, credit_notes: bool) -> (&'static str, [Value; 2]) {
        match self {
            Scope::Ids { sales, credit_notes: cns } => {
                let (after, upto) = if credit_notes { cns } else { sales };
                ("d.id > ?1 AND d.id <= ?2", [Value::Integer(after), Value::Integer(upto)])
            }
            Scope::Times { from, to } => {
                ("d.committed_at >= ?1 AND d.committed_at < ?2", [Value::Text(from.kra()), Value::Text(to.kra())])
            }
        }
    }

    /// The condition listing unsigned documents: for X and Z every one up to the end, for a
    /// period only those in it.
    fn unsigned_condition(self, credit_notes: bool) -> (&'static str, [Value; 2]) {
        match self {
            Scope::Ids { .. } => {
                let (_, params) = self.condition(credit_notes);
                ("d.id > 0 * ?1 AND d.id <= ?2", params)
            }
            Scope::Times { .. } => self.condition(credit_notes),
        }
    }
}

const TOTALS_COLUMNS: &str = "count(*),
    coalesce(sum(taxable_a), 0), coalesce(sum(taxable_b), 0), coalesce(sum(taxable_c), 0),
    coalesce(sum(taxable_d), 0), coalesce(sum(taxable_e), 0),
    coalesce(sum(tax_a), 0), coalesce(sum(tax_b), 0), coalesce(sum(tax_c), 0),
    coalesce(sum(tax_d), 0), coalesce(sum(tax_e), 0),
    coalesce(sum(total_taxable), 0), coalesce(sum(total_tax), 0), coalesce(sum(total_amount), 0)";

fn totals_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Totals> {
    Ok(Totals {
        count: r.get(0)?,
        taxable: [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
        tax: [r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?],
        total_taxable: r.get(11)?,
        total_tax: r.get(12)?,
        total: r.get(13)?,
    })
}

fn document_totals(conn: &Reader<'_>, table: &str, training: bool, scope: Scope) -> Result<Totals> {
    let (cond, p) = scope.condition(table == "credit_notes");
    let sql = format!("SELECT {TOTALS_COLUMNS} FROM {table} d WHERE d.training = {} AND {cond}", i64::from(training));
    conn.prepare_cached(&sql).and_then(|mut s| s.query_row(params_from_iter(p), totals_row)).during("sum documents")
}

fn payment_totals(conn: &Reader<'_>, scope: Scope) -> Result<Vec<PaymentTotals>> {
    let mut by_type: std::collections::BTreeMap<String, PaymentTotals> = Default::default();
    for (table, credit) in [("sales", false), ("credit_notes", true)] {
        let (cond, p) = scope.condition(credit);
        let sql = format!(
            "SELECT d.payment_type, count(*), coalesce(sum(d.total_amount), 0) FROM {table} d
             WHERE d.training = 0 AND {cond} GROUP BY d.payment_type"
        );
        let rows = conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(p), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get(2)?)))?
                    .collect::<Result<Vec<(String, i64, i64)>, _>>()
            })
            .during("sum documents by payment type")?;
        for (payment_type, count, total) in rows {
            let slot = by_type
                .entry(payment_type.clone())
                .or_insert_with(|| PaymentTotals { payment_type, ..PaymentTotals::default() });
            if credit {
                (slot.credit_notes_count, slot.credit_notes_total) = (count, total);
            } else {
                (slot.sales_count, slot.sales_total) = (count, total);
            }
        }
    }
    Ok(by_type.into_values().collect())
}

fn unsigned(conn: &Reader<'_>, scope: Scope) -> Result<Vec<UnsignedDocument>> {
    let mut out = vec![];
    for (table, signatures, key, kind) in [
        ("sales", "sale_signatures", "sale_id", "sale"),
        ("credit_notes", "credit_note_signatures", "credit_note_id", "credit_note"),
    ] {
        let (cond, p) = scope.unsigned_condition(kind == "credit_note");
        let sql = format!(
            "SELECT d.trader_no, d.committed_at, d.total_amount FROM {table} d
             WHERE d.training = 0 AND {cond} AND NOT EXISTS (SELECT 1 FROM {signatures} s WHERE s.{key} = d.id)
             ORDER BY d.id"
        );
        let rows = conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(p), |r| {
                    Ok(UnsignedDocument {
                        kind: kind.to_owned(),
                        trader_no: r.get(0)?,
                        committed_at: r.get(1)?,
                        total: r.get(2)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .during("list unsigned documents")?;
        out.extend(rows);
    }
    Ok(out)
}

fn figures(conn: &Reader<'_>, scope: Scope) -> Result<PeriodFigures> {
    let sales = document_totals(conn, "sales", false, scope)?;
    let credit_notes = document_totals(conn, "credit_notes", false, scope)?;
    Ok(PeriodFigures {
        net: sales.minus(&credit_notes),
        sales,
        credit_notes,
        payments: payment_totals(conn, scope)?,
        training_sales: document_totals(conn, "sales", true, scope)?,
        training_credit_notes: document_totals(conn, "credit_notes", true, scope)?,
        unsigned: unsigned(conn, scope)?,
    })
}

/// A Z report as issued: its number, what it covers, and its frozen figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZReport {
    pub number: i64,
    pub issued_at: String,
    pub user: String,
    /// Sales with ids in `(after_sale_id, last_sale_id]`.
    pub after_sale_id: i64,
    pub last_sale_id: i64,
    pub after_credit_note_id: i64,
    pub last_credit_note_id: i64,
    pub figures: PeriodFigures,
}

/// Where the next Z report starts: the ids the last one covered up to (0, 0 before the first).
fn last_z_end(conn: &Reader<'_>) -> Result<(i64, i64)> {
    conn.query_row("SELECT last_sale_id, last_credit_note_id FROM z_reports ORDER BY number DESC LIMIT 1", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()
    .during("read the last Z report")
    .map(Option::unwrap_or_default)
}

fn since_last_z(conn: &Reader<'_>) -> Result<Scope> {
    let (after_sale, after_cn) = last_z_end(conn)?;
    let (last_sale, last_cn): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT coalesce(max(id), 0) FROM sales), (SELECT coalesce(max(id), 0) FROM credit_notes)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .during("read the last documents")?;
    Ok(Scope::Ids { sales: (after_sale, last_sale), credit_notes: (after_cn, last_cn) })
}

/// The X report: figures of everything since the last Z report, without closing anything.
pub fn x_report(conn: &Reader<'_>) -> Result<PeriodFigures> {
    figures(conn, since_last_z(conn)?)
}

/// Issues the next Z report: covers every document since the previous one, freezes its figures
/// and takes the next gap-free number (a trigger refuses any other number).
pub fn issue_z_report(tx: &Tx<'_>, meta: &CommitMeta<'_>) -> Result<ZReport> {
    let scope = since_last_z(tx)?;
    let Scope::Ids { sales, credit_notes } = scope else {
        return Err(Error::StoredValue { what: "a Z report scope", value: format!("{scope:?}") });
    };
    let figures = figures(tx, scope)?;
    let json = serde_json::to_string(&figures)
        .map_err(|e| Error::StoredValue { what: "Z report figures", value: e.to_string() })?;
    let number: i64 = tx
        .query_row(
            "INSERT INTO z_reports (number, issued_at, user_name, after_sale_id, last_sale_id, after_credit_note_id,
                                    last_credit_note_id, figures_json)
             VALUES ((SELECT coalesce(max(number), 0) + 1 FROM z_reports), ?1, ?2, ?3, ?4, ?5, ?6, ?7)
             RETURNING number",
            params![meta.at.kra(), meta.user, sales.0, sales.1, credit_notes.0, credit_notes.1, json],
            |r| r.get(0),
        )
        .during("issue the Z report")?;
    crate::chain::link(tx, crate::chain::ChainKind::ZReport, number, meta.at)?;
    audit::append_as(tx, meta, "issue_z_report", None, Some(&format!("Z report {number}")))?;
    Ok(ZReport {
        number,
        issued_at: meta.at.kra(),
        user: meta.user.to_owned(),
        after_sale_id: sales.0,
        last_sale_id: sales.1,
        after_credit_note_id: credit_notes.0,
        last_credit_note_id: credit_notes.1,
        figures,
    })
}

/// Z report `number` as it was issued.
pub fn z_report(conn: &Reader<'_>, number: i64) -> Result<ZReport> {
    let row = conn
        .query_row(
            "SELECT number, issued_at, user_name, after_sale_id, last_sale_id, after_credit_note_id,
                    last_credit_note_id, figures_json
             FROM z_reports WHERE number = ?1",
            [number],
            |r| {
                Ok((
                    ZReport {
                        number: r.get(0)?,
                        issued_at: r.get(1)?,
                        user: r.get(2)?,
                        after_sale_id: r.get(3)?,
                        last_sale_id: r.get(4)?,
                        after_credit_note_id: r.get(5)?,
                        last_credit_note_id: r.get(6)?,
                        figures: PeriodFigures::default(),
                    },
                    r.get::<_, String>(7)?,
                ))
            },
        )
        .optional()
        .during("read a Z report")?;
    let Some((mut z, json)) = row else {
        return Err(Error::DocumentNotFound { kind: "Z report", id: number });
    };
    z.figures =
        serde_json::from_str(&json).map_err(|_| Error::StoredValue { what: "Z report figures", value: json })?;
    Ok(z)
}

/// The number of the last Z report (0 before the first).
pub fn last_z_number(conn: &Reader<'_>) -> Result<i64> {
    conn.query_row("SELECT coalesce(max(number), 0) FROM z_reports", [], |r| r.get(0)).during("read the Z number")
}

/// One item's sales in a period (credit notes subtracted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSales {
    pub item_code: String,
    pub name: String,
    /// Hundredths.
    pub qty_sold: i64,
    pub qty_credited: i64,
    pub total_sold: i64,
    pub total_credited: i64,
}

/// The sales report of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesReport {
    pub from: String,
    pub to: String,
    pub figures: PeriodFigures,
    pub items: Vec<ItemSales>,
}

/// Sales and credit notes committed in `[from, to)`.
pub fn sales_report(conn: &Reader<'_>, from: DateTime, to: DateTime) -> Result<SalesReport> {
    let scope = Scope::Times { from, to };
    let mut items: std::collections::BTreeMap<String, ItemSales> = Default::default();
    for (table, lines, key, credit) in
        [("sales", "sale_lines", "sale_id", false), ("credit_notes", "credit_note_lines", "credit_note_id", true)]
    {
        let (cond, p) = scope.condition(credit);
        let sql = format!(
            "SELECT l.item_code, min(l.name), sum(l.qty), sum(l.total) FROM {lines} l JOIN {table} d ON d.id = l.{key}
             WHERE d.training = 0 AND {cond} GROUP BY l.item_code"
        );
        let rows = conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(p), |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .during("sum sales per item")?;
        for (code, name, qty, total) in rows {
            let slot = items.entry(code.clone()).or_insert_with(|| ItemSales {
                item_code: code,
                name,
                qty_sold: 0,
                qty_credited: 0,
                total_sold: 0,
                total_credited: 0,
            });
            if credit {
                (slot.qty_credited, slot.total_credited) = (qty, total);
            } else {
                (slot.qty_sold, slot.total_sold) = (qty, total);
            }
        }
    }
    Ok(SalesReport {
        from: from.kra(),
        to: to.kra(),
        figures: figures(conn, scope)?,
        items: items.into_values().collect(),
    })
}

fn fiscal_ids(conn: &Reader<'_>, table: &str, from: DateTime, to: DateTime) -> Result<Vec<i64>> {
    let sql =
        format!("SELECT id FROM {table} WHERE training = 0 AND committed_at >= ?1 AND committed_at < ?2 ORDER BY id");
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_map([from.kra(), to.kra()], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>())
        .during("list documents of a period")
}

/// Ids of the fiscal (not training) sales committed in `[from, to)`, oldest first.
pub fn sale_ids_between(conn: &Reader<'_>, from: DateTime, to: DateTime) -> Result<Vec<i64>> {
    fiscal_ids(conn, "sales", from, to)
}

/// Ids of the fiscal credit notes committed in `[from, to)`, oldest first.
pub fn credit_note_ids_between(conn: &Reader<'_>, from: DateTime, to: DateTime) -> Result<Vec<i64>> {
    fiscal_ids(conn, "credit_notes", from, to)
}

/// Confirmed purchases whose purchase date lies in `[from, to]` (`YYYYMMDD`).
pub fn purchase_totals(conn: &Reader<'_>, from: &str, to: &str) -> Result<Totals> {
    let sql = format!("SELECT {TOTALS_COLUMNS} FROM purchases WHERE purchase_date >= ?1 AND purchase_date <= ?2");
    conn.prepare_cached(&sql).and_then(|mut s| s.query_row([from, to], totals_row)).during("sum purchases")
}

/// One confirmed purchase, for the purchases report and the bill exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseRow {
    pub id: i64,
    pub trader_no: String,
    pub supplier_pin: Option<String>,
    pub supplier_name: Option<String>,
    pub supplier_invoice_no: Option<i64>,
    pub purchase_date: String,
    pub total_taxable: i64,
    pub total_tax: i64,
    pub total: i64,
}

/// Confirmed purchases dated in `[from, to]` (`YYYYMMDD`), oldest first.
pub fn purchases_in(conn: &Reader<'_>, from: &str, to: &str) -> Result<Vec<PurchaseRow>> {
    conn.prepare_cached(
        "SELECT id, trader_no, supplier_pin, supplier_name, supplier_invoice_no, purchase_date, total_taxable,
                total_tax, total_amount
         FROM purchases WHERE purchase_date >= ?1 AND purchase_date <= ?2 ORDER BY purchase_date, id",
    )
    .and_then(|mut s| {
        s.query_map([from, to], |r| {
            Ok(PurchaseRow {
                id: r.get(0)?,
                trader_no: r.get(1)?,
                supplier_pin: r.get(2)?,
                supplier_name: r.get(3)?,
                supplier_invoice_no: r.get(4)?,
                purchase_date: r.get(5)?,
                total_taxable: r.get(6)?,
                total_tax: r.get(7)?,
                total: r.get(8)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()
    })
    .during("list purchases")
}

/// The VAT figures of one month, as the VAT return asks for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatSummary {
    /// `YYYYMM`.
    pub month: String,
    /// Output: sales, credit notes, and sales less credit notes.
    pub sales: Totals,
    pub credit_notes: Totals,
    pub net_output: Totals,
    /// Input: confirmed purchases dated in the month.
    pub purchases: Totals,
    /// Net output tax less input tax (negative: a credit to carry forward).
    pub vat_due: i64,
}

/// The VAT summary of `year`/`month` (fiscal documents committed in the month; purchases by date).
pub fn vat_summary(conn: &Reader<'_>, year: u16, month: u8) -> Result<VatSummary> {
    let bad = || Error::StoredValue { what: "a month", value: format!("{year}-{month}") };
    let first = domain::Date::new(year, month, 1).ok_or_else(bad)?;
    let next = if month == 12 { domain::Date::new(year + 1, 1, 1) } else { domain::Date::new(year, month + 1, 1) }
        .ok_or_else(bad)?;
    let start = |d: domain::Date| DateTime::new(d, 0, 0, 0).ok_or_else(bad);
    let scope = Scope::Times { from: start(first)?, to: start(next)? };
    let sales = document_totals(conn, "sales", false, scope)?;
    let credit_notes = document_totals(conn, "credit_notes", false, scope)?;
    let net_output = sales.minus(&credit_notes);
    let purchases = purchase_totals(conn, &first.kra(), &format!("{year:04}{month:02}31"))?;
    Ok(VatSummary {
        month: format!("{year:04}{month:02}"),
        vat_due: net_output.total_tax - purchases.total_tax,
        sales,
        credit_notes,
        net_output,
        purchases,
    })
}

/// One item in the stock report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockRow {
    pub item_code: String,
    pub name: String,
    /// Hundredths.
    pub on_hand: i64,
    pub price: i64,
    /// The unit price of the item's latest confirmed purchase, if any.
    pub cost: Option<i64>,
    pub value_at_price: i64,
    pub value_at_cost: Option<i64>,
    pub low: bool,
    pub out: bool,
}

/// The stock report: every active item that carries stock, with its value at cost and at price;
/// `low` when on hand is at or below `low_at` but above zero, `out` at zero or below.
pub fn stock_report(conn: &Reader<'_>, low_at: Qty) -> Result<Vec<StockRow>> {
    let rows = conn
        .prepare_cached(
            "SELECT i.code, i.name, i.item_type, i.default_price,
                    (SELECT coalesce(sum(m.signed_qty), 0) FROM stock_movements m WHERE m.item_code = i.code),
                    (SELECT pl.unit_price FROM purchase_lines pl WHERE pl.item_code = i.code
                     ORDER BY pl.purchase_id DESC, pl.seq DESC LIMIT 1)
             FROM items i WHERE i.active = 1 ORDER BY i.name, i.code",
        )
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .during("read the stock report")?;
    let mut out = vec![];
    for (code, name, item_type, price, on_hand, cost) in rows {
        let item_type: ItemType = codec::code("an item type", &item_type)?;
        if !item_type.carries_stock() {
            continue;
        }
        let qty = codec::qty(on_hand);
        let value = |unit: i64| Money::from_cents(unit).times(qty).map(Money::cents);
        out.push(StockRow {
            value_at_price: value(price)?,
            value_at_cost: cost.map(value).transpose()?,
            low: on_hand > 0 && on_hand <= low_at.hundredths(),
            out: on_hand <= 0,
            item_code: code,
            name,
            on_hand,
            price,
            cost,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use domain::{
        CreditNoteDraft, CreditNoteLineDraft, CreditNoteReason, Date, InvoiceLine, ItemType, OriginalSale, PaymentType,
        PurchaseDraft, PurchaseLineDraft, PurchaseSource, TaxBand,
    };
    use proptest::prelude::*;

    use super::*;
    use crate::{LoadedCatalogue, Store, credit_notes, purchases, sales, testing};

    /// One thing that happens during a generated day.
    #[derive(Debug, Clone)]
    enum Event {
        Sale {
            lines: Vec<(usize, i64)>,
            payment: usize,
            training: bool,
            signed: bool,
        },
        /// Credit one unit of the first line of the n-th sale so far (if any is left).
        Credit {
            sale: usize,
        },
        Purchase {
            item: usize,
            qty: i64,
            price: i64,
        },
        Z,
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            5 => (prop::collection::vec((0usize..4, 1i64..4), 1..4), 0usize..7, prop::bool::weighted(0.2), any::<bool>())
                .prop_map(|(lines, payment, training, signed)| Event::Sale { lines, payment, training, signed }),
            2 => (0usize..20).prop_map(|sale| Event::Credit { sale }),
            1 => (0usize..4, 1i64..10, 100i64..50_000).prop_map(|(item, qty, price)| Event::Purchase { item, qty, price }),
            1 => Just(Event::Z),
        ]
    }

    const ITEMS: [(u32, ItemType); 4] =
        [(1, ItemType::Finished), (2, ItemType::Finished), (3, ItemType::Service), (4, ItemType::Finished)];

    fn meta_at(training: bool, minute: u8) -> CommitMeta<'static> {
        let at = DateTime::new(Date::new(2026, 11, 21).unwrap(), 10, minute % 60, 0).unwrap();
        CommitMeta { at, user: "wanjiku", approver: None, training }
    }

    fn signature(at: DateTime) -> sales::KraSignature {
        sales::KraSignature {
            invoice_no: 1,
            receipt_no: None,
            total_receipt_no: None,
            internal_data: None,
            receipt_signature: Some("SIG".into()),
            sdc_id: None,
            mrc_no: None,
            signed_at: at,
            response_body: "{}".into(),
        }
    }

    /// Replays `events`; returns the ids of the sales committed.
    fn replay(store: &Store, events: &[Event]) -> Vec<i64> {
        let mut sale_ids = vec![];
        for (n, e) in events.iter().enumerate() {
            let minute = u8::try_from(n % 60).unwrap();
            match e {
                Event::Sale { lines, payment, training, signed } => {
                    let lines: Vec<_> = lines.iter().map(|(i, q)| (ITEMS[*i].0, ITEMS[*i].1, *q)).collect();
                    let mut draft = testing::sale_draft(&lines, None);
                    draft.payment = PaymentType::ALL[*payment];
                    let catalogue = store.read(|c| LoadedCatalogue::for_sale(c, &draft)).unwrap();
                    let invoice =
                        draft.finalise(&catalogue, &testing::rates(), domain::StockPolicy::AllowNegative).unwrap();
                    let meta = meta_at(*training, minute);
                    let sale = store.write(|tx| sales::commit_sale(tx, &invoice, &meta)).unwrap();
                    if *signed {
                        store.write(|tx| sales::record_sale_signature(tx, sale.id, &signature(meta.at))).unwrap();
                    }
                    sale_ids.push(sale.id);
                }
                Event::Credit { sale } => {
                    let Some(&sale_id) = sale_ids.get(*sale) else { continue };
                    let stored = store.read(|c| sales::load_sale(c, sale_id)).unwrap();
                    let credited: BTreeMap<u16, Qty> = store.read(|c| sales::credited_quantities(c, sale_id)).unwrap();
                    let first = &stored.invoice.lines[0];
                    if credited.get(&first.seq).copied().unwrap_or_default() >= first.qty {
                        continue;
                    }
                    let draft = CreditNoteDraft {
                        reason: CreditNoteReason::Damaged,
                        buyer_pin: None,
                        date: Date::new(2026, 11, 21).unwrap(),
                        lines: vec![CreditNoteLineDraft { sale_line: first.seq, qty: Qty::whole(1) }],
                    };
                    let original = OriginalSale {
                        invoice: &stored.invoice,
                        date: stored.committed_at.date(),
                        credited: &credited,
                    };
                    let cn = draft.finalise(original, &testing::rates()).unwrap();
                    let meta = meta_at(stored.training, minute);
                    store.write(|tx| credit_notes::commit_credit_note(tx, sale_id, &draft, &cn, &meta)).unwrap();
                }
                Event::Purchase { item, qty, price } => {
                    let (seq, item_type) = ITEMS[*item];
                    let draft = PurchaseDraft {
                        source: PurchaseSource::Manual,
                        supplier_pin: None,
                        supplier_name: Some("Nyati Wholesalers".into()),
                        supplier_branch: None,
                        supplier_invoice_no: None,
                        date: Date::new(2026, 11, 21).unwrap(),
                        payment: PaymentType::ALL[0],
                        lines: vec![PurchaseLineDraft {
                            supplier_item_code: None,
                            supplier_item_name: "bale".into(),
                            supplier_class_code: None,
                            qty: Qty::whole(*qty),
                            unit_price: Money::from_cents(*price),
                            discount: Money::ZERO,
                            band: TaxBand::B,
                            own_item: Some(testing::code(seq, item_type)),
                        }],
                        stated_total: None,
                    };
                    let catalogue = store.read(|c| LoadedCatalogue::for_purchase(c, &draft)).unwrap();
                    let purchase = draft.finalise(&catalogue, &testing::rates()).unwrap();
                    store.write(|tx| purchases::commit_purchase(tx, None, &purchase, &meta_at(false, minute))).unwrap();
                }
                Event::Z => {
                    store.write(|tx| issue_z_report(tx, &meta_at(false, minute))).unwrap();
                }
            }
        }
        sale_ids
    }

    /// Sums lines of loaded documents, in Rust, without the report's SQL.
    fn add_lines(t: &mut Totals, lines: &[InvoiceLine]) {
        t.count += 1;
        for l in lines {
            let i = l.band.index();
            t.taxable[i] += l.amounts.taxable.cents();
            t.tax[i] += l.amounts.tax.cents();
            t.total_taxable += l.amounts.taxable.cents();
            t.total_tax += l.amounts.tax.cents();
            t.total += l.amounts.total.cents();
        }
    }

    /// The figures recomputed from every stored document with ids in the given ranges.
    fn recompute(store: &Store, sales_ids: (i64, i64), cn_ids: (i64, i64)) -> PeriodFigures {
        let mut f = PeriodFigures::default();
        let mut payments: BTreeMap<String, PaymentTotals> = BTreeMap::new();
        let slot = |p: &mut BTreeMap<String, PaymentTotals>, code: &str| {
            p.entry(code.to_owned())
                .or_insert_with(|| PaymentTotals { payment_type: code.to_owned(), ..Default::default() })
                .clone()
        };
        for id in sales_ids.0 + 1..=sales_ids.1 {
            let s = store.read(|c| sales::load_sale(c, id)).unwrap();
            if s.training {
                add_lines(&mut f.training_sales, &s.invoice.lines);
                continue;
            }
            add_lines(&mut f.sales, &s.invoice.lines);
            let mut p = slot(&mut payments, s.invoice.payment.code());
            p.sales_count += 1;
            p.sales_total += s.invoice.lines.iter().map(|l| l.amounts.total.cents()).sum::<i64>();
            payments.insert(p.payment_type.clone(), p);
        }
        for id in cn_ids.0 + 1..=cn_ids.1 {
            let n = store.read(|c| credit_notes::load_credit_note(c, id)).unwrap();
            if n.training {
                add_lines(&mut f.training_credit_notes, &n.credit_note.lines);
                continue;
            }
            add_lines(&mut f.credit_notes, &n.credit_note.lines);
            let mut p = slot(&mut payments, n.credit_note.payment.code());
            p.credit_notes_count += 1;
            p.credit_notes_total += n.credit_note.lines.iter().map(|l| l.amounts.total.cents()).sum::<i64>();
            payments.insert(p.payment_type.clone(), p);
        }
        f.net = f.sales.minus(&f.credit_notes);
        f.payments = payments.into_values().collect();
        f
    }

    fn max_ids(store: &Store) -> (i64, i64) {
        store
            .read(|c| {
                c.query_row(
                    "SELECT (SELECT coalesce(max(id), 0) FROM sales), (SELECT coalesce(max(id), 0) FROM credit_notes)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .during("t")
            })
            .unwrap()
    }

    fn without_unsigned(mut f: PeriodFigures) -> PeriodFigures {
        f.unsigned.clear();
        f
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn report_figures_equal_sums_of_the_stored_documents(events in prop::collection::vec(event(), 1..40)) {
            let (store, _) = testing::shop();
            replay(&store, &events);
            let (last_sale, last_cn) = max_ids(&store);

            // Every Z report covers exactly the documents since the previous one, and the Z reports
            // plus the X report add up to the whole day.
            let z_count = store.read(last_z_number).unwrap();
            let mut covered = (0, 0);
            for n in 1..=z_count {
                let z = store.read(|c| z_report(c, n)).unwrap();
                prop_assert_eq!((z.after_sale_id, z.after_credit_note_id), covered);
                let expected = recompute(&store, (z.after_sale_id, z.last_sale_id), (z.after_credit_note_id, z.last_credit_note_id));
                prop_assert_eq!(without_unsigned(z.figures), expected);
                covered = (z.last_sale_id, z.last_credit_note_id);
            }
            let x = store.read(x_report).unwrap();
            prop_assert_eq!(without_unsigned(x.clone()), recompute(&store, (covered.0, last_sale), (covered.1, last_cn)));

            // Unsigned: every fiscal document without a signature, none other.
            let unsigned_sales = (1..=last_sale)
                .filter(|id| {
                    let s = store.read(|c| sales::load_sale(c, *id)).unwrap();
                    !s.training && store.read(|c| sales::sale_signature(c, *id)).unwrap().is_none()
                })
                .count();
            let fiscal_cns = store.read(|c| c.query_row("SELECT count(*) FROM credit_notes WHERE training = 0", [], |r| r.get::<_, i64>(0)).during("t")).unwrap();
            prop_assert_eq!(x.unsigned.len(), unsigned_sales + usize::try_from(fiscal_cns).unwrap());

            // The sales report of the whole day equals the recomputation over every document.
            let day = DateTime::new(Date::new(2026, 11, 21).unwrap(), 0, 0, 0).unwrap();
            let next = DateTime::new(Date::new(2026, 11, 22).unwrap(), 0, 0, 0).unwrap();
            let report = store.read(|c| sales_report(c, day, next)).unwrap();
            let all = recompute(&store, (0, last_sale), (0, last_cn));
            prop_assert_eq!(without_unsigned(report.figures), all.clone());
            let per_item: i64 = report.items.iter().map(|i| i.total_sold - i.total_credited).sum();
            prop_assert_eq!(per_item, all.net.total);

            // The VAT summary: output from sales less credit notes, input from purchases.
            let vat = store.read(|c| vat_summary(c, 2026, 11)).unwrap();
            prop_assert_eq!(&vat.net_output, &all.net);
            let mut input = Totals::default();
            let purchase_ids: Vec<i64> = store.read(|c| {
                let mut s = c.prepare("SELECT id FROM purchases").during("t")?;
                let ids = s.query_map([], |r| r.get(0)).during("t")?.collect::<Result<Vec<i64>, _>>().during("t")?;
                Ok(ids)
            }).unwrap();
            for id in purchase_ids {
                let p = store.read(|c| purchases::load_purchase(c, id)).unwrap();
                let lines: Vec<InvoiceLine> = p.purchase.lines.iter().map(|l| l.line.clone()).collect();
                add_lines(&mut input, &lines);
            }
            prop_assert_eq!(&vat.purchases, &input);
            prop_assert_eq!(vat.vat_due, all.net.total_tax - input.total_tax);
            let october = store.read(|c| vat_summary(c, 2026, 10)).unwrap();
            prop_assert_eq!(october.net_output, Totals::default());
        }
    }

    #[test]
    fn z_numbers_are_gap_free_across_restarts_and_never_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("duka.db");
        for round in 1..=3 {
            let store = Store::open(&path).unwrap();
            let z = store.write(|tx| issue_z_report(tx, &testing::meta())).unwrap();
            assert_eq!(z.number, round);
            assert_eq!(store.read(|c| z_report(c, round)).unwrap(), z);
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.read(last_z_number).unwrap(), 3);
        let write = |sql: &'static str| store.write(|tx| tx.execute(sql, []).during("t")).unwrap_err();
        assert!(
            write("UPDATE z_reports SET figures_json = '{}' WHERE number = 2").to_string().contains("never changed")
        );
        assert!(write("DELETE FROM z_reports WHERE number = 3").to_string().contains("never deleted"));
        assert!(
            write("INSERT INTO z_reports VALUES (5, '20261121100000', 'x', 0, 0, 0, 0, '{}')")
                .to_string()
                .contains("without gaps")
        );
        assert!(matches!(store.read(|c| z_report(c, 4)).unwrap_err(), Error::DocumentNotFound { .. }));
    }

    #[test]
    fn stock_report_values_goods_and_flags_low_and_out() {
        let (store, items) = testing::shop();
        let rows = store.read(|c| stock_report(c, Qty::whole(60))).unwrap();
        // The delivery service carries no stock; the three goods have 50 each except flour... all 50.
        assert_eq!(rows.len(), 3);
        let sugar = rows.iter().find(|r| r.item_code == items[0].code.as_str()).unwrap();
        assert_eq!((sugar.on_hand, sugar.price, sugar.value_at_price), (5000, 18_000, 900_000));
        assert_eq!((sugar.cost, sugar.low, sugar.out), (None, true, false));
        let none = store.read(|c| stock_report(c, Qty::whole(10))).unwrap();
        assert!(none.iter().all(|r| !r.low && !r.out));
    }
}
