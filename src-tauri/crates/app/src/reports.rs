//! Reports: the X report (running), Z reports (closing the day, numbered gap-free; a reprint is a
//! copy), sales, purchases and stock reports and the monthly VAT summary, as plain data and as
//! printable documents (PDF, thermal ESC/POS, text) through the receipt crate.

use domain::{Date, DateTime, Money, PaymentType, Qty};
use receipt::report::{PrintedReport, ReportRow, ReportSection};
use serde::Serialize;
pub use store::reports::{
    ItemSales, PaymentTotals, PeriodFigures, PurchaseRow, SalesReport, StockRow, Totals, UnsignedDocument, VatSummary,
    ZReport,
};

use crate::{Duka, Error, Paper, Result};

/// Confirmed purchases of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurchasesReport {
    /// `YYYYMMDD`, both included.
    pub from: String,
    pub to: String,
    pub totals: Totals,
    pub purchases: Vec<PurchaseRow>,
}

/// Which report to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    X,
    /// A Z report already issued: always printed as a copy.
    ZCopy(i64),
    /// Sales of `[from, to]` (dates included).
    Sales {
        from: Date,
        to: Date,
    },
    Purchases {
        from: Date,
        to: Date,
    },
    /// Stock, with items at or below `low_at` flagged low.
    Stock {
        low_at: Qty,
    },
    Vat {
        year: u16,
        month: u8,
    },
}

/// How a printed report comes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Pdf,
    EscPos,
    Text,
}

pub(crate) fn day_start(date: Date) -> Result<DateTime> {
    DateTime::new(date, 0, 0, 0).ok_or_else(|| Error::invalid("date", format!("{} is not a day", date.kra())))
}

/// The first moment after `date`.
pub(crate) fn day_after(date: Date) -> Result<DateTime> {
    let bad = || Error::invalid("date", format!("{} is not a day", date.kra()));
    let next = Date::new(date.year(), date.month(), date.day() + 1)
        .or_else(|| Date::new(date.year(), date.month() + 1, 1))
        .or_else(|| Date::new(date.year() + 1, 1, 1))
        .ok_or_else(bad)?;
    day_start(next)
}

fn check_period(from: Date, to: Date) -> Result<()> {
    if from > to {
        return Err(Error::invalid(
            "period",
            format!("it starts ({}) after it ends ({}): swap the dates", from.kra(), to.kra()),
        ));
    }
    Ok(())
}

impl Duka {
    /// The X report: everything since the last Z report, closing nothing.
    pub fn x_report(&self) -> Result<PeriodFigures> {
        self.authorize(&[domain::Action::XReport])?;
        Ok(self.store().read(store::reports::x_report)?)
    }

    /// Closes the day: issues the next Z report over everything since the previous one and freezes
    /// its figures. Print it with [`Duka::printed_z_report`]; later prints are copies.
    pub fn issue_z_report(&self) -> Result<ZReport> {
        self.verify_fiscal_chain("Z report", "issue the Z report")?;
        self.acting(&[domain::Action::ZReport], |meta| {
            Ok(self.store().write(|tx| store::reports::issue_z_report(tx, meta))?)
        })
    }

    /// Z report `number` as issued.
    pub fn z_report(&self, number: i64) -> Result<ZReport> {
        self.store().read(|c| store::reports::z_report(c, number)).map_err(|e| match e {
            store::Error::DocumentNotFound { .. } => Error::NotFound {
                what: "Z report",
                id: number.to_string(),
                hint: "see the list of Z reports for the numbers issued",
            },
            other => other.into(),
        })
    }

    /// The number of the last Z report (0 before the first).
    pub fn last_z_number(&self) -> Result<i64> {
        Ok(self.store().read(store::reports::last_z_number)?)
    }

    /// Sales and credit notes committed from `from` to `to` (both days included), per item too.
    pub fn sales_report(&self, from: Date, to: Date) -> Result<SalesReport> {
        check_period(from, to)?;
        let (start, end) = (day_start(from)?, day_after(to)?);
        Ok(self.store().read(|c| store::reports::sales_report(c, start, end))?)
    }

    /// Confirmed purchases dated from `from` to `to` (both included).
    pub fn purchases_report(&self, from: Date, to: Date) -> Result<PurchasesReport> {
        check_period(from, to)?;
        let (f, t) = (from.kra(), to.kra());
        let (totals, purchases) = self
            .store()
            .read(|c| Ok((store::reports::purchase_totals(c, &f, &t)?, store::reports::purchases_in(c, &f, &t)?)))?;
        Ok(PurchasesReport { from: f, to: t, totals, purchases })
    }

    /// Stock on hand of every active goods item, valued at cost and at price.
    pub fn stock_report(&self, low_at: Qty) -> Result<Vec<StockRow>> {
        Ok(self.store().read(|c| store::reports::stock_report(c, low_at))?)
    }

    /// The VAT figures of a month for the VAT return.
    pub fn vat_summary(&self, year: u16, month: u8) -> Result<VatSummary> {
        if !(1..=12).contains(&month) || year < 2000 {
            return Err(Error::invalid("month", format!("{year}-{month} is not a month: give it as YYYY-MM")));
        }
        Ok(self.store().read(|c| store::reports::vat_summary(c, year, month))?)
    }

    /// The printable form of Z report `z` (`copy` for every print after the first).
    pub fn printed_z_report(&self, z: &ZReport, copy: bool) -> Result<PrintedReport> {
        let mut header = self.report_header()?;
        header.push(format!("Issued {} by {}", shown_time(&z.issued_at), z.user));
        Ok(PrintedReport {
            title: format!("Z REPORT {}", z.number),
            header,
            copy,
            sections: figure_sections(&z.figures),
        })
    }

    /// The printable form of `report`.
    pub fn printed_report(&self, report: &Report) -> Result<PrintedReport> {
        let mut header = self.report_header()?;
        header.push(format!("Printed {}", receipt::format::date_time(self.now())));
        let (title, sections) = match report {
            Report::ZCopy(number) => return self.printed_z_report(&self.z_report(*number)?, true),
            Report::X => ("X REPORT".to_owned(), figure_sections(&self.x_report()?)),
            Report::Sales { from, to } => {
                let r = self.sales_report(*from, *to)?;
                header.push(period(*from, *to));
                let mut sections = figure_sections(&r.figures);
                sections.push(ReportSection {
                    heading: "Per item (sold less credited)".into(),
                    rows: r
                        .items
                        .iter()
                        .map(|i| {
                            let qty = Qty::from_hundredths(i.qty_sold - i.qty_credited);
                            ReportRow::new(format!("{} x{qty}", i.name), money(i.total_sold - i.total_credited))
                        })
                        .collect(),
                });
                ("SALES REPORT".to_owned(), sections)
            }
            Report::Purchases { from, to } => {
                let r = self.purchases_report(*from, *to)?;
                header.push(period(*from, *to));
                let mut sections = vec![totals_section("Purchases", &r.totals)];
                sections.push(ReportSection {
                    heading: "Documents".into(),
                    rows: r
                        .purchases
                        .iter()
                        .map(|p| {
                            let supplier = p.supplier_name.clone().or(p.supplier_pin.clone()).unwrap_or_default();
                            ReportRow::new(format!("{} {supplier}", p.trader_no), money(p.total))
                        })
                        .collect(),
                });
                ("PURCHASES REPORT".to_owned(), sections)
            }
            Report::Stock { low_at } => {
                let rows = self.stock_report(*low_at)?;
                let at_price: i64 = rows.iter().map(|r| r.value_at_price).sum();
                let at_cost: i64 = rows.iter().filter_map(|r| r.value_at_cost).sum();
                let flag = |r: &StockRow| {
                    if r.out {
                        " OUT"
                    } else if r.low {
                        " LOW"
                    } else {
                        ""
                    }
                };
                let sections = vec![
                    ReportSection {
                        heading: "Value".into(),
                        rows: vec![
                            ReportRow::new("At selling price", money(at_price)),
                            ReportRow::new("At cost (items with a purchase)", money(at_cost)),
                            ReportRow::new("Out of stock", rows.iter().filter(|r| r.out).count().to_string()),
                            ReportRow::new(
                                format!("Low (at or below {low_at})"),
                                rows.iter().filter(|r| r.low).count().to_string(),
                            ),
                        ],
                    },
                    ReportSection {
                        heading: "Items".into(),
                        rows: rows
                            .iter()
                            .map(|r| {
                                ReportRow::new(
                                    format!("{}{}", r.name, flag(r)),
                                    Qty::from_hundredths(r.on_hand).to_string(),
                                )
                            })
                            .collect(),
                    },
                ];
                ("STOCK REPORT".to_owned(), sections)
            }
            Report::Vat { year, month } => {
                let v = self.vat_summary(*year, *month)?;
                header.push(format!("Month {year:04}-{month:02}"));
                let sections = vec![
                    totals_section("Output: sales", &v.sales),
                    totals_section("Output: credit notes", &v.credit_notes),
                    totals_section("Output: net", &v.net_output),
                    totals_section("Input: confirmed purchases", &v.purchases),
                    ReportSection {
                        heading: "VAT".into(),
                        rows: vec![
                            ReportRow::new("Output tax", money(v.net_output.total_tax)),
                            ReportRow::new("Input tax", money(v.purchases.total_tax)),
                            ReportRow::new("VAT due (negative: credit)", money(v.vat_due)),
                        ],
                    },
                ];
                ("VAT SUMMARY".to_owned(), sections)
            }
        };
        Ok(PrintedReport { title, header, copy: false, sections })
    }

    /// Renders a printable report.
    pub fn render_report(&self, report: &PrintedReport, paper: Paper, format: ReportFormat) -> Result<Vec<u8>> {
        Ok(match format {
            ReportFormat::Pdf => receipt::report::render_report_pdf(report, paper)?,
            ReportFormat::EscPos => receipt::report::render_report_escpos(report, paper)?,
            ReportFormat::Text => receipt::report::render_report_text(report, paper).into_bytes(),
        })
    }

    fn report_header(&self) -> Result<Vec<String>> {
        let shop = self.store().read(store::settings::shop_details)?.map(|s| s.name).unwrap_or_else(|| "Duka".into());
        let mut header = vec![shop];
        if let Some(s) = self.device_settings()? {
            header.push(format!("PIN {} branch {}", s.pin, s.branch_id));
        }
        if self.is_training()? {
            header.push("TRAINING MODE - NOT A FISCAL REPORT".into());
        }
        Ok(header)
    }
}

fn money(cents: i64) -> String {
    receipt::format::amount(Money::from_cents(cents), false)
}

fn shown_time(kra: &str) -> String {
    DateTime::parse_kra(kra).map(receipt::format::date_time).unwrap_or_else(|_| kra.to_owned())
}

fn period(from: Date, to: Date) -> String {
    format!("From {} to {}", receipt::format::date(from), receipt::format::date(to))
}

fn totals_section(heading: &str, t: &Totals) -> ReportSection {
    let mut rows = vec![ReportRow::new("Documents", t.count.to_string())];
    for (i, band) in store::reports::BANDS.iter().enumerate() {
        if t.taxable[i] != 0 || t.tax[i] != 0 {
            rows.push(ReportRow::new(format!("Taxable {band}"), money(t.taxable[i])));
            rows.push(ReportRow::new(format!("Tax {band}"), money(t.tax[i])));
        }
    }
    rows.push(ReportRow::new("Total taxable", money(t.total_taxable)));
    rows.push(ReportRow::new("Total tax", money(t.total_tax)));
    rows.push(ReportRow::new("Total", money(t.total)));
    ReportSection { heading: heading.into(), rows }
}

fn figure_sections(f: &PeriodFigures) -> Vec<ReportSection> {
    let mut sections = vec![
        totals_section("Sales", &f.sales),
        totals_section("Credit notes", &f.credit_notes),
        totals_section("Net (sales less credit notes)", &f.net),
    ];
    sections.push(ReportSection {
        heading: "By payment type".into(),
        rows: f
            .payments
            .iter()
            .flat_map(|p| {
                let label = p.payment_type.parse::<PaymentType>().map(|t| t.label()).unwrap_or("Unknown");
                [
                    ReportRow::new(format!("{label}: {} sales", p.sales_count), money(p.sales_total)),
                    ReportRow::new(
                        format!("{label}: {} credit notes", p.credit_notes_count),
                        money(p.credit_notes_total),
                    ),
                ]
            })
            .collect(),
    });
    sections.push(ReportSection {
        heading: "Training (not fiscal)".into(),
        rows: vec![
            ReportRow::new(format!("{} training sales", f.training_sales.count), money(f.training_sales.total)),
            ReportRow::new(
                format!("{} training credit notes", f.training_credit_notes.count),
                money(f.training_credit_notes.total),
            ),
        ],
    });
    sections.push(ReportSection {
        heading: format!("Not yet signed by KRA: {}", f.unsigned.len()),
        rows: f.unsigned.iter().map(|u| ReportRow::new(u.trader_no.clone(), money(u.total))).collect(),
    });
    sections
}

#[cfg(test)]
mod tests {
    use domain::PaymentType;

    use super::*;
    use crate::{SaleLineRequest, SaleRequest, testing};

    async fn shop_with_a_sale() -> (Duka, tempfile::TempDir) {
        let (duka, dir) = testing::shop().await;
        let item = duka.register_item(&testing::new_item("Sugar 1kg", 18_000)).unwrap();
        let line = crate::StockLineRequest { item: item.code.to_string(), qty: Qty::whole(10) };
        duka.adjust_stock(domain::StockMoveType::AdjustmentIn, &[line], None).unwrap();
        duka.make_sale(&SaleRequest {
            lines: vec![SaleLineRequest {
                item: item.code.to_string(),
                qty: Qty::whole(2),
                price: None,
                discount: domain::Discount::None,
            }],
            buyer_pin: None,
            buyer_name: None,
            payment: PaymentType::Cash,
        })
        .unwrap();
        (duka, dir)
    }

    #[tokio::test]
    async fn z_closes_what_x_showed_and_a_reprint_is_a_copy() {
        let (duka, _dir) = shop_with_a_sale().await;
        let x = duka.x_report().unwrap();
        assert_eq!((x.sales.count, x.sales.total, x.unsigned.len()), (1, 36_000, 1));
        let z = duka.issue_z_report().unwrap();
        assert_eq!((z.number, &z.figures), (1, &x));
        assert_eq!(duka.x_report().unwrap().sales.count, 0);
        let original = duka.printed_z_report(&z, false).unwrap();
        let copy = duka.printed_report(&Report::ZCopy(1)).unwrap();
        assert!(!original.copy && copy.copy);
        let text = String::from_utf8(duka.render_report(&copy, Paper::Roll80, ReportFormat::Text).unwrap()).unwrap();
        assert!(text.contains("*** COPY ***") && text.contains("Z REPORT 1") && text.contains("360.00"), "{text}");
        assert_eq!(duka.issue_z_report().unwrap().number, 2);
        assert_eq!(duka.printed_report(&Report::ZCopy(9)).unwrap_err().code(), "not_found");
    }

    #[tokio::test]
    async fn every_report_prints_and_bad_periods_are_explained() {
        let (duka, _dir) = shop_with_a_sale().await;
        let day = duka.now().date();
        for report in [
            Report::X,
            Report::Sales { from: day, to: day },
            Report::Purchases { from: day, to: day },
            Report::Stock { low_at: Qty::whole(20) },
            Report::Vat { year: day.year(), month: day.month() },
        ] {
            let printed = duka.printed_report(&report).unwrap();
            assert!(duka.render_report(&printed, Paper::A4, ReportFormat::Pdf).unwrap().starts_with(b"%PDF"));
            assert!(!duka.render_report(&printed, Paper::Roll58, ReportFormat::EscPos).unwrap().is_empty());
        }
        let sales = duka.sales_report(day, day).unwrap();
        assert_eq!(sales.items[0].qty_sold, 200);
        let stock = duka.stock_report(Qty::whole(20)).unwrap();
        assert!(stock[0].low && stock[0].on_hand == 800);
        let later = Date::new(day.year() + 1, 1, 1).unwrap();
        let err = duka.sales_report(later, day).unwrap_err();
        assert!(err.to_string().contains("swap the dates"), "{err}");
        assert!(duka.vat_summary(2026, 13).unwrap_err().to_string().contains("YYYY-MM"));
    }
}
