//! saveTrnsSalesOsdc: fields (910 naming the field), the tax split per line and header, the
//! unused-band rate, invcNo (shared with credit notes), 994, credit-note rules, stock, signatures,
//! and the read-backs.

use std::collections::BTreeMap;

use domain::{
    CreditNoteDraft, CreditNoteLineDraft, CreditNoteReason, Date, ItemType, OriginalSale, Qty, StockMoveType, TaxBand,
};
use oscu::{
    Function,
    wire::{StockIOSaveReq, TrnsSalesSaveWrReq},
};
use serde_json::{Value, json};

use crate::support::*;

/// A shop with soda (B, 80.00, 100 in stock), bread (A, 60.00, 100 in stock) and delivery (B service).
async fn stocked() -> (Shop, domain::Item, domain::Item, domain::Item) {
    let shop = shop().await;
    let soda = item(1, "Soda 500ml", TaxBand::B, 8_000, ItemType::Finished);
    let bread = item(2, "Bread", TaxBand::A, 6_000, ItemType::Finished);
    let delivery = item(3, "Delivery", TaxBand::B, 20_000, ItemType::Service);
    for i in [&soda, &bread, &delivery] {
        register(&shop.client, i).await;
    }
    stock_in(&shop.client, 1, &[(&soda, Qty::whole(100)), (&bread, Qty::whole(100))]).await;
    (shop, soda, bread, delivery)
}

fn is_base32(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

#[tokio::test]
async fn an_accepted_sale_is_signed_and_reads_back_as_stored() {
    let (Shop { sim, client, .. }, soda, bread, delivery) = stocked().await;
    let request = sale(1, &[(&soda, Qty::whole(2)), (&bread, Qty::whole(1)), (&delivery, Qty::whole(1))], Some(BUYER));
    let receipt = sell(&client, &request).await.unwrap();
    assert_eq!((receipt.cur_rcpt_no.get(), receipt.tot_rcpt_no.get()), (1, 1));
    assert_eq!(receipt.rcpt_sign.len(), 16);
    assert_eq!(receipt.intrl_data.len(), 26);
    assert!(is_base32(&receipt.rcpt_sign) && is_base32(&receipt.intrl_data), "{receipt:?}");
    assert!(domain::DateTime::parse_kra(&receipt.sdc_date_time).is_ok());

    let stored = client.select_invoice_details(1).await.unwrap().unwrap();
    assert_eq!(stored.invc_no.get(), 1);
    assert_eq!(stored.cust_tin.as_deref(), Some(BUYER));
    assert_eq!(stored.cfm_dt.as_deref(), Some("2026-11-21 10:15:00"));
    let r = stored.receipt.as_ref().unwrap();
    assert_eq!(r.rcpt_sign.as_deref(), Some(receipt.rcpt_sign.as_str()));
    assert_eq!(r.intrl_data.as_deref(), Some(receipt.intrl_data.as_str()));
    assert_eq!(r.rcpt_pbct_dt.as_deref(), Some("2026-11-21 10:15:00.0"));
    assert!(r.sdc_date_time.as_deref().unwrap().ends_with(".0"));
    assert_eq!(stored.item_list.len(), 3);
    assert_eq!(json_of(&stored.item_list[0])["itemCd"], json!(soda.code.as_str()));
    assert!(client.select_invoice_details(2).await.unwrap().is_none(), "an unknown number answers 001");
    // As in every recorded read-back: KRA does not return the till's trdInvcNo or the salesTyCd,
    // and the receipt carries rptNo.
    let raw = send(&client, Function::SelectInvoiceDetails, &json!({"invcNo": 1})).await.unwrap().unwrap();
    let read = &raw["salesList"][0];
    assert!(read.get("trdInvcNo").is_none() && read.get("salesTyCd").is_none(), "{read}");
    assert!(read["receipt"].get("rptNo").is_some(), "{read}");

    // The next receipt counts on; the signature changes with the invoice.
    let second = sell(
        &client,
        &sale(2, &[(&soda, Qty::whole(2)), (&bread, Qty::whole(1)), (&delivery, Qty::whole(1))], Some(BUYER)),
    )
    .await
    .unwrap();
    assert_eq!(second.cur_rcpt_no.get(), 2);
    assert_ne!(second.rcpt_sign, receipt.rcpt_sign);
    let books = admin_get(&sim, &format!("state/sales?tin={PIN}&bhfId=00")).await;
    assert_eq!(books.as_array().unwrap().len(), 2);
    assert_eq!(books[0]["receipt"]["rcptSign"], json!(receipt.rcpt_sign));
    sim.shutdown().await;
}

#[tokio::test]
async fn the_recorded_2026_gateway_sale_is_accepted() {
    // SPEC §9.2 / recorded/s2b-gw-2026-sendSalesTransaction-request-accepted.json, verbatim.
    let mut recorded: Value = serde_json::from_str(include_str!("recorded_sale.json")).unwrap();
    // The integrator left a 30-character placeholder in trdeNm (CHAR 20); the real value fitted.
    assert_eq!(recorded["receipt"]["trdeNm"], "<Trader Invoicing System Name>");
    recorded["receipt"]["trdeNm"] = json!("Duka");
    let Shop { sim, client, .. } = shop().await;
    let test_item = item(1, "Test Item", TaxBand::B, 10_000, ItemType::Finished);
    let mut save = json_of(&oscu::wire::ItemSaveReq::from_item(&test_item, &user()).unwrap());
    save["itemClsCd"] = json!("1010150000");
    send(&client, Function::SaveItem, &save).await.unwrap();
    stock_in(&client, 1, &[(&test_item, Qty::whole(1))]).await;
    send(&client, Function::SaveTrnsSalesOsdc, &recorded).await.unwrap();
    sim.shutdown().await;
}

/// A way of breaking a request.
type Breaks = Box<dyn FnOnce(&mut Value)>;

/// Sends a broken copy of a valid sale and returns KRA's refusal.
async fn broken(client: &oscu::Client, request: &Value, breaks: impl FnOnce(&mut Value)) -> (String, String) {
    let mut body = request.clone();
    breaks(&mut body);
    refusal(send(client, Function::SaveTrnsSalesOsdc, &body).await)
}

#[tokio::test]
async fn every_field_is_checked_and_named() {
    let (Shop { sim, client, .. }, soda, _, _) = stocked().await;
    let good = json_of(&sale(1, &[(&soda, Qty::whole(1))], None));
    let cases: Vec<(Breaks, &str)> = vec![
        (Box::new(|b| b["trdInvcNo"] = Value::Null), "trdInvcNo cannot be empty or Null"),
        (Box::new(|b| b["custNm"] = json!("x".repeat(61))), "Invalid custNm: at most 60 characters, found 61"),
        (Box::new(|b| b["custTin"] = json!("A00012345")), "Invalid custTin: \"A00012345\" is not a KRA PIN"),
        (Box::new(|b| b["salesDt"] = json!("21/11/2026")), "Invalid salesDt: expected a date YYYYMMDD"),
        (Box::new(|b| b["cfmDt"] = json!("20261121")), "Invalid cfmDt: expected a date-time YYYYMMDDhhmmss"),
        (Box::new(|b| b["pmtTyCd"] = json!("08")), "Invalid pmtTyCd: \"08\" is not a code of class 07"),
        (Box::new(|b| b["rcptTyCd"] = json!("P")), "Invalid rcptTyCd: \"P\" is not a code of class 37"),
        (Box::new(|b| b["totAmt"] = json!("80.00")), "Invalid totAmt: expected a number, found \"80.00\""),
        (Box::new(|b| b["totAmt"] = json!(80.001)), "Invalid totAmt: at most 2 decimals allowed"),
        (Box::new(|b| b["invcNo"] = json!(-1)), "Invalid invcNo: expected a whole number"),
        (Box::new(|b| b["prchrAcptcYn"] = json!("yes")), "Invalid prchrAcptcYn: expected Y or N"),
        (Box::new(|b| b["receipt"]["rcptPbctDt"] = Value::Null), "receipt.rcptPbctDt cannot be empty or Null"),
        (Box::new(|b| b["itemList"] = json!([])), "itemList cannot be empty or Null"),
        (
            Box::new(|b| {
                b["itemList"][0].as_object_mut().unwrap().remove("totAmt");
            }),
            "Expected a value for totAmt on item: 1 but it is empty or null",
        ),
        (
            Box::new(|b| b["itemList"][0]["itemNm"] = json!("")),
            "Expected a value for itemNm on item: 1 but it is empty or null",
        ),
        (
            Box::new(|b| b["itemList"][0]["itemNm"] = json!("   ")),
            "Expected a value for itemNm on item: 1 but it is empty or null",
        ),
        (
            Box::new(|b| b["itemList"][0]["qtyUnitCd"] = json!("XX")),
            "Invalid qtyUnitCd on item: 1: \"XX\" is not a code of class 10",
        ),
        (Box::new(|b| b["itemList"][0]["qty"] = json!(-1)), "Invalid qty on item: 1: must not be negative"),
    ];
    for (breaks, expected) in cases {
        let (code, message) = broken(&client, &good, breaks).await;
        assert_eq!(code, "910", "{message}");
        assert!(message.contains(expected), "expected {expected:?} in {message:?}");
    }
    // None of that used up invoice 1.
    sell(&client, &sale(1, &[(&soda, Qty::whole(1))], None)).await.unwrap();
    sim.shutdown().await;
}

#[tokio::test]
async fn the_tax_split_is_checked_per_line_and_in_the_header() {
    let (Shop { sim, client, .. }, soda, bread, _) = stocked().await;
    // 1 × 100.00 at B, as in SPEC §5's message.
    let mut hundred = soda.clone();
    hundred.default_price = domain::Money::from_cents(10_000);
    let good = json_of(&sale(1, &[(&hundred, Qty::whole(1))], None));
    let check = |breaks: Breaks, expected: &'static str| {
        let good = good.clone();
        let client = &client;
        async move {
            let (code, message) = broken(client, &good, breaks).await;
            assert_eq!(code, "910", "{message}");
            assert_eq!(message, expected);
        }
    };
    // The spec's Rwandan convention (taxable = gross) and the net-price convention are refused.
    check(
        Box::new(|b| {
            b["itemList"][0]["taxblAmt"] = json!(100);
            b["itemList"][0]["taxAmt"] = json!(0);
        }),
        "Invalid taxblAmt on item: 1. Expected: 86.21, But Found: 100.00",
    )
    .await;
    check(
        Box::new(|b| b["itemList"][0]["taxAmt"] = json!(16)),
        "Invalid taxAmt on item: 1. Expected: 13.79, But Found: 16.00",
    )
    .await;
    check(
        Box::new(|b| b["itemList"][0]["splyAmt"] = json!(86.21)),
        "Invalid splyAmnt on item: 1. Expected: 100.00, But Found: 86.21",
    )
    .await;
    check(
        Box::new(|b| b["itemList"][0]["totAmt"] = json!(116)),
        "Invalid totAmt on item: 1. Expected: 100.00, But Found: 116.00",
    )
    .await;
    check(Box::new(|b| b["itemList"][0]["pkg"] = json!(2)), "Invalid pkg for ItemList 1. Expected: 1, Found: 2").await;
    check(
        Box::new(|b| b["itemList"][0]["taxTyCd"] = json!("A")),
        "Invalid taxTyCd on item: 1. Item KE2NTNO0000001 is registered with B, But Found: A",
    )
    .await;
    check(Box::new(|b| b["taxblAmtB"] = json!(100)), "Invalid taxblAmtB. Expected: 86.21, But Found: 100.00").await;
    check(Box::new(|b| b["taxAmtB"] = json!(13.8)), "Invalid taxAmtB. Expected: 13.79, But Found: 13.80").await;
    check(Box::new(|b| b["totAmt"] = json!(116)), "Invalid totAmt. Expected: 100.00, But Found: 116.00").await;
    check(Box::new(|b| b["totItemCnt"] = json!(2)), "Invalid totItemCnt. Expected: 1, But Found: 2").await;
    // The unused-band rate rule (SPEC §9.3 conflict; domain::tax::header_rate).
    check(Box::new(|b| b["taxRtE"] = json!(8)), "Rule taxRtE failed: Tax rate mismatch. Expected: 0.00, Found: 8")
        .await;
    check(Box::new(|b| b["taxRtB"] = json!(18)), "Rule taxRtB failed: Tax rate mismatch. Expected: 16.00, Found: 18")
        .await;
    // B keeps 16 even when unused: a sale of A-only goods carries taxRtB 16.
    let a_only = json_of(&sale(1, &[(&bread, Qty::whole(1))], None));
    assert_eq!(a_only["taxRtB"], json!(16));
    let (_, message) = broken(&client, &a_only, |b| b["taxRtB"] = json!(0)).await;
    assert_eq!(message, "Rule taxRtB failed: Tax rate mismatch. Expected: 16.00, Found: 0");
    send(&client, Function::SaveTrnsSalesOsdc, &good).await.unwrap();
    sim.shutdown().await;
}

#[tokio::test]
async fn invoice_numbers_advance_only_on_acceptance_and_resends_answer_994() {
    let (Shop { sim, client, .. }, soda, _, _) = stocked().await;
    assert_refused(
        sell(&client, &sale(2, &[(&soda, Qty::whole(1))], None)).await,
        "910",
        "Invalid invcNo sequence, expected: 1 but found: 2",
    );
    let first = sale(1, &[(&soda, Qty::whole(1))], None);
    sell(&client, &first).await.unwrap();
    // The same document again: already recorded.
    assert_refused(sell(&client, &first).await, "994", "already recorded");
    // Number 1 with new content, or a number ahead: the sequence error naming 2.
    assert_refused(sell(&client, &sale(1, &[(&soda, Qty::whole(3))], None)).await, "910", "expected: 2 but found: 1");
    assert_refused(sell(&client, &sale(5, &[(&soda, Qty::whole(1))], None)).await, "910", "expected: 2 but found: 5");
    sell(&client, &sale(2, &[(&soda, Qty::whole(1))], None)).await.unwrap();
    let counters = admin_get(&sim, &format!("state/counters?tin={PIN}&bhfId=00")).await;
    assert_eq!(counters["nextInvcNo"], 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn goods_cannot_be_sold_beyond_the_stock_kra_was_told_about() {
    let Shop { sim, client, .. } = shop().await;
    let soda = item(1, "Soda", TaxBand::B, 8_000, ItemType::Finished);
    let delivery = item(2, "Delivery", TaxBand::B, 20_000, ItemType::Service);
    register(&client, &soda).await;
    register(&client, &delivery).await;
    assert_refused(
        sell(&client, &sale(1, &[(&soda, Qty::whole(1))], None)).await,
        "910",
        "Insufficient Stock for item KE2NTNO0000001. Available: 0.00, Requested: 1.00",
    );
    // Services need no stock.
    sell(&client, &sale(1, &[(&delivery, Qty::whole(1))], None)).await.unwrap();
    stock_in(&client, 1, &[(&soda, Qty::whole(2))]).await;
    // Two lines of the same item count together.
    assert_refused(
        sell(&client, &sale(2, &[(&soda, Qty::whole(2)), (&soda, Qty::whole(1))], None)).await,
        "910",
        "Requested: 3.00",
    );
    sell(&client, &sale(2, &[(&soda, Qty::whole(2))], None)).await.unwrap();
    let unknown = item(9, "Ghost", TaxBand::B, 100, ItemType::Finished);
    assert_refused(
        sell(&client, &sale(3, &[(&unknown, Qty::whole(1))], None)).await,
        "910",
        "Item KE2NTNO0000009 does not exist in your inventory",
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_apps_own_documents_pass_sale_stock_out_credit_note_and_return() {
    // Everything built by domain + oscu::build, as the app sends it.
    let (Shop { sim, client, .. }, soda, bread, delivery) = stocked().await;
    let sold = invoice(&[(&soda, Qty::whole(3)), (&bread, Qty::whole(1)), (&delivery, Qty::whole(1))], Some(BUYER));
    sell(&client, &TrnsSalesSaveWrReq::from_invoice(&sold, &header(1)).unwrap()).await.unwrap();
    let out = StockIOSaveReq::from_document_lines(&stock_header(2, StockMoveType::Sale), &sold.lines).unwrap();
    client.insert_stock_io(&out).await.unwrap();
    client.save_stock_master(&master(&soda, Qty::whole(97))).await.unwrap();

    let day = Date::new(2026, 11, 21).unwrap();
    let draft = CreditNoteDraft {
        reason: CreditNoteReason::Damaged,
        buyer_pin: Some(BUYER.into()),
        date: day,
        lines: vec![CreditNoteLineDraft { sale_line: 1, qty: Qty::whole(1) }],
    };
    let note =
        draft.finalise(OriginalSale { invoice: &sold, date: day, credited: &BTreeMap::new() }, &rates()).unwrap();
    let receipt = sell(&client, &TrnsSalesSaveWrReq::from_credit_note(&note, 1, &header(2)).unwrap()).await.unwrap();
    assert_eq!(receipt.cur_rcpt_no.get(), 2);
    let back = StockIOSaveReq::from_document_lines(&stock_header(3, StockMoveType::ReturnIn), &note.lines).unwrap();
    client.insert_stock_io(&back).await.unwrap();
    client.save_stock_master(&master(&soda, Qty::whole(98))).await.unwrap();
    assert_eq!(sim.stock_total(PIN, "00", soda.code.as_str()), Qty::whole(98));
    sim.shutdown().await;
}

fn credit_note(original: &Value, invc_no: u64, org: u64) -> Value {
    let mut note = original.clone();
    note["invcNo"] = json!(invc_no);
    note["orgInvcNo"] = json!(org);
    note["rcptTyCd"] = json!("R");
    note["trdInvcNo"] = json!(format!("CN-{invc_no}"));
    note["rfdDt"] = json!("20261121120000");
    note["rfdRsnCd"] = json!(CreditNoteReason::Refund.code());
    note
}

#[tokio::test]
async fn credit_notes_follow_kras_rules_and_share_the_invoice_series() {
    let (Shop { sim, client, .. }, soda, _, _) = stocked().await;
    let original = json_of(&sale(1, &[(&soda, Qty::whole(2))], Some(BUYER)));
    send(&client, Function::SaveTrnsSalesOsdc, &original).await.unwrap();
    let note = credit_note(&original, 2, 1);

    let refused = |breaks: Breaks| {
        let mut body = note.clone();
        breaks(&mut body);
        let client = &client;
        async move { refusal(send(client, Function::SaveTrnsSalesOsdc, &body).await) }
    };
    assert_eq!(refused(Box::new(|b| b["rfdDt"] = Value::Null)).await.1, "Missing RfdDt Date");
    assert_eq!(refused(Box::new(|b| b["rfdRsnCd"] = Value::Null)).await.1, "Invalid RfdRsnCd");
    assert_eq!(refused(Box::new(|b| b["rfdRsnCd"] = json!("99"))).await.1, "Invalid RfdRsnCd");
    let (_, msg) = refused(Box::new(|b| b["orgInvcNo"] = json!(7))).await;
    assert!(msg.starts_with("orgInvcNo does not exist"), "{msg}");
    let (_, msg) = refused(Box::new(|b| {
        b["custTin"] = Value::Null;
        b["receipt"]["custTin"] = Value::Null;
    }))
    .await;
    assert!(msg.contains("Expected: A000123456F, But Found: null"), "{msg}");
    // A sale must carry orgInvcNo 0.
    let mut bad_sale = json_of(&sale(2, &[(&soda, Qty::whole(1))], None));
    bad_sale["orgInvcNo"] = json!(1);
    assert_refused(send(&client, Function::SaveTrnsSalesOsdc, &bad_sale).await, "910", "Invalid orgInvcNo");

    // Accepted, numbered 2 in the same series; a credit note of a credit note is refused.
    send(&client, Function::SaveTrnsSalesOsdc, &note).await.unwrap();
    let stored = client.select_invoice_details(2).await.unwrap().unwrap();
    assert_eq!(stored.rcpt_ty_cd.as_deref(), Some("R"));
    assert_eq!(stored.rfd_dt.as_deref(), Some("2026-11-21 12:00:00"));
    assert_eq!(stored.receipt.as_ref().unwrap().cur_rcpt_no.map(|c| c.get()), Some(2));
    assert_refused(
        send(&client, Function::SaveTrnsSalesOsdc, &credit_note(&original, 3, 2)).await,
        "910",
        "orgInvcNo does not exist",
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn concurrent_senders_of_one_number_get_exactly_one_acceptance() {
    let (Shop { sim, key, .. }, soda, _, _) = stocked().await;
    let mut tasks = Vec::new();
    for qty in 1..=8 {
        let client = direct(&sim, "00");
        client.set_cmc_key(key.clone());
        let request = sale(1, &[(&soda, Qty::whole(qty))], None);
        tasks.push(tokio::spawn(async move { sell(&client, &request).await.is_ok() }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += usize::from(t.await.unwrap());
    }
    assert_eq!(accepted, 1);
    let books = admin_get(&sim, &format!("state/sales?tin={PIN}&bhfId=00")).await;
    assert_eq!(books.as_array().unwrap().len(), 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn only_approved_originals_are_signed_never_copies_or_credited_proformas() {
    let (Shop { sim, client, .. }, soda, _, _) = stocked().await;
    let good = json_of(&sale(1, &[(&soda, Qty::whole(1))], Some(BUYER)));
    // SPEC §6.15 / §8.4: submitted approved (02); cancellation statuses are not a way to correct.
    for status in ["01", "03", "04", "05", "06"] {
        let (code, message) = broken(&client, &good, |b| b["salesSttsCd"] = json!(status)).await;
        assert_eq!(code, "910", "{message}");
        assert!(
            message.starts_with(&format!(
                "Invalid salesSttsCd: a sale or credit note is submitted approved (02), found \"{status}\""
            )),
            "{message}"
        );
    }
    // SPEC §11: a copy is a reprint, never a new submission.
    let (_, message) = broken(&client, &good, |b| b["salesTyCd"] = json!("C")).await;
    assert_eq!(message, "Invalid salesTyCd: a copy (C) is a reprint of a signed receipt and is not sent again");
    send(&client, Function::SaveTrnsSalesOsdc, &good).await.unwrap();
    // A proforma has no credit-note label (NC/CC/TC exist, no PC).
    let mut note = credit_note(&good, 2, 1);
    note["salesTyCd"] = json!("P");
    assert_refused(
        send(&client, Function::SaveTrnsSalesOsdc, &note).await,
        "910",
        "Invalid salesTyCd: a proforma (P) cannot be credited (rcptTyCd R)",
    );
    note["salesTyCd"] = json!("N");
    send(&client, Function::SaveTrnsSalesOsdc, &note).await.unwrap();
    sim.shutdown().await;
}

#[tokio::test]
async fn a_credit_note_is_not_dated_before_its_invoice() {
    let (Shop { sim, client, .. }, soda, _, _) = stocked().await;
    let original = json_of(&sale(1, &[(&soda, Qty::whole(2))], Some(BUYER)));
    assert_eq!(original["salesDt"], "20261121");
    send(&client, Function::SaveTrnsSalesOsdc, &original).await.unwrap();
    let note = credit_note(&original, 2, 1);
    let mut early = note.clone();
    early["salesDt"] = json!("20261120");
    early["cfmDt"] = json!("20261120170000");
    assert_refused(
        send(&client, Function::SaveTrnsSalesOsdc, &early).await,
        "910",
        "Invalid salesDt: a credit note cannot be dated before its original invoice 1 of 20261121, found 20261120",
    );
    let mut early = note.clone();
    early["rfdDt"] = json!("20261120235959");
    assert_refused(
        send(&client, Function::SaveTrnsSalesOsdc, &early).await,
        "910",
        "Invalid rfdDt: a credit note cannot be dated before its original invoice 1 of 20261121, found 20261120235959",
    );
    // The same day is fine whatever the hour (the app sends the note's date at 00:00:00).
    let mut same_day = note;
    same_day["rfdDt"] = json!("20261121000000");
    send(&client, Function::SaveTrnsSalesOsdc, &same_day).await.unwrap();
    sim.shutdown().await;
}
