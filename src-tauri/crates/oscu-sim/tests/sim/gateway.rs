//! The GavaConnect front door: token endpoint, bearer + app id, identity in the body, the
//! responseHeader/responseBody wrapper, string counters, gateway-only lookups.

use domain::{ItemType, Qty, TaxBand};
use oscu::{ClientConfig, FrontDoor};
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn the_gateway_needs_a_token_and_wraps_every_answer() {
    let sim = start().await;
    // Wrong client credentials: no token.
    let bad = oscu::Client::new(ClientConfig::new(
        FrontDoor::Gateway {
            base_url: sim.base_url_gateway(),
            token_url: sim.token_url(),
            consumer_key: "nobody".into(),
            consumer_secret: oscu::SecretText::new("nothing"),
            apigee_app_id: sim.gateway_credentials().app_id.clone(),
        },
        PIN,
        "00",
    ))
    .unwrap();
    assert!(matches!(bad.initialize(SERIAL_00).await, Err(oscu::Error::Token { .. })));

    // Without a bearer token the gateway answers 401 before KRA sees the call.
    let raw = http()
        .post(format!("{}/selectCodeList", sim.base_url_gateway()))
        .json(&json!({"lastReqDt": "20180101000000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 401);

    let client = gateway(&sim, "00");
    let info = client.initialize(SERIAL_00).await.unwrap();
    assert!(info.sdc_id.unwrap().starts_with("KRACU"));
    let soda = item(1, "Soda", TaxBand::B, 10_000, ItemType::Finished);
    register(&client, &soda).await;
    stock_in(&client, 1, &[(&soda, Qty::whole(5))]).await;
    // Slash paths and renamed lookups of the gateway.
    client.save_stock_master(&master(&soda, Qty::whole(5))).await.unwrap();
    assert_eq!(client.select_customer(PIN).await.unwrap().len(), 1);
    assert_eq!(client.select_branches("20180101000000").await.unwrap().len(), 2);
    assert!(!client.select_codes("20180101000000").await.unwrap().is_empty());
    let receipt = sell(&client, &sale(1, &[(&soda, Qty::whole(1))], None)).await.unwrap();
    assert_eq!(receipt.cur_rcpt_no.get(), 1);
    // Refusals come back wrapped, with KRA's code inside responseBody.
    assert_refused(sell(&client, &sale(1, &[(&soda, Qty::whole(9))], None)).await, "910", "expected: 2 but found: 1");

    let all = client.select_sales_transactions("20180101000000").await.unwrap();
    assert_eq!(all.len(), 1);
    let detail = client.select_invoice_details(1).await.unwrap().unwrap();
    assert_eq!(detail.receipt.unwrap().rcpt_sign.as_deref(), Some(receipt.rcpt_sign.as_str()));
    let taxpayer = client.select_taxpayer_info().await.unwrap().unwrap();
    assert_eq!(taxpayer.taxpr_nm.as_deref(), Some("Simulated taxpayer P051234567X"));
    assert!(client.select_purchase_sales("20180101000000").await.unwrap().is_empty());
    assert!(client.select_stock_moves("20180101000000").await.unwrap().is_empty());
    sim.shutdown().await;
}

/// One raw gateway call with a fresh token, for checking the wire shape itself.
async fn raw_gateway(sim: &oscu_sim::RunningSim, path: &str, key: &str, body: Value) -> (u16, Value) {
    let c = sim.gateway_credentials();
    let http = http();
    let token: Value = http
        .get(format!("{}?grant_type=client_credentials", sim.token_url()))
        .basic_auth(&c.consumer_key, Some(&c.consumer_secret))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["expires_in"], "3599");
    let r = http
        .post(format!("{}/{path}", sim.base_url_gateway()))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .header("apigee_app_id", &c.app_id)
        .header("tin", PIN)
        .header("bhfId", "00")
        .header("cmcKey", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn gateway_wire_shape_matches_the_recorded_replies() {
    let Shop { sim, client, key } = shop().await;
    let soda = item(1, "Soda", TaxBand::B, 10_000, ItemType::Finished);
    register(&client, &soda).await;
    stock_in(&client, 1, &[(&soda, Qty::whole(5))]).await;
    let body = json_of(&sale(1, &[(&soda, Qty::whole(1))], None));
    let (status, reply) = raw_gateway(&sim, "sendSalesTransaction", key.expose(), body.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(reply["responseHeader"]["responseCode"], 200);
    let env = &reply["responseBody"];
    assert_eq!((env["resultCd"].as_str(), env["resultMsg"].as_str()), (Some("000"), Some("Successful")));
    assert_eq!(env["resultDt"].as_str().map(str::len), Some(14));
    // Counters are strings on the gateway (as recorded), numbers on the direct host.
    assert_eq!(env["data"]["curRcptNo"], "1");
    assert_eq!(env["data"]["totRcptNo"], "1");

    let (status, reply) = raw_gateway(&sim, "sendSalesTransaction", key.expose(), body).await;
    assert_eq!(status, 400);
    assert_eq!(reply["responseBody"]["resultCd"], "994");
    assert!(reply["responseHeader"]["debugMessage"].as_str().unwrap().contains("already recorded"));

    // Lookups that want tin/bhfId in the body say so.
    let (status, reply) =
        raw_gateway(&sim, "getPurchaseTransactionInfo", key.expose(), json!({"lastReqDt": "20180101000000"})).await;
    assert_eq!(status, 400);
    assert!(reply["responseHeader"]["debugMessage"].as_str().unwrap().contains("Missing Tin"), "{reply}");

    let direct: Value = http()
        .post(format!("{}/selectInvoiceDetails", sim.base_url_direct()))
        .header("tin", PIN)
        .header("bhfId", "00")
        .header("cmcKey", key.expose())
        .json(&json!({"invcNo": 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(direct["data"]["salesList"][0]["receipt"]["curRcptNo"], 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn identity_in_the_gateway_body_must_be_the_callers() {
    let Shop { sim, key, .. } = shop().await;
    // SPEC §1.2: these lookups read tin and bhfId from the body; they must name the caller's branch.
    let (status, reply) = raw_gateway(
        &sim,
        "selectStockMoveLists",
        key.expose(),
        json!({"tin": PIN, "bhfId": "01", "lastReqDt": "20180101000000"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        reply["responseHeader"]["debugMessage"], "bhfId in the body (01) does not match the bhfId header",
        "{reply}"
    );
    let (status, reply) = raw_gateway(
        &sim,
        "selectStockMoveLists",
        key.expose(),
        json!({"tin": PIN, "bhfId": "00", "lastReqDt": "20180101000000"}),
    )
    .await;
    assert_eq!((status, &reply["responseBody"]["resultCd"]), (200, &json!("001")), "{reply}");
    sim.shutdown().await;
}
