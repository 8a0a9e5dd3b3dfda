//! The call log (`/_sim/calls`): while recording, every business call the simulator receives, in
//! arrival order, with its request bytes, the fault it suffered and KRA's answer (result code and
//! message), so tests watch what a client sent and what it was told without wrapping the client.
//! Off until asked for: a training shop's simulator runs for days.

use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::faults::Fault;

/// One call as the simulator saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    /// 1 for the first call logged since recording started.
    pub seq: u64,
    /// The function's spec name (`saveTrnsSalesOsdc`), whichever front door it came through.
    pub function: String,
    /// The request body as received.
    pub body: String,
    /// The scripted fault the call suffered, if any.
    pub fault: Option<Fault>,
    /// The result code answered (`000`, `910`, ...); `None` when a fault replaced the answer with
    /// no KRA envelope (HTTP error, reset, malformed body, gateway failure) or the gateway
    /// refused the caller before KRA saw the call.
    pub result_cd: Option<String>,
    /// KRA's message with that code.
    pub result_msg: Option<String>,
    /// When the call arrived and when its answer left (after any latency or hang).
    #[serde(skip)]
    pub received: Instant,
    #[serde(skip)]
    pub answered: Instant,
}

impl Call {
    /// The number `field` holds in the request body (`invcNo`, `sarNo`), when it holds one.
    pub fn number(&self, field: &str) -> Option<u64> {
        serde_json::from_str::<Value>(&self.body).ok()?.get(field)?.as_u64()
    }

    /// The `invcNo` of a sale, a purchase or a read-back.
    pub fn invc_no(&self) -> Option<u64> {
        self.number("invcNo")
    }

    /// Whether KRA accepted the call (`000`, or `001` "no result").
    pub fn accepted(&self) -> bool {
        matches!(self.result_cd.as_deref(), Some("000" | "001"))
    }

    /// KRA's refusal, classified as the client classifies it; `None` for accepted calls and for
    /// calls answered without a KRA envelope.
    pub fn refusal(&self) -> Option<oscu::Refusal> {
        let code = self.result_cd.as_deref().filter(|_| !self.accepted())?;
        Some(oscu::Refusal::classify(Some(code), self.result_msg.as_deref().unwrap_or_default()))
    }
}

/// The log and whether it is recording.
#[derive(Debug, Default)]
pub struct CallLog {
    recording: bool,
    calls: Vec<Call>,
}

/// What the server knows about a call when it has answered it.
#[derive(Debug)]
pub struct Answered {
    pub function: String,
    pub body: String,
    pub fault: Option<Fault>,
    pub result: Option<(String, String)>,
    pub received: Instant,
}

impl CallLog {
    /// Starts recording into an empty log.
    pub fn start(&mut self) {
        self.recording = true;
        self.calls.clear();
    }

    /// Stops recording; the calls logged so far stay readable.
    pub fn stop(&mut self) {
        self.recording = false;
    }

    pub fn is_recording(&self) -> bool {
        self.recording
    }

    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    /// Logs an answered call, when recording. True when it was logged.
    pub fn log(&mut self, answered: Answered) -> bool {
        if !self.recording {
            return false;
        }
        let (result_cd, result_msg) = answered.result.map_or((None, None), |(c, m)| (Some(c), Some(m)));
        self.calls.push(Call {
            seq: self.calls.len() as u64 + 1,
            function: answered.function,
            body: answered.body,
            fault: answered.fault,
            result_cd,
            result_msg,
            received: answered.received,
            answered: Instant::now(),
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(function: &str, body: &str, result: Option<(&str, &str)>) -> Answered {
        Answered {
            function: function.into(),
            body: body.into(),
            fault: None,
            result: result.map(|(c, m)| (c.into(), m.into())),
            received: Instant::now(),
        }
    }

    #[test]
    fn logs_only_while_recording_and_reads_numbers_and_refusals() {
        let mut log = CallLog::default();
        assert!(!log.log(answered("saveItem", "{}", Some(("000", "ok")))));
        log.start();
        assert!(log.log(answered("saveTrnsSalesOsdc", r#"{"invcNo":4}"#, Some(("000", "Successful")))));
        assert!(log.log(answered("saveStockMaster", r#"{"itemCd":"X"}"#, Some(("910", "rsdQty mismatch")))));
        assert!(log.log(answered("selectInvoiceDetails", r#"{"invcNo":2}"#, None)));
        let calls = log.calls();
        assert_eq!(calls.iter().map(|c| c.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(calls[0].invc_no(), Some(4));
        assert_eq!(calls[0].refusal(), None);
        assert_eq!(calls[1].refusal(), Some(oscu::Refusal::StockBalanceMismatch { expected: None }));
        assert_eq!(calls[1].invc_no(), None);
        assert_eq!(calls[2].refusal(), None, "no envelope, no refusal");
        log.stop();
        assert!(!log.log(answered("saveItem", "{}", None)));
        assert_eq!(log.calls().len(), 3, "kept after stopping");
        log.start();
        assert!(log.calls().is_empty());
    }
}
