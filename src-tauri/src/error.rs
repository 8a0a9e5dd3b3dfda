//! The one error the UI ever sees: `{code, message}`, the message written for the shopkeeper.

use serde::Serialize;

/// What a command returns when it fails. `code` is stable (the UI and tests branch on it);
/// `message` says what went wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct UiError {
    pub code: &'static str,
    pub message: String,
}

pub type Result<T, E = UiError> = std::result::Result<T, E>;

impl UiError {
    /// Input the shell itself refuses before it reaches `app` (e.g. "2x" as a quantity).
    pub fn invalid(field: &str, reason: impl std::fmt::Display) -> UiError {
        UiError { code: "invalid_input", message: format!("{field}: {reason}") }
    }

    /// A file the shell keeps beside the database (draft cart, printer choice) could not be used.
    pub fn local_file(operation: &str, source: impl std::fmt::Display) -> UiError {
        UiError {
            code: "io",
            message: format!(
                "Duka could not {operation} ({source}): check that the disk is not full and that Duka's data folder \
                 can be written to, then try again"
            ),
        }
    }
}

impl From<app::Error> for UiError {
    fn from(e: app::Error) -> UiError {
        UiError { code: e.code(), message: sentence(&e.to_string()) }
    }
}

impl From<receipt::Error> for UiError {
    fn from(e: receipt::Error) -> UiError {
        UiError { code: "receipt", message: sentence(&e.to_string()) }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_sentences() {
        for (input, expected) in [
            ("could not reach KRA", "Could not reach KRA"),
            ("KRA refused", "KRA refused"),
            ("", "Something went wrong, but no reason was given: try again"),
        ] {
            assert_eq!(sentence(input), expected, "{input:?}");
        }
    }

    #[test]
    fn app_errors_keep_their_code() {
        let e = UiError::from(app::Error::NotInitialised);
        assert_eq!(e.code, "not_initialised");
        assert!(e.message.starts_with("This till is not connected to KRA yet"), "{}", e.message);
    }
}
