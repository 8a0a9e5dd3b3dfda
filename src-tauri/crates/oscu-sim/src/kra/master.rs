//! Master data: branch customers, users and insurers; items and their KRA item codes (SPEC §10);
//! item compositions; customs imports.

use domain::{ItemCode, ItemCodeParts, Qty};
use serde_json::{Value, json};

use super::{Answer, Ctx, Refusal, Reply, item_key, last_req_dt, list_reply, registered_item, schema};
use crate::{
    books::{Books, kind},
    fields::Read,
    kra::stock,
};

fn saved() -> Answer {
    Ok(Reply::Data(Value::Null))
}

pub fn save_customer(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::SAVE_CUSTOMER, body)?;
    let key = format!("{}{}", ctx.branch_prefix(), body.text("custNo"));
    let now = ctx.now.clone();
    ctx.books.put(kind::CUSTOMER, &key, &now, body.clone());
    saved()
}

pub fn save_user(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::SAVE_USER, body)?;
    let key = format!("{}{}", ctx.branch_prefix(), body.text("userId"));
    let now = ctx.now.clone();
    ctx.books.put(kind::USER, &key, &now, body.clone());
    saved()
}

pub fn save_insurance(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::SAVE_INSURANCE, body)?;
    let key = format!("{}{}", ctx.branch_prefix(), body.text("isrccCd"));
    let now = ctx.now.clone();
    ctx.books.put(kind::INSURANCE, &key, &now, body.clone());
    saved()
}

/// The next item-code sequence of a PIN: one more than the highest registered.
pub fn next_item_sequence(books: &Books, tin: &str) -> crate::Result<u32> {
    Ok(books
        .scan(kind::ITEM, &format!("{tin}/"))?
        .iter()
        .filter_map(|(_, r)| ItemCode::parse(r.body.text("itemCd")).ok()?.parts().map(|p| p.sequence))
        .max()
        .unwrap_or(0)
        + 1)
}

/// Checks that the code's embedded country, type and units are the item's (SPEC §10).
fn check_code_prefix(code: &str, body: &Value) -> Result<(), Refusal> {
    let segments = [
        (0..2, "orgnNatCd", "Incorrect OrgnNatCd Prefix"),
        (2..3, "itemTyCd", "Incorrect ItemTyCd Prefix"),
        (3..5, "pkgUnitCd", "Incorrect PkgUnitCd Prefix"),
        (5..7, "qtyUnitCd", "Incorrect QtyUnitCd Prefix"),
    ];
    for (range, field, message) in segments {
        let value = body.text(field);
        // A unit that is not two characters cannot sit in the fixed layout (domain::item).
        if code.get(range).is_none_or(|s| s != value) {
            return Err(Refusal::param(message));
        }
    }
    Ok(())
}

/// `itemClsCd` must be a classification of KRA's list (SPEC §6.3).
fn check_item_class(ctx: &Ctx<'_>, body: &Value) -> Result<(), Refusal> {
    let cls = body.text("itemClsCd");
    if ctx.reference.is_item_class(cls) {
        Ok(())
    } else {
        Err(Refusal::param(format!(
            "Invalid itemClsCd: \"{cls}\" is not in the item classification list (selectItemClsList)"
        )))
    }
}

pub fn save_item(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::SAVE_ITEM, body)?;
    let pkg = body.text("pkgUnitCd");
    if !ctx.reference.package_units.iter().any(|u| u == pkg) {
        return Err(Refusal::param(format!(
            "The Package unit code can ony be among the following list: [{}]",
            ctx.reference.package_units.join(", ")
        )));
    }
    check_item_class(ctx, body)?;
    let code = body.text("itemCd");
    check_code_prefix(code, body)?;
    let key = item_key(ctx.tin(), code);
    let existing = ctx.books.get(kind::ITEM, &key)?;
    if existing.is_none() {
        let next = next_item_sequence(ctx.books, ctx.tin())?;
        let item_type = body.text("itemTyCd").parse().map_err(|_| Refusal::param("Incorrect ItemTyCd Prefix"))?;
        let parts = ItemCodeParts {
            origin: body.text("orgnNatCd").to_owned(),
            item_type,
            pkg_unit: pkg.to_owned(),
            qty_unit: body.text("qtyUnitCd").to_owned(),
            sequence: next,
        };
        let expected = ItemCode::build(&parts).map_err(|_| Refusal::param("Incorrect QtyUnitCd Prefix"))?;
        if expected.as_str() != code {
            return Err(Refusal::param(format!(
                "Invalid itemCd Sequence. Expected sequence ending with: ********{next}"
            )));
        }
    }
    let mut stored = body.clone();
    if let Value::Object(m) = &mut stored {
        m.insert("tin".into(), json!(ctx.tin()));
        let reg_bhf = existing.and_then(|r| r.body.get("regBhfId").cloned()).unwrap_or_else(|| json!(ctx.bhf()));
        m.insert("regBhfId".into(), reg_bhf);
        m.insert("rraModYn".into(), json!("N"));
    }
    let now = ctx.now.clone();
    ctx.books.put(kind::ITEM, &key, &now, stored);
    saved()
}

pub fn item_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::LIST, body)?;
    let since = last_req_dt(body).to_owned();
    let list = ctx
        .books
        .scan(kind::ITEM, &format!("{}/", ctx.tin()))?
        .into_iter()
        .filter(|(_, r)| r.changed_at > since)
        .map(|(_, r)| {
            let b = &r.body;
            let mut item = serde_json::Map::new();
            for k in [
                "tin",
                "itemCd",
                "itemClsCd",
                "itemTyCd",
                "itemNm",
                "itemStdNm",
                "orgnNatCd",
                "pkgUnitCd",
                "qtyUnitCd",
                "taxTyCd",
                "btchNo",
                "regBhfId",
                "bcd",
                "dftPrc",
                "grpPrcL1",
                "grpPrcL2",
                "grpPrcL3",
                "grpPrcL4",
                "grpPrcL5",
                "addInfo",
                "sftyQty",
                "isrcAplcbYn",
                "rraModYn",
                "useYn",
            ] {
                let value = match b.get(k) {
                    Some(v) if !v.is_null() => v.clone(),
                    // KRA reads unsent prices and safety stock back as 0 (recorded selectItemList).
                    _ if k.starts_with("grpPrcL") || k == "sftyQty" || k == "dftPrc" => json!(0),
                    _ => Value::Null,
                };
                item.insert(k.into(), value);
            }
            Value::Object(item)
        })
        .collect();
    list_reply("itemList", list)
}

/// True for goods (item types 1 and 2), which carry stock.
pub fn is_goods(item: &Value) -> bool {
    item.text("itemTyCd") != "3"
}

pub fn save_composition(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::SAVE_COMPOSITION, body)?;
    let tin = ctx.tin().to_owned();
    registered_item(ctx.books, &tin, body.text("itemCd"))?;
    let component_cd = body.text("cpstItemCd");
    let component = registered_item(ctx.books, &tin, component_cd)?;
    let qty = body.qty("cpstQty");
    if !qty.is_positive() {
        return Err(Refusal::param("Invalid cpstQty: the component quantity must be more than 0"));
    }
    if is_goods(&component) {
        let on_hand = stock::running_total(ctx.books, ctx.tin(), ctx.bhf(), component_cd)?;
        if on_hand < qty {
            return Err(insufficient(component_cd, on_hand, qty));
        }
    }
    let key = format!("{}{}/{}", ctx.branch_prefix(), body.text("itemCd"), component_cd);
    let now = ctx.now.clone();
    ctx.books.put(kind::COMPOSITION, &key, &now, body.clone());
    saved()
}

/// KRA's "Insufficient Stock", with the numbers.
pub fn insufficient(item_cd: &str, on_hand: Qty, wanted: Qty) -> Refusal {
    Refusal::param(format!(
        "Insufficient Stock for item {item_cd}. Available: {}, Requested: {}",
        on_hand.plain(),
        wanted.plain()
    ))
}

/// Key of an import line addressed to a branch.
pub fn import_key(tin: &str, bhf: &str, task_cd: &str, dcl_de: &str, item_seq: u64) -> String {
    format!("{tin}/{bhf}/{task_cd}/{dcl_de}/{item_seq:010}")
}

pub fn import_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::LIST, body)?;
    let since = last_req_dt(body).to_owned();
    let list = ctx
        .books
        .scan(kind::IMPORT, &ctx.branch_prefix())?
        .into_iter()
        .filter(|(_, r)| r.changed_at > since)
        .map(|(_, r)| r.body)
        .collect();
    list_reply("itemList", list)
}

pub fn update_import(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::UPDATE_IMPORT, body)?;
    check_item_class(ctx, body)?;
    let key = import_key(ctx.tin(), ctx.bhf(), body.text("taskCd"), body.text("dclDe"), body.int("itemSeq"));
    let Some(record) = ctx.books.get(kind::IMPORT, &key)? else {
        return Err(Refusal::param(format!(
            "Import item not found: no declaration line taskCd {}, dclDe {}, itemSeq {} for this branch",
            body.text("taskCd"),
            body.text("dclDe"),
            body.int("itemSeq")
        )));
    };
    let status = body.text("imptItemSttsCd");
    if status != "3" && status != "4" {
        return Err(Refusal::param(format!(
            "Invalid imptItemSttsCd: send 3 to approve or 4 to reject, found \"{status}\""
        )));
    }
    let current = record.body.text("imptItemsttsCd").to_owned();
    if current == "3" || current == "4" {
        return Err(Refusal::duplicate(format!("Import item already processed with status {current}")));
    }
    registered_item(ctx.books, ctx.tin(), body.text("itemCd"))?;
    if status == "3" && body.opt_text("remark").is_none() {
        // Observed live (S2B): approving with remark null answered 999.
        return Err(Refusal { code: "999", message: "An unknown error occurred, please contact KRA".into() });
    }
    let mut updated = record.body;
    updated["imptItemsttsCd"] = json!(status);
    updated["itemCd"] = json!(body.text("itemCd"));
    updated["itemClsCd"] = json!(body.text("itemClsCd"));
    updated["remark"] = json!(body.opt_text("remark"));
    let now = ctx.now.clone();
    ctx.books.put(kind::IMPORT, &key, &now, updated);
    saved()
}
