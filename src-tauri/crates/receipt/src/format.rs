//! How values are written on a receipt: Kenyan amounts, dates, signature groups, the CU invoice
//! number and the KRA verification link. Each rule lives here once.

use domain::{Date, DateTime, KraPin, Money};

use crate::model::{Environment, Signature};

/// "1,160.00", or "-1,160.00" when `negative` (credit notes print their amounts negative).
pub fn amount(value: Money, negative: bool) -> String {
    let shown = if negative && value.cents() != 0 { Money::from_cents(value.cents().saturating_neg()) } else { value };
    shown.to_string()
}

/// "KES 1,160.00".
pub fn kes(value: Money, negative: bool) -> String {
    format!("KES {}", amount(value, negative))
}

/// "18/09/2026", the day-first order used in Kenya.
pub fn date(value: Date) -> String {
    format!("{:02}/{:02}/{:04}", value.day(), value.month(), value.year())
}

/// "11:00:32".
pub fn time(value: DateTime) -> String {
    format!("{:02}:{:02}:{:02}", value.hour(), value.minute(), value.second())
}

/// "18/09/2026 11:00:32".
pub fn date_time(value: DateTime) -> String {
    format!("{} {}", date(value.date()), time(value))
}

/// Groups of four separated by dashes: "SZBBFW4DCZ7HAGPH" -> "SZBB-FW4D-CZ7H-AGPH" (SPEC §11).
pub fn groups_of_four(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The CU invoice number printed on the receipt and quoted by credit notes.
///
/// SPEC §11 conflict: Odoo prints `{sdcId}/{invcNo}`, S2B prints `{sdcId}/{curRcptNo}`. We follow
/// the issue and Odoo (`invcNo`); in the recorded KRA run both numbers are equal. Change it here only.
pub fn cu_invoice_no(signature: &Signature) -> String {
    format!("{}/{}", signature.sdc_id, signature.invc_no)
}

/// The production host of KRA's receipt verification page.
pub const PRODUCTION_HOST: &str = "https://etims.kra.go.ke";
/// The sandbox host.
pub const SANDBOX_HOST: &str = "https://etims-sbx.kra.go.ke";
/// Training receipts point here: a reserved `.invalid` name that can never reach KRA.
pub const TRAINING_LINK_PREFIX: &str = "https://training.invalid/duka/receipt?training=not-a-tax-invoice&Data=";

/// The verification link carried by the QR code (SPEC §11): `Data` = PIN (11) + branch (2) +
/// receipt signature (16), no separators; the host follows the environment.
pub fn verification_link(environment: Environment, pin: &KraPin, branch_id: &str, rcpt_sign: &str) -> String {
    let data = format!("{}{}{}", pin.as_str(), branch_id, rcpt_sign.replace('-', ""));
    match environment {
        Environment::Production => {
            format!("{PRODUCTION_HOST}/common/link/etims/receipt/indexEtimsReceiptData?Data={data}")
        }
        Environment::Sandbox => format!("{SANDBOX_HOST}/common/link/etims/receipt/indexEtimsReceiptData?Data={data}"),
        Environment::Training => format!("{TRAINING_LINK_PREFIX}{data}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_kenyan_style() {
        for (cents, negative, expected) in [
            (116_000, false, "1,160.00"),
            (116_000, true, "-1,160.00"),
            (0, true, "0.00"),
            (5, false, "0.05"),
            (123_456_789, false, "1,234,567.89"),
        ] {
            assert_eq!(amount(Money::from_cents(cents), negative), expected, "{cents} {negative}");
        }
        assert_eq!(kes(Money::from_cents(1_044_000), false), "KES 10,440.00");
    }

    #[test]
    fn signature_groups() {
        for (input, expected) in [
            ("SZBBFW4DCZ7HAGPH", "SZBB-FW4D-CZ7H-AGPH"),
            ("QM67VCKTFUM7EXGXHV5FMBJ7FI", "QM67-VCKT-FUM7-EXGX-HV5F-MBJ7-FI"),
            ("ABC", "ABC"),
            ("", ""),
        ] {
            assert_eq!(groups_of_four(input), expected);
        }
    }

    #[test]
    fn verification_link_follows_environment() {
        let pin = KraPin::parse("P600004575A").unwrap();
        let check = |env, expected: &str| assert_eq!(verification_link(env, &pin, "00", "SZBBFW4DCZ7HAGPH"), expected);
        check(
            Environment::Production,
            "https://etims.kra.go.ke/common/link/etims/receipt/indexEtimsReceiptData?Data=P600004575A00SZBBFW4DCZ7HAGPH",
        );
        check(
            Environment::Sandbox,
            "https://etims-sbx.kra.go.ke/common/link/etims/receipt/indexEtimsReceiptData?Data=P600004575A00SZBBFW4DCZ7HAGPH",
        );
        check(
            Environment::Training,
            "https://training.invalid/duka/receipt?training=not-a-tax-invoice&Data=P600004575A00SZBBFW4DCZ7HAGPH",
        );
    }

    #[test]
    fn dates_are_day_first() {
        let dt = DateTime::parse_kra("20260918110032").unwrap();
        assert_eq!(date_time(dt), "18/09/2026 11:00:32");
    }
}
