//! Scripted fault injection (`/_sim/faults`): per function and per call number, added latency, an
//! HTTP error status, a connection reset, a malformed body, a gateway failure inside HTTP 200, a
//! scripted KRA refusal, or the worst case: record the document, then hang past the client's
//! timeout.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    Error, Result,
    function::{Function, is_named},
};

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Wait this long, then answer normally.
    LatencyMs { ms: u64 },
    /// Answer with this HTTP status (e.g. 500, 502, 503) without processing the call.
    HttpStatus { status: u16 },
    /// Drop the connection (TCP reset) without processing the call.
    Reset,
    /// Answer 200 with a truncated JSON body without processing the call.
    MalformedBody,
    /// Answer 200 with the gateway's failure shape (`responseBody: null`, reason in
    /// `responseHeader.debugMessage`) without processing the call.
    #[serde(rename = "gateway_failure_200")]
    GatewayFailure200,
    /// Process and record the call, then hold the answer for this many seconds.
    RecordThenHang { secs: u64 },
    /// Answer with this KRA result code and message (as KRA's envelope on either front door)
    /// without processing the call: a refusal KRA would give, on cue.
    Refuse { code: String, message: String },
}

/// One line of a fault script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// A function's spec name or path (`saveTrnsSalesOsdc`, `sendSalesTransaction`), `token` for
    /// the gateway token endpoint, or `*` for every call.
    pub function: String,
    /// The call number (1 = the first call of that function after the script was set); absent
    /// means every call.
    #[serde(default)]
    pub call: Option<u64>,
    pub fault: Fault,
}

/// The active script and the call counters since it was set.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Vec<FaultRule>,
    calls: BTreeMap<String, u64>,
}

/// The pseudo-function name of the gateway token endpoint in fault scripts.
pub const TOKEN: &str = "token";

impl Faults {
    /// Replaces the script and restarts call counting. Refuses names that match no function.
    pub fn set(&mut self, rules: Vec<FaultRule>) -> Result<()> {
        for r in &rules {
            let known =
                r.function == "*" || r.function == TOKEN || Function::ALL.iter().any(|f| is_named(*f, &r.function));
            if !known {
                return Err(Error::FaultScript { reason: format!("unknown function \"{}\"", r.function) });
            }
            if let Fault::Refuse { code, .. } = &r.fault
                && (code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) || code == "000" || code == "001")
            {
                return Err(Error::FaultScript {
                    reason: format!("a refusal needs a KRA result code other than 000 and 001, found \"{code}\""),
                });
            }
            if r.call == Some(0) {
                return Err(Error::FaultScript {
                    reason: format!("call numbers start at 1 (rule for {})", r.function),
                });
            }
        }
        self.rules = rules;
        self.calls.clear();
        Ok(())
    }

    pub fn clear(&mut self) {
        self.rules.clear();
        self.calls.clear();
    }

    pub fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    pub fn calls(&self) -> &BTreeMap<String, u64> {
        &self.calls
    }

    /// Counts a call of `name` (a spec name, or [`TOKEN`]) and returns the fault it must suffer.
    pub fn next(&mut self, name: &str, function: Option<Function>) -> Option<Fault> {
        let n = self.calls.entry(name.to_owned()).or_default();
        *n += 1;
        let n = *n;
        self.rules
            .iter()
            .find(|r| {
                let named =
                    r.function == "*" || r.function == name || function.is_some_and(|f| is_named(f, &r.function));
                named && r.call.is_none_or(|c| c == n)
            })
            .map(|r| r.fault.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_match_by_function_and_call_number() {
        let script: Vec<FaultRule> = serde_json::from_str(
            r#"[{"function":"sendSalesTransaction","call":2,"fault":{"kind":"record_then_hang","secs":30}},
                {"function":"saveItem","fault":{"kind":"http_status","status":503}},
                {"function":"token","call":1,"fault":{"kind":"reset"}}]"#,
        )
        .unwrap();
        let mut faults = Faults::default();
        faults.set(script).unwrap();
        let sale = Some(Function::SaveTrnsSalesOsdc);
        assert_eq!(faults.next("saveTrnsSalesOsdc", sale), None);
        assert_eq!(faults.next("saveTrnsSalesOsdc", sale), Some(Fault::RecordThenHang { secs: 30 }));
        assert_eq!(faults.next("saveTrnsSalesOsdc", sale), None);
        for _ in 0..3 {
            assert_eq!(faults.next("saveItem", Some(Function::SaveItem)), Some(Fault::HttpStatus { status: 503 }));
        }
        assert_eq!(faults.next(TOKEN, None), Some(Fault::Reset));
        assert_eq!(faults.next(TOKEN, None), None);
        assert!(faults.set(vec![FaultRule { function: "nope".into(), call: None, fault: Fault::Reset }]).is_err());
        let kinds: Vec<Fault> = serde_json::from_str(
            r#"[{"kind":"latency_ms","ms":5},{"kind":"malformed_body"},{"kind":"gateway_failure_200"}]"#,
        )
        .unwrap();
        assert_eq!(kinds, vec![Fault::LatencyMs { ms: 5 }, Fault::MalformedBody, Fault::GatewayFailure200]);
        let refuse: Fault = serde_json::from_str(
            r#"{"kind":"refuse","code":"910","message":"rsdQty mismatch. Expected: 1 but found: 2"}"#,
        )
        .unwrap();
        assert_eq!(
            refuse,
            Fault::Refuse { code: "910".into(), message: "rsdQty mismatch. Expected: 1 but found: 2".into() }
        );
        for code in ["000", "001", "91", "9x0"] {
            let rule = FaultRule {
                function: "saveStockMaster".into(),
                call: None,
                fault: Fault::Refuse { code: code.into(), message: "m".into() },
            };
            assert!(faults.set(vec![rule]).is_err(), "{code}");
        }
    }
}
