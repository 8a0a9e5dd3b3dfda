//! The one error the UI ever sees: `{code, message, field?}`. `code` is `app::ErrorCode` (the same
//! snake_case names the UI has always received), `message` is written for the shopkeeper, and
//! `field`, when known, names the input it belongs to as the command's input names it
//! (`buyer_pin`, `lines.2.qty`: see `app::fields`), so the screen puts the message next to it.

use serde::Serialize;

/// What a command returns when it fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct UiError {
    pub code: app::ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// With `approval_needed`: the action to approve (`credit_note`, `z_report`...), which the
    /// window's approval dialog passes to the `approve` command before repeating the command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<&'static str>,
}

pub type Result<T, E = UiError> = std::result::Result<T, E>;

impl UiError {
    /// Input the shell refuses while reading the UI's request (e.g. "2x" as a quantity): `label`
    /// starts the message as the form names the input, `field` names it as the request does.
    pub fn invalid(label: &str, field: impl Into<String>, reason: impl std::fmt::Display) -> UiError {
        UiError {
            code: app::ErrorCode::InvalidInput,
            message: format!("{label}: {reason}"),
            field: Some(field.into()),
            action: None,
        }
    }
}

impl From<app::Error> for UiError {
    fn from(e: app::Error) -> UiError {
        UiError {
            code: e.code(),
            message: e.sentence(),
            field: e.field(),
            action: approval_needed(&e).map(app::Action::as_str),
        }
    }
}

/// The action an `approval_needed` error waits for, wherever the error was placed.
fn approval_needed(e: &app::Error) -> Option<app::Action> {
    match e {
        app::Error::ApprovalNeeded { action } => Some(*action),
        app::Error::At { source, .. } => approval_needed(source),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_errors_keep_their_code_and_field() {
        let e = UiError::from(app::Error::NotInitialised);
        assert_eq!((e.code, e.field.as_deref()), (app::ErrorCode::NotInitialised, None));
        assert!(e.message.starts_with("This till is not connected to KRA yet"), "{}", e.message);
        assert_eq!(
            serde_json::to_value(&e).unwrap()["code"],
            serde_json::json!("not_initialised"),
            "the UI branches on the same names as before"
        );
        let setup = app::DeviceSetup { environment: "staging".into(), ..app::DeviceSetup::default() };
        let e = UiError::from(setup.into_request().unwrap_err());
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "code": "invalid_input",
                "message": "Environment: \"staging\" is neither sandbox nor production",
                "field": "environment",
            })
        );
        let e = UiError::from(app::Error::ApprovalNeeded { action: app::Action::CreditNote });
        assert_eq!((e.code, e.action), (app::ErrorCode::ApprovalNeeded, Some("credit_note")));
        assert!(e.message.starts_with("A credit note needs a supervisor's or the owner's PIN"), "{}", e.message);
    }
}
