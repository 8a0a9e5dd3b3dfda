//! Draws a [`Layout`] as a PDF with printpdf: DejaVu Sans Mono (embedded, subset), the QR code as
//! vector squares, 58/80 mm rolls as one page as tall as the receipt, A4 as numbered pages.
//!
//! printpdf 0.12 subsets fonts only with its `text_layout` feature (azul-layout, fontconfig), so
//! the fonts in assets/fonts are subset ahead of time (`assets/fonts/subset.sh`) and embedded
//! whole; characters they lack print as `?`. Streams are left uncompressed: compressing costs
//! ~2.5 ms per font per receipt for ~40 KB saved.
//!
//! Deterministic: the fonts are compiled in, no clock is read (fixed metadata dates), resource
//! names are fixed, and the trailer `/ID` is derived from the content, so the same receipt always
//! gives the same bytes.

use std::sync::OnceLock;

use printpdf::{
    FontId, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage, RawImageData,
    RawImageFormat, TextItem, XObject, XObjectId, XObjectTransform,
};
use qrcode::{EcLevel, QrCode};

use crate::{
    Error, Result,
    layout::{Block, Layout, Paper, Size, TextLine},
};

const MONO_REGULAR: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSansMono.ttf");
const MONO_BOLD: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSansMono-Bold.ttf");

/// DejaVu Sans Mono advances every glyph by 1233/2048 em.
const MONO_ADVANCE_EM: f32 = 1233.0 / 2048.0;
/// Line pitch as a multiple of the font size.
const LINE_PITCH: f32 = 1.22;
/// Where the baseline sits below the top of a line, as a multiple of the font size.
const BASELINE_DROP: f32 = 0.95;
/// PDF pages may not be taller than 200 inches; a very long roll receipt is split below that.
const MAX_ROLL_PAGE_MM: f32 = 5000.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// Fixed resource names: the first six letters also form the font subset tag.
const REGULAR_ID: &str = "DUKAMR";
const BOLD_ID: &str = "DUKAMB";
const QR_ID: &str = "DUKAQR";

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

static FONTS: OnceLock<Result<Fonts, (&'static str, String)>> = OnceLock::new();

fn fonts() -> Result<&'static Fonts> {
    let loaded = FONTS.get_or_init(|| {
        let parse = |name: &'static str, bytes: &[u8]| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or((name, "not a readable TrueType font".to_owned()))
        };
        Ok(Fonts { regular: parse("DejaVuSansMono", MONO_REGULAR)?, bold: parse("DejaVuSansMono-Bold", MONO_BOLD)? })
    });
    loaded.as_ref().map_err(|(name, reason)| Error::LoadFont { name, reason: reason.clone() })
}

/// Page geometry of one paper.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    page_width: f32,
    /// Fixed page height (A4) or `None` for a roll that grows with the receipt.
    page_height: Option<f32>,
    margin_x: f32,
    margin_y: f32,
    /// Normal font size in mm.
    font: f32,
    qr: f32,
}

impl Geometry {
    fn of(paper: Paper) -> Geometry {
        let (page_width, page_height, margin_x, margin_y, qr) = match paper {
            Paper::Roll58 => (58.0, None, 5.0, 4.0, 30.0),
            Paper::Roll80 => (80.0, None, 4.0, 4.0, 34.0),
            Paper::A4 => (210.0, Some(297.0), 15.0, 14.0, 34.0),
        };
        let char_width = (page_width - 2.0 * margin_x) / paper.columns() as f32;
        Geometry { page_width, page_height, margin_x, margin_y, font: char_width / MONO_ADVANCE_EM, qr }
    }

    fn char_width(&self) -> f32 {
        self.font * MONO_ADVANCE_EM
    }

    fn line_height(&self, size: Size) -> f32 {
        self.font * LINE_PITCH * size.factor() as f32
    }

    fn block_height(&self, block: &Block) -> f32 {
        match block {
            Block::Text(line) => self.line_height(line.size),
            Block::Rule | Block::Blank => self.line_height(Size::Normal),
            Block::Qr { beside: 0, .. } => self.qr + 2.0 * self.line_height(Size::Normal),
            // Beside n rows: only what the code sticks out below them.
            Block::Qr { beside, .. } => (self.qr - *beside as f32 * self.line_height(Size::Normal)).max(0.0),
        }
    }

    /// Where the QR code's top sits and its left edge, given the top of its own block.
    fn qr_origin(&self, beside: usize, top: f32) -> (f32, f32) {
        if beside == 0 {
            (top - self.line_height(Size::Normal), (self.page_width - self.qr) / 2.0)
        } else {
            (top + beside as f32 * self.line_height(Size::Normal), self.page_width - self.margin_x - self.qr)
        }
    }

    /// Height left for blocks on one page (A4 keeps a line at the bottom for the page number).
    fn content_height(&self) -> f32 {
        match self.page_height {
            Some(h) => h - 2.0 * self.margin_y - 2.0 * self.line_height(Size::Normal),
            None => MAX_ROLL_PAGE_MM,
        }
    }
}

/// Renders the layout to PDF bytes; `title` goes into the document information.
pub fn render(layout: &Layout, title: &str) -> Result<Vec<u8>> {
    let fonts = fonts()?;
    let geometry = Geometry::of(layout.paper);

    // Split blocks into pages; a QR code stays on the page of the rows it sits beside.
    let mut units: Vec<&[Block]> = Vec::new();
    let mut start = 0;
    for (i, block) in layout.blocks.iter().enumerate() {
        if let Block::Qr { beside, .. } = block {
            let group_start = i.saturating_sub(*beside).max(start);
            units.extend(layout.blocks[start..group_start].chunks(1));
            units.push(&layout.blocks[group_start..=i]);
            start = i + 1;
        }
    }
    units.extend(layout.blocks[start..].chunks(1));
    let mut pages: Vec<Vec<&Block>> = vec![Vec::new()];
    let mut used = 0.0f32;
    for unit in units {
        let h: f32 = unit.iter().map(|b| geometry.block_height(b)).sum();
        if used + h > geometry.content_height() && pages.last().is_some_and(|p| !p.is_empty()) {
            pages.push(Vec::new());
            used = 0.0;
        }
        used += h;
        if let Some(page) = pages.last_mut() {
            page.extend(unit.iter());
        }
    }

    let mut doc = PdfDocument::new(title);
    doc.metadata.info.creator = "Duka".to_owned();
    doc.metadata.info.producer = "Duka receipt (printpdf)".to_owned();
    let regular = FontId(REGULAR_ID.to_owned());
    let bold = FontId(BOLD_ID.to_owned());
    doc.resources.fonts.map.insert(regular.clone(), printpdf::PdfFont::new(fonts.regular.clone()));
    doc.resources.fonts.map.insert(bold.clone(), printpdf::PdfFont::new(fonts.bold.clone()));

    let page_count = pages.len();
    let mut pdf_pages = Vec::with_capacity(page_count);
    for (index, blocks) in pages.iter().enumerate() {
        let content: f32 = blocks.iter().map(|b| geometry.block_height(b)).sum();
        let height = geometry.page_height.unwrap_or(content + 2.0 * geometry.margin_y);
        let mut painter = Painter {
            geometry,
            layout,
            ops: Vec::new(),
            regular: &regular,
            bold: &bold,
            fonts,
            page: index,
            qr_images: Vec::new(),
        };
        let mut top = height - geometry.margin_y;
        for block in blocks {
            painter.block(block, top)?;
            top -= geometry.block_height(block);
        }
        if geometry.page_height.is_some() {
            let footer = format!("Page {} of {page_count} - {title}", index + 1);
            let columns = layout.paper.columns();
            let lead = columns.saturating_sub(footer.chars().count()) / 2;
            painter.text(&footer, lead, geometry.margin_y + geometry.line_height(Size::Normal), Size::Normal, false);
        }
        for (id, image) in painter.qr_images {
            doc.resources.xobjects.map.insert(id, XObject::Image(image));
        }
        pdf_pages.push(PdfPage::new(Mm(geometry.page_width), Mm(height), painter.ops));
    }

    let options = PdfSaveOptions { optimize: false, subset_fonts: false, secure: true, image_optimization: None };
    let mut bytes = doc.with_pages(pdf_pages).save(&options, &mut Vec::new());
    fix_document_id(&mut bytes);
    Ok(bytes)
}

struct Painter<'a> {
    geometry: Geometry,
    layout: &'a Layout,
    ops: Vec<Op>,
    regular: &'a FontId,
    bold: &'a FontId,
    fonts: &'a Fonts,
    page: usize,
    /// QR images drawn on this page, registered with the document after the page is painted.
    qr_images: Vec<(XObjectId, RawImage)>,
}

impl Painter<'_> {
    fn block(&mut self, block: &Block, top: f32) -> Result<()> {
        match block {
            Block::Text(line) => self.line(line, top),
            Block::Rule => {
                let rule = self.layout.rule();
                self.text(&rule, 0, top, Size::Normal, false);
            }
            Block::Blank => {}
            Block::Qr { link, beside } => {
                let (qr_top, qr_left) = self.geometry.qr_origin(*beside, top);
                self.qr(link, qr_top, qr_left)?;
            }
        }
        Ok(())
    }

    fn line(&mut self, line: &TextLine, top: f32) {
        let placed = self.layout.placed(line);
        let trimmed = placed.trim_start();
        let lead = placed.len() - trimmed.len();
        self.text(trimmed, lead * line.size.factor(), top, line.size, line.bold);
    }

    /// Writes `text` starting `lead` normal-size columns from the left margin, its line's top at `top` mm.
    fn text(&mut self, text: &str, lead: usize, top: f32, size: Size, bold: bool) {
        let g = self.geometry;
        let font_size = g.font * size.factor() as f32;
        let x = g.margin_x + lead as f32 * g.char_width();
        let y = top - font_size * BASELINE_DROP;
        let font = if bold { self.bold } else { self.regular };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::External(font.clone()), size: Pt(font_size * PT_PER_MM) },
            Op::SetTextCursor { pos: Point::new(Mm(x), Mm(y)) },
            Op::ShowText { items: vec![TextItem::Text(self.printable(text))] },
            Op::EndTextSection,
        ]);
    }

    /// The text with characters the embedded font lacks replaced by `?`.
    fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|c| if self.fonts.regular.lookup_glyph_index(u32::from(c)).is_some() { c } else { '?' })
            .collect()
    }

    /// Draws the QR code with its top-left corner at (`left`, `top`) mm: one grey image, one
    /// pixel per module, scaled to the QR size (viewers do not smooth it: no `/Interpolate`).
    fn qr(&mut self, link: &str, top: f32, left: f32) -> Result<()> {
        let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
            .map_err(|e| Error::BuildQrCode { link: link.to_owned(), reason: e.to_string() })?;
        let width = code.width();
        let pixels = code.to_colors().into_iter().map(|c| if c == qrcode::Color::Dark { 0u8 } else { 255u8 }).collect();
        let image = RawImage {
            pixels: RawImageData::U8(pixels),
            width,
            height: width,
            data_format: RawImageFormat::R8,
            tag: Vec::new(),
        };
        let id = XObjectId(format!("{QR_ID}{}P{}", self.qr_images.len(), self.page));
        self.qr_images.push((id.clone(), image));
        let size = self.geometry.qr;
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Mm(left).into()),
                translate_y: Some(Mm(top - size).into()),
                dpi: Some(width as f32 / (size / 25.4)),
                ..XObjectTransform::default()
            },
        });
        Ok(())
    }
}

/// printpdf fills the trailer `/ID` from a process-wide counter; replace both strings, in place
/// and at the same length, with a digest of the document so equal receipts give equal bytes.
fn fix_document_id(bytes: &mut [u8]) {
    let Some(start) = bytes.windows(4).rposition(|w| w == b"/ID[" || w == b"/ID ") else {
        return;
    };
    let mut strings = Vec::new();
    let mut i = start;
    while i < bytes.len() && strings.len() < 2 {
        if bytes[i] == b'(' {
            let open = i + 1;
            let Some(len) = bytes[open..].iter().position(|b| *b == b')') else {
                return;
            };
            strings.push((open, open + len));
            i = open + len;
        }
        i += 1;
    }
    for (open, close) in &strings {
        bytes[*open..*close].fill(b'0');
    }
    let (digest, digest2) = content_digest(bytes);
    let hex = format!("{digest:016X}{digest2:016X}");
    for (open, close) in strings {
        for (slot, h) in bytes[open..close].iter_mut().zip(hex.bytes().cycle()) {
            *slot = h;
        }
    }
}

/// Two FNV-1a style hashes over the bytes, eight at a time (an identifier, not a security digest).
fn content_digest(bytes: &[u8]) -> (u64, u64) {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        a = (a ^ word).wrapping_mul(PRIME);
        b = (b ^ word.rotate_left(29)).wrapping_mul(PRIME).rotate_left(7);
    }
    for byte in chunks.remainder() {
        a = (a ^ u64::from(*byte)).wrapping_mul(PRIME);
        b = (b ^ u64::from(*byte)).wrapping_mul(PRIME);
    }
    (a, b ^ bytes.len() as u64)
}
