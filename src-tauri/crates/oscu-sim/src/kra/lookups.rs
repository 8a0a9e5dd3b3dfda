//! Reference and lookup lists: codes, item classifications, PIN lookup, branches, notices,
//! taxpayer info and the branch customer read-back. Every list honours `lastReqDt` and answers
//! `001` when nothing is newer.

use oscu::wire::{Branch, CustomerInfo, TaxpayerInfo, TaxpayerInfoData};
use serde_json::Value;

use super::{Answer, Ctx, Refusal, Reply, last_req_dt, list_reply, schema};
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

/// A reply object written through `oscu::wire`, the one place the field names are spelt.
fn wire<T: serde::Serialize>(value: &T) -> Result<Value, Refusal> {
    serde_json::to_value(value)
        .map_err(|e| Refusal { code: "999", message: format!("Unknown error, contact KRA: {e}") })
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
    if !taxpayer::is_known(ctx.books, tin)? {
        return Ok(Reply::Empty);
    }
    let rec = ctx.books.get(kind::TAXPAYER, tin)?.map(|r| r.body).unwrap_or(Value::Null);
    let field = |k: &str| rec.opt_text(k).map(str::to_owned);
    let info = CustomerInfo {
        tin: Some(tin.to_owned()),
        taxpr_nm: Some(taxpayer::name(ctx.books, tin)?),
        taxpr_stts_cd: Some(field("taxprSttsCd").unwrap_or_else(|| "A".into())),
        prvnc_nm: field("prvncNm"),
        dstrt_nm: field("dstrtNm"),
        sctr_nm: field("sctrNm"),
        loc_desc: field("locDesc"),
    };
    list_reply("custList", vec![wire(&info)?])
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
            wire(&Branch {
                tin: Some(b.tin.clone()),
                bhf_id: Some(b.bhf_id.clone()),
                bhf_nm: Some(taxpayer::branch_name(&b.bhf_id)),
                bhf_stts_cd: Some("01".into()),
                prvnc_nm: None,
                dstrt_nm: None,
                sctr_nm: None,
                loc_desc: None,
                mgr_nm: None,
                mgr_tel_no: None,
                mgr_email: None,
                hq_yn: Some(if b.bhf_id == "00" { "Y" } else { "N" }.into()),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    list_reply("bhfList", list)
}

pub fn notice_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::LIST, body)?;
    let since = last_req_dt(body);
    let list = ctx
        .books
        .scan(kind::NOTICE, "")?
        .into_iter()
        .filter(|(_, r)| r.changed_at.as_str() > since)
        .map(|(_, r)| r.body.clone())
        .collect();
    list_reply("noticeList", list)
}

pub fn taxpayer_info(ctx: &mut Ctx<'_>) -> Answer {
    let data = TaxpayerInfoData {
        info: Some(TaxpayerInfo { taxpr_nm: Some(taxpayer::name(ctx.books, ctx.tin())?), vat_ty_cd: Some("1".into()) }),
    };
    Ok(Reply::Data(wire(&data)?))
}

pub fn customer_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::OPTIONAL_LIST, body)?;
    let since = last_req_dt(body).to_owned();
    let list = ctx
        .books
        .scan(kind::CUSTOMER, &ctx.branch_prefix())?
        .into_iter()
        .filter(|(_, r)| r.changed_at > since)
        .map(|(_, r)| r.body.clone())
        .collect();
    list_reply("custList", list)
}
