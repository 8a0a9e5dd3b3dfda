//! The receipt model: plain data that `app` fills from a stored sale or credit note, and that
//! every renderer (text dump, PDF, ESC/POS) reads. It knows nothing of the store or of KRA's wire
//! format; amounts are `domain` values, positive as KRA wants them (credit notes print negative).

use domain::{DateTime, DocumentTotals, InvoiceLine, KraPin, Money, PaymentType, Qty, TaxBand};

use crate::{Error, Result};

/// Everything printed on one receipt or invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub seller: Seller,
    /// Printed only when a name or PIN is known.
    pub buyer: Option<Buyer>,
    pub kind: DocumentKind,
    pub lines: Vec<ReceiptLine>,
    /// Header totals and the A–E tax table, exactly as `domain` computed them.
    pub totals: DocumentTotals,
    pub payment: PaymentType,
    /// The trader's own invoice number (TIS receipt number), e.g. "INV-000123".
    pub trader_invoice_no: String,
    /// When the till recorded the sale (TIS date and time).
    pub issued_at: DateTime,
    pub state: SignatureState,
    /// A reprint: big COPY mark and the copy label (CS/CC); counters stay those of the original.
    pub copy: bool,
    /// Which KRA system the document went to; training documents are never tax invoices.
    pub environment: Environment,
    /// Free lines printed under the seller block (e.g. "Welcome to Mama Njeri's shop").
    pub header_message: Vec<String>,
    /// Free lines printed at the very end (e.g. "Goods once sold are not returnable").
    pub footer_message: Vec<String>,
    /// Who made the sale or credit note at the till (printed as the cashier), when known.
    pub served_by: Option<String>,
}

/// The shop that issued the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    pub name: String,
    /// Address lines (street, town, phone), printed one under the other.
    pub address: Vec<String>,
    pub pin: KraPin,
    /// KRA branch id (`bhfId`), two digits, "00" for the head office.
    pub branch_id: String,
}

/// The buyer, when the cashier recorded one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buyer {
    pub name: Option<String>,
    pub pin: Option<KraPin>,
}

/// Sale or credit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentKind {
    Sale,
    /// A credit note against a signed sale; `original_cu_invoice_no` is the CU invoice number
    /// printed on that sale (`{sdcId}/{invcNo}`), not the trader's number.
    CreditNote {
        original_cu_invoice_no: String,
    },
}

/// One printed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub description: String,
    pub qty: Qty,
    /// Tax-inclusive unit price.
    pub unit_price: Money,
    /// Amount taken off the line before tax (zero when none).
    pub discount: Money,
    /// What the buyer pays for the line, VAT included.
    pub total: Money,
    pub band: TaxBand,
}

impl From<&InvoiceLine> for ReceiptLine {
    fn from(line: &InvoiceLine) -> ReceiptLine {
        ReceiptLine {
            description: line.name.clone(),
            qty: line.qty,
            unit_price: line.unit_price,
            discount: line.amounts.discount,
            total: line.amounts.total,
            band: line.band,
        }
    }
}

/// Whether KRA has signed the document yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureState {
    /// Recorded on the till, not yet signed by KRA (offline): no SCU block, no QR code.
    Provisional,
    Signed(Signature),
}

/// What KRA's `saveTrnsSalesOsdc` answered, kept with the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// `sdcId`, the SCU/CU id, e.g. "KRACU0100000001".
    pub sdc_id: String,
    /// `invcNo` as sent to KRA (the trader's invoice sequence number).
    pub invc_no: u64,
    /// `curRcptNo`: this receipt type's counter.
    pub cur_rcpt_no: u64,
    /// `totRcptNo`: the counter over all receipts.
    pub tot_rcpt_no: u64,
    /// `intrlData`, printed in groups of four.
    pub intrl_data: String,
    /// `rcptSign`, 16 characters, printed in groups of four and carried in the QR code.
    pub rcpt_sign: String,
    /// `sdcDateTime`: the SCU date and time printed on the receipt (not the document date).
    pub sdc_date_time: DateTime,
    /// `mrcNo`, the machine registration number, when KRA sent one.
    pub mrc_no: Option<String>,
}

/// The KRA system the till talks to; chooses the QR host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Production,
    Sandbox,
    /// Practice mode against the local simulator: every receipt says it is not a tax invoice and
    /// the QR code points nowhere near KRA.
    Training,
}

impl Receipt {
    /// True for credit notes.
    pub fn is_credit_note(&self) -> bool {
        matches!(self.kind, DocumentKind::CreditNote { .. })
    }

    /// True in training mode.
    pub fn is_training(&self) -> bool {
        self.environment == Environment::Training
    }

    /// The receipt label printed next to the counters: NS/NC for an original, CS/CC for a copy,
    /// TS/TC in training (labels TS/TC follow the Rwandan standard; SPEC §11 marks them unconfirmed).
    pub fn label(&self) -> &'static str {
        match (self.is_training(), self.copy, self.is_credit_note()) {
            (true, _, false) => "TS",
            (true, _, true) => "TC",
            (false, false, false) => "NS",
            (false, false, true) => "NC",
            (false, true, false) => "CS",
            (false, true, true) => "CC",
        }
    }

    /// Checks what a renderer relies on; every renderer calls this first.
    pub fn check(&self) -> Result<()> {
        let invalid = |field: &'static str, problem: String| Err(Error::InvalidReceipt { field, problem });
        if self.seller.name.trim().is_empty() {
            return invalid("shop name", "is empty: set it in the shop settings".to_owned());
        }
        let branch = &self.seller.branch_id;
        if branch.len() != 2 || !branch.bytes().all(|b| b.is_ascii_digit()) {
            return invalid("branch id", format!("{branch:?} must be two digits, e.g. \"00\" for the head office"));
        }
        if self.trader_invoice_no.trim().is_empty() {
            return invalid("invoice number", "is empty".to_owned());
        }
        if self.lines.is_empty() {
            return invalid("item list", "is empty: a receipt needs at least one item".to_owned());
        }
        if let DocumentKind::CreditNote { original_cu_invoice_no } = &self.kind
            && original_cu_invoice_no.trim().is_empty()
        {
            return invalid(
                "original CU invoice number",
                "is empty: a credit note must name the signed sale it reverses".to_owned(),
            );
        }
        if let SignatureState::Signed(sig) = &self.state {
            if sig.sdc_id.trim().is_empty() {
                return invalid("SCU ID", "from KRA is empty".to_owned());
            }
            let sign = &sig.rcpt_sign;
            if sign.len() != 16 || !sign.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return invalid(
                    "receipt signature",
                    format!("from KRA must be 16 letters and digits, got {sign:?}; sync the sale again"),
                );
            }
            if !sig.intrl_data.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return invalid(
                    "internal data",
                    format!("from KRA must be letters and digits, got {:?}", sig.intrl_data),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{DocumentTotals, TaxRates};

    fn receipt() -> Receipt {
        let rates = TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap();
        Receipt {
            seller: Seller {
                name: "Duka".into(),
                address: vec![],
                pin: KraPin::parse("P600004575A").unwrap(),
                branch_id: "00".into(),
            },
            buyer: None,
            kind: DocumentKind::Sale,
            lines: vec![ReceiptLine {
                description: "Soap".into(),
                qty: Qty::whole(1),
                unit_price: Money::from_cents(10_000),
                discount: Money::ZERO,
                total: Money::from_cents(10_000),
                band: TaxBand::B,
            }],
            totals: DocumentTotals::from_lines(&rates, []).unwrap(),
            payment: PaymentType::Cash,
            trader_invoice_no: "INV-1".into(),
            issued_at: DateTime::parse_kra("20260918110030").unwrap(),
            state: SignatureState::Signed(Signature {
                sdc_id: "KRACU0100000001".into(),
                invc_no: 1,
                cur_rcpt_no: 1,
                tot_rcpt_no: 1,
                intrl_data: "QM67VCKT".into(),
                rcpt_sign: "SZBBFW4DCZ7HAGPH".into(),
                sdc_date_time: DateTime::parse_kra("20260918110032").unwrap(),
                mrc_no: None,
            }),
            copy: false,
            environment: Environment::Production,
            header_message: vec![],
            footer_message: vec![],
            served_by: None,
        }
    }

    #[test]
    fn labels() {
        for (training, copy, credit, label) in [
            (false, false, false, "NS"),
            (false, false, true, "NC"),
            (false, true, false, "CS"),
            (false, true, true, "CC"),
            (true, false, false, "TS"),
            (true, true, true, "TC"),
        ] {
            let mut r = receipt();
            r.copy = copy;
            if training {
                r.environment = Environment::Training;
            }
            if credit {
                r.kind = DocumentKind::CreditNote { original_cu_invoice_no: "KRACU0100000001/1".into() };
            }
            assert_eq!(r.label(), label, "training {training} copy {copy} credit {credit}");
        }
    }

    #[test]
    fn check_names_the_bad_field() {
        type Breaker = fn(&mut Receipt);
        let cases: [(Breaker, &str); 7] = [
            (|r| r.seller.name = " ".into(), "shop name"),
            (|r| r.seller.branch_id = "0".into(), "branch id"),
            (|r| r.trader_invoice_no = String::new(), "invoice number"),
            (|r| r.lines.clear(), "item list"),
            (|r| r.kind = DocumentKind::CreditNote { original_cu_invoice_no: String::new() }, "original CU invoice"),
            (
                |r| {
                    if let SignatureState::Signed(s) = &mut r.state {
                        s.rcpt_sign = "SZBB-FW4D".into();
                    }
                },
                "receipt signature",
            ),
            (
                |r| {
                    if let SignatureState::Signed(s) = &mut r.state {
                        s.intrl_data = "QM67 VCKT".into();
                    }
                },
                "internal data",
            ),
        ];
        assert!(receipt().check().is_ok());
        for (breaker, field) in cases {
            let mut r = receipt();
            breaker(&mut r);
            let err = r.check().unwrap_err().to_string();
            assert!(err.contains(field), "{field}: {err}");
        }
        let mut provisional = receipt();
        provisional.state = SignatureState::Provisional;
        assert!(provisional.check().is_ok());
    }
}
