//! Reference and lookup lists: codes, item classifications, PIN lookup, branches, notices,
//! taxpayer info and the branch customer read-back. Every list honours `lastReqDt` and answers
//! `001` when nothing is newer.

use serde_json::{Value, json};

use super::{Answer, Ctx, Reply, last_req_dt, list_reply, schema};
use crate::{books::kind, fields::Read, reference::REFERENCE_DATA_DT, taxpayer};

pub fn code_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::LIST, body)?;
    if REFERENCE_DATA_DT > last_req_dt(body) {
        list_reply("clsList", arr(ctx.reference.cls_list()))
    } else {
        Ok(Reply::Empty)
    }
}

pub fn item_class_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::LIST, body)?;
    if REFERENCE_DATA_DT > last_req_dt(body) {
        list_reply("itemClsList", arr(ctx.reference.item_cls_list()))
    } else {
        Ok(Reply::Empty)
    }
}

fn arr(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        _ => Vec::new(),
    }
}

pub fn customer(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::CUSTOMER_LOOKUP, body)?;
    let tin = body.text("custmTin");
    if !taxpayer::is_known(ctx.books, tin) {
        return Ok(Reply::Empty);
    }
    let rec = ctx.books.get(kind::TAXPAYER, tin).map(|r| r.body.clone()).unwrap_or(Value::Null);
    let field = |k: &str| rec.get(k).cloned().unwrap_or(Value::Null);
    list_reply(
        "custList",
        vec![json!({
            "tin": tin,
            "taxprNm": taxpayer::name(ctx.books, tin),
            "taxprSttsCd": rec.get("taxprSttsCd").cloned().unwrap_or_else(|| json!("A")),
            "prvncNm": field("prvncNm"),
            "dstrtNm": field("dstrtNm"),
            "sctrNm": field("sctrNm"),
            "locDesc": field("locDesc"),
        })],
    )
}

pub fn branch_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::LIST, body)?;
    if REFERENCE_DATA_DT <= last_req_dt(body) {
        return Ok(Reply::Empty);
    }
    let list = ctx
        .books
        .branches_of(ctx.tin())
        .map(|b| {
            json!({
                "tin": b.tin, "bhfId": b.bhf_id, "bhfNm": taxpayer::branch_name(&b.bhf_id), "bhfSttsCd": "01",
                "prvncNm": null, "dstrtNm": null, "sctrNm": null, "locDesc": null,
                "mgrNm": null, "mgrTelNo": null, "mgrEmail": null,
                "hqYn": if b.bhf_id == "00" { "Y" } else { "N" },
            })
        })
        .collect();
    list_reply("bhfList", list)
}

pub fn notice_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::LIST, body)?;
    let since = last_req_dt(body);
    let list = ctx
        .books
        .scan(kind::NOTICE, "")
        .filter(|(_, r)| r.changed_at.as_str() > since)
        .map(|(_, r)| r.body.clone())
        .collect();
    list_reply("noticeList", list)
}

pub fn taxpayer_info(ctx: &mut Ctx<'_>) -> Answer {
    Ok(Reply::Data(json!({"info": {"taxprNm": taxpayer::name(ctx.books, ctx.tin()), "vatTyCd": "1"}})))
}

pub fn customer_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::OPTIONAL_LIST, body)?;
    let since = last_req_dt(body).to_owned();
    let list = ctx
        .books
        .scan(kind::CUSTOMER, &ctx.branch_prefix())
        .filter(|(_, r)| r.changed_at > since)
        .map(|(_, r)| r.body.clone())
        .collect();
    list_reply("custList", list)
}
