//! The one error every use case returns: a typed `code()` for the shell and scripts, the input it
//! belongs to (`field()`) when known, and a message for the shopkeeper that says how to fix it.

use domain::{Action, DateTime, Permission, Role, Violations};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("this till is not connected to KRA yet: run the set-up (initialise the device) or start training mode")]
    NotInitialised,
    #[error("this till is already set up for {pin} branch {branch}: {hint}")]
    AlreadyInitialised { pin: String, branch: String, hint: &'static str },
    /// `field` labels the input in the message; `input` names it as the request does (see
    /// [`crate::fields`]) when it is one input of the request.
    #[error("{field}: {reason}")]
    InvalidInput { field: &'static str, reason: String, input: Option<&'static str> },
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
    /// The printer did not take the receipt (its message says why and what to check).
    #[error("{0}")]
    Print(receipt::Error),
    /// The printer took longer than the till waits (switched off, out of paper, unreachable).
    #[error(
        "the printer {printer} did not take the receipt within {} s: check that it is switched on, has paper and is \
         connected, then press Print again (the sale is saved)",
        after.as_secs()
    )]
    PrinterTimeout { printer: String, after: std::time::Duration },
    /// The printer has not finished (or given up) the receipt before.
    #[error(
        "the printer {printer} has not finished the last receipt yet: check that it is switched on and has paper, \
         then press Print again in a moment (the sale is saved)"
    )]
    PrinterBusy { printer: String },
    /// The printer's device is not a printer: a regular file (such as the shop database) or a folder.
    #[error(
        "{path} is not a printer device: choose the printer's device (e.g. /dev/usb/lp0 or /dev/ttyUSB0) or a network \
         printer's address (e.g. 192.168.1.50:9100) in Settings"
    )]
    NotAPrinter { path: std::path::PathBuf },
    /// An error that belongs to one input of the request (`input`, as [`crate::fields`] names it):
    /// the same error, placed.
    #[error("{source}")]
    At { input: String, source: Box<Error> },
    #[error("could not start the training KRA simulator: {0}")]
    Simulator(#[from] oscu_sim::Error),
    #[error(
        "KRA issued this device's communication key, but Duka could not save it ({source}). KRA issues the key only \
         once: keep Duka open (it holds the key until it closes), free some disk space, then press Set up again"
    )]
    KeyNotSaved { source: Box<Error> },
    #[error("could not {operation}: {source}")]
    Io { operation: &'static str, source: std::io::Error },
    /// A file Duka keeps in its data folder (draft cart, printer choice, saved PDFs and exports).
    #[error(
        "Duka could not {operation} ({source}): check that the disk is not full and that Duka's data folder can be \
         written to, then try again"
    )]
    DataFolder { operation: &'static str, source: std::io::Error },
    #[error(
        "{} row(s) of the item file are wrong, so nothing was imported: {}. Fix them and import the file again",
        errors.len(),
        errors.iter().take(5).map(|e| format!("line {}: {}", e.line, e.message)).collect::<Vec<_>>().join("; ")
    )]
    ImportRows { errors: Vec<crate::exchange::RowError> },
    #[error("the demo catalogue line {line} is damaged ({reason})")]
    DemoCatalogue { line: usize, reason: String },
    #[error("this till has no owner yet: create the owner (a name and a PIN) before anything else")]
    OwnerNeeded,
    #[error("this till already has its owner: the owner adds the other users")]
    OwnerExists,
    #[error("nobody is signed in: sign in with your name and PIN")]
    SignInNeeded,
    #[error("a {role} may not do this ({}): {}", action.label(), who_may(*action))]
    NotAllowed { role: Role, action: Action },
    #[error("{} needs a supervisor's or the owner's PIN: ask one of them to approve it", capital(action.label()))]
    ApprovalNeeded { action: Action },
    #[error("{name} is a {role} and cannot approve {}: ask a supervisor or the owner", action.label())]
    CannotApprove { name: String, role: Role, action: Action },
    #[error(
        "wrong PIN for {name}: {} in a row lock{} {name} for {} minutes",
        if *tries_left == 1 { "one more wrong PIN".to_owned() } else { format!("{tries_left} more wrong PINs") },
        if *tries_left == 1 { "s" } else { "" },
        crate::users::LOCK_MINUTES
    )]
    WrongPin { name: String, tries_left: u32 },
    #[error(
        "{name} is locked after too many wrong PINs until {until}: try again then, or ask the owner to reset the PIN"
    )]
    UserLocked { name: String, until: DateTime },
    #[error("there is no active user called {name}: choose a name from the list")]
    UnknownUser { name: String },
    #[error("{name} is the only active owner: make another user owner first")]
    LastOwner { name: String },
}

/// Who may do `action` alone, for a refusal's message.
fn who_may(action: Action) -> &'static str {
    if Role::Supervisor.permission(action) == Permission::Allowed {
        "ask a supervisor or the owner"
    } else {
        "only the owner may"
    }
}

fn capital(text: &str) -> String {
    sentence(text)
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The kind of a failure: what the shell sends the UI as `code` and what scripts branch on. It
/// serialises as the snake_case names the UI has always received ("invalid_input", "kra_refused").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The till is not set up with KRA (or training) yet.
    NotInitialised,
    /// The till is already set up.
    AlreadyInitialised,
    /// A value the user typed is not valid; `field` names it when known.
    InvalidInput,
    /// A business rule refused the request (stock, credit, duplicates, a wrong item file ...).
    Refused,
    /// The document, item or report asked for does not exist.
    NotFound,
    /// The shop database failed.
    Storage,
    /// KRA answered and refused.
    KraRefused,
    /// KRA could not be reached (or answered with a retryable failure).
    KraUnreachable,
    /// The sync engine failed.
    Sync,
    /// An earlier failure left a shared resource unusable: restart.
    Poisoned,
    /// A receipt could not be rendered or printed.
    Receipt,
    /// The training simulator could not start.
    Training,
    /// A file could not be read or written.
    Io,
    /// The built-in demo catalogue is damaged.
    DemoCatalogue,
    /// The shop has no user yet: the owner must be created first.
    OwnerNeeded,
    /// Nobody is signed in on this till (show the lock screen).
    SignInNeeded,
    /// The signed-in user's role may not do this (the role table).
    NotAllowed,
    /// The signed-in user may do this with a supervisor's or owner's PIN (show the approval dialog).
    ApprovalNeeded,
    /// The PIN was wrong.
    WrongPin,
    /// The user is locked for a while after too many wrong PINs.
    UserLocked,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::NotInitialised,
        ErrorCode::AlreadyInitialised,
        ErrorCode::InvalidInput,
        ErrorCode::Refused,
        ErrorCode::NotFound,
        ErrorCode::Storage,
        ErrorCode::KraRefused,
        ErrorCode::KraUnreachable,
        ErrorCode::Sync,
        ErrorCode::Poisoned,
        ErrorCode::Receipt,
        ErrorCode::Training,
        ErrorCode::Io,
        ErrorCode::DemoCatalogue,
        ErrorCode::OwnerNeeded,
        ErrorCode::SignInNeeded,
        ErrorCode::NotAllowed,
        ErrorCode::ApprovalNeeded,
        ErrorCode::WrongPin,
        ErrorCode::UserLocked,
    ];

    /// The name the UI and scripts see.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotInitialised => "not_initialised",
            ErrorCode::AlreadyInitialised => "already_initialised",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Refused => "refused",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Storage => "storage",
            ErrorCode::KraRefused => "kra_refused",
            ErrorCode::KraUnreachable => "kra_unreachable",
            ErrorCode::Sync => "sync",
            ErrorCode::Poisoned => "poisoned",
            ErrorCode::Receipt => "receipt",
            ErrorCode::Training => "training",
            ErrorCode::Io => "io",
            ErrorCode::DemoCatalogue => "demo_catalogue",
            ErrorCode::OwnerNeeded => "owner_needed",
            ErrorCode::SignInNeeded => "sign_in_needed",
            ErrorCode::NotAllowed => "not_allowed",
            ErrorCode::ApprovalNeeded => "approval_needed",
            ErrorCode::WrongPin => "wrong_pin",
            ErrorCode::UserLocked => "user_locked",
        }
    }

    /// True when the shop's input or KRA refused the request (as opposed to a broken set-up):
    /// what the CLI reports with exit code 1 either way, but the shell may colour differently.
    pub fn is_refusal(self) -> bool {
        matches!(
            self,
            ErrorCode::Refused
                | ErrorCode::InvalidInput
                | ErrorCode::KraRefused
                | ErrorCode::NotFound
                | ErrorCode::AlreadyInitialised
                | ErrorCode::NotAllowed
                | ErrorCode::ApprovalNeeded
                | ErrorCode::WrongPin
                | ErrorCode::UserLocked
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Error {
    /// The kind of failure (the shell's `UiError.code`, scripts).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotInitialised => ErrorCode::NotInitialised,
            Error::AlreadyInitialised { .. } => ErrorCode::AlreadyInitialised,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::Refused(_) => ErrorCode::Refused,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Store(e) => match e {
                store::Error::ItemExists { .. }
                | store::Error::ItemIdentityChanged { .. }
                | store::Error::BarcodeTaken { .. }
                | store::Error::CreditExceedsSale { .. }
                | store::Error::AlreadyDecided { .. }
                | store::Error::MixedStockMoves { .. }
                | store::Error::ItemNotFound { .. }
                | store::Error::TaxRates { .. }
                | store::Error::BackupRefused { .. }
                | store::Error::RestoreWouldLose { .. }
                | store::Error::ClockBehind { .. }
                | store::Error::UserExists { .. }
                | store::Error::Domain(_) => ErrorCode::Refused,
                store::Error::DocumentNotFound { .. } => ErrorCode::NotFound,
                _ => ErrorCode::Storage,
            },
            Error::Kra { source, .. } => match source.retry() {
                oscu::Retry::Never => ErrorCode::KraRefused,
                _ => ErrorCode::KraUnreachable,
            },
            Error::Sync { .. } => ErrorCode::Sync,
            Error::Poisoned { .. } => ErrorCode::Poisoned,
            Error::Receipt(_)
            | Error::Print(_)
            | Error::PrinterTimeout { .. }
            | Error::PrinterBusy { .. }
            | Error::NotAPrinter { .. } => ErrorCode::Receipt,
            Error::At { source, .. } => source.code(),
            Error::Simulator(_) => ErrorCode::Training,
            Error::Io { .. } | Error::DataFolder { .. } => ErrorCode::Io,
            Error::KeyNotSaved { .. } => ErrorCode::Storage,
            Error::DemoCatalogue { .. } => ErrorCode::DemoCatalogue,
            Error::ImportRows { .. } => ErrorCode::Refused,
            Error::OwnerNeeded => ErrorCode::OwnerNeeded,
            Error::SignInNeeded => ErrorCode::SignInNeeded,
            Error::NotAllowed { .. } | Error::CannotApprove { .. } => ErrorCode::NotAllowed,
            Error::ApprovalNeeded { .. } => ErrorCode::ApprovalNeeded,
            Error::WrongPin { .. } => ErrorCode::WrongPin,
            Error::UserLocked { .. } => ErrorCode::UserLocked,
            Error::UnknownUser { .. } => ErrorCode::NotFound,
            Error::OwnerExists | Error::LastOwner { .. } => ErrorCode::Refused,
        }
    }

    /// True when the shop's input or KRA refused the request (as opposed to a broken set-up).
    pub fn is_refusal(&self) -> bool {
        self.code().is_refusal()
    }

    /// The input the error belongs to, when Duka knows it: the name of the field in the request
    /// the UI sent (see [`crate::fields`]), so the screen shows the message next to that input.
    pub fn field(&self) -> Option<String> {
        match self {
            Error::InvalidInput { input, .. } => input.map(str::to_owned),
            Error::Refused(violations) => violations.0.iter().find_map(crate::fields::of_violation),
            Error::At { input, .. } => Some(input.clone()),
            _ => None,
        }
    }

    /// This error, placed at `input` (see [`crate::fields`]) unless it already names its input.
    pub(crate) fn at(self, input: impl FnOnce() -> String) -> Error {
        if self.field().is_some() { self } else { Error::At { input: input(), source: Box::new(self) } }
    }

    /// The message as a sentence on screen: starting with a capital letter.
    pub fn sentence(&self) -> String {
        sentence(&self.to_string())
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
        Error::InvalidInput { field, reason: reason.into(), input: crate::fields::of_label(field) }
    }

    /// An input error whose request field is known where it is found.
    pub(crate) fn invalid_input(field: &'static str, input: &'static str, reason: impl Into<String>) -> Error {
        Error::InvalidInput { field, reason: reason.into(), input: Some(input) }
    }
}

/// Starts the message with a capital letter, as a sentence on screen should.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Something went wrong, but no reason was given: try again".to_owned(),
    }
}

impl From<store::bridge::ThreadStopped> for Error {
    fn from(e: store::bridge::ThreadStopped) -> Error {
        Error::Store(store::Error::StoreThread(e))
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
    fn messages_read_as_sentences() {
        for (input, expected) in [
            ("could not reach KRA", "Could not reach KRA"),
            ("KRA refused", "KRA refused"),
            ("", "Something went wrong, but no reason was given: try again"),
        ] {
            assert_eq!(sentence(input), expected, "{input:?}");
        }
        assert!(Error::NotInitialised.sentence().starts_with("This till is not connected to KRA yet"));
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
            assert_eq!((e.code().as_str(), e.is_refusal()), (code, refusal), "{e}");
        }
    }

    #[test]
    fn codes_serialise_as_the_names_the_ui_receives() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
    }
}
