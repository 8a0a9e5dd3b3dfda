//! Printed reports (X and Z reports, sales, purchases, stock and VAT summaries): a plain
//! [`PrintedReport`] of titled sections of label/value rows, laid out on the same papers as
//! receipts and drawn by the same PDF and ESC/POS back ends.

use crate::{
    Result,
    layout::{Align, Block, Layout, Paper, Size, TextLine, wrap},
};

/// A report ready to print: every value already formatted by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedReport {
    /// "Z REPORT 12", "SALES REPORT".
    pub title: String,
    /// The shop's name and other header lines (PIN, branch, period, who printed it).
    pub header: Vec<String>,
    /// A reprint of a frozen report (a Z report's copy) prints "COPY" above and below.
    pub copy: bool,
    pub sections: Vec<ReportSection>,
}

/// A titled group of rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSection {
    pub heading: String,
    pub rows: Vec<ReportRow>,
}

/// A label on the left and its value on the right (the value may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub label: String,
    pub value: String,
}

impl ReportRow {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> ReportRow {
        ReportRow { label: label.into(), value: value.into() }
    }
}

fn line(text: String, align: Align, bold: bool, size: Size) -> Block {
    Block::Text(TextLine { text, align, bold, size })
}

/// Lays the report out for `paper`: every line fits the columns, long labels wrap, the value
/// stays right-aligned on the label's last line (or its own line when they do not fit together).
pub fn layout_report(report: &PrintedReport, paper: Paper) -> Layout {
    let columns = paper.columns();
    let mut blocks = vec![];
    let copy_mark = || line("*** COPY ***".into(), Align::Center, true, Size::Normal);
    if report.copy {
        blocks.push(copy_mark());
    }
    for piece in wrap(&report.title, columns / 2) {
        blocks.push(line(piece, Align::Center, true, Size::Double));
    }
    for text in &report.header {
        for piece in wrap(text, columns) {
            blocks.push(line(piece, Align::Center, false, Size::Normal));
        }
    }
    for section in &report.sections {
        blocks.push(Block::Rule);
        for piece in wrap(&section.heading, columns) {
            blocks.push(line(piece, Align::Left, true, Size::Normal));
        }
        for row in &section.rows {
            let value_len = row.value.chars().count();
            let mut pieces = wrap(&row.label, columns);
            let last = pieces.pop().unwrap_or_default();
            for piece in pieces {
                blocks.push(line(piece, Align::Left, false, Size::Normal));
            }
            let last_len = last.chars().count();
            if value_len == 0 {
                blocks.push(line(last, Align::Left, false, Size::Normal));
            } else if last_len + 1 + value_len <= columns {
                let gap = columns - last_len - value_len;
                blocks.push(line(format!("{last}{}{}", " ".repeat(gap), row.value), Align::Left, false, Size::Normal));
            } else {
                blocks.push(line(last, Align::Left, false, Size::Normal));
                for piece in wrap(&row.value, columns) {
                    blocks.push(line(piece, Align::Right, false, Size::Normal));
                }
            }
        }
    }
    blocks.push(Block::Rule);
    if report.copy {
        blocks.push(copy_mark());
    }
    Layout { paper, blocks }
}

/// The report as a PDF.
pub fn render_report_pdf(report: &PrintedReport, paper: Paper) -> Result<Vec<u8>> {
    let title = if report.copy { format!("{} (copy)", report.title) } else { report.title.clone() };
    crate::pdf::render(&layout_report(report, paper), &title)
}

/// The report as ESC/POS bytes (58 or 80 mm roll).
pub fn render_report_escpos(report: &PrintedReport, paper: Paper) -> Result<Vec<u8>> {
    if paper == Paper::A4 {
        return Err(crate::Error::InvalidReceipt {
            field: "paper",
            problem: "A4 is not a thermal roll: choose 58 mm or 80 mm for the receipt printer".to_owned(),
        });
    }
    Ok(crate::escpos::render(&layout_report(report, paper)))
}

/// The report as text, one row per printed line.
pub fn render_report_text(report: &PrintedReport, paper: Paper) -> String {
    layout_report(report, paper).to_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z() -> PrintedReport {
        PrintedReport {
            title: "Z REPORT 3".into(),
            header: vec!["Mama Njeri Shop".into(), "PIN P051234567X branch 00".into()],
            copy: true,
            sections: vec![ReportSection {
                heading: "Sales".into(),
                rows: vec![
                    ReportRow::new("Count", "12"),
                    ReportRow::new("Taxable B (16%) standard-rated goods and services", "1,234,567.89"),
                    ReportRow::new("Unsigned", ""),
                ],
            }],
        }
    }

    #[test]
    fn every_line_fits_and_values_align_right() {
        for paper in Paper::ALL {
            let layout = layout_report(&z(), paper);
            for block in &layout.blocks {
                if let Block::Text(l) = block {
                    assert!(l.text.chars().count() <= layout.columns_at(l.size), "{paper:?}: {l:?}");
                }
            }
            let text = layout.to_text();
            assert!(text.contains("*** COPY ***"), "{text}");
            let count = text.lines().find(|l| l.contains("Count")).unwrap();
            assert_eq!(count.chars().count(), 3 + paper.columns(), "{count}");
            assert!(count.ends_with("12"));
            assert!(text.contains("1,234,567.89"));
        }
    }

    #[test]
    fn the_58mm_layout_reads_as_expected() {
        let text = render_report_text(&z(), Paper::Roll58);
        let expected = "\
1B|          *** COPY ***
2B|   Z REPORT 3
1 |        Mama Njeri Shop
1 |   PIN P051234567X branch 00
1 |--------------------------------
1B|Sales
1 |Count                         12
1 |Taxable B (16%) standard-rated
1 |goods and services  1,234,567.89
1 |Unsigned
1 |--------------------------------
1B|          *** COPY ***
";
        assert_eq!(text, expected);
    }

    #[test]
    fn renders_to_pdf_and_escpos_but_not_a4_thermal() {
        assert!(render_report_pdf(&z(), Paper::A4).unwrap().starts_with(b"%PDF"));
        assert!(!render_report_escpos(&z(), Paper::Roll80).unwrap().is_empty());
        assert!(render_report_escpos(&z(), Paper::A4).is_err());
    }
}
