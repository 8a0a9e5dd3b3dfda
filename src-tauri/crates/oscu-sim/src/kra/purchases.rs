//! Purchases: the feed of suppliers' sales addressed to this branch
//! (`selectTrnsPurchaseSalesList`) and `insertTrnsPurchase` (its own invcNo series, "Missing
//! purchase Record" for a confirmation with no supplier sale behind it, the tax split).

use serde_json::{Value, json};

use super::{
    Answer, Ctx, Refusal, Reply,
    amounts::{self, Discount},
    invc_no_sequence, last_req_dt, list_reply, registered_item, schema,
};
use crate::{
    books::{kind, numbered_key},
    fields::Read,
};

/// Key of a supplier sale addressed to a branch: the supplier's PIN, branch and `invcNo` (each
/// branch of a supplier numbers its own sales, SPEC §8.2).
pub fn supplier_sale_key(
    tin: &str,
    bhf: &str,
    supplier_tin: &str,
    supplier_bhf: &str,
    supplier_invc_no: u64,
) -> String {
    format!("{tin}/{bhf}/{supplier_tin}/{supplier_bhf}/{supplier_invc_no:020}")
}

/// The feed record a confirmation names: by the supplier's branch when `spplrBhfId` is given
/// (optional in SPEC §6.17), otherwise the supplier's only sale with that number.
fn named_supplier_sale(ctx: &Ctx<'_>, body: &Value) -> Result<String, Refusal> {
    let supplier = body.opt_text("spplrTin").unwrap_or("");
    let no = body.int("spplrInvcNo");
    let prefix = format!("{}{supplier}/", ctx.branch_prefix());
    let missing = || Refusal::param("Missing purchase Record");
    if supplier.is_empty() {
        return Err(missing());
    }
    if let Some(supplier_bhf) = body.opt_text("spplrBhfId") {
        let key = format!("{prefix}{supplier_bhf}/{no:020}");
        if ctx.books.get(kind::SUPPLIER_SALE, &key)?.is_some() {
            return Ok(key);
        }
        // A state file written before the supplier's branch was part of the key.
        let legacy = format!("{prefix}{no:020}");
        return match ctx.books.get(kind::SUPPLIER_SALE, &legacy)? {
            Some(r) if r.body.opt_text("spplrBhfId").unwrap_or("00") == supplier_bhf => Ok(legacy),
            _ => Err(missing()),
        };
    }
    let suffix = format!("/{no:020}");
    let found: Vec<(String, bool)> = ctx
        .books
        .scan(kind::SUPPLIER_SALE, &prefix)?
        .into_iter()
        .filter(|(k, _)| k.ends_with(&suffix))
        .map(|(k, r)| (k, r.body.get("_confirmedInvcNo").is_none()))
        .collect();
    let open: Vec<&str> = found.iter().filter(|(_, open)| *open).map(|(k, _)| k.as_str()).collect();
    match (found.as_slice(), open.as_slice()) {
        ([], _) => Err(missing()),
        ([(one, _)], _) => Ok(one.clone()),
        (_, [one]) => Ok((*one).to_owned()),
        _ => Err(Refusal::param(format!(
            "Missing spplrBhfId: supplier {supplier} has an invoice {no} at more than one branch; name the branch"
        ))),
    }
}

pub fn supplier_sales(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::LIST, body)?;
    let since = last_req_dt(body).to_owned();
    let list = ctx
        .books
        .scan(kind::SUPPLIER_SALE, &ctx.branch_prefix())?
        .into_iter()
        .filter(|(_, r)| r.changed_at > since && r.body.get("_confirmedInvcNo").is_none())
        .map(|(_, r)| r.body)
        .collect();
    list_reply("saleList", list)
}

pub fn insert(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    for part in schema::PURCHASE {
        ctx.check(part, body)?;
    }
    let (tin, bhf) = (ctx.tin().to_owned(), ctx.bhf().to_owned());
    let invc_no = body.int("invcNo");
    let key = numbered_key(&tin, &bhf, invc_no);
    if let Some(rec) = ctx.books.get(kind::PURCHASE, &key)?
        && rec.body == *body
    {
        return Err(Refusal::duplicate(format!("Purchase {invc_no} is already recorded (duplicate data)")));
    }
    let expected = ctx.books.branch(&tin, &bhf).map_or(1, |b| b.next_purchase_no);
    if invc_no != expected {
        return Err(invc_no_sequence(expected, invc_no));
    }
    let org = body.int("orgInvcNo");
    if body.text("rcptTyCd") == "R" {
        // A credit note after purchase names a recorded purchase (rcptTyCd P) of this branch.
        let original = ctx.books.get(kind::PURCHASE, &numbered_key(&tin, &bhf, org))?;
        if original.is_none_or(|r| r.body.text("rcptTyCd") != "P") {
            return Err(Refusal::param(format!(
                "orgInvcNo does not exist: there is no recorded purchase {org} at this branch"
            )));
        }
    } else if org != 0 {
        return Err(Refusal::param(format!("Invalid orgInvcNo: a purchase (rcptTyCd P) carries 0, found {org}")));
    }
    let mut feed_key = None;
    if body.text("regTyCd") == "A" {
        let supplier = body.opt_text("spplrTin").unwrap_or("");
        let skey = named_supplier_sale(ctx, body)?;
        match ctx.books.get(kind::SUPPLIER_SALE, &skey)? {
            None => return Err(Refusal::param("Missing purchase Record")),
            Some(r) if r.body.get("_confirmedInvcNo").is_some() => {
                return Err(Refusal::duplicate(format!(
                    "The supplier invoice {} of {supplier} is already confirmed by purchase {}",
                    body.int("spplrInvcNo"),
                    r.body["_confirmedInvcNo"]
                )));
            }
            Some(_) => feed_key = Some(skey),
        }
    }
    amounts::check_numbering(body)?;
    let mut lines = Vec::new();
    for (i, line) in body.lines().iter().enumerate() {
        let n = i + 1;
        let item_cd = line.opt_text("itemCd").unwrap_or("");
        if item_cd.is_empty() {
            return Err(Refusal::param(format!(
                "Expected a value for itemCd on item: {n} but it is empty or null (map the supplier's item to one of yours)"
            )));
        }
        registered_item(ctx.books, &tin, item_cd)?;
        amounts::check_packages(line, n)?;
        lines.push(amounts::check_line(line, n, ctx.reference.rates(), Discount::RateAndAmount)?);
    }
    let totals = amounts::totals(ctx.reference.rates(), &lines)?;
    amounts::check_bands(body, &totals)?;
    amounts::check_totals(body, &totals)?;

    let now = ctx.now.clone();
    ctx.books.put(kind::PURCHASE, &key, &now, body.clone());
    if let Some(skey) = feed_key
        && let Some(rec) = ctx.books.get(kind::SUPPLIER_SALE, &skey)?
    {
        let mut confirmed = rec.body;
        confirmed["_confirmedInvcNo"] = json!(invc_no);
        ctx.books.put(kind::SUPPLIER_SALE, &skey, &now, confirmed);
    }
    if let Some(b) = ctx.books.branch_mut(&tin, &bhf) {
        b.next_purchase_no = invc_no + 1;
    }
    Ok(Reply::Data(Value::Null))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{books::Books, function::Host, kra::Caller, reference::Reference};

    #[test]
    fn a_confirmation_finds_supplier_sales_of_older_state_files() {
        let reference = Reference::builtin().unwrap();
        let mut books = Books::in_memory().unwrap();
        let legacy = "P051234567X/00/P000000001Q/00000000000000000041";
        books.put(kind::SUPPLIER_SALE, legacy, "20261121090000", json!({"spplrBhfId": "00", "spplrInvcNo": 41}));
        let caller = Caller { tin: "P051234567X".into(), bhf_id: "00".into(), device_key: String::new() };
        let ctx = Ctx { books: &mut books, reference: &reference, host: Host::Direct, now: String::new(), caller };
        let named = |bhf: Option<&str>| {
            named_supplier_sale(&ctx, &json!({"spplrTin": "P000000001Q", "spplrBhfId": bhf, "spplrInvcNo": 41}))
        };
        assert_eq!(named(Some("00")), Ok(legacy.to_owned()));
        assert_eq!(named(None), Ok(legacy.to_owned()));
        assert_eq!(named(Some("01")).unwrap_err().message, "Missing purchase Record");
    }
}
