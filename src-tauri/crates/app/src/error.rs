//! The one error every use case returns: a stable `code()` for the shell and scripts, and a
//! message written for the shopkeeper that says how to fix the problem.

use domain::Violations;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("this till is not connected to KRA yet: run the set-up (initialise the device) or start training mode")]
    NotInitialised,
    #[error("this till is already set up for {pin} branch {branch}: {hint}")]
    AlreadyInitialised { pin: String, branch: String, hint: &'static str },
    #[error("{field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
    #[error("{0}")]
    Refused(Violations),
    #[error("{what} {id} was not found: {hint}")]
    NotFound { what: &'static str, id: String, hint: &'static str },
    #[error("{0}")]
    Store(#[from] store::Error),
    #[error("{message}")]
    Kra { message: String, source: Box<oscu::Error> },
    #[error("could not {operation}: {source}")]
    Sync { operation: &'static str, source: Box<sync::Error> },
    #[error("an earlier failure left {what} unusable: restart Duka")]
    Poisoned { what: &'static str },
    #[error("could not make the receipt: {0}")]
    Receipt(#[from] receipt::Error),
    #[error("could not start the training KRA simulator: {0}")]
    Simulator(#[from] oscu_sim::Error),
    #[error("could not {operation}: {source}")]
    Io { operation: &'static str, source: std::io::Error },
    #[error(
        "{} row(s) of the item file are wrong, so nothing was imported: {}. Fix them and import the file again",
        errors.len(),
        errors.iter().take(5).map(|e| format!("line {}: {}", e.line, e.message)).collect::<Vec<_>>().join("; ")
    )]
    ImportRows { errors: Vec<crate::exchange::RowError> },
    #[error("the demo catalogue line {line} is damaged ({reason})")]
    DemoCatalogue { line: usize, reason: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A stable identifier for the kind of failure (the shell's `UiError.code`, scripts).
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotInitialised => "not_initialised",
            Error::AlreadyInitialised { .. } => "already_initialised",
            Error::InvalidInput { .. } => "invalid_input",
            Error::Refused(_) => "refused",
            Error::NotFound { .. } => "not_found",
            Error::Store(e) => match e {
                store::Error::ItemExists { .. }
                | store::Error::ItemIdentityChanged { .. }
                | store::Error::BarcodeTaken { .. }
                | store::Error::CreditExceedsSale { .. }
                | store::Error::AlreadyDecided { .. }
                | store::Error::MixedStockMoves { .. }
                | store::Error::ItemNotFound { .. }
                | store::Error::TaxRates { .. }
                | store::Error::Domain(_) => "refused",
                store::Error::DocumentNotFound { .. } => "not_found",
                _ => "storage",
            },
            Error::Kra { source, .. } => match source.retry() {
                oscu::Retry::Never => "kra_refused",
                _ => "kra_unreachable",
            },
            Error::Sync { .. } => "sync",
            Error::Poisoned { .. } => "poisoned",
            Error::Receipt(_) => "receipt",
            Error::Simulator(_) => "training",
            Error::Io { .. } => "io",
            Error::DemoCatalogue { .. } => "demo_catalogue",
            Error::ImportRows { .. } => "refused",
        }
    }

    /// True when the shop's input or KRA refused the request (as opposed to a broken set-up):
    /// what the CLI reports with exit code 1 either way, but the shell may colour differently.
    pub fn is_refusal(&self) -> bool {
        matches!(self.code(), "refused" | "invalid_input" | "kra_refused" | "not_found" | "already_initialised")
    }

    pub(crate) fn kra(operation: &str, source: oscu::Error) -> Error {
        let message = match (source.kra_code(), source.kra_message()) {
            (Some("901"), _) => format!(
                "KRA does not know this device (901) while trying to {operation}: check the PIN, branch and serial \
                 number KRA gave you"
            ),
            (Some("902"), _) => format!(
                "KRA says this device is already initialised (902) while trying to {operation}: KRA issues the \
                 communication key only once, so import the key you saved instead"
            ),
            (Some(code), Some(msg)) => {
                format!("KRA refused to {operation} ({code}): {msg}")
            }
            _ if source.retry() != oscu::Retry::Never => {
                format!("could not reach KRA to {operation}: {source}. Check the internet connection and try again")
            }
            _ => format!("could not {operation}: {source}"),
        };
        Error::Kra { message, source: Box::new(source) }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
        Error::InvalidInput { field, reason: reason.into() }
    }
}

impl From<Violations> for Error {
    fn from(v: Violations) -> Error {
        Error::Refused(v)
    }
}

impl From<domain::Error> for Error {
    fn from(e: domain::Error) -> Error {
        Error::Store(store::Error::Domain(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kra_error(code: &str, message: &str) -> oscu::Error {
        oscu::Error::Kra { function: oscu::Function::SaveTrnsSalesOsdc, code: code.into(), message: message.into() }
    }

    #[test]
    fn kra_failures_are_explained_and_classified() {
        for (source, code, text) in [
            (kra_error("901", "device not found"), "kra_refused", "check the PIN, branch and serial"),
            (kra_error("902", "already"), "kra_refused", "import the key you saved"),
            (kra_error("910", "custTin cannot be empty"), "kra_refused", "(910): custTin cannot be empty"),
            (
                oscu::Error::Timeout {
                    function: oscu::Function::SelectCodeList,
                    after: std::time::Duration::from_secs(3),
                },
                "kra_unreachable",
                "Check the internet connection",
            ),
        ] {
            let e = Error::kra("send the sale", source);
            assert_eq!(e.code(), code, "{e}");
            assert!(e.to_string().contains(text), "{e}");
        }
    }

    #[test]
    fn codes_are_stable() {
        for (e, code, refusal) in [
            (Error::NotInitialised, "not_initialised", false),
            (Error::invalid("unit", "x"), "invalid_input", true),
            (Error::Refused(Violations(vec![domain::Violation::EmptyDocument])), "refused", true),
            (Error::Store(store::Error::ItemExists { code: "X".into() }), "refused", true),
            (Error::Store(store::Error::DocumentNotFound { kind: "sale", id: 1 }), "not_found", true),
            (Error::Store(store::Error::Poisoned), "storage", false),
            (Error::Poisoned { what: "the KRA link" }, "poisoned", false),
        ] {
            assert_eq!((e.code(), e.is_refusal()), (code, refusal), "{e}");
        }
    }
}
