//! Signatures: KRA's answer to a sale or credit note read into the signature Duka stores, and the
//! read-back (`selectInvoiceDetails`) that settles a send whose outcome was unknown.

use oscu::{
    Frozen, Kept,
    wire::{Recognised, TrnsSalesSaveWrReq, TrnsSalesSaveWrResData},
};
use store::KraSignature;

use super::Engine;

impl Engine {
    /// The signature to store from KRA's acceptance of invoice `number` (its JSON kept as evidence).
    pub(super) fn signature_from(&self, kept: Kept<TrnsSalesSaveWrResData>, number: Option<i64>) -> KraSignature {
        let Kept { value: res, json } = kept;
        if let Ok(kra) = oscu::time::parse_date_time(&res.sdc_date_time) {
            self.note_kra_clock(kra);
        }
        self.signature(
            number.unwrap_or_default(),
            Some(res.cur_rcpt_no.0),
            Some(res.tot_rcpt_no.0),
            Some(res.intrl_data),
            Some(res.rcpt_sign),
            Some(res.sdc_date_time),
            json,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn signature(
        &self,
        number: i64,
        receipt_no: Option<u64>,
        total_receipt_no: Option<u64>,
        internal_data: Option<String>,
        receipt_signature: Option<String>,
        sdc_date_time: Option<String>,
        response_body: String,
    ) -> KraSignature {
        let signed_at =
            sdc_date_time.as_deref().and_then(|t| oscu::time::parse_date_time(t).ok()).unwrap_or_else(|| self.now());
        KraSignature {
            invoice_no: number,
            receipt_no: receipt_no.and_then(|n| i64::try_from(n).ok()),
            total_receipt_no: total_receipt_no.and_then(|n| i64::try_from(n).ok()),
            internal_data: internal_data.filter(|s| !s.is_empty()),
            receipt_signature: receipt_signature.filter(|s| !s.is_empty()),
            // The device's SDC id and MRC number are added when the signature is stored.
            sdc_id: None,
            mrc_no: None,
            signed_at,
            response_body,
        }
    }

    /// `selectInvoiceDetails {invcNo}`: what KRA holds under that number, if anything, and whether
    /// it is the document of `sent` (the frozen request). KRA does not echo `trdInvcNo`, so the
    /// document is recognised by what it does echo ([`oscu::wire::SalesReadBack::is_of`]).
    pub(super) async fn read_back(&self, number: i64, sent: &str) -> Result<Option<ReadBack>, oscu::Error> {
        let Ok(invc_no) = u64::try_from(number) else { return Ok(None) };
        let found = self.client().read_back(invc_no).await?;
        self.note_answer();
        let Some(Kept { value: sale, json }) = found else { return Ok(None) };
        // A frozen request that no longer reads cannot be compared: a person decides.
        let recognised = Frozen::<TrnsSalesSaveWrReq>::stored(sent)
            .request()
            .map_or(Recognised::Undecided, |request| sale.recognise(&request));
        let kra_copy = json.clone();
        let receipt = sale.receipt.unwrap_or_default();
        let signature = self.signature(
            number,
            receipt.cur_rcpt_no.map(|c| c.0),
            receipt.tot_rcpt_no.map(|c| c.0),
            receipt.intrl_data,
            receipt.rcpt_sign,
            receipt.sdc_date_time,
            json,
        );
        Ok(Some(ReadBack { recognised, signature, kra_copy }))
    }
}

pub(super) struct ReadBack {
    /// Whether the document KRA holds under the number is the one we sent.
    pub(super) recognised: Recognised,
    /// Its signature (stored only when it is ours).
    pub(super) signature: KraSignature,
    /// KRA's copy as it answered, for the incident's audit row.
    pub(super) kra_copy: String,
}

impl ReadBack {
    /// The signature to store: only that of our own document. Another document under our number
    /// (another till on this device's key, an old backup) or one that cannot be told apart never
    /// gives its signature to ours; the row is parked as an incident instead
    /// ([`Engine::park_foreign`]).
    pub(super) fn ours(&self) -> Option<&KraSignature> {
        (self.recognised == Recognised::Ours).then_some(&self.signature)
    }
}
