//! Taxpayer facts the simulator knows: the PINs of its configured devices and any taxpayers added
//! through the admin API (for `selectCustomer` lookups and names on replies).

use serde_json::Value;

use crate::{
    Result,
    books::{Books, kind},
};

/// The registered name of a PIN: the admin-added record, else a name that says it is simulated.
pub fn name(books: &Books, tin: &str) -> Result<String> {
    Ok(books
        .get(kind::TAXPAYER, tin)?
        .and_then(|r| r.body.get("taxprNm").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| format!("Simulated taxpayer {tin}")))
}

pub fn branch_name(bhf_id: &str) -> String {
    if bhf_id == "00" { "Headquarter".into() } else { format!("Branch {bhf_id}") }
}

/// True when `tin` is a taxpayer the simulator knows.
pub fn is_known(books: &Books, tin: &str) -> Result<bool> {
    Ok(books.devices().any(|(_, d)| d.tin == tin) || books.get(kind::TAXPAYER, tin)?.is_some())
}
