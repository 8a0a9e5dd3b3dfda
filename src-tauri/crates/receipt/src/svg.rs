//! The receipt layout drawn as SVG: what the till's preview shows, from the same [`Layout`] that
//! feeds the PDF and ESC/POS, so the preview is what will be printed (monospace rows at their
//! print size and weight, dashed rules, and the KRA verification QR code drawn module by module).
//! Deterministic like every renderer here: the same layout always gives the same text.

use std::fmt::Write as _;

use qrcode::{EcLevel, QrCode};

use crate::layout::{Block, Layout, Size};
use crate::{Error, Result};

/// Width of one normal-size character, in SVG units (pixels at 100%).
const CHAR_WIDTH: f32 = 7.2;
/// Height of one normal-size row.
const ROW_HEIGHT: f32 = 16.0;
/// Font size that gives `CHAR_WIDTH`-wide characters in a monospace font (0.6 em advance).
const FONT_SIZE: f32 = 12.0;
const MARGIN: f32 = 12.0;
/// Pixels per QR module.
const QR_MODULE: f32 = 3.0;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn row_height(size: Size) -> f32 {
    ROW_HEIGHT * size.factor() as f32
}

fn qr_code(link: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|e| Error::BuildQrCode { link: link.to_owned(), reason: e.to_string() })
}

/// Draws the QR code's dark modules as one path with its top-left corner at (`left`, `top`).
fn draw_qr(out: &mut String, code: &QrCode, left: f32, top: f32) {
    let width = code.width();
    let mut path = String::new();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == qrcode::Color::Dark {
            let (x, y) = ((i % width) as f32, (i / width) as f32);
            let _ =
                write!(path, "M{} {}h{QR_MODULE}v{QR_MODULE}h-{QR_MODULE}z", left + x * QR_MODULE, top + y * QR_MODULE);
        }
    }
    let _ = write!(out, r##"<path class="qr" fill="#000" d="{path}"/>"##);
}

/// The layout as a standalone SVG document (white paper, black print).
pub fn render(layout: &Layout) -> Result<String> {
    let columns = layout.paper.columns() as f32;
    let width = columns * CHAR_WIDTH + 2.0 * MARGIN;
    let mut body = String::new();
    let mut y = MARGIN;
    // The top of each block, for a QR drawn beside the rows above it (A4).
    let mut tops = Vec::with_capacity(layout.blocks.len());
    for block in &layout.blocks {
        tops.push(y);
        match block {
            Block::Text(line) => {
                let height = row_height(line.size);
                let placed = layout.placed(line);
                let lead = placed.chars().count() - line.text.chars().count();
                let factor = line.size.factor() as f32;
                let x = MARGIN + lead as f32 * CHAR_WIDTH * factor;
                let weight = if line.bold { r#" font-weight="bold""# } else { "" };
                let _ = write!(
                    body,
                    r#"<text x="{x}" y="{}" font-size="{}"{weight}>{}</text>"#,
                    y + height * 0.78,
                    FONT_SIZE * factor,
                    escape(&line.text)
                );
                y += height;
            }
            Block::Rule => {
                let mid = y + ROW_HEIGHT / 2.0;
                let _ = write!(
                    body,
                    r##"<line x1="{MARGIN}" y1="{mid}" x2="{}" y2="{mid}" stroke="#000" stroke-dasharray="4 3"/>"##,
                    width - MARGIN
                );
                y += ROW_HEIGHT;
            }
            Block::Blank => y += ROW_HEIGHT,
            Block::Qr { link, beside: 0 } => {
                let code = qr_code(link)?;
                let size = code.width() as f32 * QR_MODULE;
                y += ROW_HEIGHT;
                draw_qr(&mut body, &code, (width - size) / 2.0, y);
                y += size + ROW_HEIGHT;
            }
            Block::Qr { link, beside } => {
                let code = qr_code(link)?;
                let size = code.width() as f32 * QR_MODULE;
                let top = tops.len().checked_sub(1 + beside).and_then(|i| tops.get(i)).copied().unwrap_or(MARGIN);
                draw_qr(&mut body, &code, width - MARGIN - size, top);
                y = y.max(top + size);
            }
        }
    }
    let height = y + MARGIN;
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans Mono, monospace" xml:space="preserve"><rect width="100%" height="100%" fill="#fff"/>{body}</svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Align, Paper, TextLine};

    fn text(text: &str, align: Align, bold: bool, size: Size) -> Block {
        Block::Text(TextLine { text: text.into(), align, bold, size })
    }

    #[test]
    fn rows_keep_their_place_size_weight_and_the_qr_is_drawn() {
        let layout = Layout {
            paper: Paper::Roll58,
            blocks: vec![
                text("DUKA & SONS <LTD>", Align::Center, true, Size::Normal),
                Block::Rule,
                text("TOTAL", Align::Left, true, Size::Double),
                Block::Blank,
                Block::Qr {
                    link: "https://etims.kra.go.ke/common/link/etims/receipt/indexEtimsReceiptData?Data=x".into(),
                    beside: 0,
                },
            ],
        };
        let svg = render(&layout).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(">DUKA &amp; SONS &lt;LTD&gt;</text>"), "text is escaped: {svg}");
        // 32 columns on 58 mm: the 17 characters are centred 7 columns in.
        assert!(svg.contains(&format!(r#"<text x="{}" "#, MARGIN + 7.0 * CHAR_WIDTH)), "{svg}");
        assert!(svg.contains(r#"font-size="24" font-weight="bold">TOTAL"#), "double size and bold: {svg}");
        assert_eq!(svg.matches("<line ").count(), 1);
        let qr = svg.split(r#"class="qr""#).nth(1).expect("the QR is drawn");
        assert!(qr.matches('z').count() > 100, "one square per dark module");
        assert_eq!(render(&layout).unwrap(), svg, "deterministic");
    }

    #[test]
    fn a_qr_beside_rows_starts_at_their_top() {
        let layout = Layout {
            paper: Paper::A4,
            blocks: vec![
                text("Seller", Align::Left, false, Size::Normal),
                text("PIN", Align::Left, false, Size::Normal),
                Block::Qr { link: "https://example.test/r".into(), beside: 2 },
            ],
        };
        let svg = render(&layout).unwrap();
        // The finder pattern's corner module is the first dark one: at the right margin, level with "Seller".
        let size = qr_code("https://example.test/r").unwrap().width() as f32 * QR_MODULE;
        let left = Paper::A4.columns() as f32 * CHAR_WIDTH + MARGIN - size;
        assert!(svg.contains(&format!(r#"d="M{left} {MARGIN}h"#)), "{svg}");
    }
}
