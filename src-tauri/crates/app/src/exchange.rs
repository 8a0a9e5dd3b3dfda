//! Exchange with accounting tools through files, in their own import formats: sales and credit
//! notes as Xero's sales invoice import CSV and QuickBooks Online's invoice import CSV, confirmed
//! purchases as their bill import CSVs (KRA's CU invoice number and signature in the reference
//! column), and items (with opening stock) imported from Duka's item CSV or an item list exported
//! from Xero or QuickBooks: previewed row by row, then imported all together or not at all.
//!
//! The column layouts are written down, with their sources, in the README ("Books").

use std::collections::BTreeSet;

use domain::{Date, DateTime, InvoiceLine, ItemType, Money, Qty, StockMoveType, StockMovement, TaxBand};
use serde::Serialize;
use store::KraSignature;

use crate::{Duka, Error, NewItem, Result, items::item_from};

/// Which accounting tool a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Accounting {
    Xero,
    QuickBooks,
}

/// Account codes and tax rate names as the shop's accounting file names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// Revenue account (Xero `AccountCode`; QuickBooks maps the item instead).
    pub sales_account: String,
    /// Expense account of bills.
    pub purchases_account: String,
    /// Tax rate name per band A..E on sales.
    pub sales_tax: [String; 5],
    /// Tax rate name per band A..E on bills.
    pub purchases_tax: [String; 5],
}

impl Default for ExportOptions {
    fn default() -> ExportOptions {
        let names = |suffix: &str| {
            [
                format!("Exempt {suffix}"),
                format!("16% VAT on {suffix}"),
                format!("Zero Rated {suffix}"),
                "No VAT".to_owned(),
                format!("8% VAT on {suffix}"),
            ]
        };
        ExportOptions {
            sales_account: "200".into(),
            purchases_account: "300".into(),
            sales_tax: names("Income"),
            purchases_tax: names("Expenses"),
        }
    }
}

/// Xero's sales invoice import template (`*` = required by Xero).
pub const XERO_SALES_COLUMNS: [&str; 27] = [
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "*InvoiceNumber",
    "Reference",
    "*InvoiceDate",
    "*DueDate",
    "InventoryItemCode",
    "*Description",
    "*Quantity",
    "*UnitAmount",
    "Discount",
    "*AccountCode",
    "*TaxType",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
    "Currency",
    "BrandingTheme",
];

/// Xero's bill (purchase invoice) import template.
pub const XERO_BILL_COLUMNS: [&str; 21] = [
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "*InvoiceNumber",
    "*InvoiceDate",
    "*DueDate",
    "InventoryItemCode",
    "Description",
    "*Quantity",
    "*UnitAmount",
    "*AccountCode",
    "*TaxType",
    "Currency",
    "Reference",
];

/// QuickBooks Online's invoice import headers (those it maps without asking).
pub const QUICKBOOKS_INVOICE_COLUMNS: [&str; 15] = [
    "InvoiceNo",
    "Customer",
    "InvoiceDate",
    "DueDate",
    "Terms",
    "Location",
    "Memo",
    "Item(Product/Service)",
    "ItemDescription",
    "ItemQuantity",
    "ItemRate",
    "ItemAmount",
    "ItemTaxCode",
    "ItemTaxAmount",
    "Currency",
];

/// QuickBooks Online's bill import headers.
pub const QUICKBOOKS_BILL_COLUMNS: [&str; 12] = [
    "BillNo",
    "Supplier",
    "BillDate",
    "DueDate",
    "Terms",
    "Location",
    "Memo",
    "Account",
    "LineDescription",
    "LineAmount",
    "LineTaxCode",
    "LineTaxAmount",
];

fn plain(m: Money) -> String {
    m.plain()
}

fn qty_text(q: Qty) -> String {
    Money::from_cents(q.hundredths()).plain()
}

/// `21/11/2026`: the day-first dates both tools read for a Kenyan organisation.
fn day(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// `CU KRACU0100000001/12 SIG ABCD...`: KRA's CU invoice number and receipt signature, or
/// `not yet signed by KRA`.
fn kra_reference(signature: Option<&KraSignature>, scu_id: Option<&str>) -> String {
    match signature {
        Some(s) => {
            let sdc = s.sdc_id.as_deref().or(scu_id).unwrap_or("-");
            let sig = s.receipt_signature.as_deref().unwrap_or("-");
            format!("CU {sdc}/{} SIG {sig}", s.invoice_no)
        }
        None => "not yet signed by KRA".to_owned(),
    }
}

/// A cell a spreadsheet will not run: text starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return is read as a formula by Excel, LibreOffice and Google Sheets, so a customer named
/// `=HYPERLINK(...)` could act when the accountant opens the file. Such text gets a leading `'`
/// (shown as text, not kept by the spreadsheet); a plain number such as `-3` or `-120.50` (a
/// credit note's quantity) stays a number.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.strip_prefix(['-', '+']).is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.') && rest.matches('.').count() <= 1
    });
    if risky && !number { format!("'{cell}").into() } else { cell.into() }
}

/// Writes one exported row with every cell made [`inert`].
fn write_row(w: &mut csv::Writer<Vec<u8>>, record: &[String]) -> Result<()> {
    w.write_record(record.iter().map(|cell| inert(cell).into_owned())).map_err(csv_error)
}

fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::invalid("export", format!("could not write the CSV file ({e})"))
}

/// One fiscal document as exported: credit notes carry negative quantities.
struct ExportDocument<'a> {
    number: &'a str,
    customer: String,
    date: Date,
    reference: String,
    lines: &'a [InvoiceLine],
    credit: bool,
}

fn write_sales(documents: &[ExportDocument<'_>], to: Accounting, opts: &ExportOptions) -> Result<String> {
    let mut w = csv::Writer::from_writer(vec![]);
    match to {
        Accounting::Xero => w.write_record(XERO_SALES_COLUMNS).map_err(csv_error)?,
        Accounting::QuickBooks => w.write_record(QUICKBOOKS_INVOICE_COLUMNS).map_err(csv_error)?,
    }
    for d in documents {
        for l in d.lines {
            let sign = if d.credit { "-" } else { "" };
            let qty = format!("{sign}{}", qty_text(l.qty));
            let tax_name = &opts.sales_tax[l.band.index()];
            let record: Vec<String> = match to {
                Accounting::Xero => {
                    let mut r = vec![String::new(); XERO_SALES_COLUMNS.len()];
                    r[0].clone_from(&d.customer);
                    r[10] = d.number.to_owned();
                    r[11].clone_from(&d.reference);
                    r[12] = day(d.date);
                    r[13] = day(d.date);
                    r[14] = l.item_code.to_string();
                    r[15].clone_from(&l.name);
                    r[16] = qty;
                    r[17] = plain(l.unit_price);
                    r[18] = if l.discount_rate == 0 {
                        String::new()
                    } else {
                        qty_text(Qty::from_hundredths(l.discount_rate))
                    };
                    r[19].clone_from(&opts.sales_account);
                    r[20].clone_from(tax_name);
                    r[25] = "KES".into();
                    r
                }
                Accounting::QuickBooks => {
                    let amount = if d.credit { format!("-{}", plain(l.amounts.total)) } else { plain(l.amounts.total) };
                    let tax = if d.credit { format!("-{}", plain(l.amounts.tax)) } else { plain(l.amounts.tax) };
                    vec![
                        d.number.to_owned(),
                        d.customer.clone(),
                        day(d.date),
                        day(d.date),
                        "Due on receipt".into(),
                        String::new(),
                        d.reference.clone(),
                        l.name.clone(),
                        format!("{} ({})", l.name, l.item_code),
                        qty,
                        plain(l.unit_price),
                        amount,
                        tax_name.clone(),
                        tax,
                        "KES".into(),
                    ]
                }
            };
            write_row(&mut w, &record)?;
        }
    }
    String::from_utf8(w.into_inner().map_err(csv_error)?).map_err(csv_error)
}

/// `[start of from, start of the day after to)`.
fn period(from: Date, to: Date) -> Result<(DateTime, DateTime)> {
    if from > to {
        return Err(Error::invalid("period", "it starts after it ends: swap the dates"));
    }
    Ok((crate::reports::day_start(from)?, crate::reports::day_after(to)?))
}

impl Duka {
    /// Sales and credit notes committed from `from` to `to` (days included) as an import file of
    /// `to_tool`. Training documents are never exported.
    pub fn export_sales(&self, from: Date, to: Date, to_tool: Accounting, opts: &ExportOptions) -> Result<String> {
        let (start, end) = period(from, to)?;
        let scu_id = self.device_settings()?.and_then(|s| s.scu_id);
        let (sales, notes) = self.store().read(|c| {
            let mut sales = vec![];
            for id in store::reports::sale_ids_between(c, start, end)? {
                sales.push((store::sales::load_sale(c, id)?, store::sales::sale_signature(c, id)?));
            }
            let mut notes = vec![];
            for id in store::reports::credit_note_ids_between(c, start, end)? {
                let note = store::credit_notes::load_credit_note(c, id)?;
                let original = store::sales::load_sale(c, note.sale_id)?.trader_no;
                notes.push((note, store::credit_notes::credit_note_signature(c, id)?, original));
            }
            Ok((sales, notes))
        })?;
        let customer = |name: &Option<String>, pin: Option<&domain::KraPin>| {
            name.clone()
                .filter(|n| !n.trim().is_empty())
                .or(pin.map(|p| p.to_string()))
                .unwrap_or_else(|| "Cash customer".into())
        };
        let mut documents = vec![];
        for (s, sig) in &sales {
            documents.push(ExportDocument {
                number: &s.trader_no,
                customer: customer(&s.invoice.buyer_name, s.invoice.buyer_pin.as_ref()),
                date: s.committed_at.date(),
                reference: kra_reference(sig.as_ref(), scu_id.as_deref()),
                lines: &s.invoice.lines,
                credit: false,
            });
        }
        for (n, sig, original) in &notes {
            documents.push(ExportDocument {
                number: &n.trader_no,
                customer: customer(&n.credit_note.buyer_name, n.credit_note.buyer_pin.as_ref()),
                date: n.committed_at.date(),
                reference: format!("credits {original}; {}", kra_reference(sig.as_ref(), scu_id.as_deref())),
                lines: &n.credit_note.lines,
                credit: true,
            });
        }
        write_sales(&documents, to_tool, opts)
    }

    /// Confirmed purchases dated from `from` to `to` as a bill import file of `to_tool`.
    pub fn export_purchases(&self, from: Date, to: Date, to_tool: Accounting, opts: &ExportOptions) -> Result<String> {
        period(from, to)?;
        let purchases = self.store().read(|c| {
            let mut out = vec![];
            for row in store::reports::purchases_in(c, &from.kra(), &to.kra())? {
                out.push(store::purchases::load_purchase(c, row.id)?);
            }
            Ok(out)
        })?;
        let mut w = csv::Writer::from_writer(vec![]);
        match to_tool {
            Accounting::Xero => w.write_record(XERO_BILL_COLUMNS).map_err(csv_error)?,
            Accounting::QuickBooks => w.write_record(QUICKBOOKS_BILL_COLUMNS).map_err(csv_error)?,
        }
        for p in &purchases {
            let supplier = p
                .purchase
                .supplier_name
                .clone()
                .or(p.purchase.supplier_pin.as_ref().map(|x| x.to_string()))
                .unwrap_or_else(|| "Supplier".into());
            let number = match p.purchase.supplier_invoice_no {
                Some(n) => {
                    format!("{}-{n}", p.purchase.supplier_pin.as_ref().map(|x| x.to_string()).unwrap_or_default())
                }
                None => p.trader_no.clone(),
            };
            let reference = match p.purchase.supplier_invoice_no {
                Some(n) => format!("{}; KRA supplier invoice {n}", p.trader_no),
                None => format!("{}; keyed by hand", p.trader_no),
            };
            for l in &p.purchase.lines {
                let line = &l.line;
                let tax_name = &opts.purchases_tax[line.band.index()];
                let record: Vec<String> = match to_tool {
                    Accounting::Xero => {
                        let mut r = vec![String::new(); XERO_BILL_COLUMNS.len()];
                        r[0].clone_from(&supplier);
                        r[10].clone_from(&number);
                        r[11] = day(p.purchase.date);
                        r[12] = day(p.purchase.date);
                        r[13] = line.item_code.to_string();
                        r[14] = format!("{} ({})", line.name, l.supplier_item_name);
                        r[15] = qty_text(line.qty);
                        r[16] = plain(line.unit_price);
                        r[17].clone_from(&opts.purchases_account);
                        r[18].clone_from(tax_name);
                        r[19] = "KES".into();
                        r[20].clone_from(&reference);
                        r
                    }
                    Accounting::QuickBooks => vec![
                        number.clone(),
                        supplier.clone(),
                        day(p.purchase.date),
                        day(p.purchase.date),
                        String::new(),
                        String::new(),
                        reference.clone(),
                        opts.purchases_account.clone(),
                        format!("{} x{} ({})", line.name, line.qty, line.item_code),
                        plain(line.amounts.total),
                        tax_name.clone(),
                        plain(line.amounts.tax),
                    ],
                };
                write_row(&mut w, &record)?;
            }
        }
        String::from_utf8(w.into_inner().map_err(csv_error)?).map_err(csv_error)
    }
}

/// The KRA details an item list from Xero or QuickBooks does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportDefaults {
    /// KRA item classification for rows without one.
    pub class_code: Option<String>,
    pub item_type: ItemType,
    pub origin: String,
    pub pkg_unit: String,
    pub qty_unit: String,
}

impl Default for ImportDefaults {
    fn default() -> ImportDefaults {
        ImportDefaults {
            class_code: None,
            item_type: ItemType::Finished,
            origin: "KE".into(),
            pkg_unit: "NT".into(),
            qty_unit: "NO".into(),
        }
    }
}

/// The layout an item file was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ItemFileFormat {
    /// Duka's own: name, barcode, classification, item type, origin, unit, package unit, tax band,
    /// price, and optionally opening stock.
    Duka,
    Xero,
    QuickBooks,
}

/// One good row of an item file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewRow {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub name: String,
    pub barcode: Option<String>,
    pub tax_band: String,
    pub price: String,
    pub opening_stock: Option<String>,
    /// Its barcode is already registered: it will be left alone.
    pub already_registered: bool,
}

/// A bad row: its line number and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// What importing a file would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportPreview {
    pub format: ItemFileFormat,
    pub rows: Vec<PreviewRow>,
    pub errors: Vec<RowError>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    pub added: usize,
    pub skipped: usize,
    /// Items that got opening stock.
    pub stocked: usize,
}

struct ParsedRow {
    line: usize,
    item: NewItem,
    opening: Option<Qty>,
}

/// Finds a column by any of its names (case and `*` ignored).
fn column(headers: &[String], names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| names.iter().any(|n| h.trim().trim_start_matches('*').eq_ignore_ascii_case(n)))
}

/// Why a row's tax column names no band.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BandProblem {
    /// A rate name or letter Duka does not know.
    Unknown(String),
    /// QuickBooks' "Taxable" column says no, and no TaxBand column says which untaxed band.
    NotTaxable,
}

impl std::fmt::Display for BandProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BandProblem::Unknown(text) => write!(
                f,
                "tax \"{text}\" is not a band Duka knows: use A (exempt), B (16%), C (zero-rated), D (non-VAT) or E (8%)"
            ),
            BandProblem::NotTaxable => f.write_str(
                "QuickBooks marks it not taxable: add a TaxBand column saying A (exempt), C (zero-rated) or D (non-VAT)",
            ),
        }
    }
}

/// A tax band from a band letter or a tax rate name as Xero or QuickBooks shows it.
fn band_from(text: &str) -> std::result::Result<TaxBand, BandProblem> {
    let t = text.trim().to_ascii_lowercase();
    if let Ok(b) = t.to_ascii_uppercase().parse::<TaxBand>() {
        return Ok(b);
    }
    let band = if t.contains("exempt") {
        TaxBand::A
    } else if t.contains("zero") {
        TaxBand::C
    } else if t.contains("16") {
        TaxBand::B
    } else if t.contains('8') {
        TaxBand::E
    } else if t.contains("no vat") || t.contains("non") || t.contains("out of scope") {
        TaxBand::D
    } else {
        return Err(BandProblem::Unknown(text.to_owned()));
    };
    Ok(band)
}

fn parse_items(csv_text: &str, defaults: &ImportDefaults) -> Result<(ItemFileFormat, Vec<ParsedRow>, Vec<RowError>)> {
    let text = csv_text.trim_start_matches('\u{feff}');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut records = vec![];
    for (i, r) in reader.records().enumerate() {
        match r {
            Ok(r) => records.push((r.position().map_or(i + 1, |p| usize::try_from(p.line()).unwrap_or(i + 1)), r)),
            Err(e) => return Err(Error::invalid("item file", format!("line {}: {e}", i + 1))),
        }
    }
    let Some((_, first)) = records.first() else {
        return Err(Error::invalid("item file", "the file is empty: export the item list again"));
    };
    let headers: Vec<String> = first.iter().map(str::to_owned).collect();
    let lower: Vec<String> = headers.iter().map(|h| h.trim_start_matches('*').to_ascii_lowercase()).collect();
    let format = if lower.iter().any(|h| h == "itemname") && lower.iter().any(|h| h == "salesunitprice") {
        ItemFileFormat::Xero
    } else if lower.iter().any(|h| h == "product/service name" || h == "product/service") {
        ItemFileFormat::QuickBooks
    } else {
        ItemFileFormat::Duka
    };
    let has_header = format != ItemFileFormat::Duka || lower.first().is_some_and(|h| h == "name");
    let idx = |names: &[&str]| column(&headers, names);
    let (name, price, tax, barcode, opening, class) = match format {
        ItemFileFormat::Xero => (
            idx(&["ItemName"]),
            idx(&["SalesUnitPrice"]),
            idx(&["SalesTaxRate"]),
            None,
            idx(&["QuantityOnHand", "Quantity On Hand", "Quantity"]),
            None,
        ),
        ItemFileFormat::QuickBooks => (
            idx(&["Product/Service Name", "Product/Service"]),
            idx(&["Sales Price / Rate", "Sales Price/Rate", "Price"]),
            idx(&["Sales Tax Code", "Tax Code", "Taxable"]),
            idx(&["SKU"]),
            idx(&["Quantity On Hand", "Qty On Hand"]),
            None,
        ),
        ItemFileFormat::Duka => (Some(0), Some(8), Some(7), Some(1), Some(9), Some(2)),
    };
    let band_override = idx(&["TaxBand", "KRA band", "band"]).filter(|_| format != ItemFileFormat::Duka);
    let mut rows = vec![];
    let mut errors = vec![];
    for (line, record) in records.iter().skip(usize::from(has_header)) {
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_owned();
        let mut problems = vec![];
        if format == ItemFileFormat::Duka && !(9..=10).contains(&record.len()) {
            errors.push(RowError {
                line: *line,
                message: format!(
                    "{} columns found, 9 or 10 expected (name, barcode, classification, item type, origin, unit, \
                     package unit, tax band, price, opening stock)",
                    record.len()
                ),
            });
            continue;
        }
        let item_name = field(name);
        if item_name.is_empty() {
            problems.push("the name is empty".to_owned());
        }
        let price = Money::parse(&field(price).replace(',', "")).map_err(|e| format!("price: {e}"));
        let override_text = field(band_override);
        let band = if !override_text.is_empty() {
            band_from(&override_text)
        } else if format == ItemFileFormat::QuickBooks {
            match field(tax).to_ascii_lowercase().as_str() {
                "yes" | "true" | "taxable" => Ok(TaxBand::B),
                "" | "no" | "false" => Err(BandProblem::NotTaxable),
                other => band_from(other),
            }
        } else {
            band_from(&field(tax))
        };
        let opening_text = field(opening);
        let opening_qty = if opening_text.is_empty() || opening_text == "0" {
            Ok(None)
        } else {
            Qty::parse(&opening_text.replace(',', "")).map(Some).map_err(|e| format!("opening stock: {e}"))
        };
        let (item_type, origin, qty_unit, pkg_unit, class_code) = if format == ItemFileFormat::Duka {
            (
                field(Some(3)).parse::<ItemType>().map_err(|e| format!("item type: {e}")),
                field(Some(4)),
                field(Some(5)),
                field(Some(6)),
                Some(field(class)),
            )
        } else {
            (
                Ok(defaults.item_type),
                defaults.origin.clone(),
                defaults.qty_unit.clone(),
                defaults.pkg_unit.clone(),
                defaults.class_code.clone(),
            )
        };
        let class_code = class_code.filter(|c| !c.is_empty());
        if class_code.is_none() {
            problems.push("no KRA item classification: give one for the whole file".to_owned());
        }
        match (price, band, opening_qty, item_type) {
            (Ok(price), Ok(tax_band), Ok(opening), Ok(item_type)) if problems.is_empty() => {
                if opening.is_some() && !item_type.carries_stock() {
                    errors.push(RowError { line: *line, message: "a service cannot have opening stock".into() });
                    continue;
                }
                rows.push(ParsedRow {
                    line: *line,
                    item: NewItem {
                        name: item_name,
                        class_code: class_code.unwrap_or_default(),
                        item_type,
                        origin,
                        pkg_unit,
                        qty_unit,
                        tax_band,
                        price,
                        barcode: Some(field(barcode)).filter(|b| !b.is_empty()),
                    },
                    opening,
                });
            }
            (price, band, opening, item_type) => {
                problems.extend(price.err());
                problems.extend(band.err().map(|e| e.to_string()));
                problems.extend(opening.err());
                problems.extend(item_type.err());
                errors.push(RowError { line: *line, message: problems.join("; ") });
            }
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError { line: 1, message: "no item rows found under the header".into() });
    }
    Ok((format, rows, errors))
}

impl Duka {
    /// Reads an item file and says what importing it would do, with every bad row and its line.
    /// Nothing is written.
    pub fn preview_item_import(&self, csv_text: &str, defaults: &ImportDefaults) -> Result<ImportPreview> {
        let (format, parsed, mut errors) = parse_items(csv_text, defaults)?;
        let known: BTreeSet<String> = self.items(None)?.into_iter().filter_map(|i| i.barcode).collect();
        let mut seen = BTreeSet::new();
        let mut rows = vec![];
        for p in &parsed {
            if let Some(b) = &p.item.barcode
                && !seen.insert(b.clone())
            {
                errors.push(RowError { line: p.line, message: format!("barcode {b} appears twice in the file") });
            }
            rows.push(PreviewRow {
                line: p.line,
                name: p.item.name.clone(),
                barcode: p.item.barcode.clone(),
                tax_band: p.item.tax_band.code().to_string(),
                price: p.item.price.plain(),
                opening_stock: p.opening.map(|q| q.to_string()),
                already_registered: p.item.barcode.as_ref().is_some_and(|b| known.contains(b)),
            });
        }
        // Rows KRA's rules refuse (units, classification) are found by a trial run that is rolled back.
        {
            let fresh: Vec<&ParsedRow> =
                parsed.iter().zip(&rows).filter(|(_, r)| !r.already_registered).map(|(p, _)| p).collect();
            match self.register_all(&fresh, true) {
                Ok(()) => {}
                Err(Error::ImportRows { errors: trial }) => errors.extend(trial),
                Err(e) => return Err(e),
            }
        }
        errors.sort_by_key(|e| e.line);
        Ok(ImportPreview { format, rows, errors })
    }

    /// Imports an item file: every new item is registered and given its opening stock in one
    /// commit, or, when any row is bad, nothing at all. Rows whose barcode is already registered
    /// are skipped.
    pub fn import_items(&self, csv_text: &str, defaults: &ImportDefaults) -> Result<ImportOutcome> {
        let preview = self.preview_item_import(csv_text, defaults)?;
        if !preview.errors.is_empty() {
            return Err(Error::ImportRows { errors: preview.errors });
        }
        let (_, parsed, _) = parse_items(csv_text, defaults)?;
        let fresh: Vec<&ParsedRow> =
            parsed.iter().zip(&preview.rows).filter(|(_, r)| !r.already_registered).map(|(p, _)| p).collect();
        let stocked = fresh.iter().filter(|p| p.opening.is_some()).count();
        let added = fresh.len();
        self.register_all(&fresh, false)?;
        self.wake();
        Ok(ImportOutcome { added, skipped: parsed.len() - added, stocked })
    }

    /// Registers `rows` and their opening stock in one write; `trial` rolls it back afterwards.
    /// Any row the item rules refuse rolls everything back and is reported with its line.
    fn register_all(&self, rows: &[&ParsedRow], trial: bool) -> Result<()> {
        let mut errors = vec![];
        let result = self.acting(&[domain::Action::ItemChanges], |meta| {
            Ok(self.store().write(|tx| {
                let mut moves = vec![];
                for p in rows {
                    let registered = item_from(tx, &p.item).and_then(|item| {
                        store::items::register_item(tx, &item, meta)?;
                        Ok(item)
                    });
                    match registered {
                        Ok(item) => {
                            if let Some(q) = p.opening {
                                match StockMovement::new(&item, StockMoveType::AdjustmentIn, q) {
                                    Ok(m) => moves.push(m),
                                    Err(v) => errors.push(RowError { line: p.line, message: v.to_string() }),
                                }
                            }
                        }
                        Err(e) => errors.push(RowError { line: p.line, message: e.to_string() }),
                    }
                }
                if !errors.is_empty() || trial {
                    return Err(store::Error::TrialRolledBack);
                }
                store::stock::commit_stock_adjustment(tx, &moves, Some("opening stock (item import)"), meta)?;
                Ok(())
            }))
        });
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(store::Error::TrialRolledBack)) if errors.is_empty() => Ok(()),
            Ok(Err(store::Error::TrialRolledBack)) => Err(Error::ImportRows { errors }),
            Ok(Err(e)) | Err(Error::Store(e)) => Err(e.into()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use domain::{CreditNoteReason, Discount, PaymentType};

    use super::*;
    use crate::{CreditNoteRequest, SaleLineRequest, SaleRequest, testing};

    fn data(name: &str) -> String {
        std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn parse_back(csv_text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
        let mut r = csv::Reader::from_reader(csv_text.as_bytes());
        let headers = r.headers().unwrap().iter().map(str::to_owned).collect();
        (headers, r.records().map(Result::unwrap).collect())
    }

    fn template(name: &str) -> Vec<String> {
        parse_back(&data(name)).0
    }

    fn cents(text: &str) -> i64 {
        Money::parse(text.trim_start_matches('-')).unwrap().cents() * if text.starts_with('-') { -1 } else { 1 }
    }

    #[test]
    fn formula_text_is_made_inert_and_numbers_stay_numbers() {
        for risky in ["=1+1", "+254700000000 call", "-x", "@SUM(A1)", "\tTAB", "\rCR", "=HYPERLINK(\"http://x\")"] {
            assert_eq!(inert(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["-3", "-120.50", "+5", "Mama Mboga", "", "-", "3-2", "INV-000001"] {
            let expected = if safe == "-" { "'-" } else { safe };
            assert_eq!(inert(safe), expected, "{safe:?}");
        }
    }

    #[tokio::test]
    async fn a_buyer_name_that_is_a_formula_exports_as_text() {
        let (duka, _dir) = testing::shop().await;
        let defaults = ImportDefaults { class_code: Some("5016150000".into()), ..ImportDefaults::default() };
        duka.import_items(&data("duka_items.csv"), &defaults).unwrap();
        let sale = duka
            .make_sale(&SaleRequest {
                lines: vec![SaleLineRequest {
                    item: "6161100120015".into(),
                    qty: Qty::whole(2),
                    price: None,
                    discount: Discount::None,
                }],
                buyer_pin: None,
                buyer_name: Some("=cmd|' /C calc'!A0".into()),
                payment: PaymentType::Cash,
            })
            .unwrap();
        duka.issue_credit_note(&CreditNoteRequest {
            invoice: sale.trader_no.clone(),
            reason: CreditNoteReason::Refund,
            lines: vec![("6161100120015".into(), Qty::whole(1))],
        })
        .unwrap();
        let today = duka.now().date();
        for tool in [Accounting::Xero, Accounting::QuickBooks] {
            let text = duka.export_sales(today, today, tool, &ExportOptions::default()).unwrap();
            let (_, rows) = parse_back(&text);
            assert_eq!(rows.len(), 2, "{tool:?}");
            for row in &rows {
                assert!(row.iter().all(|cell| !cell.starts_with('=')), "{tool:?}: {row:?}");
                assert!(row.iter().any(|cell| cell == "'=cmd|' /C calc'!A0"), "{tool:?}: {row:?}");
            }
            // The credit note's negative quantity is still a number the accounting tool reads.
            assert!(rows[1].iter().any(|cell| cell.starts_with("-1")), "{tool:?}: {:?}", rows[1]);
        }
    }

    #[tokio::test]
    async fn sales_and_credit_notes_export_in_both_layouts_and_parse_back() {
        let (duka, _dir) = testing::shop().await;
        let defaults = ImportDefaults { class_code: Some("5016150000".into()), ..ImportDefaults::default() };
        duka.import_items(&data("duka_items.csv"), &defaults).unwrap();
        let sale = duka
            .make_sale(&SaleRequest {
                lines: vec![
                    SaleLineRequest {
                        item: "6161100120015".into(),
                        qty: Qty::whole(3),
                        price: None,
                        discount: Discount::None,
                    },
                    SaleLineRequest {
                        item: duka.items(Some("Delivery")).unwrap()[0].code.clone(),
                        qty: Qty::whole(1),
                        price: None,
                        discount: Discount::None,
                    },
                ],
                buyer_pin: None,
                buyer_name: Some("Mama Mboga".into()),
                payment: PaymentType::MobileMoney,
            })
            .unwrap();
        duka.issue_credit_note(&CreditNoteRequest {
            invoice: sale.trader_no.clone(),
            reason: CreditNoteReason::Refund,
            lines: vec![("6161100120015".into(), Qty::whole(1))],
        })
        .unwrap();
        let today = duka.now().date();
        let stored = duka.x_report().unwrap();

        let xero = duka.export_sales(today, today, Accounting::Xero, &ExportOptions::default()).unwrap();
        let (headers, rows) = parse_back(&xero);
        assert_eq!(headers, template("xero_sales_invoice_template.csv"));
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[0][0], "Mama Mboga");
        assert_eq!(&rows[0][10], sale.trader_no.as_str());
        assert!(rows[0][11].contains("not yet signed by KRA"));
        assert_eq!(&rows[2][10], "CN-000001");
        assert!(rows[2][11].starts_with(&format!("credits {}", sale.trader_no)));
        // Quantity × unit amount (tax inclusive) adds up to the stored net total.
        let total: i64 = rows.iter().map(|r| cents(&r[16]) * cents(&r[17]) / 100).sum();
        assert_eq!(total, stored.net.total);
        assert_eq!(&rows[0][20], "16% VAT on Income");

        let qbo = duka.export_sales(today, today, Accounting::QuickBooks, &ExportOptions::default()).unwrap();
        let (headers, rows) = parse_back(&qbo);
        assert_eq!(headers, template("quickbooks_invoice_template.csv"));
        assert_eq!(rows.iter().map(|r| cents(&r[11])).sum::<i64>(), stored.net.total);
        assert_eq!(rows.iter().map(|r| cents(&r[13])).sum::<i64>(), stored.net.total_tax);
        // Another day has nothing.
        let later = Date::new(today.year() + 1, 1, 1).unwrap();
        assert_eq!(
            parse_back(&duka.export_sales(later, later, Accounting::Xero, &ExportOptions::default()).unwrap()).1.len(),
            0
        );
    }

    #[tokio::test]
    async fn purchases_export_as_bills() {
        let (duka, _dir) = testing::shop().await;
        let defaults = ImportDefaults { class_code: Some("5016150000".into()), ..ImportDefaults::default() };
        duka.import_items(&data("duka_items.csv"), &defaults).unwrap();
        let today = duka.now().date();
        duka.record_purchase(&crate::ManualPurchase {
            supplier_pin: None,
            supplier_name: Some("Nyati Wholesalers".into()),
            supplier_invoice_no: None,
            date: Some(today),
            payment: PaymentType::Cash,
            lines: vec![crate::ManualPurchaseLine {
                item: "6161100120015".into(),
                qty: Qty::whole(10),
                unit_price: Money::from_cents(15_000),
                discount: Money::ZERO,
                band: None,
            }],
        })
        .unwrap();
        for (tool, name, amount_col) in [
            (Accounting::Xero, "xero_bill_template.csv", None),
            (Accounting::QuickBooks, "quickbooks_bill_template.csv", Some(9)),
        ] {
            let out = duka.export_purchases(today, today, tool, &ExportOptions::default()).unwrap();
            let (headers, rows) = parse_back(&out);
            assert_eq!(headers, template(name));
            assert_eq!(rows.len(), 1);
            assert_eq!(&rows[0][0], if tool == Accounting::Xero { "Nyati Wholesalers" } else { "PUR-000001" });
            if let Some(col) = amount_col {
                assert_eq!(cents(&rows[0][col]), 150_000);
            }
        }
    }

    #[tokio::test]
    async fn xero_and_quickbooks_item_lists_import_with_opening_stock() {
        let (duka, _dir) = testing::shop().await;
        let defaults = ImportDefaults { class_code: Some("5016150000".into()), ..ImportDefaults::default() };
        let preview = duka.preview_item_import(&data("xero_items.csv"), &defaults).unwrap();
        assert_eq!(preview.format, ItemFileFormat::Xero);
        assert!(preview.errors.is_empty(), "{:?}", preview.errors);
        assert_eq!(
            preview.rows.iter().map(|r| (r.name.as_str(), r.tax_band.as_str(), r.price.as_str())).collect::<Vec<_>>(),
            [("Sugar 1kg", "B", "180.00"), ("Maize flour 2kg", "A", "210.00"), ("Gas refill 13kg", "E", "3400.00")]
        );
        assert!(duka.items(None).unwrap().is_empty(), "a preview writes nothing");
        let outcome = duka.import_items(&data("xero_items.csv"), &defaults).unwrap();
        assert_eq!((outcome.added, outcome.stocked), (3, 2));
        let sugar = duka.items(Some("Sugar")).unwrap();
        assert_eq!(sugar[0].on_hand.as_deref(), Some("24.00"));

        let qbo = duka.import_items(&data("quickbooks_items.csv"), &defaults).unwrap();
        assert_eq!(qbo.added, 2);
        let bread = &duka.items(Some("Bread")).unwrap()[0];
        assert_eq!(bread.tax_band, "C");
        // Importing the same file again adds nothing: its barcodes are known.
        assert_eq!(duka.import_items(&data("quickbooks_items.csv"), &defaults).unwrap().skipped, 2);
        // Without a classification nothing from Xero can be registered.
        let none = duka.preview_item_import(&data("xero_items.csv"), &ImportDefaults::default()).unwrap();
        assert_eq!(none.errors.len(), 3);
        assert!(none.errors[0].message.contains("classification"));
    }

    #[tokio::test]
    async fn bad_rows_are_reported_with_their_lines_and_nothing_is_imported() {
        let (duka, _dir) = testing::shop().await;
        let preview = duka.preview_item_import(&data("duka_items_bad.csv"), &ImportDefaults::default()).unwrap();
        let lines: Vec<usize> = preview.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6], "{:?}", preview.errors);
        assert!(preview.errors[0].message.contains("tax \"Z\""), "{:?}", preview.errors[0]);
        assert!(preview.errors[1].message.contains("the name is empty"));
        assert!(preview.errors[1].message.contains("price"));
        assert!(preview.errors[2].message.contains("service"));
        let err = duka.import_items(&data("duka_items_bad.csv"), &ImportDefaults::default()).unwrap_err();
        assert_eq!(err.code(), "refused");
        assert!(err.to_string().contains("line 3"), "{err}");
        assert!(err.to_string().contains("nothing was imported"), "{err}");
        assert!(duka.items(None).unwrap().is_empty());
        assert!(duka.stock_report(Qty::ZERO).unwrap().is_empty());
    }
}
