//! Signatures: KRA's answer to a sale or credit note read into the signature Duka stores, and the
//! read-back (`selectInvoiceDetails`) that settles a send whose outcome was unknown.

use oscu::{
    Frozen, Kept,
    wire::{TrnsSalesSaveWrReq, TrnsSalesSaveWrResData},
};
use store::{KraSignature, OutboxRow};

use super::Engine;

impl Engine {
    /// The signature to store from KRA's acceptance of invoice `number` (its JSON kept as evidence).
    pub(super) fn signature_from(&self, kept: Kept<TrnsSalesSaveWrResData>, number: Option<i64>) -> KraSignature {
        let Kept { value: res, json } = kept;
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
        let ours = Frozen::<TrnsSalesSaveWrReq>::stored(sent).request().is_ok_and(|request| sale.is_of(&request));
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
        Ok(Some(ReadBack { ours, signature: Some(signature) }))
    }
}

pub(super) struct ReadBack {
    /// The document KRA holds is the one we sent.
    pub(super) ours: bool,
    pub(super) signature: Option<KraSignature>,
}

impl ReadBack {
    /// The signature of a document KRA says it holds under our number (994, or "expected" the
    /// next one, on a resend). With one device per branch series it is ours even when the fields
    /// KRA echoes differ from ours (hosts vary in what they echo), and sending it again would sign
    /// it twice, so it is adopted; a difference is logged for the support trail.
    pub(super) fn adopted(self, row: &OutboxRow, number: i64) -> Option<KraSignature> {
        if !self.ours {
            tracing::warn!(
                outbox = row.id,
                invc_no = number,
                "KRA's read-back of this invoice number differs from the request Duka sent; its signature is kept"
            );
        }
        self.signature
    }
}
