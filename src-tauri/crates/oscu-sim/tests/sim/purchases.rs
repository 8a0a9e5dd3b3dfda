//! The purchase feed, insertTrnsPurchase, customs imports and updateImportItem.

use domain::{ItemType, TaxBand};
use oscu::{Function, wire::ImportItemUpdateReq};
use serde_json::{Value, json};

use crate::support::*;

const SUPPLIER: &str = "P000000001Q";

fn supplier_sale() -> Value {
    json!({
        "spplrTin": SUPPLIER, "spplrNm": "Wholesale Ltd", "spplrBhfId": "00", "spplrInvcNo": 41,
        "spplrSdcId": "KRACU0100000009", "spplrMrcNo": "KRA00000009",
        "rcptTyCd": "S", "pmtTyCd": "01", "cfmDt": "2026-11-20 09:00:00", "salesDt": "20261120",
        "stockRlsDt": "2026-11-20 09:00:00", "totItemCnt": 1,
        "taxblAmtA": 0, "taxblAmtB": 862.07, "taxblAmtC": 0, "taxblAmtD": 0, "taxblAmtE": 0,
        "taxRtA": 0, "taxRtB": 16, "taxRtC": 0, "taxRtD": 0, "taxRtE": 0,
        "taxAmtA": 0, "taxAmtB": 137.93, "taxAmtC": 0, "taxAmtD": 0, "taxAmtE": 0,
        "totTaxblAmt": 862.07, "totTaxAmt": 137.93, "totAmt": 1000, "remark": null,
        "itemList": [{"itemSeq": 1, "itemCd": "KE2NTNO0000031", "itemClsCd": "5020230000", "itemNm": "Soda crate",
            "bcd": null, "pkgUnitCd": "NT", "pkg": 10, "qtyUnitCd": "NO", "qty": 10, "prc": 100, "splyAmt": 1000,
            "dcRt": 0, "dcAmt": 0, "taxTyCd": "B", "taxblAmt": 862.07, "taxAmt": 137.93, "totAmt": 1000}]
    })
}

/// Our purchase confirming the supplier's sale, mapped to our own item.
fn purchase(invc_no: u64, own_item: &str) -> Value {
    let mut p = supplier_sale();
    let m = p.as_object_mut().unwrap();
    for k in ["spplrSdcId", "spplrMrcNo", "salesDt", "stockRlsDt"] {
        m.remove(k);
    }
    m.insert("invcNo".into(), json!(invc_no));
    m.insert("orgInvcNo".into(), json!(0));
    m.insert("regTyCd".into(), json!("A"));
    m.insert("pchsTyCd".into(), json!("N"));
    m.insert("rcptTyCd".into(), json!("P"));
    m.insert("pchsSttsCd".into(), json!("02"));
    m.insert("cfmDt".into(), json!("20261121090000"));
    m.insert("pchsDt".into(), json!("20261120"));
    for (k, v) in [("regrId", "till1"), ("regrNm", "Till One"), ("modrId", "till1"), ("modrNm", "Till One")] {
        m.insert(k.into(), json!(v));
    }
    let line = p["itemList"][0].as_object_mut().unwrap();
    line.insert("spplrItemCd".into(), json!("KE2NTNO0000031"));
    line.insert("spplrItemNm".into(), json!("Soda crate"));
    line.insert("itemCd".into(), json!(own_item));
    p
}

#[tokio::test]
async fn purchases_confirm_supplier_sales_in_their_own_series() {
    let Shop { sim, client, .. } = shop().await;
    let soda = item(1, "Soda", TaxBand::B, 10_000, ItemType::Finished);
    register(&client, &soda).await;
    let own = soda.code.as_str();

    assert!(client.select_purchase_sales("20180101000000").await.unwrap().is_empty());
    assert_refused(
        send(&client, Function::InsertTrnsPurchase, &purchase(1, own)).await,
        "910",
        "Missing purchase Record",
    );
    admin_post(&sim, "purchases", json!({"tin": PIN, "bhfId": "00", "sale": supplier_sale()})).await;
    let feed = client.select_purchase_sales("20180101000000").await.unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].value.spplr_invc_no.get(), 41);
    // Each entry keeps KRA's JSON of it, which reads back as the same entry (a feed stores it).
    let again: oscu::Kept<oscu::wire::PurchaseSale> =
        oscu::Kept::parse(Function::SelectTrnsPurchaseSalesList, feed[0].json.clone()).unwrap();
    assert_eq!(again, feed[0]);

    assert_refused(
        send(&client, Function::InsertTrnsPurchase, &purchase(2, own)).await,
        "910",
        "Invalid invcNo sequence, expected: 1 but found: 2",
    );
    assert_refused(
        send(&client, Function::InsertTrnsPurchase, &purchase(1, "KE2NTNO0000031")).await,
        "910",
        "Item KE2NTNO0000031 does not exist in your inventory",
    );
    let mut wrong = purchase(1, own);
    wrong["itemList"][0]["splyAmt"] = json!(862.07);
    assert_refused(
        send(&client, Function::InsertTrnsPurchase, &wrong).await,
        "910",
        "Invalid splyAmnt on item: 1. Expected: 1000.00, But Found: 862.07",
    );
    let mut wrong = purchase(1, own);
    wrong["regTyCd"] = Value::Null;
    assert_refused(send(&client, Function::InsertTrnsPurchase, &wrong).await, "910", "regTyCd cannot be empty or Null");

    send(&client, Function::InsertTrnsPurchase, &purchase(1, own)).await.unwrap();
    assert_refused(send(&client, Function::InsertTrnsPurchase, &purchase(1, own)).await, "994", "already recorded");
    // Confirmed: gone from the feed; confirming it again is a duplicate.
    assert!(client.select_purchase_sales("20180101000000").await.unwrap().is_empty());
    assert_refused(send(&client, Function::InsertTrnsPurchase, &purchase(2, own)).await, "994", "already confirmed");
    // A manual purchase needs no feed record and takes the next purchase number; sales still start at 1.
    // In-process feeds work as the admin API does.
    let mut another = supplier_sale();
    another["spplrInvcNo"] = json!(42);
    let mut impossible = another.clone();
    impossible["taxblAmtB"] = json!(1000);
    let e = sim.add_supplier_sale(PIN, "00", impossible).unwrap_err().to_string();
    assert!(e.contains("Invalid taxblAmtB. Expected: 862.07"), "{e}");
    sim.add_supplier_sale(PIN, "00", another.clone()).unwrap();
    assert!(sim.add_supplier_sale(PIN, "00", another).unwrap_err().to_string().contains("exists already"));
    assert_eq!(client.select_purchase_sales("20180101000000").await.unwrap().len(), 1);
    let mut manual = purchase(2, own);
    manual["regTyCd"] = json!("M");
    send(&client, Function::InsertTrnsPurchase, &manual).await.unwrap();
    let counters = admin_get(&sim, &format!("state/counters?tin={PIN}&bhfId=00")).await;
    assert_eq!((counters["nextPurchaseInvcNo"].as_u64(), counters["nextInvcNo"].as_u64()), (Some(3), Some(1)));
    sim.shutdown().await;
}

#[tokio::test]
async fn imports_are_listed_and_approved_once() {
    let Shop { sim, client, .. } = shop().await;
    let belts = item(1, "Lifting belts", TaxBand::B, 500_000, ItemType::Finished);
    register(&client, &belts).await;
    assert!(client.select_import_items("20180101000000").await.unwrap().is_empty());
    admin_post(
        &sim,
        "imports",
        json!({"tin": PIN, "item": {
            "taskCd": "20230209030843", "dclDe": "01022023", "itemSeq": 1, "dclNo": "23NBOIM401167364",
            "hsCd": "63079000", "itemNm": "N; LIFTING BELTS", "orgnNatCd": "DE", "exptNatCd": "DE",
            "pkg": 17, "pkgUnitCd": "KGM", "qty": 14, "qtyUnitCd": "KGM", "totWt": 140, "netWt": 14,
            "spplrNm": "SEITZ GMGH", "agntNm": "SCHENKER LIMITED", "invcFcurAmt": 11817.5, "invcFcurCd": "EUR",
            "invcFcurExcrt": 135.73}}),
    )
    .await;
    let imports = client.select_import_items("20180101000000").await.unwrap();
    assert_eq!(imports.len(), 1);
    let bad = sim.add_import(PIN, "00", json!({"taskCd": "T2", "dclDe": "20230201", "itemSeq": 1}));
    assert!(bad.unwrap_err().to_string().contains("DDMMYYYY"));
    assert_eq!(imports[0].value.impt_itemstts_cd.as_deref(), Some("2"));

    let update = |status: &str, remark: Option<&str>| ImportItemUpdateReq {
        task_cd: "20230209030843".into(),
        dcl_de: "01022023".into(),
        item_seq: 1,
        hs_cd: "63079000".into(),
        item_cls_cd: "5020230000".into(),
        item_cd: belts.code.to_string(),
        impt_item_stts_cd: status.into(),
        remark: remark.map(str::to_owned),
        modr_id: "till1".into(),
        modr_nm: "Till One".into(),
    };
    let mut wrong_date = update("3", Some("ok"));
    wrong_date.dcl_de = "20230201".into();
    assert_refused(client.update_import_item(&wrong_date).await, "910", "Invalid dclDe: expected a date DDMMYYYY");
    // SPEC §6.14 / §6.3: the classification of the own item is one of KRA's.
    let mut unlisted = update("3", Some("ok"));
    unlisted.item_cls_cd = "1234567890".into();
    assert_refused(
        client.update_import_item(&unlisted).await,
        "910",
        "Invalid itemClsCd: \"1234567890\" is not in the item classification list",
    );
    let mut unknown = update("3", Some("ok"));
    unknown.item_seq = 2;
    assert_refused(client.update_import_item(&unknown).await, "910", "Import item not found");
    // Observed live: approving with remark null answers 999.
    assert_refused(client.update_import_item(&update("3", None)).await, "999", "unknown error");
    client.update_import_item(&update("3", Some("Received in good order"))).await.unwrap();
    assert_refused(client.update_import_item(&update("4", Some("changed my mind"))).await, "994", "already processed");
    let imports = client.select_import_items("20180101000000").await.unwrap();
    assert_eq!(imports[0].value.impt_itemstts_cd.as_deref(), Some("3"));
    sim.shutdown().await;
}

#[tokio::test]
async fn purchase_parties_packages_and_purchase_credit_notes() {
    let Shop { sim, client, .. } = shop().await;
    let soda = item(1, "Soda", TaxBand::B, 10_000, ItemType::Finished);
    register(&client, &soda).await;
    let manual = |invc_no: u64| {
        let mut p = purchase(invc_no, soda.code.as_str());
        p["regTyCd"] = json!("M");
        p
    };
    let refused = |breaks: Box<dyn FnOnce(&mut Value)>| {
        let mut body = manual(1);
        breaks(&mut body);
        let client = &client;
        async move { refusal(send(client, Function::InsertTrnsPurchase, &body).await) }
    };
    // SPEC §1.1: PINs and branch ids have one shape.
    let (code, message) = refused(Box::new(|b| b["spplrTin"] = json!("P0000000012"))).await;
    assert_eq!(code, "910");
    assert_eq!(
        message,
        "Invalid spplrTin: \"P0000000012\" is not a KRA PIN (a capital letter, 9 digits and a capital letter)"
    );
    let (_, message) = refused(Box::new(|b| b["spplrBhfId"] = json!("0"))).await;
    assert_eq!(message, "Invalid spplrBhfId: \"0\" is not a branch id (two digits: 00 head office, 01 to 99 branches)");
    // SPEC §13.9: pkg 0 is refused.
    let (_, message) = refused(Box::new(|b| b["itemList"][0]["pkg"] = json!(0))).await;
    assert_eq!(message, "Invalid pkg on item: 1: the number of packages must be more than 0");
    // SPEC §6.17: a credit note after purchase needs a recorded purchase.
    let (_, message) = refused(Box::new(|b| b["rcptTyCd"] = json!("R"))).await;
    assert_eq!(message, "orgInvcNo does not exist: there is no recorded purchase 0 at this branch");

    send(&client, Function::InsertTrnsPurchase, &manual(1)).await.unwrap();
    // A purchase carries orgInvcNo 0, even when the number names a recorded purchase.
    let mut not_zero = manual(2);
    not_zero["orgInvcNo"] = json!(1);
    assert_refused(
        send(&client, Function::InsertTrnsPurchase, &not_zero).await,
        "910",
        "Invalid orgInvcNo: a purchase (rcptTyCd P) carries 0, found 1",
    );
    let mut credit = not_zero;
    credit["rcptTyCd"] = json!("R");
    send(&client, Function::InsertTrnsPurchase, &credit).await.unwrap();
    // ... and a credit note is not the original of another.
    let mut of_credit = manual(3);
    of_credit["rcptTyCd"] = json!("R");
    of_credit["orgInvcNo"] = json!(2);
    assert_refused(send(&client, Function::InsertTrnsPurchase, &of_credit).await, "910", "orgInvcNo does not exist");
    // The admin feed takes the supplier's PIN only as KRA writes it, so a confirmation can name it.
    let mut lower = supplier_sale();
    lower["spplrTin"] = json!("p000000001q");
    let e = sim.add_supplier_sale(PIN, "00", lower).unwrap_err().to_string();
    assert!(e.contains("sale.spplrTin is a KRA PIN as KRA writes it, found \"p000000001q\""), "{e}");
    sim.shutdown().await;
}

#[tokio::test]
async fn each_supplier_branch_numbers_its_own_sales() {
    let Shop { sim, client, .. } = shop().await;
    let soda = item(1, "Soda", TaxBand::B, 10_000, ItemType::Finished);
    register(&client, &soda).await;
    // SPEC §8.2: invoice 41 of the supplier's head office and invoice 41 of its branch 01 are two sales.
    let mut from_01 = supplier_sale();
    from_01["spplrBhfId"] = json!("01");
    sim.add_supplier_sale(PIN, "00", supplier_sale()).unwrap();
    sim.add_supplier_sale(PIN, "00", from_01).unwrap();
    assert_eq!(client.select_purchase_sales("20180101000000").await.unwrap().len(), 2);

    let confirm = |supplier_bhf: Option<&str>| {
        let mut p = purchase(1, soda.code.as_str());
        p["spplrBhfId"] = supplier_bhf.map_or(Value::Null, |b| json!(b));
        p
    };
    assert_refused(
        send(&client, Function::InsertTrnsPurchase, &confirm(Some("02"))).await,
        "910",
        "Missing purchase Record",
    );
    assert_refused(
        send(&client, Function::InsertTrnsPurchase, &confirm(None)).await,
        "910",
        "Missing spplrBhfId: supplier P000000001Q has an invoice 41 at more than one branch; name the branch",
    );
    send(&client, Function::InsertTrnsPurchase, &confirm(Some("01"))).await.unwrap();
    let left = client.select_purchase_sales("20180101000000").await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].value.spplr_bhf_id.as_deref(), Some("00"));
    // With one sale of that number left, the branch may be left out.
    send(&client, Function::InsertTrnsPurchase, &{
        let mut p = confirm(None);
        p["invcNo"] = json!(2);
        p
    })
    .await
    .unwrap();
    assert!(client.select_purchase_sales("20180101000000").await.unwrap().is_empty());
    sim.shutdown().await;
}
