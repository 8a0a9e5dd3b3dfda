//! KRA PINs: a letter, nine digits and a letter (e.g. `P051234567X`).

use std::fmt;

use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KraPin(String);

impl KraPin {
    /// Accepts upper or lower case and surrounding spaces; stores upper case.
    pub fn parse(input: &str) -> Result<KraPin> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        let ok = b.len() == 11
            && b[0].is_ascii_uppercase()
            && b[1..10].iter().all(u8::is_ascii_digit)
            && b[10].is_ascii_uppercase();
        if ok { Ok(KraPin(s)) } else { Err(Error::ParsePin { input: input.to_owned() }) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KraPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins() {
        for ok in ["P051234567X", "a000000001z", " P600004575A "] {
            assert!(KraPin::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "P05123456X", "P0512345678X", "1051234567X", "P05123456AX", "P051234567"] {
            assert!(KraPin::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(KraPin::parse("p051234567x").unwrap().as_str(), "P051234567X");
    }
}
