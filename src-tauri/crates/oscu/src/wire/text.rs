//! Lenient reading of KRA's optional text fields: a string, `null`, a missing key, a number
//! (kept as its text) or `false` (Odoo's legacy host echoes `"itemCd": false`) all read without
//! failing the whole response.

use std::fmt;

use serde::{Deserializer, de};

struct OptTextVisitor;

impl<'de> de::Visitor<'de> for OptTextVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a text value, a number, false or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(OptTextVisitor)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        // `false` is how some hosts say "no value"; `true` has no text meaning either.
        if v { Err(E::custom("expected text, found true")) } else { Ok(None) }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
}

/// `#[serde(default, deserialize_with = "text::opt")]` for `Option<String>` response fields.
pub(crate) fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_option(OptTextVisitor)
}

/// `#[serde(default, deserialize_with = "text::or_empty")]` for required-but-sloppy `String`
/// fields of responses: absent, `null` or `false` read as "".
pub(crate) fn or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt(d).map(Option::unwrap_or_default)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "super::opt")]
        v: Option<String>,
    }

    #[test]
    fn reads_every_shape_kra_uses() {
        for (json, expected) in [
            (r#"{"v":"KE2NTNO0000001"}"#, Some("KE2NTNO0000001")),
            (r#"{"v":""}"#, Some("")),
            (r#"{"v":null}"#, None),
            (r#"{}"#, None),
            (r#"{"v":false}"#, None),
            (r#"{"v":12}"#, Some("12")),
        ] {
            let p: Probe = serde_json::from_str(json).unwrap();
            assert_eq!(p.v.as_deref(), expected, "{json}");
        }
        for bad in [r#"{"v":true}"#, r#"{"v":[1]}"#, r#"{"v":{}}"#] {
            assert!(serde_json::from_str::<Probe>(bad).is_err(), "{bad}");
        }
    }
}
