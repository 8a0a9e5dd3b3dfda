//! Receipt signatures: `rcptSign` (16 characters) and `intrlData` (26 characters), upper-case
//! base-32 (RFC 4648 alphabet, no padding) of an HMAC-SHA256 keyed with the device's secret over a
//! canonical form of the accepted invoice and its counters. Deterministic: the same invoice,
//! counters and secret always give the same signature.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

/// What the SCU returns for an accepted sale or credit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub rcpt_sign: String,
    pub intrl_data: String,
}

/// The signed facts: the invoice as accepted (its JSON, keys sorted) and the SCU counters.
#[derive(Debug, Clone, Copy)]
pub struct SignedReceipt<'a> {
    pub tin: &'a str,
    pub bhf_id: &'a str,
    pub sdc_id: &'a str,
    pub invoice: &'a Value,
    pub cur_rcpt_no: u64,
    pub tot_rcpt_no: u64,
    pub sdc_date_time: &'a str,
}

/// JSON text with every object's keys sorted, whatever order they were sent or stored in.
fn canonical_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical_json(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

impl SignedReceipt<'_> {
    fn canonical(&self) -> Vec<u8> {
        let mut invoice = String::new();
        canonical_json(self.invoice, &mut invoice);
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            self.tin, self.bhf_id, self.sdc_id, self.cur_rcpt_no, self.tot_rcpt_no, self.sdc_date_time, invoice
        )
        .into_bytes()
    }
}

fn mac(secret: &[u8], label: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    m.update(label);
    m.update(message);
    m.finalize().into_bytes().to_vec()
}

/// Signs an accepted receipt with the device secret.
pub fn sign(secret: &[u8], receipt: &SignedReceipt<'_>) -> Signature {
    let message = receipt.canonical();
    let sign = BASE32_NOPAD.encode(&mac(secret, b"rcptSign\0", &message));
    let intrl = BASE32_NOPAD.encode(&mac(secret, b"intrlData\0", &message));
    Signature { rcpt_sign: sign[..16].to_owned(), intrl_data: intrl[..26].to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn receipt(invoice: &Value, n: u64) -> SignedReceipt<'_> {
        SignedReceipt {
            tin: "P051234567X",
            bhf_id: "00",
            sdc_id: "KRACU0100000001",
            invoice,
            cur_rcpt_no: n,
            tot_rcpt_no: n,
            sdc_date_time: "20261121101010",
        }
    }

    #[test]
    fn signatures_are_deterministic_base32_of_the_right_length() {
        let invoice = json!({"invcNo": 1, "totAmt": 100});
        let a = sign(b"secret", &receipt(&invoice, 1));
        assert_eq!(a, sign(b"secret", &receipt(&invoice, 1)));
        assert_eq!(a.rcpt_sign.len(), 16);
        assert_eq!(a.intrl_data.len(), 26);
        for s in [&a.rcpt_sign, &a.intrl_data] {
            assert!(s.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)), "{s}");
        }
        assert_ne!(a, sign(b"other", &receipt(&invoice, 1)));
        assert_ne!(a, sign(b"secret", &receipt(&invoice, 2)));
        assert_ne!(a, sign(b"secret", &receipt(&json!({"invcNo": 1, "totAmt": 101}), 1)));
        let mut nested = String::new();
        canonical_json(&json!({"b": [{"z": 1, "a": null}], "a": "x"}), &mut nested);
        assert_eq!(nested, r#"{"a":"x","b":[{"a":null,"z":1}]}"#);
    }
}
