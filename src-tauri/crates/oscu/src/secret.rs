//! Secrets the client holds (the communication key, OAuth credentials, user passwords): their
//! `Debug` never shows the value, and they have no `Display`, so they cannot leak into logs or
//! error text by accident.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! secret_string {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> $name {
                $name(value.into())
            }

            /// The value itself, for the one place that must send it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "(<redacted, {} chars>)"), self.0.chars().count())
            }
        }
    };
}

secret_string!(
    /// The OSCU communication key (`cmcKey`) issued once by device initialisation.
    CmcKey
);
secret_string!(
    /// A secret text such as an OAuth consumer secret, an access token or a user password.
    SecretText
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value() {
        let key = CmcKey::new("A1B2C3SECRETKEY");
        let shown = format!("{key:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(shown, "CmcKey(<redacted, 15 chars>)");
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"A1B2C3SECRETKEY\"");
    }
}
