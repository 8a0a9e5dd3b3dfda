//! Receipts and reprints: the receipt crate's model built from a stored sale or credit note, its
//! KRA signature (provisional until signed) and the shop details, rendered to PDF, ESC/POS or text.

use domain::InvoiceLine;
pub use receipt::Paper;
use receipt::{Buyer, DocumentKind, Receipt, ReceiptLine, Seller, Signature, SignatureState};
use store::{Environment, KraSignature, ShopDetails, numbering::Series};

use crate::{Duka, Error, Result, sales::find_sale};

/// A document's printed number: a sale ("INV-000012", "TRN-000003", or 12) or a credit note
/// ("CN-000002", "TCN-000001").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNo(pub String);

enum Stored {
    Sale(store::StoredSale, Option<KraSignature>),
    CreditNote(store::credit_notes::StoredCreditNote, Option<KraSignature>, String),
}

/// KRA's signature as the receipt prints it; `None` (a provisional receipt) unless every field a
/// signed receipt must show is there: nothing is printed blank or as 0.
pub(crate) fn signature(sig: &KraSignature, scu_id: Option<&str>) -> Option<Signature> {
    Some(Signature {
        sdc_id: sig.sdc_id.clone().or_else(|| scu_id.map(str::to_owned))?,
        invc_no: u64::try_from(sig.invoice_no).ok()?,
        cur_rcpt_no: sig.receipt_no.and_then(|n| u64::try_from(n).ok())?,
        tot_rcpt_no: sig.total_receipt_no.and_then(|n| u64::try_from(n).ok())?,
        intrl_data: sig.internal_data.clone().filter(|d| !d.is_empty())?,
        rcpt_sign: sig.receipt_signature.clone()?,
        sdc_date_time: sig.signed_at,
        mrc_no: sig.mrc_no.clone(),
    })
}

fn lines(lines: &[InvoiceLine]) -> Vec<ReceiptLine> {
    lines.iter().map(ReceiptLine::from).collect()
}

impl Duka {
    /// Builds the receipt model of a stored document (provisional until KRA signed it; `copy` for
    /// a reprint).
    pub fn receipt_model(&self, document: &DocumentNo, copy: bool) -> Result<Receipt> {
        let settings = self.device_settings()?.ok_or(Error::NotInitialised)?;
        let (stored, shop) = self.store().read(|c| {
            let shop = store::settings::shop_details(c)?.unwrap_or_default();
            let no = document.0.trim().to_ascii_uppercase();
            let is_credit = [Series::CreditNote, Series::TrainingCreditNote]
                .iter()
                .any(|s| no.starts_with(&format!("{}-", s.prefix())));
            if is_credit {
                let Some(id) = store::credit_notes::credit_note_id_by_trader_no(c, &no)? else {
                    return Ok(Err(not_found(&document.0)));
                };
                let note = store::credit_notes::load_credit_note(c, id)?;
                let sig = store::credit_notes::credit_note_signature(c, id)?;
                let sale_sig = store::sales::sale_signature(c, note.sale_id)?;
                let sale = store::sales::load_sale(c, note.sale_id)?;
                let original = match sale_sig.as_ref().and_then(|s| signature(s, settings.scu_id.as_deref())) {
                    Some(s) => receipt::format::cu_invoice_no(&s),
                    None => format!("{} (signature pending)", sale.trader_no),
                };
                return Ok(Ok((Stored::CreditNote(note, sig, original), shop)));
            }
            let id = match find_sale(c, &no) {
                Ok(id) => id,
                Err(e) => return Ok(Err(e)),
            };
            let sale = store::sales::load_sale(c, id)?;
            let sig = store::sales::sale_signature(c, id)?;
            Ok(Ok((Stored::Sale(sale, sig), shop)))
        })??;
        Ok(self.build_receipt(stored, &shop, &settings, copy))
    }

    fn build_receipt(
        &self,
        stored: Stored,
        shop: &ShopDetails,
        settings: &store::DeviceSettings,
        copy: bool,
    ) -> Receipt {
        let seller = Seller {
            name: shop.name.clone(),
            address: [shop.address.clone(), shop.phone.clone(), shop.email.clone()].into_iter().flatten().collect(),
            pin: settings.pin.clone(),
            branch_id: settings.branch_id.clone(),
        };
        let environment = |training: bool| match (training, settings.environment) {
            (true, _) | (_, Environment::Training) => receipt::Environment::Training,
            (false, Environment::Production) => receipt::Environment::Production,
            (false, Environment::Sandbox) => receipt::Environment::Sandbox,
        };
        let state =
            |sig: &Option<KraSignature>| match sig.as_ref().and_then(|s| signature(s, settings.scu_id.as_deref())) {
                Some(s) => SignatureState::Signed(s),
                None => SignatureState::Provisional,
            };
        let footer: Vec<String> = shop.receipt_footer.iter().cloned().collect();
        match stored {
            Stored::Sale(sale, sig) => Receipt {
                seller,
                buyer: buyer(sale.invoice.buyer_name.clone(), sale.invoice.buyer_pin.clone()),
                kind: DocumentKind::Sale,
                lines: lines(&sale.invoice.lines),
                totals: sale.invoice.totals.clone(),
                payment: sale.invoice.payment,
                trader_invoice_no: sale.trader_no.clone(),
                issued_at: sale.committed_at,
                state: state(&sig),
                copy,
                environment: environment(sale.training),
                header_message: Vec::new(),
                footer_message: footer,
                served_by: Some(sale.user.clone()),
            },
            Stored::CreditNote(note, sig, original) => Receipt {
                seller,
                buyer: buyer(note.credit_note.buyer_name.clone(), note.credit_note.buyer_pin.clone()),
                kind: DocumentKind::CreditNote { original_cu_invoice_no: original },
                lines: lines(&note.credit_note.lines),
                totals: note.credit_note.totals.clone(),
                payment: note.credit_note.payment,
                trader_invoice_no: note.trader_no.clone(),
                issued_at: note.committed_at,
                state: state(&sig),
                copy,
                environment: environment(note.training),
                header_message: Vec::new(),
                footer_message: footer,
                served_by: Some(note.user.clone()),
            },
        }
    }

    /// The receipt of a stored document as PDF bytes for `paper`.
    pub fn receipt_pdf(&self, document: &DocumentNo, paper: Paper, copy: bool) -> Result<Vec<u8>> {
        Ok(receipt::render_pdf(&self.receipt_model(document, copy)?, paper)?)
    }

    /// The receipt as ESC/POS bytes for a thermal printer.
    pub fn receipt_escpos(&self, document: &DocumentNo, paper: Paper, copy: bool) -> Result<Vec<u8>> {
        Ok(receipt::render_escpos(&self.receipt_model(document, copy)?, paper)?)
    }

    /// The receipt as text, one printed line per line.
    pub fn receipt_text(&self, document: &DocumentNo, paper: Paper, copy: bool) -> Result<String> {
        Ok(receipt::render_text(&self.receipt_model(document, copy)?, paper)?)
    }
}

fn buyer(name: Option<String>, pin: Option<domain::KraPin>) -> Option<Buyer> {
    (name.is_some() || pin.is_some()).then_some(Buyer { name, pin })
}

fn not_found(no: &str) -> Error {
    Error::NotFound {
        what: "document",
        id: no.to_owned(),
        hint: "give the number printed on the receipt, e.g. INV-000012 or CN-000003",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::shop;

    #[tokio::test]
    async fn receipts_need_a_set_up_device() {
        let (duka, _dir) = shop().await;
        let e = duka.receipt_pdf(&DocumentNo("INV-000001".into()), Paper::Roll80, false).unwrap_err();
        assert_eq!(e.code(), "not_initialised");
    }

    fn full_signature() -> KraSignature {
        KraSignature {
            invoice_no: 12,
            receipt_no: Some(12),
            total_receipt_no: Some(40),
            internal_data: Some("QM67VCKTFUM7EXGXHV5FMBJ7FI".into()),
            receipt_signature: Some("SZBBFW4DCZ7HAGPH".into()),
            sdc_id: Some("KRACU0100000001".into()),
            mrc_no: Some("KRA00379741".into()),
            signed_at: domain::DateTime::parse_kra("20261121100000").unwrap(),
            response_body: "{}".into(),
        }
    }

    #[test]
    fn a_signature_missing_any_printed_field_gives_a_provisional_receipt() {
        let printed = signature(&full_signature(), None).unwrap();
        assert_eq!((printed.cur_rcpt_no, printed.tot_rcpt_no, printed.invc_no), (12, 40, 12));
        let missing: [fn(&mut KraSignature); 5] = [
            |s| s.receipt_no = None,
            |s| s.total_receipt_no = None,
            |s| s.internal_data = None,
            |s| s.internal_data = Some(String::new()),
            |s| s.receipt_signature = None,
        ];
        for blank in missing {
            let mut sig = full_signature();
            blank(&mut sig);
            assert!(signature(&sig, Some("KRACU0100000001")).is_none(), "{sig:?}");
        }
        // The SCU id may come from the device settings instead of the reply.
        let mut no_sdc = full_signature();
        no_sdc.sdc_id = None;
        assert_eq!(signature(&no_sdc, Some("KRACU0100000009")).unwrap().sdc_id, "KRACU0100000009");
        assert!(signature(&no_sdc, None).is_none());
    }
}
