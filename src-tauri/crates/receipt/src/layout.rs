//! The layout step shared by every output: a receipt becomes monospace lines (with bold, size and
//! alignment) plus the QR block, for a given paper. The PDF, the ESC/POS bytes and the golden text
//! dump all draw this same list, so they cannot disagree about what a receipt says.

use domain::{Money, TaxBand};

use crate::{
    Result, format,
    model::{Buyer, DocumentKind, Receipt, SignatureState},
};

/// The paper a receipt is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Paper {
    /// 58 mm thermal roll: 32 columns (48 mm printable, 384 dots).
    Roll58,
    /// 80 mm thermal roll: 42 columns (fits both 512- and 576-dot printers).
    Roll80,
    /// A4 tax invoice page: 90 columns.
    A4,
}

impl Paper {
    pub const ALL: [Paper; 3] = [Paper::Roll58, Paper::Roll80, Paper::A4];

    /// Characters per line at normal size.
    pub fn columns(self) -> usize {
        match self {
            Paper::Roll58 => 32,
            Paper::Roll80 => 42,
            Paper::A4 => 90,
        }
    }

    /// Short name used in file names: "58mm", "80mm", "a4".
    pub fn name(self) -> &'static str {
        match self {
            Paper::Roll58 => "58mm",
            Paper::Roll80 => "80mm",
            Paper::A4 => "a4",
        }
    }

    /// The one spelling Duka writes (settings file, the UI's settings form): "mm58", "mm80", "a4".
    pub fn as_str(self) -> &'static str {
        match self {
            Paper::Roll58 => "mm58",
            Paper::Roll80 => "mm80",
            Paper::A4 => "a4",
        }
    }
}

impl std::fmt::Display for Paper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A paper name Duka does not know (the message says which ones it does).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a paper Duka knows: choose 58 mm, 80 mm or A4")]
pub struct UnknownPaper(pub String);

impl std::str::FromStr for Paper {
    type Err = UnknownPaper;

    /// Every spelling the settings form, the Books screen and the command line send: "mm80", "80",
    /// "80mm", "80 mm" (and the same for 58), "a4"; any case, spaces around ignored.
    fn from_str(input: &str) -> std::result::Result<Paper, UnknownPaper> {
        let name = input.trim().to_ascii_lowercase();
        let bare = name.strip_prefix("mm").unwrap_or_else(|| name.trim_end_matches("mm").trim_end());
        match bare {
            "58" => Ok(Paper::Roll58),
            "80" => Ok(Paper::Roll80),
            "a4" => Ok(Paper::A4),
            _ => Err(UnknownPaper(input.trim().to_owned())),
        }
    }
}

impl serde::Serialize for Paper {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Paper {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Paper, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Character size: each step multiplies width and height (ESC/POS `GS !`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Normal,
    Double,
    Triple,
}

impl Size {
    pub fn factor(self) -> usize {
        match self {
            Size::Normal => 1,
            Size::Double => 2,
            Size::Triple => 3,
        }
    }
}

/// One printed line; `text` always fits the columns available at its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    pub text: String,
    pub align: Align,
    pub bold: bool,
    pub size: Size,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Text(TextLine),
    /// A full-width dashed line.
    Rule,
    /// An empty line.
    Blank,
    /// The QR code of the verification link. `beside` = 0: its own centred block; `beside` = n:
    /// drawn at the right margin next to the n blocks before it (A4), which stay on its page.
    Qr {
        link: String,
        beside: usize,
    },
}

/// A receipt laid out for one paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub paper: Paper,
    pub blocks: Vec<Block>,
}

impl Layout {
    /// Columns available to a line of the given size.
    pub fn columns_at(&self, size: Size) -> usize {
        self.paper.columns() / size.factor()
    }

    /// The line's text placed within its columns (leading spaces for centre and right alignment).
    pub fn placed(&self, line: &TextLine) -> String {
        let width = self.columns_at(line.size);
        let len = line.text.chars().count();
        let pad = width.saturating_sub(len);
        let lead = match line.align {
            Align::Left => 0,
            Align::Center => pad / 2,
            Align::Right => pad,
        };
        format!("{}{}", " ".repeat(lead), line.text)
    }

    /// The dashed rule at normal size.
    pub fn rule(&self) -> String {
        "-".repeat(self.paper.columns())
    }

    /// The golden text dump: one row per block, prefixed with size (1-3) and `B` for bold, so a
    /// reviewer sees both the words and the styling.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (marks, words) in self.rows() {
            let row = format!("{marks}|{words}");
            out.push_str(row.trim_end());
            out.push('\n');
        }
        out
    }

    /// Only what is printed, one row per block (a receipt preview's alt text, a report shown on
    /// screen); the QR code stands as its link.
    pub fn printed_text(&self) -> String {
        self.rows()
            .map(|(marks, words)| match marks.as_str() {
                "QR" => format!("QR|{words}"),
                _ => words.trim_end().to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Each block as its marks (size and bold, or `QR`) and its words.
    fn rows(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.blocks.iter().map(|block| match block {
            Block::Text(line) => {
                let bold = if line.bold { 'B' } else { ' ' };
                (format!("{}{bold}", line.size.factor()), self.placed(line))
            }
            Block::Rule => ("1 ".to_owned(), self.rule()),
            Block::Blank => ("1 ".to_owned(), String::new()),
            Block::Qr { link, beside: 0 } => ("QR".to_owned(), link.clone()),
            Block::Qr { link, beside } => ("QR".to_owned(), format!("{link} (right of the {beside} rows above)")),
        })
    }
}

/// Splits `text` into lines of at most `width` characters, breaking at spaces and, inside a word
/// longer than a line, after a dash or anywhere. Nothing is dropped.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut current_len = 0usize;
    for word in text.split_whitespace() {
        let word_len = word.chars().count();
        let needed = if current_len == 0 { word_len } else { current_len + 1 + word_len };
        if needed <= width {
            if current_len > 0 {
                current.push(' ');
            }
            current.push_str(word);
            current_len = needed;
            continue;
        }
        if current_len > 0 {
            lines.push(std::mem::take(&mut current));
        }
        let mut rest: Vec<char> = word.chars().collect();
        while rest.len() > width {
            // Prefer breaking just after a dash so signature groups stay whole.
            let cut = rest[..width].iter().rposition(|c| *c == '-').map(|i| i + 1).filter(|i| *i > 0).unwrap_or(width);
            lines.push(rest[..cut].iter().collect());
            rest.drain(..cut);
        }
        current = rest.iter().collect();
        current_len = rest.len();
    }
    if current_len > 0 || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// Builds the block list while keeping every line within the paper's columns.
struct Builder {
    columns: usize,
    blocks: Vec<Block>,
}

impl Builder {
    fn text(&mut self, text: &str, align: Align, bold: bool, size: Size) {
        for piece in wrap(text, self.columns / size.factor()) {
            self.blocks.push(Block::Text(TextLine { text: piece, align, bold, size }));
        }
    }

    fn center(&mut self, text: &str) {
        self.text(text, Align::Center, false, Size::Normal);
    }

    fn center_bold(&mut self, text: &str, size: Size) {
        self.text(text, Align::Center, true, size);
    }

    fn left(&mut self, text: &str) {
        self.text(text, Align::Left, false, Size::Normal);
    }

    /// A line already laid out in columns: kept as is when it fits, otherwise cut into full-width
    /// pieces (spacing kept, nothing dropped).
    fn row(&mut self, text: String, bold: bool) {
        let chars: Vec<char> = text.chars().collect();
        for piece in chars.chunks(self.columns.max(1)) {
            let text: String = piece.iter().collect();
            self.blocks.push(Block::Text(TextLine { text, align: Align::Left, bold, size: Size::Normal }));
        }
    }

    /// `label ........ value` on one line when both fit, else the label then the value right-aligned.
    fn pair_sized(&mut self, label: &str, value: &str, bold: bool, size: Size) {
        let width = self.columns / size.factor();
        let (label_len, value_len) = (label.chars().count(), value.chars().count());
        if label_len + 1 + value_len <= width {
            let gap = width - label_len - value_len;
            let text = format!("{label}{}{value}", " ".repeat(gap));
            self.blocks.push(Block::Text(TextLine { text, align: Align::Left, bold, size }));
        } else {
            self.text(label, Align::Left, bold, size);
            self.text(value, Align::Right, bold, size);
        }
    }

    fn pair(&mut self, label: &str, value: &str) {
        self.pair_sized(label, value, false, Size::Normal);
    }

    fn rule(&mut self) {
        self.blocks.push(Block::Rule);
    }

    fn blank(&mut self) {
        self.blocks.push(Block::Blank);
    }
}

/// Right-aligns `text` in `width` columns (never truncates).
fn right(text: &str, width: usize) -> String {
    format!("{text:>width$}")
}

/// Left-aligns `text` in `width` columns (never truncates).
fn left(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

const TRAINING_BANNER: &str = "TRAINING - NOT A TAX INVOICE";
const CREDIT_NOTE_STATEMENT: &str = "CREDIT NOTE IS APPROVED ONLY FOR ORIGINAL SALES RECEIPT";
const PENDING_STATEMENT: &str = "Signature pending - a signed receipt will be available when the till is back online.";

/// Lays a receipt out for one paper.
pub fn layout(receipt: &Receipt, paper: Paper) -> Result<Layout> {
    receipt.check()?;
    let mut b = Builder { columns: paper.columns(), blocks: Vec::new() };
    let negative = receipt.is_credit_note();

    banners(&mut b, receipt);
    if paper == Paper::A4 {
        a4_header(&mut b, receipt);
    } else {
        roll_header(&mut b, receipt);
    }
    b.rule();
    if paper == Paper::A4 {
        a4_lines(&mut b, receipt, negative);
    } else {
        roll_lines(&mut b, receipt, negative);
    }
    b.rule();
    totals(&mut b, receipt, paper, negative);
    b.rule();
    tax_table(&mut b, receipt, paper, negative);
    b.rule();
    signature_block(&mut b, receipt, paper);
    tis_block(&mut b, receipt, paper);
    if receipt.is_credit_note() {
        b.rule();
        b.center_bold(CREDIT_NOTE_STATEMENT, Size::Normal);
    }
    if !receipt.footer_message.is_empty() {
        b.rule();
        for line in &receipt.footer_message {
            b.center(line);
        }
    }
    if receipt.copy || receipt.is_training() {
        b.rule();
    }
    closing_banners(&mut b, receipt);
    Ok(Layout { paper, blocks: b.blocks })
}

/// The top marks: training (every receipt) and COPY (reprints).
fn banners(b: &mut Builder, receipt: &Receipt) {
    if receipt.is_training() {
        b.center_bold(TRAINING_BANNER, Size::Double);
        b.blank();
    }
    if receipt.copy {
        b.center_bold("COPY", Size::Triple);
        b.center_bold("REPRINT - NOT AN ORIGINAL RECEIPT", Size::Normal);
        b.blank();
    }
}

fn closing_banners(b: &mut Builder, receipt: &Receipt) {
    if receipt.copy {
        b.center_bold("*** COPY ***", Size::Double);
    }
    if receipt.is_training() {
        b.center_bold(TRAINING_BANNER, Size::Normal);
    }
}

fn title(receipt: &Receipt) -> &'static str {
    if receipt.is_training() {
        return if receipt.is_credit_note() { "TRAINING CREDIT NOTE" } else { "TRAINING RECEIPT" };
    }
    match (&receipt.state, receipt.is_credit_note()) {
        (SignatureState::Provisional, false) => "PROVISIONAL RECEIPT",
        (SignatureState::Provisional, true) => "PROVISIONAL CREDIT NOTE",
        (SignatureState::Signed(_), false) => "TAX INVOICE",
        (SignatureState::Signed(_), true) => "CREDIT NOTE",
    }
}

fn buyer_rows(buyer: Option<&Buyer>) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    if let Some(buyer) = buyer {
        if let Some(name) = buyer.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            rows.push(("BUYER:", name.to_owned()));
        }
        if let Some(pin) = &buyer.pin {
            rows.push(("BUYER PIN:", pin.to_string()));
        }
    }
    rows
}

fn provisional_notice(b: &mut Builder) {
    b.center_bold("NOT YET SIGNED BY KRA", Size::Normal);
    b.center(PENDING_STATEMENT);
}

fn roll_header(b: &mut Builder, receipt: &Receipt) {
    let seller = &receipt.seller;
    b.center_bold(&seller.name, Size::Normal);
    for line in &seller.address {
        b.center(line);
    }
    b.center(&format!("PIN: {}", seller.pin));
    for line in &receipt.header_message {
        b.center(line);
    }
    b.rule();
    b.center_bold(title(receipt), Size::Double);
    if receipt.state == SignatureState::Provisional {
        provisional_notice(b);
    }
    for (label, value) in buyer_rows(receipt.buyer.as_ref()) {
        b.pair(label, &value);
    }
    if let DocumentKind::CreditNote { original_cu_invoice_no } = &receipt.kind {
        b.pair("ORIGINAL CU INVOICE NO.:", original_cu_invoice_no);
    }
    if let Some(cashier) = cashier(receipt) {
        b.pair("CASHIER:", cashier);
    }
}

/// The cashier's name, when the receipt carries one.
fn cashier(receipt: &Receipt) -> Option<&str> {
    receipt.served_by.as_deref().map(str::trim).filter(|n| !n.is_empty())
}

/// A4: seller on the left, the document's number and date on the right, then the buyer.
fn a4_header(b: &mut Builder, receipt: &Receipt) {
    let seller = &receipt.seller;
    b.center_bold(title(receipt), Size::Double);
    if receipt.state == SignatureState::Provisional {
        provisional_notice(b);
    }
    b.blank();
    let half = b.columns / 2;
    let mut left_rows: Vec<(String, bool)> = vec![(seller.name.clone(), true)];
    left_rows.extend(seller.address.iter().map(|a| (a.clone(), false)));
    left_rows.push((format!("PIN: {}", seller.pin), true));
    let left_rows: Vec<(String, bool)> =
        left_rows.into_iter().flat_map(|(t, bold)| wrap(&t, half - 2).into_iter().map(move |p| (p, bold))).collect();
    let mut right_rows = vec![
        format!("Invoice no.: {}", receipt.trader_invoice_no),
        format!("Date: {}", format::date_time(receipt.issued_at)),
        format!("Payment: {}", receipt.payment.label()),
    ];
    if let DocumentKind::CreditNote { original_cu_invoice_no } = &receipt.kind {
        right_rows.push(format!("Original CU invoice no.: {original_cu_invoice_no}"));
    }
    if let Some(cashier) = cashier(receipt) {
        right_rows.push(format!("Cashier: {cashier}"));
    }
    let right_rows: Vec<String> = right_rows.iter().flat_map(|r| wrap(r, b.columns - half)).collect();
    for i in 0..left_rows.len().max(right_rows.len()) {
        let (l, bold) = left_rows.get(i).cloned().unwrap_or_default();
        let r = right_rows.get(i).cloned().unwrap_or_default();
        b.row(format!("{}{}", left(&l, half), right(&r, b.columns - half)).trim_end().to_owned(), bold);
    }
    for line in &receipt.header_message {
        b.left(line);
    }
    let buyer = buyer_rows(receipt.buyer.as_ref());
    if !buyer.is_empty() {
        b.blank();
        for (label, value) in buyer {
            b.left(&format!("{label} {value}"));
        }
    }
}

/// Roll lines: the description on its own line(s), then `qty x price ...... total band`.
fn roll_lines(b: &mut Builder, receipt: &Receipt, negative: bool) {
    for line in &receipt.lines {
        b.left(&line.description);
        let detail = format!("  {} x {}", line.qty, line.unit_price);
        let total = format!("{} {}", format::amount(line.total, negative), line.band);
        b.pair(&detail, &total);
        if line.discount != Money::ZERO {
            b.pair("  Discount", &format::amount(line.discount, !negative));
        }
    }
}

/// A4 column widths: No., description, qty, unit price, discount, total, tax band (90 columns).
const A4_COLUMNS: [usize; 7] = [3, 31, 9, 13, 12, 13, 3];

fn a4_row(cells: [&str; 7]) -> String {
    let [w_no, w_desc, w_qty, w_price, w_disc, w_total, w_band] = A4_COLUMNS;
    format!(
        "{} {} {} {} {} {} {}",
        right(cells[0], w_no),
        left(cells[1], w_desc),
        right(cells[2], w_qty),
        right(cells[3], w_price),
        right(cells[4], w_disc),
        right(cells[5], w_total),
        left(cells[6], w_band)
    )
    .trim_end()
    .to_owned()
}

fn a4_lines(b: &mut Builder, receipt: &Receipt, negative: bool) {
    b.row(a4_row(["No.", "Description", "Qty", "Unit price", "Discount", "Total", "Tax"]), true);
    b.rule();
    for (i, line) in receipt.lines.iter().enumerate() {
        let desc = wrap(&line.description, A4_COLUMNS[1]);
        let discount =
            if line.discount == Money::ZERO { String::new() } else { format::amount(line.discount, !negative) };
        let band = format!(" {}", line.band);
        b.row(
            a4_row([
                &(i + 1).to_string(),
                &desc[0],
                &line.qty.to_string(),
                &line.unit_price.to_string(),
                &discount,
                &format::amount(line.total, negative),
                &band,
            ]),
            false,
        );
        for more in &desc[1..] {
            b.row(a4_row(["", more, "", "", "", "", ""]), false);
        }
    }
}

fn totals(b: &mut Builder, receipt: &Receipt, paper: Paper, negative: bool) {
    let t = &receipt.totals;
    if paper == Paper::A4 {
        // Right-hand block, 44 columns wide.
        let indent = b.columns - 44;
        let mut row = |label: &str, value: String, bold: bool| {
            b.row(format!("{}{}{}", " ".repeat(indent), left(label, 24), right(&value, 20)), bold);
        };
        row("TOTAL BEFORE TAX", format::amount(t.taxable, negative), false);
        row("TOTAL TAX", format::amount(t.tax, negative), false);
        row("TOTAL (KES)", format::amount(t.total, negative), true);
        row("ITEMS NUMBER", t.item_count.to_string(), false);
        return;
    }
    b.pair_sized("TOTAL", &format::amount(t.total, negative), true, Size::Double);
    b.pair("TOTAL BEFORE TAX", &format::amount(t.taxable, negative));
    b.pair("TOTAL TAX", &format::amount(t.tax, negative));
    b.pair(&receipt.payment.label().to_uppercase(), &format::kes(t.total, negative));
    b.pair("ITEMS NUMBER", &t.item_count.to_string());
}

/// The A–E table, zeros printed (SPEC §11).
fn tax_table(b: &mut Builder, receipt: &Receipt, paper: Paper, negative: bool) {
    let width = b.columns.min(60);
    let first = 8;
    let taxable_w = (width - first) / 2;
    let tax_w = width - first - taxable_w;
    if paper == Paper::A4 {
        b.left("TAX SUMMARY");
    }
    b.row(format!("{}{}{}", left("RATE", first), right("TAXABLE", taxable_w), right("TAX", tax_w)), true);
    for band in TaxBand::ALL {
        let row = receipt.totals.band(band);
        b.row(
            format!(
                "{}{}{}",
                left(&format!("{band} {}", row.rate), first),
                right(&format::amount(row.taxable, negative), taxable_w),
                right(&format::amount(row.tax, negative), tax_w)
            ),
            false,
        );
    }
}

/// Columns of the SCU and TIS blocks on A4, leaving the right side to the QR code.
const A4_INFO_COLUMNS: usize = 56;

/// The SCU block and the QR code for signed documents; the pending notice for provisional ones.
fn signature_block(b: &mut Builder, receipt: &Receipt, paper: Paper) {
    let SignatureState::Signed(sig) = &receipt.state else {
        b.center_bold("NO KRA SIGNATURE YET", Size::Normal);
        b.center(PENDING_STATEMENT);
        b.rule();
        return;
    };
    let full_columns = b.columns;
    if paper == Paper::A4 {
        b.columns = A4_INFO_COLUMNS;
    }
    let start = b.blocks.len();
    b.center_bold("SCU INFORMATION", Size::Normal);
    b.pair("DATE:", &format::date(sig.sdc_date_time.date()));
    b.pair("TIME:", &format::time(sig.sdc_date_time));
    b.pair("SCU ID:", &sig.sdc_id);
    b.pair("CU INVOICE NO.:", &format::cu_invoice_no(sig));
    b.pair("RECEIPT NUMBER:", &format!("{}/{} {}", sig.cur_rcpt_no, sig.tot_rcpt_no, receipt.label()));
    if let Some(mrc) = sig.mrc_no.as_deref().filter(|m| !m.trim().is_empty()) {
        b.pair("MRC NO.:", mrc);
    }
    b.left("INTERNAL DATA:");
    b.center(&format::groups_of_four(&sig.intrl_data));
    b.left("RECEIPT SIGNATURE:");
    b.center(&format::groups_of_four(&sig.rcpt_sign));
    let beside = if paper == Paper::A4 { b.blocks.len() - start } else { 0 };
    b.blocks.push(Block::Qr {
        link: format::verification_link(
            receipt.environment,
            &receipt.seller.pin,
            &receipt.seller.branch_id,
            &sig.rcpt_sign,
        ),
        beside,
    });
    b.columns = full_columns;
    if receipt.is_training() {
        b.center("Training QR code: not a KRA link");
    }
    b.rule();
}

fn tis_block(b: &mut Builder, receipt: &Receipt, paper: Paper) {
    let full_columns = b.columns;
    if paper == Paper::A4 {
        b.columns = A4_INFO_COLUMNS;
    }
    b.center_bold("TIS INFORMATION", Size::Normal);
    b.pair("RECEIPT NUMBER:", &receipt.trader_invoice_no);
    b.pair("DATE:", &format::date(receipt.issued_at.date()));
    b.pair("TIME:", &format::time(receipt.issued_at));
    b.columns = full_columns;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_text_is_the_dump_without_its_marks() {
        let text = |text: &str, align, bold, size| Block::Text(TextLine { text: text.into(), align, bold, size });
        let layout = Layout {
            paper: Paper::Roll58,
            blocks: vec![
                text("TOTAL", Align::Right, true, Size::Double),
                Block::Rule,
                Block::Blank,
                text("Sugar | 1kg", Align::Left, false, Size::Normal),
                Block::Qr { link: "https://etims.kra.go.ke/x".into(), beside: 0 },
            ],
        };
        assert_eq!(
            layout.to_text(),
            format!("2B|           TOTAL\n1 |{}\n1 |\n1 |Sugar | 1kg\nQR|https://etims.kra.go.ke/x\n", "-".repeat(32))
        );
        assert_eq!(
            layout.printed_text(),
            format!("           TOTAL\n{}\n\nSugar | 1kg\nQR|https://etims.kra.go.ke/x", "-".repeat(32))
        );
    }

    #[test]
    fn paper_accepts_every_spelling_and_writes_one() {
        for (input, expected) in [
            ("mm80", Some(Paper::Roll80)),
            ("80", Some(Paper::Roll80)),
            ("80mm", Some(Paper::Roll80)),
            (" 80 mm ", Some(Paper::Roll80)),
            ("mm58", Some(Paper::Roll58)),
            ("58", Some(Paper::Roll58)),
            ("58MM", Some(Paper::Roll58)),
            ("a4", Some(Paper::A4)),
            ("A4", Some(Paper::A4)),
            ("75", None),
            ("mm70", None),
            ("", None),
        ] {
            assert_eq!(input.parse::<Paper>().ok(), expected, "{input:?}");
        }
        for paper in Paper::ALL {
            assert_eq!(paper.to_string().parse::<Paper>(), Ok(paper));
        }
        assert_eq!(Paper::Roll80.to_string(), "mm80");
        assert_eq!(
            "mm70".parse::<Paper>().unwrap_err().to_string(),
            "\"mm70\" is not a paper Duka knows: choose 58 mm, 80 mm or A4"
        );
    }

    #[test]
    fn wraps_without_losing_text() {
        for (text, width, expected) in [
            ("Maize flour 2kg", 32, vec!["Maize flour 2kg"]),
            ("Unga wa ngano premium baking flour", 10, vec!["Unga wa", "ngano", "premium", "baking", "flour"]),
            ("ABCDEFGHIJKL", 5, vec!["ABCDE", "FGHIJ", "KL"]),
            ("QM67-VCKT-FUM7-EXGX", 10, vec!["QM67-VCKT-", "FUM7-EXGX"]),
            ("", 10, vec![""]),
        ] {
            assert_eq!(wrap(text, width), expected, "{text:?} at {width}");
        }
    }

    #[test]
    fn placement_respects_size() {
        let layout = Layout { paper: Paper::Roll58, blocks: Vec::new() };
        let line = |align, size| TextLine { text: "AB".into(), align, bold: false, size };
        assert_eq!(layout.placed(&line(Align::Center, Size::Normal)), format!("{}AB", " ".repeat(15)));
        assert_eq!(layout.placed(&line(Align::Center, Size::Double)), format!("{}AB", " ".repeat(7)));
        assert_eq!(layout.placed(&line(Align::Right, Size::Normal)), format!("{}AB", " ".repeat(30)));
    }
}
