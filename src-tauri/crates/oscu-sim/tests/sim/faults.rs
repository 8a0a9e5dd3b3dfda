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
