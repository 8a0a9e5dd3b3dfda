//! Everything that can go wrong talking to KRA, classified where it is born: retry now, retry
//! after a delay, or never (SPEC §5, §13). The text of an error never contains the communication
//! key or any other secret: the client scrubs KRA's own messages before keeping them.

use std::time::Duration;

use crate::{Function, Refusal};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the caller should do about a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Send again straight away (a read whose connection was cut after it was sent).
    Now,
    /// Send again after this delay (timeouts, connection errors, 5xx, KRA 990 and 991–993).
    After(Duration),
    /// Do not resend as is: the request was refused (or the set-up is wrong). Show the message.
    Never,
}

/// Delay after a timeout or a connection failure.
pub const RETRY_AFTER_NETWORK: Duration = Duration::from_secs(30);
/// Delay after a server error (HTTP 5xx, token endpoint trouble, KRA 991–993).
pub const RETRY_AFTER_SERVER: Duration = Duration::from_secs(60);
/// Delay after KRA 990, "maximum number of lookups exceeded".
pub const RETRY_AFTER_RATE_LIMIT: Duration = Duration::from_secs(600);

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("KRA did not answer {function} within {} seconds; it may still have recorded it", after.as_secs())]
    Timeout { function: Function, after: Duration },

    #[error("could not reach KRA for {function}: {reason}")]
    Connect { function: Function, reason: String, request_sent: bool },

    #[error("KRA answered {function} with HTTP {status}: {message}")]
    HttpStatus { function: Function, status: u16, message: String, retry_after: Option<Duration> },

    #[error("KRA refused {function} ({code}): {message}")]
    Kra { function: Function, code: String, message: String },

    #[error("the KRA gateway refused {function} (HTTP {status}): {message}")]
    Gateway { function: Function, status: u16, code: Option<String>, message: String },

    #[error("could not get a GavaConnect access token: {reason}")]
    Token { status: Option<u16>, reason: String },

    #[error("KRA's answer to {function} could not be read: {reason}")]
    DecodeResponse { function: Function, reason: String },

    #[error("could not build the {function} request: {reason}")]
    EncodeRequest { function: Function, reason: String },

    #[error("the stored {function} request could not be read: {reason}")]
    ReadFrozen { function: Function, reason: String },

    #[error("{function} needs the communication key from device initialisation; initialise the device first")]
    MissingCmcKey { function: Function },

    #[error("{function} is not available on {front_door}")]
    Unsupported { function: Function, front_door: &'static str },

    #[error("KRA accepted the initialisation but sent no communication key")]
    InitWithoutKey,

    #[error("the KRA connection settings are wrong: {reason}")]
    Config { reason: String },

    #[error("\"{input}\" is not a KRA date in the form {format}")]
    ParseDate { input: String, format: &'static str },

    #[error("cannot build the KRA request from this {document}: {reason}")]
    BuildRequest { document: &'static str, reason: String },
}

impl Error {
    /// How the caller should retry. `sync` branches on this, never on message text.
    pub fn retry(&self) -> Retry {
        match self {
            Error::Timeout { .. } => Retry::After(RETRY_AFTER_NETWORK),
            // A read cut off mid-way is harmless to repeat at once; a write's outcome is unknown.
            Error::Connect { function, request_sent: true, .. } if !function.is_write() => Retry::Now,
            Error::Connect { .. } => Retry::After(RETRY_AFTER_NETWORK),
            Error::HttpStatus { status, retry_after, .. } => match status {
                429 => Retry::After(retry_after.unwrap_or(RETRY_AFTER_SERVER)),
                408 => Retry::After(RETRY_AFTER_NETWORK),
                s if *s >= 500 => Retry::After(retry_after.unwrap_or(RETRY_AFTER_SERVER)),
                _ => Retry::Never,
            },
            Error::Kra { code, .. } => retry_for_code(code),
            Error::Gateway { status, code, .. } => match code.as_deref().map(retry_for_code) {
                Some(Retry::Never) | None if *status >= 500 || *status == 429 => Retry::After(RETRY_AFTER_SERVER),
                Some(r) => r,
                None => Retry::Never,
            },
            Error::Token { status, .. } => match status {
                Some(400 | 401 | 403) => Retry::Never,
                _ => Retry::After(RETRY_AFTER_SERVER),
            },
            // A garbled answer to a write leaves the outcome unknown: query before resending.
            Error::DecodeResponse { .. } => Retry::After(RETRY_AFTER_SERVER),
            Error::EncodeRequest { .. }
            | Error::ReadFrozen { .. }
            | Error::MissingCmcKey { .. }
            | Error::InitWithoutKey
            | Error::Unsupported { .. }
            | Error::Config { .. }
            | Error::ParseDate { .. }
            | Error::BuildRequest { .. } => Retry::Never,
        }
    }

    /// Whether KRA may have recorded the call although we saw a failure (timeouts, a cut
    /// connection after sending, an unreadable answer). Check with a read-back before resending.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::DecodeResponse { .. } | Error::Connect { request_sent: true, .. })
    }

    /// What KRA's answer says, classified ([`Refusal::classify`]): `None` when KRA gave neither a
    /// result code nor a message (timeouts, connection failures, our own errors).
    pub fn refusal(&self) -> Option<Refusal> {
        let code = self.kra_code();
        let message = self.kra_message();
        if code.is_none() && message.is_none() {
            return None;
        }
        Some(Refusal::classify(code, message.unwrap_or_default()))
    }

    /// KRA 994: the record already exists. Callers treat it as "already recorded".
    pub fn is_duplicate(&self) -> bool {
        self.refusal() == Some(Refusal::Duplicate)
    }

    /// The KRA result code (`resultCd`), when KRA gave one.
    pub fn kra_code(&self) -> Option<&str> {
        match self {
            Error::Kra { code, .. } => Some(code.as_str()),
            Error::Gateway { code: Some(code), .. } => Some(code.as_str()),
            _ => None,
        }
    }

    /// KRA's own message (already scrubbed of secrets), for showing to the user.
    pub fn kra_message(&self) -> Option<&str> {
        match self {
            Error::Kra { message, .. } | Error::Gateway { message, .. } | Error::HttpStatus { message, .. } => {
                Some(message.as_str()).filter(|m| !m.is_empty())
            }
            _ => None,
        }
    }

    /// The function that failed, when the failure belongs to one call.
    pub fn function(&self) -> Option<Function> {
        match self {
            Error::Timeout { function, .. }
            | Error::Connect { function, .. }
            | Error::HttpStatus { function, .. }
            | Error::Kra { function, .. }
            | Error::Gateway { function, .. }
            | Error::DecodeResponse { function, .. }
            | Error::EncodeRequest { function, .. }
            | Error::ReadFrozen { function, .. }
            | Error::Unsupported { function, .. }
            | Error::MissingCmcKey { function } => Some(*function),
            _ => None,
        }
    }

    /// The number KRA says it expected, from its sequence messages ([`Refusal::ExpectedNumber`]):
    /// `sync` uses it to realign its numbering.
    pub fn expected_number(&self) -> Option<u64> {
        match self.refusal()? {
            Refusal::ExpectedNumber { expected } => Some(expected),
            _ => None,
        }
    }

    /// The remaining quantity KRA says it holds, from a stock balance mismatch
    /// ([`Refusal::StockBalanceMismatch`]), so `sync` can report or realign the stock balance.
    pub fn expected_quantity(&self) -> Option<domain::Qty> {
        match self.refusal()? {
            Refusal::StockBalanceMismatch { expected } => expected,
            _ => None,
        }
    }
}

/// Classifies a KRA result code (SPEC §5).
pub fn retry_for_code(code: &str) -> Retry {
    match code.trim() {
        // Lookup limit, and the server-side "error while registering/modifying/deleting".
        "990" => Retry::After(RETRY_AFTER_RATE_LIMIT),
        "991" | "992" | "993" => Retry::After(RETRY_AFTER_SERVER),
        // Client-library communication codes, should a proxy pass them on.
        "894" | "896" | "899" => Retry::After(RETRY_AFTER_NETWORK),
        // 900 missing headers, 901 device not valid, 902 already installed, 903, 910 parameter
        // error, 911, 912, 921, 922, 994 duplicate, 995, 999 unknown (seen for a validation
        // refusal): resending the same request would fail the same way.
        _ => Retry::Never,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kra(code: &str, message: &str) -> Error {
        Error::Kra { function: Function::SaveTrnsSalesOsdc, code: code.into(), message: message.into() }
    }

    #[test]
    fn classifies_result_codes() {
        for (code, expected) in [
            ("910", Retry::Never),
            ("901", Retry::Never),
            ("902", Retry::Never),
            ("994", Retry::Never),
            ("999", Retry::Never),
            ("990", Retry::After(RETRY_AFTER_RATE_LIMIT)),
            ("991", Retry::After(RETRY_AFTER_SERVER)),
        ] {
            assert_eq!(kra(code, "x").retry(), expected, "{code}");
        }
        assert!(kra("994", "duplicate").is_duplicate());
        assert!(!kra("910", "x").is_duplicate());
        assert_eq!(kra("910", "custTin cannot be empty").kra_message(), Some("custTin cannot be empty"));
    }

    #[test]
    fn classifies_transport_failures() {
        let f = Function::SaveItem;
        assert_eq!(
            Error::Timeout { function: f, after: Duration::from_secs(120) }.retry(),
            Retry::After(RETRY_AFTER_NETWORK)
        );
        assert!(Error::Timeout { function: f, after: Duration::from_secs(1) }.outcome_unknown());
        let http = |status| Error::HttpStatus { function: f, status, message: String::new(), retry_after: None };
        assert_eq!(http(503).retry(), Retry::After(RETRY_AFTER_SERVER));
        assert_eq!(http(400).retry(), Retry::Never);
        assert_eq!(http(429).retry(), Retry::After(RETRY_AFTER_SERVER));
        let gw = |status, code: Option<&str>| Error::Gateway {
            function: f,
            status,
            code: code.map(str::to_owned),
            message: "m".into(),
        };
        assert_eq!(gw(400, None).retry(), Retry::Never);
        assert_eq!(gw(200, None).retry(), Retry::Never);
        assert_eq!(gw(502, None).retry(), Retry::After(RETRY_AFTER_SERVER));
        assert_eq!(gw(200, Some("990")).retry(), Retry::After(RETRY_AFTER_RATE_LIMIT));
        let cut = |function, request_sent| Error::Connect { function, reason: "closed".into(), request_sent };
        assert_eq!(cut(Function::SelectItemList, true).retry(), Retry::Now);
        assert_eq!(cut(Function::SaveItem, true).retry(), Retry::After(RETRY_AFTER_NETWORK));
        assert!(cut(Function::SaveItem, true).outcome_unknown());
        assert_eq!(cut(Function::SaveItem, false).retry(), Retry::After(RETRY_AFTER_NETWORK));
        assert!(!cut(Function::SaveItem, false).outcome_unknown());
        assert_eq!(Error::Token { status: Some(401), reason: "bad".into() }.retry(), Retry::Never);
        assert_eq!(Error::Token { status: None, reason: "down".into() }.retry(), Retry::After(RETRY_AFTER_SERVER));
    }

    #[test]
    fn refusals_are_read_from_every_answer_that_carries_kra_s_words() {
        let gateway = |code: Option<&str>, message: &str| Error::Gateway {
            function: Function::SaveTrnsSalesOsdc,
            status: 400,
            code: code.map(str::to_owned),
            message: message.into(),
        };
        for (e, expected) in [
            (kra("994", "overlapping data"), Some(Refusal::Duplicate)),
            (kra("901", "This device is not valid"), Some(Refusal::UnknownDevice)),
            (gateway(None, "Insufficient Stock"), Some(Refusal::InsufficientStock)),
            (
                gateway(Some("910"), "Invalid sarNo: Expected: 3 but found: 4"),
                Some(Refusal::ExpectedNumber { expected: 3 }),
            ),
            (Error::Timeout { function: Function::SaveItem, after: Duration::from_secs(1) }, None),
            (Error::Connect { function: Function::SaveItem, reason: "refused".into(), request_sent: false }, None),
        ] {
            assert_eq!(e.refusal(), expected, "{e}");
        }
        assert!(!kra("910", "Invalid invcNo sequence, expected: 7 but found: 5").is_duplicate());
        assert_eq!(kra("994", "Invalid invcNo sequence, expected: 7 but found: 5").expected_number(), None);
    }

    #[test]
    fn reads_the_expected_stock_balance() {
        for (message, expected) in [
            ("rsdQty mismatch. Expected: 10 but found: 12", Some(1000)),
            ("rsdQty mismatch. Expected: 2.5 but found: 3", Some(250)),
            ("rsdQty mismatch. Expected: 10.00 but found: 12.00", Some(1000)),
            ("rsdQty mismatch", None),
            ("Invalid sarNo: Expected: 3 but found: 4", None),
        ] {
            let e = Error::Kra { function: Function::SaveStockMaster, code: "910".into(), message: message.into() };
            assert_eq!(e.expected_quantity().map(domain::Qty::hundredths), expected, "{message}");
        }
    }

    #[test]
    fn reads_expected_numbers_from_sequence_messages() {
        for (message, expected) in [
            ("Invc No: 5 is invalid, use the expected value: 7", Some(7)),
            ("Invalid invcNo sequence, expected: 7 but found: 5", Some(7)),
            ("Invalid sarNo: Expected: 3 but found: 4", Some(3)),
            ("Invalid itemCd Sequence. Expected sequence ending with: ********12", Some(12)),
            ("Invalid taxblAmt on item: 1. Expected: 86.21, But Found: 100.00", None),
            ("Rule taxRtE failed: Tax rate mismatch. Expected: 0.00, Found: 8", None),
            ("Invalid pkg for ItemList 1. Expected: 1, Found: 2", None),
            ("rsdQty mismatch. Expected: 10 but found: 12", None),
            ("Invalid invcNo sequence", None),
            ("", None),
        ] {
            assert_eq!(kra("910", message).expected_number(), expected, "{message}");
        }
    }
}
