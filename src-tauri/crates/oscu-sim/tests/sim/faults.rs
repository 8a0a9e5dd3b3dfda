//! Fault injection through /_sim/faults and the library: each kind, per function and call number.

use std::time::Duration;

use domain::{ItemType, Qty, TaxBand};
use oscu_sim::{Fault, FaultRule};
use serde_json::json;

use crate::support::*;

fn rule(function: &str, call: Option<u64>, fault: Fault) -> FaultRule {
    FaultRule { function: function.into(), call, fault }
}

#[tokio::test]
async fn each_fault_kind_hits_the_scripted_call_only() {
    let Shop { sim, client, .. } = shop().await;
    // Scripted over HTTP: the second code-list call fails with 503.
    admin_post(
        &sim,
        "faults",
        json!([{"function": "selectCodeList", "call": 2, "fault": {"kind": "http_status", "status": 503}}]),
    )
    .await;
    client.select_codes("20180101000000").await.unwrap();
    let e = client.select_codes("20180101000000").await.unwrap_err();
    assert!(matches!(e, oscu::Error::HttpStatus { status: 503, .. }), "{e:?}");
    client.select_codes("20180101000000").await.unwrap();
    let script = admin_get(&sim, "faults").await;
    assert_eq!(script["calls"]["selectCodeList"], 3);

    sim.set_faults(vec![rule("selectBhfList", Some(1), Fault::Reset)]).unwrap();
    let e = client.select_branches("20180101000000").await.unwrap_err();
    assert!(matches!(e, oscu::Error::Connect { .. }), "{e:?}");
    assert_eq!(client.select_branches("20180101000000").await.unwrap().len(), 2);

    sim.set_faults(vec![rule("selectNoticeList", None, Fault::MalformedBody)]).unwrap();
    let e = client.select_notices("20180101000000").await.unwrap_err();
    assert!(matches!(e, oscu::Error::DecodeResponse { .. }), "{e:?}");

    sim.set_faults(vec![rule("selectItemList", None, Fault::GatewayFailure200)]).unwrap();
    let e = client.select_items("20180101000000").await.unwrap_err();
    assert!(matches!(e, oscu::Error::Gateway { code: None, .. }), "{e:?}");

    sim.set_faults(vec![rule("selectItemClsList", None, Fault::LatencyMs { ms: 20 })]).unwrap();
    assert!(!client.select_item_classes("20180101000000").await.unwrap().is_empty());

    // "The line is down": every call fails until the script is cleared.
    let r = http()
        .post(format!("{}/faults", sim.admin_url()))
        .json(&json!([{"function": "*", "fault": {"kind": "http_status", "status": 502}}]))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert!(client.select_codes("20180101000000").await.is_err());
    assert!(client.select_notices("20180101000000").await.is_err());
    http().delete(format!("{}/faults", sim.admin_url())).send().await.unwrap();
    client.select_codes("20180101000000").await.unwrap();

    // A script naming no function is refused.
    let r = http()
        .post(format!("{}/faults", sim.admin_url()))
        .json(&json!([{"function": "sellEverything", "fault": {"kind": "reset"}}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn record_then_hang_records_the_sale_and_the_resend_answers_994() {
    let Shop { sim, client, key } = shop().await;
    let soda = item(1, "Soda", TaxBand::B, 10_000, ItemType::Finished);
    register(&client, &soda).await;
    stock_in(&client, 1, &[(&soda, Qty::whole(5))]).await;
    let impatient = direct_with_timeout(&sim, "00", Duration::from_secs(1));
    impatient.set_cmc_key(key);
    sim.set_faults(vec![rule("sendSalesTransaction", Some(1), Fault::RecordThenHang { secs: 600 })]).unwrap();
    let request = sale(1, &[(&soda, Qty::whole(1))], None);
    let e = sell(&impatient, &request).await.unwrap_err();
    assert!(matches!(e, oscu::Error::Timeout { .. }), "{e:?}");
    // KRA kept it: the recovery lookup finds it, and resending is a duplicate, not a new sale.
    let stored = client.select_invoice_details(1).await.unwrap().unwrap();
    assert_eq!(stored.invc_no.get(), 1);
    assert_refused(sell(&client, &request).await, "994", "already recorded");
    // Shutting down releases the hung answer instead of waiting ten minutes.
    sim.shutdown().await;
}

#[tokio::test]
async fn the_token_endpoint_can_fail_too() {
    let sim = start().await;
    sim.set_faults(vec![rule("token", None, Fault::HttpStatus { status: 500 })]).unwrap();
    let client = gateway(&sim, "00");
    let e = client.initialize(SERIAL_00).await.unwrap_err();
    assert!(matches!(e, oscu::Error::Token { .. } | oscu::Error::HttpStatus { status: 500, .. }), "{e:?}");
    // The device was not touched: once the token endpoint is back, initialisation works.
    sim.clear_faults();
    client.initialize(SERIAL_00).await.unwrap();
    sim.shutdown().await;
}

/// A scripted refusal answers with KRA's envelope, on either front door, without touching the
/// books: the client reads it as KRA's own refusal.
#[tokio::test]
async fn a_scripted_refusal_answers_kra_s_code_and_message_without_processing() {
    let Shop { sim, client, key } = shop().await;
    let soda = item(1, "Soda", TaxBand::B, 10_000, ItemType::Finished);
    register(&client, &soda).await;
    stock_in(&client, 1, &[(&soda, Qty::whole(5))]).await;
    let mismatch = "rsdQty mismatch. Expected: 4 but found: 5";
    sim.set_faults(vec![rule(
        "save/stockMaster",
        Some(1),
        Fault::Refuse { code: "910".into(), message: mismatch.into() },
    )])
    .unwrap();
    // KRA's total is 5, so the balance is right: only the script refuses it.
    let e = client.save_stock_master(&master(&soda, Qty::whole(5))).await.unwrap_err();
    assert_eq!(e.refusal(), Some(oscu::Refusal::StockBalanceMismatch { expected: Some(Qty::whole(4)) }), "{e}");
    assert_eq!(sim.stock_total(PIN, "00", soda.code.as_str()), Qty::whole(5));
    client.save_stock_master(&master(&soda, Qty::whole(5))).await.unwrap();

    // Through the gateway: HTTP 400 with the envelope inside, as KRA's gateway refuses.
    let through_gateway = gateway(&sim, "00");
    through_gateway.set_cmc_key(key);
    sim.set_faults(vec![rule(
        "saveTrnsSalesOsdc",
        None,
        Fault::Refuse { code: "910".into(), message: "Insufficient Stock".into() },
    )])
    .unwrap();
    let e = sell(&through_gateway, &sale(1, &[(&soda, Qty::whole(1))], None)).await.unwrap_err();
    assert!(matches!(&e, oscu::Error::Gateway { status: 400, code: Some(c), .. } if c == "910"), "{e:?}");
    assert_eq!(e.refusal(), Some(oscu::Refusal::InsufficientStock));
    assert!(sim.state("sales", PIN, "00").unwrap().as_array().unwrap().is_empty(), "nothing was recorded");

    // A refusal needs a refusing code.
    let r = http()
        .post(format!("{}/faults", sim.admin_url()))
        .json(&json!([{"function": "saveItem", "fault": {"kind": "refuse", "code": "000", "message": "ok"}}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    sim.shutdown().await;
}

/// While recording, every call is logged with its bytes and KRA's answer: how tests count the
/// sends of one invoice, the balances refused, or the numbers read back, without wrapping the
/// client.
#[tokio::test]
async fn the_call_log_keeps_each_request_and_kra_s_answer_while_recording() {
    let Shop { sim, client, .. } = shop().await;
    let soda = item(1, "Soda", TaxBand::B, 10_000, ItemType::Finished);
    register(&client, &soda).await;
    assert!(sim.calls().is_empty(), "off until asked for");
    sim.record_calls();
    stock_in(&client, 1, &[(&soda, Qty::whole(5))]).await;
    let refused = client.save_stock_master(&master(&soda, Qty::whole(7))).await.unwrap_err();
    assert_eq!(refused.refusal(), Some(oscu::Refusal::StockBalanceMismatch { expected: Some(Qty::whole(5)) }));
    let request = sale(1, &[(&soda, Qty::whole(1))], None);
    sell(&client, &request).await.unwrap();
    sim.set_faults(vec![rule("selectInvoiceDetails", Some(1), Fault::HttpStatus { status: 503 })]).unwrap();
    client.select_invoice_details(1).await.unwrap_err();
    client.select_invoice_details(1).await.unwrap();

    let calls = sim.calls();
    let functions: Vec<&str> = calls.iter().map(|c| c.function.as_str()).collect();
    assert_eq!(
        functions,
        ["insertStockIO", "saveStockMaster", "saveTrnsSalesOsdc", "selectInvoiceDetails", "selectInvoiceDetails"]
    );
    assert_eq!(calls.iter().map(|c| c.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(calls[0].number("sarNo"), Some(1));
    assert!(calls[0].accepted());
    assert_eq!(calls[1].refusal(), Some(oscu::Refusal::StockBalanceMismatch { expected: Some(Qty::whole(5)) }));
    assert_eq!(calls[2].body, serde_json::to_string(&request).unwrap(), "the bytes as sent");
    assert_eq!(calls[2].invc_no(), Some(1));
    assert_eq!(calls[2].result_cd.as_deref(), Some("000"));
    assert_eq!(calls[3].fault, Some(Fault::HttpStatus { status: 503 }));
    assert_eq!((calls[3].result_cd.as_deref(), calls[3].refusal()), (None, None), "no envelope");
    assert!(calls.iter().all(|c| c.answered >= c.received));
    let sales = sim.calls_of("sendSalesTransaction");
    assert_eq!(sales.len(), 1, "found by its gateway path too");
    sim.wait_for_calls("selectInvoiceDetails", 2).await;

    // Over HTTP: the same log; stopping keeps it, starting again empties it.
    let log = admin_get(&sim, "calls").await;
    assert_eq!(log["recording"], true);
    assert_eq!(log["calls"][2]["body"], calls[2].body.as_str(), "the body is kept as text");
    assert_eq!(log["calls"][1]["resultMsg"], calls[1].result_msg.clone().unwrap());
    http().delete(format!("{}/calls", sim.admin_url())).send().await.unwrap();
    client.select_invoice_details(1).await.unwrap();
    assert_eq!(sim.calls().len(), 5, "not recording");
    admin_post(&sim, "calls", json!({})).await;
    client.select_invoice_details(1).await.unwrap();
    assert_eq!(sim.calls().len(), 1);
    assert_eq!(sim.calls()[0].seq, 1);
    sim.shutdown().await;
}
